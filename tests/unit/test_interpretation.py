"""Interpretation without Neo4j: questions read into Readings over an
in-memory set of pages (the assistant test org), through the same ranking
and partial-name policy the real linker uses. Phrasings are written here,
apart from the lexicon, to check that readings generalise."""
from __future__ import annotations

from datetime import date

import pytest

from graph.model import PAGE_LABELS
from kiki.assistant import engine, lexicon, linking
from kiki.assistant.reading import InvalidReading, from_dict, validate
from tests.assistant_org import org_batch

REF = date(2026, 11, 24)
ROWS = [{"label": e.label, "key": e.key, "name": e.name, "aliases": e.aliases, "score": 1.0,
         "detail": e.props.get("title", ""), "kind": e.props.get("kind", "")}
        for e in org_batch().entities if e.label != "Step"]
ROWS += [{"label": "Team", "key": "data-platform", "name": "Data Platform", "aliases": [], "score": 1.0,
          "detail": "", "kind": ""}]


def _link_with(*extra):
    """The linker over the test org plus `extra` pages (label, key, name)."""
    added = [{"aliases": [], "score": 1.0, "detail": "", "kind": "", **e} for e in extra]

    def link_rows(text, types):
        rows = ROWS + added  # ROWS as it is now: tests may add pages to it
        hint = next((lexicon.LABEL_WORDS[w][0] for w in text.lower().split()
                     if w in lexicon.LABEL_WORDS and lexicon.LABEL_WORDS[w][0]), None)
        return linking.classify(text, linking.rank(text, rows, list(types or PAGE_LABELS)), hint)
    return link_rows


link = _link_with()


ME = {"me": {"key": "ana-costa", "name": "Ana Costa"}, "teams": [{"key": "risk-data", "name": "Risk Data"}],
      "departments": [{"key": "engineering", "name": "Engineering"}],
      "managers": [{"key": "dan-okafor", "name": "Dan Okafor"}]}


def read(question, asker="ana-costa", state=None):
    interp, _ = engine.understand(question, link, lambda: ME, asker, state, today=REF)
    return interp


def path(question, **kw):
    r = read(question, **kw).reading
    assert r is not None, read(question, **kw)
    return [(s.sense, s.repeat) for s in r.path]


@pytest.mark.parametrize("question,expected", [
    ("Ana Costa's boss's boss", [("manager", 1), ("manager", 1)]),
    ("who is the boss of the boss of ana costa?", [("manager", 1), ("manager", 1)]),
    ("what's gina park's 2nd-level manager", [("manager", 2)]),
    ("skip level manager of Frank Liu", [("manager", 2)]),
    ("show everyone above Gina Park in the org chart", [("chain", 1)]),
    ("Frank Liu answers to whom", [("manager", 1)]),
    ("Gina Park -- who is their supervisor?", [("manager", 1)]),
    ("who does frank liu work for", [("manager", 1)]),
    ("people managed by Dan Okafor", [("reports", 1)]),
    ("whom does Dan Okafor supervise", [("reports", 1)]),
    ("who heads Finance", [("lead", 1)]),
    ("who is in charge of the payments team", [("lead", 1)]),
    ("which people lead teams in Engineering", [("unit_leads", 1)]),
    ("what APIs does ledger service expose", [("provides", 1)]),
    ("what is the risk engine consuming", [("consumes", 1)]),
    ("which system does the risk engine worker belong to", [("parent_system", 1)]),
    ("sub-components of the risk engine", [("parts", 1)]),
    ("what would break if the ledger api goes down", [("dependents", 1)]),
    ("what does the risk engine rely on", [("dependencies", 1)]),
    ("which teams sit under Engineering", [("subunits", 1)]),
    ("how many people work in the Payments squad", [("members", 1)]),
])
def test_paths_in_either_direction_and_any_length(question, expected):
    assert path(question) == expected


def test_readings_say_what_was_understood():
    assert read("Ana Costa's boss's boss").reading.describe() == "the manager of the manager of Ana Costa"
    assert read("how many engineers are in Engineering").reading.describe() == \
        "the number of people whose title says engineer in Engineering"
    assert read("does Dan Okafor manage anyone?").reading.describe() == \
        "whether there are any people who report to Dan Okafor"


def test_aggregates_and_filters():
    r = read("how many developers are in Payments").reading
    assert r.aggregate == "count" and [(f.field, f.values) for f in r.filters] == [("title", ("developer", "engineer"))]
    r = read("who in Payments is based in Berlin").reading
    assert ("location", ("Berlin",)) in [(f.field, f.values) for f in r.filters]
    r = read("list the retired APIs").reading
    assert r.subject.kind == "all" and {(f.field, f.values) for f in r.filters} == {
        ("lifecycle", ("retired",)), ("kind", ("api",))}
    r = read("is the ledger api in production?").reading
    assert (r.aggregate, r.prop, r.target_value) == ("yesno", "lifecycle", "production")
    r = read("does Ana Costa report to Dan Okafor").reading
    assert r.aggregate == "yesno" and r.target.key == "dan-okafor"
    r = read("what's the lifecycle of the Ledger API").reading
    assert (r.aggregate, r.prop, r.path) == ("value", "lifecycle", [])


def test_roles_and_titles_as_the_subject():
    r = read("who's our CTO?").reading
    assert r.subject.kind == "title" and "cto" in r.subject.title_words
    r = read("who is our chief technology officer").reading
    assert r.subject.kind == "title" and "cto" in r.subject.title_words


def test_my_and_our_use_the_asker():
    r = read("who is my manager").reading
    assert (r.subject.key, path("who is my manager")) == ("ana-costa", [("manager", 1)])
    assert read("size of my department").reading.subject.key == "engineering"
    assert read("how many people are in my team").reading.subject.key == "risk-data"
    assert read("who is my manager", asker=None).kind == "no_asker"


def test_unit_words_are_hints_not_part_of_names():
    assert read("who runs the Finance division").reading.subject.key == "finance"
    assert read("how big is the Payments squad").reading.subject.key == "payments"


def test_a_partial_name_is_never_read_as_exact():
    # "Platform" is a team; no department has that name, and "Data" only fits part of two names.
    interp = read("how many people are in the Data department")
    assert interp.reading is None and interp.kind in ("partial", "ambiguous")
    interp = read("who leads Ledger")
    assert interp.reading is None and interp.kind in ("partial", "ambiguous")
    # A typo of the whole name and a person's first name are read as that page, and said so.
    r = read("who leads risk dta").reading
    assert r.subject.key == "risk-data" and r.notes
    assert read("who does Gina report to").reading.subject.key == "gina-park"


def test_unknown_words_are_not_guessed():
    assert read("who leads the moon base").kind == "unknown_name"
    r = read("what is the budget of Payments").reading
    assert r.attribute == "budget"     # answered as "the graph does not record it"
    assert read("what is the airspeed velocity of an unladen swallow").reading is None


def test_follow_ups_and_pronouns_use_the_conversation():
    state = {"last_entity": {"type": "Team", "key": "payments", "name": "Payments"},
             "last_answer": {"type": "Person", "key": "eve-adams", "name": "Eve Adams"},
             "last_reading": {"op": "path", "subject": {"kind": "page", "label": "Team", "key": "payments",
                                                        "name": "Payments"},
                              "path": [{"sense": "lead", "repeat": 1}], "aggregate": "list", "filters": []}}
    r = read("what about Risk Data?", state=state).reading
    assert (r.subject.key, [s.sense for s in r.path]) == ("risk-data", ["lead"])
    r = read("who does she report to?", state=state).reading
    assert (r.subject.key, [s.sense for s in r.path]) == ("eve-adams", ["manager"])
    r = read("how many people are in it?", state=state).reading
    assert r.subject.key == "payments"
    assert read("who leads it?").kind == "unknown_pronoun"


def test_dates_and_change_windows():
    r = read("who owned the ledger service last March").reading
    assert (r.as_of, [s.sense for s in r.path]) == ("2026-03-31", ["owner"])
    assert read("who did Ana Costa report to on 3 March 2026").reading.as_of == "2026-03-03"
    r = read("what changed in my department this quarter?").reading
    assert (r.op, r.subject.key, r.since, r.as_of) == ("changes", "engineering", "2026-10-01", "2026-11-24")
    r = read("who joined the Risk Data team last month?").reading
    assert (r.op, r.since, r.as_of) == ("changes", "2026-10-01", "2026-10-31")
    assert read("what's new in Payments").reading.since == "2026-08-26"
    assert read("who owned X on 31 February 2026").kind == "bad_date"


def test_compound_questions_split_only_between_questions():
    assert engine.split_compound("who owns Payouts and Refunds?") == ["who owns Payouts and Refunds"]
    assert engine.split_compound("who is in Research and Development") == ["who is in Research and Development"]
    assert engine.split_compound("who leads Payments and what colour is the sky") == [
        "who leads Payments and what colour is the sky"]
    assert engine.split_compound("who leads Payments and how many people are in it?") == [
        "who leads Payments", "how many people are in it"]


def test_operations_steps_who_to_ask_describe():
    assert read("How do I request production access?").reading.op == "steps"
    assert read("who can help me with kafka").reading.op == "who_to_ask"
    assert read("tell me about Risk Data").reading.op == "describe"
    assert read("how many people work here?").reading.op == "org"


def test_llm_readings_are_validated_against_the_schema():
    ok = from_dict({"subject": {"key": "ana-costa", "label": "Person", "name": "Ana Costa"},
                    "path": [{"relation": "manager", "repeat": 2}]})
    assert ok.describe() == "the manager of the manager of Ana Costa"
    with pytest.raises(InvalidReading, match="unknown relation 'boss_of'"):
        from_dict({"subject": {"key": "ana-costa", "label": "Person"}, "path": [{"relation": "boss_of"}]})
    with pytest.raises(InvalidReading, match="starts from System"):
        from_dict({"subject": {"key": "ana-costa", "label": "Person"}, "path": ["dependencies"]})
    with pytest.raises(InvalidReading, match="unknown filter"):
        from_dict({"subject": {"key": "payments", "label": "Team"}, "path": ["members"],
                   "filters": [{"field": "salary", "values": ["1"]}]})
    with pytest.raises(InvalidReading, match="property 'email' is not recorded for System"):
        from_dict({"subject": {"key": "ledger-api", "label": "System"}, "aggregate": "value", "property": "email"})


def test_every_sense_walks_relationships_the_model_has():
    from graph.model import RELATIONSHIPS

    for sense in lexicon.SENSES:
        for seg in sense.segments:
            assert all(rel in RELATIONSHIPS for rel in seg.rel.split("|"))
    assert validate(read("Ana Costa's boss's boss").reading)


def test_bad_input_is_read_without_errors():
    for q in ("", "???", "x" * 2000, "'; MATCH (n) DETACH DELETE n //", "\u0000\u0001", "who who who",
              "'s 's 's", "of of of the", "my my my", ": : :"):
        interp = read(q)
        assert interp.reading is not None or interp.kind


def test_names_with_small_words_inside_stay_whole():
    extra = {"label": "Team", "key": "learning-and-development", "name": "Learning and Development", "aliases": [],
             "score": 1.0, "detail": "", "kind": ""}
    ROWS.append(extra)
    try:
        r = read("who is the lead of Learning and Development?").reading
        assert (r.subject.key, [s.sense for s in r.path]) == ("learning-and-development", ["lead"])
    finally:
        ROWS.remove(extra)


@pytest.mark.parametrize("question,senses,filters", [
    # the people of the asker's team, whatever they are called (not their reports)
    ("who else is on my team besides me", [("members", 1)], {}),
    ("list my colleagues", [("members", 1)], {}),
    ("my co-workers?", [("members", 1)], {}),
    ("Dan Okafor's teammates", [("teammates", 1)], {}),
    # a one-edit slip after "my" is the word, never a page that happens to be close
    ("headcount of my taem", [("members", 1)], {}),
    # the leads of the teams under a unit
    ("show me the team leaders in Engineering", [("unit_leads", 1)], {}),
    # a role asked for with a membership word is a title filter on the members
    ("how many analysts work on Risk Data", [("members", 1)], {"title": ("analyst",)}),
    ("How many developers does Payments have?", [("members", 1)], {"title": ("developer", "engineer")}),
    # "work in <city>" is where people are, not a relation of the unit
    ("how many of Payments work out of Berlin", [("members", 1)], {"location": ("Berlin",)}),
    ("How many of Risk Data sit in Lisbon?", [("members", 1)], {"location": ("Lisbon",)}),
    # the kind of page counted decides the relation
    ("how many services belong to Payments", [("owned", 1)], {"label": ("System",)}),
    ("number of systems Risk Data has", [("owned", 1)], {"label": ("System",)}),
    ("which APIs does Risk Engine call", [("dependencies", 1)], {"kind": ("api",)}),
    # a stranded preposition after a property word is not a relation
    ("which lifecycle stage is Risk Engine currently in", [], {}),
    # membership asked as yes/no is a relation, not a title check
    ("is Frank Liu a member of Payments", [("within", 1)], {}),
])
def test_everyday_phrasings_read_the_relation_they_mean(question, senses, filters):
    r = read(question).reading
    assert r is not None, read(question)
    assert [(s.sense, s.repeat) for s in r.path] == senses, r.describe()
    assert {f.field: f.values for f in r.filters} == filters, r.describe()


def test_my_department_is_the_nearest_one():
    me = {**ME, "departments": [{"key": "engineering", "name": "Engineering", "depth": 1},
                                {"key": "acme", "name": "Acme", "depth": 2}]}
    interp, _ = engine.understand("how big is my department", link, lambda: me, "ana-costa", None, today=REF)
    assert interp.reading.subject.key == "engineering"


@pytest.mark.parametrize("question,kind,phrase", [
    ("Who runs the Marketing org?", "unknown_name", "Marketing"),
    ("what teams sit under the People dept", "unknown_name", "People"),
    ("How many people work in Business?", "unknown_name", "Business"),
    ("Office members", "unknown_name", "Office"),
])
def test_the_whole_organization_is_never_the_answer_to_a_question_about_an_unknown_unit(question, kind, phrase):
    interp = read(question)
    assert interp.reading is None and interp.kind == kind and interp.problem.split()[0] == phrase, interp


def test_the_whole_organization_still_answers_questions_about_it():
    for q in ("how many people work here", "How many people are in the Company?", "how many employees do we have"):
        assert read(q).reading.op == "org", q


@pytest.mark.parametrize("question,senses,aggregate", [
    # slips in relation words are corrected; capitalised words are names and left alone
    ("who are Dan Okafor's direct reprots?", [("reports", 1)], "list"),
    ("show the reporting chian of Gina Park", [("chain", 1)], "list"),
    ("dose Dan Okafor manage anybody?", [("reports", 1)], "exists"),
    # a trailing "yes or no" makes a yes/no question
    ("Gina Park in Risk Data? yes/no", [("within", 1)], "yesno"),
    ("Is Payments where Frank Liu works?", [("within", 1)], "yesno"),
    ("Is Dan Okafor somebody's boss?", [("reports", 1)], "exists"),
    # "work from", "sits in which city": a person's location
    ("where does gina park work from", [], "value"),
    ("Gina Park sits in which city?", [], "value"),
    # filler words around the question
    ("Look up frank liu for me", [], "list"),
    ("who works directly for dan okafor", [("reports", 1)], "list"),
    ("How many managers does Payments have?", [("members", 1)], "count"),
])
def test_slips_and_everyday_shapes(question, senses, aggregate):
    r = read(question).reading
    assert r is not None, read(question)
    assert [(s.sense, s.repeat) for s in r.path] == senses and r.aggregate == aggregate, r.describe()


def test_a_title_question_is_not_a_partial_name():
    r = read("Tell me who our chief technology officer is").reading
    assert r.subject.kind == "title" and "chief technology officer" in r.subject.title_words


# --- relations asked backwards, choices, names made of known words --------------
@pytest.mark.parametrize("question,subject,senses,aggregate", [
    ("Which people have Dan Okafor as their manager?", "dan-okafor", ["reports"], "list"),
    ("how many people have Dan Okafor as a boss", "dan-okafor", ["reports"], "count"),
    ("Ledger Service is a dependency of what?", "ledger-service", ["dependents"], "list"),
    ("wich team is Ana Costa in?", "ana-costa", ["team"], "list"),        # a slip in the question word
    ("who ownes ledger service", "ledger-service", ["owner"], "list"),   # owns, not owners: a verb after who
    ("who leeds risk data", "risk-data", ["lead"], "list"),              # leads, not needs: both ends kept
    ("who works for me", "ana-costa", ["reports"], "list"),
    ("what department does ana costa work for", "ana-costa", ["department"], "list"),
    ("Risk Data sits under what?", "risk-data", ["parent_unit"], "list"),
])
def test_relations_asked_backwards_and_slips_in_question_words(question, subject, senses, aggregate):
    r = read(question).reading
    assert r is not None, read(question)
    assert (r.subject.key, [s.sense for s in r.path], r.aggregate) == (subject, senses, aggregate)


def test_is_x_a_relation_of_y_reads_the_relation_from_y():
    r = read("is ledger service a dependency of risk engine").reading
    assert (r.subject.key, [s.sense for s in r.path], r.aggregate, r.target.key) == \
        ("risk-engine", ["dependencies"], "yesno", "ledger-service")


@pytest.mark.parametrize("question,prop", [
    ("Ledger Service: production, experimental or deprecated?", "lifecycle"),
    ("What kind of thing is Ledger Service: a service, a website, a library?", "type"),
    ("is Ledger API a component or an API?", "kind"),
])
def test_values_offered_as_choices_ask_for_their_property(question, prop):
    r = read(question).reading
    assert (r.aggregate, r.prop, r.path) == ("value", prop, [])


def test_two_verbs_of_one_clause_are_not_chained_and_a_verb_before_a_verb_is_a_name():
    assert read("who owns and runs Ledger Service").reading is None
    interp = read("who maintains supports ledger service")
    assert interp.reading is None and interp.kind in ("unknown_name", "partial")


def test_a_plural_relation_of_people_a_unit_lacks_is_a_title():
    r = read("managers in Risk Data").reading
    assert ([s.sense for s in r.path], [(f.field, f.values) for f in r.filters]) == \
        (["members"], [("title", ("manager",))])


def test_names_in_any_script_and_names_made_of_known_words():
    from kiki.assistant.interpret import tokenize

    assert [t.text for t in tokenize("when did Maya Zieliński start at Đorđević & Co")][3] == "Zieliński"
    extra = [{"label": label, "key": key, "name": name, "aliases": [], "score": 1.0, "detail": "", "kind": ""}
             for label, key, name in (("Team", "boxoffice", "Box Office"), ("Department", "it-ops", "IT Operations"),
                                      ("Team", "merchant-support", "Merchant Support"))]
    ROWS.extend(extra)
    try:
        for question, key, senses in (("how many people work in box office", "boxoffice", ["members"]),
                                      ("who runs it operations", "it-ops", ["lead"]),
                                      ("who leads the teams in it operations", "it-ops", ["unit_leads"]),
                                      ("engineers in merchant support", "merchant-support", ["members"])):
            r = read(question).reading
            assert r is not None, (question, read(question))
            assert (r.subject.key, [s.sense for s in r.path]) == (key, senses), question
    finally:
        for row in extra:
            ROWS.remove(row)


def test_a_stretch_of_a_path_can_be_held_to_a_label_and_bad_labels_are_refused():
    from graph import question_query as QQ
    from graph.errors import InvalidInput

    step = QQ.PathStep((QQ.Segment("PART_OF", "in", 1, 10, "Team"), QQ.Segment("LEADS", "in")), ("Person",))
    text = QQ.build(QQ.QuestionQuery("page", "Department", (step,)))
    assert "<-[:PART_OF*1..10]-(:Team)<-[:LEADS]-" in text   # team leads, never a sub-department's head
    bad = QQ.PathStep((QQ.Segment("PART_OF", "in", 1, 10, "Team) DETACH DELETE (x"), QQ.Segment("LEADS", "in")),
                      ("Person",))
    with pytest.raises(InvalidInput):
        QQ.build(QQ.QuestionQuery("page", "Department", (bad,)))


def test_a_plural_unit_word_after_a_name_asks_for_what_is_under_it_unless_it_ends_a_name():
    extra = [{"label": "Team", "key": "platform-services", "name": "Platform Services", "aliases": [], "score": 1.0,
              "detail": "", "kind": ""}]
    ROWS.extend(extra)
    try:
        r = read("how many Engineering squads are there").reading
        assert (r.subject.key, [s.sense for s in r.path], r.aggregate) == ("engineering", ["subunits"], "count")
        r = read("Platform Services members").reading      # a page's whole name, not Platform's services
        assert (r.subject.key, [s.sense for s in r.path]) == ("platform-services", ["members"])
    finally:
        ROWS.remove(extra[0])


@pytest.mark.parametrize("question,what", [
    ("who in Payments is not based in Berlin", "a negation"),
    ("how many people in Engineering aren't engineers", "a negation"),
    ("which engineers don't report to Dan Okafor", "a negation"),
    ("who has no manager", "a negation"),
    ("list everyone in Engineering except Carla", "an exclusion"),
    ("which team is the biggest", "a ranking"),
    ("who joined Risk Data most recently", "a ranking"),
    ("teams with more than 3 people", "a comparison"),
    ("does Payments have at least 2 members", "a comparison"),
])
def test_negations_and_rankings_are_never_read_as_plain_paths(question, what):
    # Read without its "not" or "biggest", the question is answered as its
    # opposite or as a plain list: confidently wrong.
    interp = read(question)
    assert interp.reading is None and interp.kind == "unsupported" and interp.problem == what


@pytest.mark.parametrize("question,reading", [
    ("does Dan Okafor manage anyone or not", "whether there are any people who report to Dan Okafor"),
    ("I can't find who owns the ledger service", "the owner of Ledger Service"),
    ("no. of people in Payments", "the number of people in Payments"),
    ("who is on my team except for me?", "the people in Risk Data"),
])
def test_words_that_only_look_like_negations(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("how many reports does Dan Okafor have", "the number of people who report to Dan Okafor"),
    ("number of reports under Dan Okafor", "the number of people who report to Dan Okafor"),
    ("how many managers work under Bruno Silva", "the number of people who report to Bruno Silva whose title says "
                                                 "manager"),
    ("how many people does Dan Okafor have reporting to him", "the number of people who report to Dan Okafor"),
    ("how large is Dan Okafor's team", "the number of people in the team of Dan Okafor"),
    ("who is the head of Gina Park's team", "the lead of the team of Gina Park"),
    ("who leads the team Gina Park is on", "the lead of the team of Gina Park"),
    ("how many people are in the team Ana Costa is on", "the number of people in the team of Ana Costa"),
    ("list everything Payments is responsible for", "what Payments owns"),
    ("who in Risk Data is a data scientist", "the people whose title says data scientist in Risk Data"),
    ("how many people are in Dan Okafor's org", "the number of people below Dan Okafor in the management chain"),
    ("list all of Gina Park's managers", "everyone above Gina Park in the management chain"),
    ("who's in Gina Park's management chain", "everyone above Gina Park in the management chain"),
    ("everyone Gina Park reports up to", "everyone above Gina Park in the management chain"),
    ("whom does Gina Park's manager report to", "the manager of the manager of Gina Park"),
    ("who is two levels above Gina Park", "the manager of the manager of Gina Park"),
    ("who is Gina Park's N+2", "the manager of the manager of Gina Park"),
    ("to whom does Frank Liu report", "the manager of Frank Liu"),
    ("who is responsible for Frank Liu", "the manager of Frank Liu"),
    ("what is Frank Liu's position at the company", "the title of Frank Liu"),
    ("what role does Frank Liu have", "the title of Frank Liu"),
    ("how long has Ana Costa worked here", "the start date of Ana Costa"),
    ("what is Risk Data responsible for", "what Risk Data owns"),
    ("which components make up the risk engine", "the parts of Risk Engine"),
    ("has the ledger api been deprecated", "whether Ledger API is deprecated"),
    ("is Risk Engine still experimental", "whether Risk Engine is experimental"),
    ("what lifecycle is ledger service at", "the lifecycle of Ledger Service"),
    ("does Risk Data include Ana Costa", "whether Ana Costa is people in Risk Data"),
    ("risk engine - owned by Risk Data?", "whether Risk Data is owner of Risk Engine"),
    ("who works with Gina Park", "the people in the teams of Gina Park"),
    ("how many heads in Payments", "the number of people in Payments"),
    ("Risk Data headcount", "the number of people in Risk Data"),
    ("how many members has Payments got", "the number of people in Payments"),
    ("who are the staff engineers", "people whose title says staff engineer"),
    ("how many staff does Payments have", "the number of people in Payments"),
    ("my team - who's in it?", "the people in Risk Data"),
    ("show me everyone on my team", "the people in Risk Data"),
    ("who sits two rungs above Gina Park", "the manager of the manager of Gina Park"),
    ("roughly how many folks are on the Payments squad these days", "the number of people in Payments"),
    ("how many direct reports are there under Dan Okafor", "the number of people who report to Dan Okafor"),
])
def test_everyday_phrasings_of_counts_chains_titles_and_states(question, reading):
    assert read(question).reading.describe() == reading


def test_words_that_are_exactly_a_title_are_a_title_question():
    held = {"chief of staff"}
    interp, _ = engine.understand("who's the chief of staff?", link, lambda: ME, "ana-costa", None, today=REF,
                                  title_held=lambda phrase, whole=True: whole and phrase in held)
    assert interp.reading.describe() == "the people whose title is chief of staff"
    interp, _ = engine.understand("who's the chief of staff?", link, lambda: ME, "ana-costa", None, today=REF)
    assert interp.reading is None or interp.reading.subject.kind != "title"


def test_a_role_word_some_title_says_is_not_widened():
    def held(words):
        return lambda phrase, whole=True: not whole and phrase in words
    question = "how many developers are in Risk Data"
    interp, _ = engine.understand(question, link, lambda: ME, "ana-costa", None, today=REF,
                                  title_held=held({"developer"}))
    assert interp.reading.describe() == "the number of people whose title says developer in Risk Data"
    interp, _ = engine.understand(question, link, lambda: ME, "ana-costa", None, today=REF, title_held=held(set()))
    assert interp.reading.describe() == "the number of people whose title says developer or engineer in Risk Data"


@pytest.mark.parametrize("question,reading", [
    ("What's Dan Okafor's span of control?", "the people who report to Dan Okafor"),
    ("Tally of Dan Okafor's direct reports", "the number of people who report to Dan Okafor"),
    ("how many people does Dan Okafor look after", "the number of people who report to Dan Okafor"),
    ("who looks after Gina Park", "the manager of Gina Park"),
    ("how many directs does Carla Mendes have", "the number of people who report to Carla Mendes"),
    # "report count" is how many report to him, never a count of his manager
    ("Dan Okafor report count", "the number of people who report to Dan Okafor"),
    ("Dan Okafor's direct report count", "the number of people who report to Dan Okafor"),
    ("Dan Okafor: number of people managed?", "the number of people who report to Dan Okafor"),
    ("how many ppl report to Dan Okafor", "the number of people who report to Dan Okafor"),
    ("how many people report in to Dan Okafor", "the number of people who report to Dan Okafor"),
    ("how much direct reports does Dan Okafor have", "the number of people who report to Dan Okafor"),
    ("how many direct reportees does Dan Okafor have", "the number of people who report to Dan Okafor"),
])
def test_more_words_for_reports(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("who works in Lisbon", "people based in Lisbon"),
    ("list Lisbon staff in Payments", "the people based in Lisbon in Payments"),
    ("how many people in Lisbon work in Payments", "the number of people based in Lisbon in Payments"),
    ("which Payments employees are Lisbon-based", "the people based in Lisbon in Payments"),
])
def test_a_place_someone_is_based_in_is_a_location_filter(question, reading):
    interp, _ = engine.understand(question, link, lambda: ME, "ana-costa", None, today=REF,
                                  location_held=lambda phrase: phrase.lower() == "lisbon")
    assert interp.reading.describe() == reading


@pytest.mark.parametrize("question,prop,value", [
    ("is the risk engine still experimental", "lifecycle", "experimental"),
    ("is the ledger service ready for production", "lifecycle", "production"),
    ("ledger service: production or not?", "lifecycle", "production"),
    ("tell me if the ledger api is deprecated", "lifecycle", "deprecated"),
    ("is the ledger service a website", "type", "website"),
    ("is the ledger service a component", "kind", "component"),
])
def test_yes_no_on_a_systems_state_kind_or_type(question, prop, value):
    r = read(question).reading
    assert (r.aggregate, r.prop, r.target_value) == ("yesno", prop, value)


def test_a_title_is_not_read_as_a_misspelt_page_name():
    # "executive officer" is one letter from a team called Executive Office.
    link_office = _link_with({"label": "Team", "key": "executive-office", "name": "Executive Office"})

    interp, _ = engine.understand("Who is our chief executive officer?", link_office, lambda: ME, "ana-costa", None,
                                  today=REF)
    assert interp.reading.subject.kind == "title"
    assert "chief executive officer" in interp.reading.subject.title_words
    interp, _ = engine.understand("who leads the Executive Office", link_office, lambda: ME, "ana-costa", None,
                                  today=REF)
    assert interp.reading.describe() == "the lead of Executive Office"


def test_a_team_and_a_department_of_one_name_are_asked_about():
    link_both = _link_with({"label": "Department", "key": "platform-dept", "name": "platform"})

    interp, _ = engine.understand("which teams report into platform", link_both, lambda: ME, "ana-costa", None,
                                  today=REF)
    assert interp.reading is None and interp.kind == "ambiguous"
    assert {o.key for o in interp.options} == {"platform", "platform-dept"}
    interp, _ = engine.understand("who leads the platform department", link_both, lambda: ME, "ana-costa", None,
                                  today=REF)
    assert interp.reading.subject.key == "platform-dept"


@pytest.mark.parametrize("question,reading", [
    ("Ledger Service — still live?", "whether Ledger Service is production"),
    ("ledger service: production ready?", "whether Ledger Service is production"),
    # whether it may still be used is its lifecycle, never a type called "supported"
    ("Is the Ledger Service still supported?", "the lifecycle of Ledger Service"),
    ("Can I still use Ledger Service?", "the lifecycle of Ledger Service"),
    ("is ledger api still maintained", "the lifecycle of Ledger API"),
    ("is ledger api still experimental", "whether Ledger API is experimental"),
    ("where is Ledger Service in its lifecycle", "the lifecycle of Ledger Service"),
    ("what phase of development is Ledger Service in", "the lifecycle of Ledger Service"),
    # "has X shipped" is its lifecycle, not whether it has parts
    ("has ledger service shipped", "whether Ledger Service is production"),
    ("has Ledger API been deprecated yet", "whether Ledger API is deprecated"),
])
def test_a_systems_lifecycle_asked_without_its_verb_or_in_other_words(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # two names side by side, the relation read from the possessor
    ("is Dan Okafor Ana Costa's manager", "whether Dan Okafor is manager of Ana Costa"),
    ("Is Eve Adams Frank Liu's boss?", "whether Eve Adams is manager of Frank Liu"),
    ("is Dan Okafor still Ana Costa's manager", "whether Dan Okafor is manager of Ana Costa"),
    ("is Risk Data Ana Costa's team", "whether Risk Data is team or department of Ana Costa"),
    ("is Ana Costa one of Dan Okafor's reports", "whether Ana Costa is people who report to Dan Okafor"),
    ("is Risk Engine one of the dependencies of Ledger Service", "whether Risk Engine is what Ledger Service depends on"),
    # a unit's leads, in the plural
    ("who are the leads of Payments", "the lead of Payments"),
    ("Payments' heads", "the lead of Payments"),
    ("who leads the teams in Engineering", "the leads of the teams under Engineering"),
    # whether someone still works here is their status, never a title check
    ("is Gina Park still here", "the status of Gina Park"),
    ("is Gina Park still with us", "the status of Gina Park"),
    ("is Ana Costa still remote", "the remote of Ana Costa"),
])
def test_yes_no_questions_about_two_names_leads_and_still(question, reading):
    assert read(question).reading.describe() == reading


def test_a_property_word_inside_a_name_is_part_of_the_name():
    link_apps = _link_with({"label": "Team", "key": "mobile-apps", "name": "Mobile Apps"})
    interp, _ = engine.understand("which department is Mobile Apps part of", link_apps, lambda: ME, "ana-costa",
                                  None, today=REF)
    assert interp.reading.describe() == "the department Mobile Apps is part of"


@pytest.mark.parametrize("question,reading", [
    ("which org does Risk Data roll up to", "the department Risk Data is part of"),
    ("which org is Risk Data in", "the department Risk Data is part of"),
    ("what org does Ana Costa belong to", "the department of Ana Costa"),
    ("how many people are in Dan Okafor's org", "the number of people below Dan Okafor in the management chain"),
    ("what's the parent org of Risk Data", "the unit Risk Data is part of"),
    ("parent department of Risk Data", "the department Risk Data is part of"),
])
def test_which_org_asks_for_a_unit(question, reading):
    assert read(question).reading.describe() == reading


def test_are_in_production_is_a_lifecycle_not_a_unit():
    assert read("which of Payments' services are in production").reading.describe() == \
        "what Payments owns in lifecycle production"
    assert read("which Payments systems are in production").reading.describe() == \
        "the systems Payments owns in lifecycle production"


def test_what_breaks_if_it_goes_down_is_what_depends_on_it():
    assert read("what breaks if Ledger API goes down").reading.describe() == "what depends on Ledger API"
    assert read("which services are affected if the ledger service fails?").reading.describe() == \
        "what depends on Ledger Service"


@pytest.mark.parametrize("question,reading", [
    # a sense that cannot start from a team becomes the one meant there
    ("who manages Gina Park's team", "the lead of the team of Gina Park"),
    ("who manages the team Frank Liu is in", "the lead of the team of Frank Liu"),
])
def test_a_relation_of_a_persons_team_is_one_a_team_has(question, reading):
    r = read(question).reading
    assert r.describe() == reading
    validate(r)  # every step starts where the one before ends


@pytest.mark.parametrize("question,reading", [
    # "whose manager is Dan": Dan is the manager, so his reports are asked for
    ("whose manager is Dan Okafor", "the people who report to Dan Okafor"),
    ("whose boss is Dan?", "the people who report to Dan Okafor"),
    ("whose owner is Risk Data", "what Risk Data owns"),
    ("who is Dan Okafor's manager", "the manager of Dan Okafor"),
])
def test_whose_relation_is_x_walks_it_backwards(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # "have" before the noun that names the relation is possession, not a second step
    ("does Dan Okafor have any reports?", "whether there are any people who report to Dan Okafor"),
    ("has Dan got any direct reports", "whether there are any people who report to Dan Okafor"),
    ("does Risk Data have any members", "whether there are any people in Risk Data"),
    ("does Payments have any sub-teams", "whether there are any teams directly under Payments"),
])
def test_have_any_noun_is_one_relation(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # the words after the first name describe it from the second name
    ("is Dan Okafor above Gina Park", "whether Dan Okafor is everyone above Gina Park in the management chain"),
    ("is Gina under Bruno Silva", "whether Gina Park is everyone below Bruno Silva in the management chain"),
    ("is Gina below Bruno", "whether Gina Park is everyone below Bruno Silva in the management chain"),
    ("is Dan over Gina", "whether Dan Okafor is manager of Gina Park"),
    ("is Gina Park in Bruno Silva's org", "whether Gina Park is everyone below Bruno Silva in the management chain"),
    ("is Gina Park on Dan Okafor's team", "whether Gina Park is people in the team of Dan Okafor"),
])
def test_a_person_placed_relative_to_another_is_read_from_the_other(question, reading):
    r = read(question).reading
    assert r.describe() == reading
    validate(r)


@pytest.mark.parametrize("question,reading", [
    ("describe the risk data team", "what Kiki knows about Risk Data"),
    ("explain risk engine", "what Kiki knows about Risk Engine"),
    ("give me an overview of Payments", "what Kiki knows about Payments"),   # not "me" in Payments
    ("summary of ledger service", "what Kiki knows about Ledger Service"),
    ("what systems would be impacted if Ledger Service went down", "what depends on Ledger Service"),
    ("which apps get affected when the ledger api is down", "what depends on Ledger API"),
    # no rota in the graph: who to ask, never "the parts of what depends on" it
    ("who's on call for risk engine", "who to ask about Risk Engine"),
])
def test_requests_for_a_description_impact_and_on_call(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # a unit word after a person's name asks for their unit: people have none in their names
    ("frank liu team", "the team of Frank Liu"),
    ("ana costa dept", "the department of Ana Costa"),
    ("who is in frank liu team", "the people in the team of Frank Liu"),
    ("Payments team", "what Kiki knows about Payments"),     # a team's own unit word is a hint
    # slips: a possessive without its apostrophe, words too short for the one-edit fixer
    ("whos gina parks boss", "the manager of Gina Park"),
    ("wat team is frank liu in", "the team of Frank Liu"),
    ("hw many people in payments", "the number of people in Payments"),
    ("who r dan's reports", "the people who report to Dan Okafor"),
])
def test_terse_unit_words_and_short_slips(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # the asker beside a named page is checked against it, never "is anyone in Engineering"
    ("am I in Engineering", "whether Engineering is teams and departments Ana Costa is in, directly or through "
                            "a sub-team"),
    ("do I report to Dan", "whether Dan Okafor is manager of Ana Costa"),
    ("do I own ledger service", "whether Ledger Service is what Ana Costa owns"),
    ("is Dan my manager", "whether Dan Okafor is manager of Ana Costa"),
    ("is my manager Dan Okafor", "whether Dan Okafor is manager of Ana Costa"),
    ("is Gina on my team", "whether Risk Data is teams and departments Gina Park is in, directly or through "
                           "a sub-team"),
    ("is Risk Data my team", "whether Risk Data is team or department of Ana Costa"),
    ("is Ledger Service owned by my team", "whether Risk Data is owner of Ledger Service"),
    ("does Gina report to me", "whether Ana Costa is manager of Gina Park"),
    ("show me Dan's reports", "the people who report to Dan Okafor"),   # the "me" of a request
])
def test_the_asker_beside_a_named_page(question, reading):
    assert read(question).reading.describe() == reading


def test_the_asker_beside_a_named_page_needs_an_asker():
    assert read("is Gina on my team", asker=None).kind == "no_asker"


def _read_with_titles(question, titles):
    """A reading where `titles` are the titles people hold (the test org's, by default)."""
    def held(phrase, whole=True):
        return any(phrase == t or phrase in t.split() for t in titles) if not whole else phrase in titles
    interp, _ = engine.understand(question, link, lambda: ME, "ana-costa", None, today=REF, title_held=held)
    return interp


TEST_TITLES = {"cto", "accountant", "data scientist", "data engineer", "engineering manager", "payments lead"}


@pytest.mark.parametrize("question,reading", [
    # a title that starts with a unit's name is a title, not that unit's managers
    ("list all engineering managers", "people whose title says engineering manager"),
    ("how many engineering managers are there", "the number of people whose title says engineering manager"),
    ("engineering managers in platform", "the people whose title says engineering manager in Platform"),
    ("how many managers in Engineering", "the number of people whose title says manager in Engineering"),
    # a title said in the singular, after "a", "an" or "the"
    ("is there an accountant in finance", "whether there are any people whose title says accountant in Finance"),
    ("does Risk Data have a data scientist",
     "whether there are any people whose title says data scientist in Risk Data"),
    ("who holds the CTO role", "people whose title says chief technology officer"),
    ("who's the data engineer on risk data", "the people whose title says data engineer in Risk Data"),
])
def test_titles_people_hold_in_the_words_of_a_question(question, reading):
    assert _read_with_titles(question, TEST_TITLES).reading.describe() == reading


def test_a_singular_word_no_title_has_stays_unknown():
    interp = _read_with_titles("is there a plumber in finance", TEST_TITLES)
    assert interp.reading is None and interp.problem == "plumber"


@pytest.mark.parametrize("question,reading", [
    # a unit said after "in" or "on" beside a second page keeps its people, not "two subjects"
    ("who in Risk Data reports to Dan Okafor", "the people who report to Dan Okafor in Risk Data"),
    ("who reports to Dan Okafor in Risk Data", "the people who report to Dan Okafor in Risk Data"),
    ("how many of Bruno Silva's reports are in Platform", "the number of people who report to Bruno Silva in Platform"),
    ("who on the Payments team reports to Eve", "the people who report to Eve Adams in Payments"),
])
def test_a_unit_beside_a_second_page_scopes_its_people(question, reading):
    r = read(question).reading
    assert r.describe() == reading
    assert [f for f in r.filters if f.field == "within"][0].values[0] in ("risk-data", "platform", "payments")
    validate(r)


@pytest.mark.parametrize("question,reading", [
    # words that ask for an answer are not part of the question
    ("can you tell me how many people are in finance", "the number of people in Finance"),   # not a yes/no
    ("could you list the teams in engineering?", "the teams directly under Engineering"),
    ("I need the lead of payments", "the lead of Payments"),
    ("need to know who manages Frank", "the manager of Frank Liu"),
    ("any idea who runs payments?", "the lead of Payments"),
    ("quick q: who leads risk data", "the lead of Risk Data"),
    ("I'm trying to find out who leads Platform", "the lead of Platform"),
    ("do you know who owns ledger api", "the owner of Ledger API"),
    ("can you check if Gina reports to Dan", "whether Dan Okafor is manager of Gina Park"),   # still a yes/no
])
def test_lead_ins_that_ask_for_the_answer(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # production readiness is the lifecycle, not what the system uses
    ("is Ledger Service ready for production use", "whether Ledger Service is production"),
    ("can we use Ledger Service in prod", "whether Ledger Service is production"),
    ("should I stop using Ledger API", "the lifecycle of Ledger API"),
    # a person's email, start date and whole chain, said other ways
    ("what email does Ana Costa use", "the work email of Ana Costa"),
    ("send me Ana Costa's email address", "the work email of Ana Costa"),
    ("since when does Ana Costa work here", "the start date of Ana Costa"),
    ("what year did Ana Costa join", "the start date of Ana Costa"),
    ("who does Gina Park ultimately report to", "everyone above Gina Park in the management chain"),
])
def test_lifecycle_readiness_and_person_facts_said_other_ways(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("list my team", "the people in Risk Data"),        # its people, not a description
    ("list Payments", "the people in Payments"),
    ("who is my skip level", "the manager of the manager of Ana Costa"),
    ("what's Gina's skip level", "the manager of the manager of Gina Park"),
])
def test_list_a_unit_and_skip_level(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("Dan Okafor has how many direct reports?", "the number of people who report to Dan Okafor"),  # not reports of reports
    ("how many people report up to Bruno Silva", "the number of people below Bruno Silva in the management chain"),
    ("how many people in Dan Okafor's org", "the number of people below Dan Okafor in the management chain"),
    ("how many people in Risk Data", "the number of people in Risk Data"),
])
def test_report_counts_said_other_ways(question, reading):
    assert read(question).reading.describe() == reading


def test_a_title_someone_holds_beats_pages_named_like_its_words():
    titles = TEST_TITLES | {"head of design", "it director"}
    design = _link_with({"label": "Team", "key": "design-systems", "name": "Design Systems"},
                        {"label": "Department", "key": "product-design", "name": "Product Design"})
    for question in ("who is the head of design", "name the head of design", "head of design?"):
        interp, _ = engine.understand(question, design, lambda: ME, "ana-costa", None, today=REF,
                                      title_held=lambda p, whole=True: p in titles if whole else False)
        assert interp.reading.describe() == "the people whose title is head of design", question
    # "IT" in capitals is the department word of a title, not the pronoun "it"
    assert _read_with_titles("who's our IT director", titles).reading.describe() == \
        "the people whose title is it director"


@pytest.mark.parametrize("question,reading", [
    ("which person is the chief marketing officer", "the people whose title is chief marketing officer or cmo"),
    ("the chief of staff is who", "the people whose title is chief of staff"),
    ("who's the boss here", "the people whose title is ceo or chief executive officer"),
    ("who's in charge of the whole company", "the people whose title is ceo or chief executive officer"),
    ("who is the company's chief executive", "the people whose title is chief executive or chief executive officer"),
    ("who is the CMO", "the people whose title is cmo or chief marketing officer"),
])
def test_role_holders_asked_other_ways(question, reading):
    titles = TEST_TITLES | {"chief of staff", "chief marketing officer"}
    assert _read_with_titles(question, titles).reading.describe() == reading


def test_a_target_whose_name_has_a_label_word_is_still_a_unit():
    link_more = _link_with({"label": "Department", "key": "corporate-services", "name": "Corporate Services"},
                           {"label": "Team", "key": "payroll", "name": "Payroll"})
    interp, _ = engine.understand("is Payroll under Corporate Services", link_more, lambda: ME, "ana-costa", None,
                                  today=REF)
    assert interp.reading.describe() == "whether Corporate Services is department Payroll is part of"   # not systems
    assert read("what's above Engineering").reading.describe() == "the unit Engineering is part of"


@pytest.mark.parametrize("question,reading", [
    ("Ana Costa's team?", "the team of Ana Costa"),        # her team, not also her department
    ("where does Frank Liu sit in the org", "the team of Frank Liu"),   # not his office
    ("give me the roster of Payments", "the people in Payments"),
    ("is Frank on the Payments team", "whether Payments is teams and departments Frank Liu is in, directly or "
                                      "through a sub-team"),   # a yes/no still counts sub-teams
])
def test_a_persons_team_and_a_teams_roster(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question", ["is Ana a Risk Data member", "Ana Costa - Risk Data member?"])
def test_a_unit_member_question_is_membership(question):
    r = read(question).reading
    assert (r.subject.key, r.aggregate, r.target.key) == ("ana-costa", "yesno", "risk-data")


@pytest.mark.parametrize("question,reading", [
    ("is Ledger Service still in beta", "whether Ledger Service is experimental"),   # a stage, not a type
    ("how far along is Ledger Service", "the lifecycle of Ledger Service"),
])
def test_stages_said_other_ways(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("what is Ana Costa's official title", "the title of Ana Costa"),
    ("what is the title held by Ana Costa", "the title of Ana Costa"),
    ("what address do I email Ana Costa at", "the work email of Ana Costa"),   # "I" is not asked about
    ("how to contact Ana Costa", "the work email of Ana Costa"),
    ("when did Ana Costa come on board", "the start date of Ana Costa"),
    ("date Ana Costa joined", "the start date of Ana Costa"),
    ("since when is Ana Costa with us", "the start date of Ana Costa"),
    ("how many years has Ana Costa been here", "the start date of Ana Costa"),
])
def test_titles_emails_and_start_dates_in_more_words(question, reading):
    assert read(question).reading.describe() == reading


def test_a_kind_word_picks_one_of_two_namesakes():
    two = _link_with({"label": "System", "key": "petstore", "name": "petstore", "kind": "Component"},
                     {"label": "System", "key": "api.petstore", "name": "petstore", "kind": "API"})
    interp, _ = engine.understand("what type of API is petstore", two, lambda: ME, "ana-costa", None, today=REF)
    assert (interp.reading.subject.key, interp.reading.prop) == ("api.petstore", "type")
    interp, _ = engine.understand("what stage is petstore in", two, lambda: ME, "ana-costa", None, today=REF)
    assert interp.reading.subject.via == "namesakes"   # no kind word: both are answered


@pytest.mark.parametrize("question", ["what kind of API is Ledger API", "what's the spec type of Ledger API"])
def test_the_kind_of_an_api_is_its_type(question):
    assert read(question).reading.describe() == "the type of Ledger API"


@pytest.mark.parametrize("question,reading", [
    # "is under" said before the name is the preposition: what is under it, never its own unit or lead
    ("who is under Dan", "everyone below Dan Okafor in the management chain"),
    ("who is under Risk Data", "the people in Risk Data"),
    ("what is under Platform", "the teams directly under Platform"),
    ("what's under Engineering", "the teams directly under Engineering"),
    ("who is underneath Bruno", "everyone below Bruno Silva in the management chain"),
    # "directly" under someone: their reports
    ("who is directly under Dan", "the people who report to Dan Okafor"),
    ("who's under Dan Okafor directly", "the people who report to Dan Okafor"),
    ("who is managed by Dan Okafor", "the people who report to Dan Okafor"),
    # the whole chain, said other ways
    ("everyone Gina Park reports to directly or indirectly", "everyone above Gina Park in the management chain"),
    ("path from Gina Park to the CEO", "everyone above Gina Park in the management chain"),
    ("walk up the org chart from Gina Park", "everyone above Gina Park in the management chain"),
    ("Gina Park's upline", "everyone above Gina Park in the management chain"),
])
def test_under_directly_under_and_the_chain_said_other_ways(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("what system contains Risk Engine Worker", "the system Risk Engine Worker is part of"),   # not its parts
    ("what is Risk Engine built on", "what Risk Engine depends on"),
    ("how many things does Payments own", "the number of what Payments owns"),   # one relation, not owned twice
    ("who reports to Dan's reports", "the people who report to the people who report to Dan Okafor"),
])
def test_containment_asked_backwards_and_one_relation_said_twice(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # a name and its unit word are one page, even when the name has a unit word of its own
    ("what's the size of the team-a team", "the number of people in team-a"),
    ("is Frank Liu in the ledger squad team", "whether Ledger Squad is teams and departments Frank Liu is in, "
                                              "directly or through a sub-team"),
    ("who leads the ledger squad team", "the lead of Ledger Squad"),
])
def test_a_name_and_its_unit_word_are_one_page(question, reading):
    with_team_a = _link_with({"label": "Team", "key": "team-a", "name": "team-a"})
    interp, _ = engine.understand(question, with_team_a, lambda: ME, "ana-costa", None, today=REF)
    assert interp.reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    # "has" before a property is the subject's own property, never its reports' (a confident wrong answer before)
    ("Dan Okafor has what title?", "the title of Dan Okafor"),
    ("Ana Costa has what email address?", "the work email of Ana Costa"),
    ("Ana Costa has been here since when?", "the start date of Ana Costa"),
    ("Risk Engine has what lifecycle?", "the lifecycle of Risk Engine"),
    ("in what role does Ana Costa serve?", "the title of Ana Costa"),
    ("I'd like to know Ana Costa's job title", "the title of Ana Costa"),
    ("which email should I use for Ana Costa", "the work email of Ana Costa"),
    ("what's the best email for Ana Costa", "the work email of Ana Costa"),
    ("Ana Costa's first day at work", "the start date of Ana Costa"),
])
def test_a_property_the_subject_has(question, reading):
    assert read(question).reading.describe() == reading


@pytest.mark.parametrize("question,reading", [
    ("is Dan Okafor somewhere in Gina Park's reporting line", "whether Dan Okafor is everyone above Gina Park in the "
                                                             "management chain"),
    ("is Bruno anywhere above Gina", "whether Bruno Silva is everyone above Gina Park in the management chain"),
])
def test_somewhere_and_anywhere_do_not_change_the_placement(question, reading):
    assert read(question).reading.describe() == reading

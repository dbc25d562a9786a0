"""The evaluation grader (bench/eval_grade.py) on hand-written answers, no
Neo4j: right answers pass, wrong ones are counted as confidently wrong, honest
"I don't know"s as abstentions, and nothing passes by saying little."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_grade import Grader  # noqa: E402
from eval_orgs import Org  # noqa: E402


@pytest.fixture(scope="module")
def grader():
    org = Org("test")
    for label, key, name in [("Person", "ana-costa", "Ana Costa"), ("Person", "bob-li", "Bob Li"),
                             ("Person", "carl-diaz", "Carl Diaz"), ("Person", "dee-ono", "Dee Ono"),
                             ("Team", "data-platform", "Data Platform"), ("Team", "risk-data", "Risk Data"),
                             ("Team", "payments-2", "Payments 2"), ("Department", "finance", "Finance"),
                             ("System", "ledger-service", "Ledger Service")]:
        org.add(label, key, name)
    org.link("LEADS", "person/bob-li", "team/data-platform")
    return Grader(org)


def item(answer, subject=None, kind="k", asker=None, cite=()):
    return {"id": "t", "kind": kind, "subject": subject, "asker": asker, "answer": answer, "cite": list(cite)}


def outcome(grader, it, text, sources=None):
    return grader.grade(it, text, sources)["outcome"]


NUMBER = item({"type": "number", "value": 12}, "team/data-platform")


@pytest.mark.parametrize("text, expected", [
    ("[Data Platform](/team/data-platform) has **12** people.", "correct"),
    ("Data Platform has 12 people in 3 teams.", "correct"),
    ("[Data Platform](/team/data-platform) has **13** people.", "confidently_wrong"),
    ("Data Platform (since 2024-03-01) has 11 people.", "confidently_wrong"),   # the date is not the number
    ("[Payments 2](/team/payments-2): nobody counted yet", "no_answer"),       # a name's digit is not a number
    ("I don't know how many people are in it.", "abstained"),
    ("I don't know exactly; maybe 12.", "abstained"),
    ("Data Platform is a team.", "no_answer"),
])
def test_numbers(grader, text, expected):
    assert outcome(grader, NUMBER, text) == expected


def test_zero_read_from_words_only_when_zero_is_expected(grader):
    zero = item({"type": "number", "value": 0}, "person/ana-costa")
    assert outcome(grader, zero, "Nobody reports to [Ana Costa](/person/ana-costa).") == "correct"
    assert outcome(grader, zero, "Ana Costa has 2 direct reports.") == "confidently_wrong"
    assert outcome(grader, NUMBER, "nobody") == "no_answer"


MANAGER = {"type": "entity", "ids": ["person/bob-li"], "labels": ["Person"], "allow": ["person/carl-diaz"]}


@pytest.mark.parametrize("text, expected", [
    ("[Ana Costa](/person/ana-costa) reports to [Bob Li](/person/bob-li).", "correct"),
    ("Ana Costa reports to Bob Li.", "correct"),                                     # names in plain text
    ("Ana Costa reports to [Bob Li](/person/bob-li), who reports to Carl Diaz.", "correct"),  # allowed chain
    ("Ana Costa reports to [Dee Ono](/person/dee-ono).", "confidently_wrong"),      # wrong person
    ("Ana Costa reports to Bob Li and Dee Ono.", "confidently_wrong"),              # an extra person
    ("Ana Costa works in [Risk Data](/team/risk-data).", "no_answer"),              # no person named
    ("I couldn't find Ana Costa's manager. Did you mean Bob Li?", "abstained"),
])
def test_entities(grader, text, expected):
    assert outcome(grader, item(MANAGER, "person/ana-costa"), text) == expected


def test_the_asker_and_subject_are_not_wrong_people(grader):
    it = item(MANAGER, None, asker="person/ana-costa")
    assert outcome(grader, it, "You, [Ana Costa](/person/ana-costa), report to [Bob Li](/person/bob-li).") == "correct"


def test_a_link_counts_for_its_page_not_its_text(grader):
    # The link text says Bob Li but points at Dee Ono's page.
    it = item(MANAGER, "person/ana-costa")
    assert outcome(grader, it, "Ana reports to [Bob Li](/person/dee-ono).") == "confidently_wrong"


MEMBERS = {"type": "list", "ids": ["person/ana-costa", "person/bob-li"], "labels": ["Person"], "ordered": False,
           "allow": []}
CHAIN = {"type": "list", "ids": ["person/bob-li", "person/carl-diaz"], "labels": ["Person"], "ordered": True,
         "allow": []}


def test_lists(grader):
    it = item(MEMBERS, "team/risk-data")
    assert outcome(grader, it, "Risk Data: [Ana Costa](/person/ana-costa), [Bob Li](/person/bob-li)") == "correct"
    assert outcome(grader, it, "Risk Data: Bob Li, Ana Costa") == "correct"
    assert outcome(grader, it, "Risk Data: Ana Costa") == "confidently_wrong"              # one missing
    assert outcome(grader, it, "Risk Data: Ana Costa, Bob Li, Dee Ono") == "confidently_wrong"  # one too many
    chain = item(CHAIN, "person/ana-costa")
    assert outcome(grader, chain, "Ana Costa → Bob Li → Carl Diaz") == "correct"
    assert outcome(grader, chain, "Ana Costa → Carl Diaz → Bob Li") == "confidently_wrong"


def test_values(grader):
    it = item({"type": "value", "values": ["production"], "vocab": ["production", "experimental", "deprecated"]},
              "system/ledger-service")
    assert outcome(grader, it, "[Ledger Service](/system/ledger-service) is in **production**.") == "correct"
    assert outcome(grader, it, "Ledger Service is experimental.") == "confidently_wrong"
    assert outcome(grader, it, "Ledger Service is production or maybe deprecated.") == "confidently_wrong"
    assert outcome(grader, it, "Ledger Service is owned by Data Platform.") == "no_answer"
    title = item({"type": "value", "values": ["Software Engineer"],
                  "vocab": ["Software Engineer", "Senior Software Engineer"]}, "person/ana-costa")
    assert outcome(grader, title, "Ana Costa is a Software Engineer.") == "correct"
    assert outcome(grader, title, "Ana Costa is a Senior Software Engineer.") == "confidently_wrong"
    day = item({"type": "value", "values": ["2019-03-04", "4 March 2019"], "vocab": []}, "person/ana-costa")
    assert outcome(grader, day, "Ana Costa started on 4 March 2019.") == "correct"
    assert outcome(grader, day, "Ana Costa started on 2019-03-05.") == "confidently_wrong"


def test_yes_no(grader):
    yes = item({"type": "yesno", "value": True}, "person/bob-li")
    assert outcome(grader, yes, "**Yes** — [Ana Costa](/person/ana-costa) reports to Bob Li.") == "correct"
    assert outcome(grader, yes, "No, Bob Li manages nobody.") == "confidently_wrong"
    assert outcome(grader, yes, "Bob Li leads Data Platform.") == "no_answer"
    no = item({"type": "yesno", "value": False}, "person/bob-li")
    assert outcome(grader, no, "Bob Li is in Data Platform. No, he does not.") == "correct"


NEAR = {"type": "idk", "forbid": ["person/bob-li"], "forbid_number": True}


@pytest.mark.parametrize("text, expected", [
    ("I don't know a department called Platform. Did you mean [Data Platform](/team/data-platform)?", "correct"),
    ("I don't know that.", "correct"),
    ("[Data Platform](/team/data-platform) has **12** people.", "confidently_wrong"),   # answered the near miss
    ("Platform is led by Bob Li.", "confidently_wrong"),
    ("Here is something about our org chart.", "no_answer"),
])
def test_unanswerable_near_miss(grader, text, expected):
    assert outcome(grader, item(NEAR, None, kind="near_miss_unit"), text) == expected


def test_unknown_fact_on_a_real_page(grader):
    it = item({"type": "idk", "forbid": [], "forbid_number": False}, "person/ana-costa", kind="unknown_person_fact")
    assert outcome(grader, it, "I don't know Ana Costa's salary: Kiki's graph does not record it.") == "correct"
    assert outcome(grader, it, "Ana Costa earns 85000 a year.") == "confidently_wrong"
    assert outcome(grader, it, "Ana Costa's birthday is 4 March 1990.") == "confidently_wrong"


def test_regression_lines_grade_keys_and_numbers(grader):
    keys = item({"type": "keys", "ids": ["bob-li"], "number": None})
    keys["key_only"] = True
    assert outcome(grader, keys, "It is [Bob Li](/person/bob-li).") == "correct"
    assert outcome(grader, keys, "See the page.", [{"type": "Person", "key": "bob-li"}]) == "correct"   # cited
    assert outcome(grader, keys, "It is [Dee Ono](/person/dee-ono).") == "confidently_wrong"
    both = item({"type": "keys", "ids": ["data-platform"], "number": 12})
    assert outcome(grader, both, "[Data Platform](/team/data-platform) has 12 people.") == "correct"
    assert outcome(grader, both, "[Data Platform](/team/data-platform) has 11 people.") == "confidently_wrong"


def test_citation_precision(grader):
    it = item(MANAGER, "person/ana-costa", cite=["person/ana-costa", "person/bob-li"])
    assert grader.citation_precision(it, [{"type": "Person", "key": "bob-li"},
                                          {"url": "/person/ana-costa"}]) == 1.0
    assert grader.citation_precision(it, [{"type": "Person", "key": "bob-li"},
                                          {"type": "Team", "key": "risk-data"}]) == 0.5
    assert grader.outside(it, [{"type": "Team", "key": "risk-data"}]) == ["team/risk-data"]
    assert grader.citation_precision(it, []) is None


def test_escaped_markdown_and_absolute_links(grader):
    it = item(MANAGER, "person/ana-costa")
    assert outcome(grader, it, "Reports to [Bob Li](http://kiki.example/person/bob-li/).") == "correct"
    assert outcome(grader, it, r"Reports to Bob Li\.") == "correct"

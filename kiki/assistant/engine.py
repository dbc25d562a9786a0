"""The offline answer engine: a question -> its reading (interpret.py) -> one
query (a named tool, or the compiled query of compiling.py) -> a markdown
answer with exact citations and the reading in words.

Also here: greetings without the graph, compound questions ("who owns X and
what depends on it?") answered part by part, follow-ups ("what about
Payments?") that reuse the last reading, history dates (dates.py), and the
passage-search fallback for questions with no structured reading — the only
step that may load the embedding model besides an unknown relation word.
A reading that is unsure (a partial name, a tie, an unknown word) is never
run: the answer says what was understood and asks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph import org
from graph.errors import InvalidInput as GraphInvalidInput

from . import compiling, dates, interpret, lexicon, linking, rendering, smalltalk
from .answer import Composer, join_names, md_escape
from .conversation_state import followup_subject, next_state, reading_from_state
from .reading import Reading
from .tool_answers import Missing, ToolAnswers, When, search_answer, search_words
from .tools import ToolResult, page


@dataclass
class Outcome:
    answer: str
    sources: list[dict]
    plan: dict
    tools: list[ToolResult] = field(default_factory=list)
    entity: dict | None = None     # the page discussed, for follow-ups
    answered: dict | None = None   # the one page the answer named
    reading: str | None = None     # the reading in words


def clean_question(question: str) -> str:
    q = " ".join((question or "").split())
    q = re.sub(r"\b(who|what|where|when|how)s\b", r"\1's", q, flags=re.I)
    q = q.strip().rstrip("?!. ").strip()
    q = re.sub(r"^@?kiki[,:]?\s+", "", q, flags=re.I)
    return q


def link_phrase(text: str, types: tuple, viewer=None) -> interpret.Candidate:
    """A name from a question -> the pages `viewer` may see that it fits (one
    round trip): a hidden page is never linked, so its name is never echoed."""
    words = text.lower().split()
    kind = None
    for w in words:
        entry = lexicon.LABEL_WORDS.get(w)
        if entry and entry[1].get("kind"):
            kind = entry[1]["kind"]
    hint = next((lexicon.LABEL_WORDS[w][0] for w in words if w in lexicon.LABEL_WORDS and
                 lexicon.LABEL_WORDS[w][0]), None)
    found = linking.candidates(text, tuple(types) or None, limit=8, viewer=viewer)
    if kind:
        # "the artists domain": of the pages called Artists, the domain.
        same = [c for c in found if c.kind.lower() == kind]
        if same:
            found = same + [c for c in found if c not in same]
    cand = linking.classify(text, found, hint)
    if kind and cand.status == "page" and len(cand.pages) > 1:
        # Namesakes of several kinds ("petstore" the component and the API): the kind asked for.
        same = [c for c in cand.pages if c.kind.lower() == kind]
        if same:
            cand.pages = same
    return cand


# Compound questions split only before a question word, and only when both
# halves have a relation, so "Research and Development" stays whole.
_AND_QUESTION = re.compile(r",?\s+and\s+(?=(?:who|whom|whose|what|which|how|where|when|is|does|do)\b)", re.I)


def _structured(text: str) -> bool:
    toks = interpret.tokenize(text)
    interpret.tag(toks)
    low = " ".join(t.low for t in toks)
    if any(low.startswith(c) for c in interpret.ASK_CUES + interpret.STEPS_CUES):
        return True
    return any(t.tag in ("cue", "count", "prop") for t in toks) or low.startswith(("who is ", "what is "))


def split_compound(question: str) -> list[str]:
    """The sub-questions of a compound question, in order ([question] if it is one)."""
    q = clean_question(question)
    for m in _AND_QUESTION.finditer(q):
        left, right = q[:m.start()], q[m.end():]
        if _structured(left) and _structured(right):
            return [left] + split_compound(right)
    return [q]


class _Asker:
    """The asker's context, loaded at most once per question."""

    def __init__(self, asker, viewer=None):
        self.asker, self.viewer = asker, viewer
        self._me, self._loaded = None, False

    def __call__(self):
        if not self._loaded:
            self._me, self._loaded = linking.asker_context(self.asker, self.viewer), True
        return self._me


def answer(question: str, asker: str | None = None, state: dict | None = None, viewer=None) -> Outcome:
    """The whole offline path. Raises GraphUnavailable if Neo4j is down."""
    reply = smalltalk.smalltalk(clean_question(question))
    if reply is not None:
        return Outcome(reply, [], {"intent": "smalltalk", "engine": "reading"})
    parts = split_compound(question)
    if len(parts) == 1:
        return _answer_one(parts[0], asker, state, viewer)
    outcomes = []
    for part in parts:
        # Each part sees the one before it, so "it" in the second is the first's subject.
        outcomes.append(_answer_one(part, asker, state, viewer))
        state = next_state(state, outcomes[-1])
    sources = {(s["type"], s["key"]): s for o in outcomes for s in o.sources}
    entity = next((o.entity for o in reversed(outcomes) if o.entity), None)
    readings = [o.reading for o in outcomes if o.reading]
    return Outcome("\n\n".join(o.answer for o in outcomes), list(sources.values()),
                   {"intent": "compound", "engine": "reading", "parts": [o.plan for o in outcomes]},
                   [r for o in outcomes for r in o.tools], entity, outcomes[-1].answered,
                   "; then ".join(readings) if readings else None)


_CHANGE_WORDS = re.compile(r"\b(?:what(?:'s| has| have| is)? (?:changed|happened|been happening|new)|"
                           r"(?:recent )?changes (?:in|to|for|on|at)|who (?:has )?(?:joined|left|moved (?:to|into)|"
                           r"came to)|has .+ changed|how has .+ changed)\b", re.I)
_CHANGE_NOISE = re.compile(r"\b(?:what(?:'s)?|has|have|is|are|were|there|any|list|show|me|the|recent|changes?|"
                           r"changed|happened|been|happening|new|in|on|at|for|to|with|around|who|joined|left|moved|"
                           r"into|came|how|since)\b", re.I)


def understand(question: str, link, me, asker=None, state=None, today=None, title_held=None, location_held=None):
    """A question's Interpretation (and the namesakes its name has), with no
    graph access beyond `link` and `me`: dates and "what changed" windows,
    follow-ups that reuse the last reading, then the interpreter."""
    q = smalltalk.strip_connectors(clean_question(question))
    state = state or {}
    reader = interpret.Interpreter(link, me, asker, state, title_held, location_held)
    try:
        if _CHANGE_WORDS.search(q):
            rest, since, until = dates.window(q, today)
            phrase = " ".join(_CHANGE_NOISE.sub(" ", rest).split())
            interp = reader.interpret(phrase or "it")
            if interp.reading is not None and interp.reading.subject is not None and \
                    interp.reading.subject.kind == "page" and interp.reading.op in ("describe", "path"):
                interp = interpret.Interpretation(Reading(op="changes", subject=interp.reading.subject, as_of=until,
                                                          since=since))
            return interp, []
        q, as_of = dates.extract(q, today)
    except dates.DateError as e:
        return interpret.Interpretation(None, str(e), "bad_date"), []
    if as_of:
        q = dates.present_tense(q)
    follow = followup_subject(q, state)
    if follow is not None:
        phrase, last = follow
        interp = reader.interpret(phrase, as_of)
        if interp.reading is not None and interp.reading.subject is not None and interp.reading.op == "describe":
            reading = reading_from_state(last)
            reading.subject, reading.as_of = interp.reading.subject, as_of
            interp = interpret.Interpretation(reading)
    else:
        interp = reader.interpret(q, as_of)
    return interp, getattr(reader, "namesakes", None) or []


def _answer_one(question: str, asker, state, viewer) -> Outcome:
    def link(text, types):
        return link_phrase(text, types, viewer)

    me = _Asker(asker, viewer)
    interp, namesakes = understand(question, link, me, asker, state,
                                   title_held=lambda phrase, whole=True: org.someone_has("title", phrase, viewer, whole),
                                   location_held=lambda phrase: org.someone_has("location", phrase, viewer))
    if interp.reading is None:
        return _problem(clean_question(question), interp, asker, me, viewer)
    return execute(interp.reading, asker, viewer, namesakes)


def execute(reading: Reading, asker, viewer=None, namesakes=None) -> Outcome:
    """Answer a reading (offline or from the LLM's tool call)."""
    namesakes = namesakes or []
    tool = compiling.tool_for(reading, len(namesakes))
    plan = {"intent": tool or "compiled", "engine": "reading", "interpretation": reading.as_dict(),
            "as_of": reading.as_of}
    s = reading.subject
    text = reading.describe()
    if reading.notes:
        text += " (reading " + "; ".join(reading.notes) + ")"
    if tool is not None:
        ta = ToolAnswers(asker, When(reading.as_of, reading.since), viewer)
        linked = linking.Linked(s.type if hasattr(s, "type") else s.label, s.key, s.name, via=s.via) \
            if s is not None and s.kind == "page" and s.key else None
        try:
            if tool == "org":
                ta.org()
            elif tool == "who_to_ask" and linked is None:
                return _closest_contact(s.name, asker, reading, plan, viewer)
            elif tool == "property":
                ta.property(linked, reading.prop)
            elif tool == "attribute":
                ta._unknown(linked, reading.attribute)
            else:
                ta.entity = linked
                getattr(ta, tool)(linked)
        except Missing:
            ta.c = Composer()
            ta.c.add(f"I don't know anything about “{md_escape(s.name)}”: Kiki has no page for it any more.")
            ta.entity = None
        if linked is not None and ta.entity is None and tool not in ("org",):
            ta.entity = linked if ta.c.sources else None
        entity = ta.entity.as_dict() if ta.entity else None
        if entity:
            plan["entity"] = entity
        answered = ta.answered.as_dict() if ta.answered and ta.entity else None
        return Outcome(ta.c.text, ta.c.sources, plan, ta.results, entity, answered, text)
    c = Composer()
    try:
        rows = compiling.run(reading, viewer=viewer, start_keys=[n.key for n in namesakes] or None)
    except GraphInvalidInput as e:
        c.add(f"I can't answer that: {md_escape(str(e))}.")
        return Outcome(c.text, [], plan, [], None, None, text)
    named = rendering.render(reading, rows, c)
    result = ToolResult("question_query", {"reading": reading.as_dict()}, rows,
                        [page(x["label"], x["key"], x["name"]) for r in rows for x in
                         ([r["start"]] if r.get("start") else []) + (r.get("items") or []) if page(
                             x.get("label"), x.get("key"), x.get("name"))])
    entity = {"type": s.label, "key": s.key, "name": s.name, "via": s.via} if s.kind == "page" and s.key else None
    if entity:
        plan["entity"] = entity
    answered = None
    if len(named) == 1 and named[0].get("label"):
        answered = {"type": named[0]["label"], "key": named[0]["key"], "name": named[0]["name"], "via": "answer"}
    return Outcome(c.text, c.sources, plan, [result], entity, answered, text)


def _closest_contact(phrase, asker, reading, plan, viewer) -> Outcome:
    """Who to ask about something without a page: the closest page's contacts."""
    from . import tools

    ta = ToolAnswers(asker, When(), viewer)
    found = tools.who_to_ask(phrase, asker=asker, viewer=viewer)
    ta.results.append(found)
    if found.data is None:
        ta.c.add(f"I don't know “{md_escape(phrase)}”: no page in Kiki matches that name.")
        return Outcome(ta.c.text, [], {**plan, "intent": "who_to_ask"}, ta.results, None, None,
                       f"who to ask about “{phrase}”")
    d = found.data
    ta.entity = linking.Linked(d["label"], d["key"], d["name"], via="closest")
    ta.c.add(f"I have no page called “{md_escape(phrase)}”; the closest match is "
             f"{ta.c.link(page(d['label'], d['key'], d['name']))}.")
    ta._render_contacts(d)
    return Outcome(ta.c.text, ta.c.sources, {**plan, "intent": "who_to_ask"}, ta.results, ta.entity.as_dict(),
                   None, f"who to ask about “{phrase}” (closest page: {d['name']})")


def _problem(q: str, interp: interpret.Interpretation, asker, me, viewer) -> Outcome:
    """A question that cannot run as certain: say what was understood, ask or search."""
    c = Composer()
    kind, phrase = interp.kind, md_escape(interp.phrase or interp.problem or "")
    plan = {"intent": kind or "unclear", "engine": "reading"}
    reading = None
    if kind == "bad_date":
        c.add(f"I don't know which day you mean: {md_escape(interp.problem)}.")
        reading = "a date I cannot read"
    elif kind == "partial":
        options = join_names([c.link(page(o.type, o.key, o.name)) for o in interp.options[:3]])
        c.add(f"I don't know a page called “{phrase}”. Did you mean {options}? "
              "Ask again with the full name.")
        reading = f"a question about “{interp.phrase}”, which no page is called exactly"
    elif kind == "ambiguous":
        c.add(f"Several pages match “{phrase}”; which one do you mean?")
        c.bullets([c.link(page(o.type, o.key, o.name)) + (f", {md_escape(_short(o.detail))}" if o.detail else "")
                   for o in interp.options])
        c.add("")
        c.add("Ask again with the full name.")
        reading = f"a question about “{interp.phrase}”, which several pages fit"
    elif kind == "no_asker":
        c.add(f"I don't know who “{phrase}” refers to, because I don't know who is asking. "
              "Ask with a name instead.")
        reading = "a question about you, but I don't know who is asking"
    elif kind == "unknown_asker":
        c.add(f"I don't know who you are: there is no person page for “{md_escape(asker or '')}”.")
        reading = "a question about you"
    elif kind and kind.startswith("no_") and kind != "no_sense":
        what = kind[3:]
        who = (me() or {}).get("me", {}).get("name", "you")
        c.add(f"I don't know your {what}: the graph has no {what} for {md_escape(who)}.")
        reading = f"a question about your {what}"
    elif kind == "unknown_pronoun":
        c.add(f"I'm not sure what “{phrase}” refers to. Ask again with its name.")
        reading = f"a question about “{interp.phrase}”, with nothing earlier to refer to"
    elif kind == "unknown_name":
        c.add(f"I don't know “{phrase}”: no page in Kiki matches that name.")
        words = search_words(interp.phrase or "")
        if words:
            ta = ToolAnswers(asker, When(), viewer)
            hits = ta.run("search", _search_tool, words, limit=3)
            items = [c.link(page(h["type"], h["key"], h["name"])) for h in hits.data]
            if items:
                c.add("")
                c.add("These pages may be related:")
                c.bullets(items)
        reading = f"a question about “{interp.phrase}”, which no page matches"
    elif kind == "no_sense":
        c.add(f"I don't know: {interp.problem}, so I can't read the question with certainty. "
              "Try asking with other words.")
        reading = interp.problem
    elif kind == "unsupported":
        c.add(f"I don't know: “{phrase}” asks for {md_escape(interp.problem)}, which I can't look up in the graph "
              "exactly, and I'd rather not guess. Ask for the plain list or count instead, and compare it yourself.")
        reading = f"a question with {interp.problem} (“{interp.phrase}”), which I can't answer exactly"
    elif kind == "two_subjects":
        c.add(f"I found two pages in the question ({md_escape(interp.problem)}) but not how they relate. "
              "Ask about one of them, or how one relates to the other.")
        reading = interp.problem
    else:
        ta = ToolAnswers(asker, When(), viewer)
        search_answer(ta, q)
        return Outcome(ta.c.text, ta.c.sources, {"intent": "search", "engine": "reading"}, ta.results, None, None,
                       "no structured reading; searched the pages for: " + (search_words(q) or q))
    return Outcome(c.text, c.sources, plan, [], None, None, reading)


def _search_tool(query, *, asker=None, viewer=None, limit=3):
    from . import tools

    return tools.search(query, asker=asker, viewer=viewer, limit=limit)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"

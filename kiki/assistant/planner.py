"""The deterministic offline planner: question -> intent + subject (regex rules)
-> linked entity -> one or two tool calls -> a markdown answer built only
from the tool results, with exact citations.

Used when no LLM is configured, and as the fallback when the LLM fails. It
never loads the embedding model for structured questions; only the final
"best matching passages" fallback goes through kiki.search.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.model import PAGE_LABELS

from . import dates, linking, tools
from .answer import Composer, join_names, md_escape
from .fallback import search_pages
from .fallback import search_words as _search_words
from .tools import Page, ToolResult, page

# --- question shapes -------------------------------------------------------------
_POSS = r"(?:'s|’s|s'|s’)"
_SUBJ = r"(?P<x>.+?)"

PATTERNS: list[tuple[str, list[str]]] = [
    ("changes", [
        rf"^what(?:'s| has| have)? (?:changed|happened|been happening) (?:in|on|at|for|to|with|around) {_SUBJ}$",
        rf"^what(?:'s| is)? new (?:in|on|at|for|with) {_SUBJ}$",
        rf"^(?:(?:are there |were there )?any |what |list |show (?:me )?)?(?:the )?(?:recent )?changes "
        rf"(?:in|to|for|on|at) {_SUBJ}$",
        rf"^who (?:joined|left|has joined|has left|moved to|moved into|came to) {_SUBJ}$",
        rf"^(?:how has|has) {_SUBJ} changed$",
    ]),
    ("org", [
        r"^how many (?:people|persons|employees|engineers|staff|folks|humans|heads|colleagues)"
        r"(?: (?:are there|do we have|work here|are employed|are on staff|in total|overall|altogether|total))*$",
        r"^(?:what(?:'s| is) )?(?:the |our )?(?:total |overall |company )?(?:headcount|head count|number of "
        r"(?:people|employees))(?: (?:in total|overall))?$",
        r"^(?:list |show (?:me )?|what are |which are |name )?(?:all )?(?:the |our )?departments"
        r"(?: (?:are there|do we have|exist|there are))?$",
        r"^(?:what|which) departments (?:are there|do we have|exist)$",
        r"^how many (?:departments|teams)(?: (?:are there|do we have|exist|in total|overall|altogether))*$",
        r"^(?:how is|how's) (?:the |our )?(?:company|organi[sz]ation|org) (?:organi[sz]ed|structured)$",
    ]),
    ("subteams", [
        rf"^(?:which|what) (?:teams|sub-?teams|groups|squads) (?:are|exist|sit|are there) "
        rf"(?:in|under|within|inside|part of) {_SUBJ}$",
        rf"^(?:which|what) (?:teams|sub-?teams|groups|squads) (?:does|do) {_SUBJ} (?:have|contain|include)$",
        rf"^how many (?:teams|sub-?teams|groups|squads) (?:are there |are |exist |sit )?"
        rf"(?:in|under|within|inside|part of) {_SUBJ}$",
        rf"^how many (?:teams|sub-?teams|groups|squads) (?:does|do) {_SUBJ} (?:have|contain|include)$",
        rf"^(?:list |show (?:me )?|what are |name )?(?:all )?(?:the )?(?:teams|sub-?teams|groups|squads) "
        rf"(?:in|of|under|within|inside) {_SUBJ}$",
        rf"^(?:list |show (?:me )?|what are |name )?{_SUBJ}{_POSS} (?:teams|sub-?teams|squads)$",
    ]),
    ("headcount", [
        rf"^how many (?:people|persons|employees|engineers|staff|folks|members|heads|humans|developers)\b.*?"
        rf"\b(?:in|on|at|within|under|does|do|of)\s+{_SUBJ}(?:\s+(?:have|has|employ|got|manage|lead|supervise|"
        rf"look after))?$",
        rf"^(?:what(?:'s| is) )?(?:the )?(?:headcount|head count|size|number of people) (?:of|for|in) {_SUBJ}$",
        rf"^how (?:big|large) is {_SUBJ}$",
        rf"^{_SUBJ}{_POSS}? (?:headcount|head count|size)$",
    ]),
    ("chain", [
        rf"^(?:what(?:'s| is) |show (?:me )?|give me )?(?:the )?(?:full )?(?:management|reporting|manager|org) "
        rf"(?:chain|line|hierarchy) (?:of|for|above) {_SUBJ}$",
        rf"^(?:what(?:'s| is) |show (?:me )?)?{_SUBJ}{_POSS} (?:full )?(?:management|reporting) (?:chain|line)$",
        rf"^(?:what(?:'s| is) |show (?:me )?)?(?P<x>my|our) (?:full )?(?:management|reporting) (?:chain|line)$",
        rf"^(?:what(?:'s| is) |show (?:me )?)?(?:the )?chain of command (?:of|for|above) {_SUBJ}$",
        rf"^(?:what(?:'s| is) |show (?:me )?)?{_SUBJ}{_POSS} chain of command$",
        rf"^who(?:'s| is| are) above {_SUBJ}(?: in the (?:org chart|org|hierarchy|organi[sz]ation))?$",
    ]),
    ("manager", [
        rf"^who (?:does|do|did) {_SUBJ} (?:report|reports) to$",
        rf"^who(?:'s| is| are) (?P<x>my|our) (?:direct )?(?:manager|boss|supervisor|line manager)$",
        rf"^who(?:'s| is| are) {_SUBJ}{_POSS} (?:direct )?(?:manager|boss|supervisor|line manager)$",
        rf"^who(?:'s| is) (?:the )?(?:manager|boss|supervisor) of {_SUBJ}$",
        rf"^(?:who manages) (?P<x>me|him|her)$",
        rf"^(?!(?:what|who|where|when|which|how|why)\b){_SUBJ}{_POSS} (?:direct |line )?(?:manager|boss|supervisor)$",
    ]),
    ("reports", [
        rf"^who (?:reports|report) (?:directly )?to {_SUBJ}$",
        rf"^(?:who are |list |show (?:me )?)?(?:the )?direct reports (?:of|for) {_SUBJ}$",
        rf"^(?:who are |list |show (?:me )?)?{_SUBJ}{_POSS} (?:direct )?reports$",
        rf"^(?:who are |list |show (?:me )?)?(?P<x>my|our) (?:direct )?reports$",
        rf"^who works for {_SUBJ}$",
        rf"^(?:who are |list |show (?:me )?)?(?:the |all )?(?:people|persons|folks|employees|engineers) "
        rf"(?:reporting|who report|that report) (?:directly )?to {_SUBJ}$",
    ]),
    ("who_to_ask", [
        rf"^who (?:should|can|could|do|would) (?:i|we) (?:ask|talk to|contact|ping|speak to|reach out to|"
        rf"go to) (?:about|for|regarding|re|with questions about|with) {_SUBJ}$",
        rf"^who (?:knows about|knows anything about|knows|can help (?:me |us )?with|can answer questions about|"
        rf"is the expert on|is the expert for|is the contact for|can i ask about) {_SUBJ}$",
        rf"^who to (?:ask|contact|talk to|ping) (?:about|for|regarding) {_SUBJ}$",
        rf"^(?:who(?:'s| is) )?(?:the )?(?:contact|point of contact|expert|go-to person|go to person) "
        rf"(?:for|on) {_SUBJ}$",
        rf"^where (?:can|do|should) (?:i|we) (?:ask|get help) (?:about|with|for) {_SUBJ}$",
    ]),
    ("steps", [
        rf"^(?:what are )?(?:the )?steps (?:to|for|of|in) {_SUBJ}$",
        rf"^how (?:do|can|should|would|to) (?:i|we|you|one)? ?{_SUBJ}$",
        rf"^how to {_SUBJ}$",
        rf"^(?:walk me through|talk me through|explain|tell me|show me) how (?:to|do i|can i|do we|can we) {_SUBJ}$",
        rf"^(?:what(?:'s| is) )?(?:the )?(?:process|procedure) (?:for|to|of) {_SUBJ}$",
    ]),
    ("owner", [
        rf"^who (?:owns|maintains|is responsible for|looks after|takes care of|supports) {_SUBJ}$",
        rf"^(?:which|what) (?:team|group|department|people|squad) (?:owns|maintains|is responsible for|runs|"
        rf"looks after) {_SUBJ}$",
        rf"^who(?:'s| is) (?:the )?owner (?:of|for) {_SUBJ}$",
        rf"^(?:does|do|is there) (?:anyone|anybody|someone|somebody|a team|any team) (?:own|owns|maintain|"
        rf"maintains|look after|looks after|responsible for|take care of) {_SUBJ}$",
        rf"^(?:the )?(?:owner|owners) (?:of|for) {_SUBJ}$",
        rf"^who(?:'s| is) {_SUBJ}{_POSS} owner$",
        rf"^(?!(?:what|who|where|when|which|how|why)\b){_SUBJ}{_POSS}? (?:owner|owners|owning team)$",
    ]),
    ("leader", [
        rf"^who (?:leads|runs|heads up|heads|is heading|is leading|is in charge of|manages) {_SUBJ}$",
        rf"^who(?:'s| is) (?:the )?(?:lead|leader|head|manager|boss|director|tech lead|team lead|"
        rf"engineering manager) (?:of|for) {_SUBJ}$",
        rf"^who(?:'s| is) {_SUBJ}{_POSS} (?:lead|leader|head|director)$",
        rf"^(?!(?:what|who|where|when|which|how|why)\b){_SUBJ}{_POSS}? (?:team lead|tech lead|lead|leader|head)$",
    ]),
    ("members", [
        rf"^who(?:'s| is| are) (?:in|on|part of|a member of|members of|the members of) {_SUBJ}$",
        rf"^(?:list |show (?:me )?|who are )?(?:all )?(?:the )?(?:members|people|engineers|folks|staff) "
        rf"(?:of|in|on) {_SUBJ}$",
        rf"^who works (?:in|on|at) {_SUBJ}$",
        rf"^who (?:belongs|belong) (?:to|in) {_SUBJ}$",
        rf"^(?:list |show (?:me )?|who are )(?:the )?{_SUBJ}{_POSS} (?:members|people)$",
    ]),
    ("deps_out", [
        rf"^what (?:does|do) {_SUBJ} (?:depend|rely|depends|relies) on$",
        rf"^(?:what are |list |show (?:me )?)?(?:the )?(?:upstream )?(?:dependencies|upstreams) (?:of|for) {_SUBJ}$",
        rf"^(?:what|which (?:systems?|services?|components?|apis?)) (?:does|do) {_SUBJ} "
        rf"(?:call|use|consume|depend on|rely on|talk to)$",
        rf"^(?:what are |list |show (?:me )?)?{_SUBJ}{_POSS} dependencies$",
        rf"^what (?:does|do) {_SUBJ} (?:use|consume|call)$",
    ]),
    ("deps_in", [
        rf"^(?:what|which (?:systems?|services?|components?|apis?)) (?:depends|depend|relies|rely) on {_SUBJ}$",
        rf"^(?:what|who|which (?:systems?|services?|components?|apis?)) (?:uses?|consumes?|calls?) {_SUBJ}$",
        rf"^(?:what are |list |show (?:me )?)?(?:the )?(?:dependents|consumers|downstreams) of {_SUBJ}$",
        rf"^what (?:would|will) break if {_SUBJ} (?:goes|went|is|were) down$",
    ]),
]

# Questions about one property of a page ("Ana Costa's email", "the budget of
# Payments", "how many vacation days does Wei have left"): answered from the
# page when the graph records that property, otherwise an honest "I don't know"
# that names who would know. Tried after PATTERNS, before WHAT_IS.
_ATTR = r"(?P<attr>[\w][\w\s,/&'-]*?)"
ATTRIBUTE = [
    rf"^(?:what|when|where|which|how)(?:'s| is| was| are| were)? {_SUBJ}{_POSS} {_ATTR}$",
    rf"^(?:what|when|where|which)(?:'s| is| was| are| were) (?:the |a |an )?{_ATTR} (?:of|for) {_SUBJ}$",
    rf"^how (?:much|many (?P<unit>[\w\s-]+?)) (?:does|do|did|is|are|has|have) {_SUBJ} "
    rf"(?P<attr>(?:have|has|spend|spends|cost|costs|earn|earns|make|makes|pay|pays|get|gets|charge|charges|"
    rf"need|needs|take|takes|owe|owes|weigh|weighs)\b.*)$",
    rf"^(?!(?:what|who|where|when|which|how|why)\b){_SUBJ}{_POSS} {_ATTR}$",
    rf"^when did {_SUBJ} (?P<attr>join|start)(?: (?:the company|at the company|here|working here))?$",
    rf"^where (?:is|are) {_SUBJ} (?P<attr>based|located|sitting)$",
]

WHAT_IS = [
    rf"^(?:what|which) (?:team|department|group|squad|org) (?:is|does) {_SUBJ} "
    rf"(?:in|on|part of|belong to|work in|work on|work for)$",
    rf"^where does {_SUBJ} work$",
    rf"^what (?:does|do) {_SUBJ} do$",
    rf"^(?:what|which) (?:systems |services |processes )?(?:does|do) {_SUBJ} (?:own|run|look after|maintain)$",
    rf"^how does {_SUBJ} work$",
    rf"^(?:what|who)(?:'s| is| are| was) {_SUBJ}$",
    rf"^tell me (?:more )?about {_SUBJ}$",
    rf"^(?:describe|explain|summari[sz]e) {_SUBJ}$",
    rf"^(?:what do (?:you|we) know|info|information|details) (?:about|on) {_SUBJ}$",
]

_COMPILED = [(intent, [re.compile(p, re.I) for p in pats]) for intent, pats in PATTERNS]
# Subjects that mean the whole company ("how many people work at the company").
_ORG_SCOPE = re.compile(r"^(?:(?:the|this|our|whole|entire|all of|all|of) )*(?:company|org|organi[sz]ation|firm|"
                        r"business|enterprise|here|we|us|everyone|everybody)(?: (?:in total|overall))?$", re.I)
_ATTRIBUTE = [re.compile(p, re.I) for p in ATTRIBUTE]
_WHAT_IS = [re.compile(p, re.I) for p in WHAT_IS]
# Words people put before the question ("hey Kiki, quick question: who ..."), any number of them.
_CONNECTOR = re.compile(r"^(?:(?:and|also|so|ok|okay|then|now|hey|hi|hello|hiya|yo|kiki|please|pls|um|uh|btw|"
                        r"sorry|quick question|question|one more thing|good (?:morning|afternoon|evening))"
                        r"\b[,:;!.-]*\s*)+", re.I)
# Messages that are not questions about the graph: answered without touching it.
SMALLTALK = [
    ("greeting", re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
                            r"(?: there)?(?: kiki)?$", re.I)),
    ("thanks", re.compile(r"^(?:thanks|thank you|thx|ty|cheers|great|perfect|awesome|cool|nice|ok|okay|got it)"
                          r"(?: (?:so much|a lot|very much|kiki|thanks|thank you))*$", re.I)),
    ("help", re.compile(r"^(?:help|\?|what can you do|what can i ask(?: you)?|who are you|what are you|"
                        r"how do(?:es)? (?:you|this|kiki) work|what is kiki|what's kiki)$", re.I)),
]
_EXAMPLES = ("“who leads *team*?”, “how many people are in *department*?”, “who owns *system* and what "
             "depends on it?”, “what are the steps to *process*?”, “who should I ask about *topic*?”, "
             "“what changed in *team* this quarter?”")
SMALLTALK_REPLIES = {
    "greeting": "Hi! I'm Kiki, an AI assistant that answers from the company's knowledge graph of people, "
                f"teams, departments, systems and processes, and links the pages it used. Try {_EXAMPLES}.",
    "help": "I'm Kiki, an AI assistant. I answer questions about people, teams, departments, systems and "
            "processes from the company's knowledge graph, link every page I used, and say so when the graph "
            f"doesn't know. Try {_EXAMPLES}. Follow-ups work too: “and who leads it?”.",
    "thanks": "You're welcome! Ask me anything else about people, teams, systems or processes.",
}
_FOLLOWUP = re.compile(r"^(?:and what about |and how about |and for |what about |how about |same for |what of |and )"
                       r"(?P<x>.+)$", re.I)

# Types each intent expects its subject to be, best first (linking prefers them).
INTENT_TYPES = {
    "org": (),
    "subteams": ("Department", "Team"),
    "changes": ("Department", "Team", "Person", "System", "Process", "Topic"),
    "headcount": ("Team", "Department"),
    "members": ("Team", "Department"),
    "leader": ("Team", "Department", "System", "Process", "Topic", "Person"),
    "owner": ("System", "Process", "Topic", "Team", "Department"),
    "manager": ("Person",),
    "chain": ("Person",),
    "reports": ("Person", "Team", "Department"),
    "deps_out": ("System",),
    "deps_in": ("System",),
    "steps": ("Process", "Topic", "System"),
    "who_to_ask": ("Topic", "System", "Process", "Team", "Department", "Person"),
    "what_is": ("Team", "Department", "System", "Process", "Topic", "Person"),
    "attribute": ("Person", "Team", "Department", "System", "Process", "Topic"),
}


@dataclass
class Plan:
    intent: str                  # one of INTENT_TYPES, or "search"
    subject: str | None = None   # the phrase as asked
    as_of: str | None = None
    followup: bool = False
    attribute: str | None = None  # for intent "attribute": the property asked about
    since: str | None = None      # for intent "changes": the window is since..as_of

    def as_dict(self) -> dict:
        out = {"intent": self.intent, "subject": self.subject, "as_of": self.as_of, "followup": self.followup}
        if self.attribute:
            out["attribute"] = self.attribute
        if self.since:
            out["since"] = self.since
        return out


@dataclass
class Outcome:
    answer: str
    sources: list[dict]
    plan: dict
    tools: list[ToolResult] = field(default_factory=list)
    entity: dict | None = None   # the entity discussed, for follow-ups
    answered: dict | None = None  # the one page the answer named (a lead, a manager, an owning team)


def clean_question(question: str) -> str:
    q = " ".join((question or "").split())
    q = re.sub(r"\b(who|what|where|when|how)s\b", r"\1's", q, flags=re.I)  # "whos the lead of ..."
    q = q.strip().rstrip("?!. ").strip()
    q = re.sub(r"^@?kiki[,:]?\s+", "", q, flags=re.I)
    return q


def _changes_plan(q: str, today) -> Plan | None:
    """'what changed in X this quarter': a window of dates, not one day."""
    rest, since, until = dates.window(q, today)
    rest = _CONNECTOR.sub("", rest)
    for pat in dict(_COMPILED)["changes"]:
        mm = pat.match(rest)
        if mm:
            return Plan("changes", linking.clean_phrase(mm.group("x")), until, since=since)
    return None


def parse(question: str, state: dict | None = None, today=None) -> Plan:
    """Intent and subject phrase of a question (no graph access). A date
    phrase ("last March", "as of 2026-03-01") becomes `as_of` (see dates.py)."""
    q = clean_question(question)
    for kind, pat in SMALLTALK:
        if pat.match(q.strip("!?., ")) or (q.strip() == "" and kind == "help"):
            return Plan("smalltalk", kind)
    try:
        plan = _changes_plan(q, today)
        if plan:
            return plan
        q, as_of = dates.extract(q, today)
    except dates.DateError as e:
        return Plan("bad_date", str(e))
    if as_of:
        q = dates.present_tense(q)
    stripped = _CONNECTOR.sub("", q)
    for text in (stripped, q):
        for intent, pats in _COMPILED:
            for pat in pats:
                mm = pat.match(text)
                if mm:
                    subject = linking.clean_phrase(mm.group("x")) if "x" in pat.groupindex else None
                    if intent == "org" or (intent in ("headcount", "members", "subteams") and
                                           _ORG_SCOPE.match(subject or "")):
                        return Plan("org", None, as_of)
                    return Plan(intent, subject, as_of)
    last_intent = (state or {}).get("last_intent")
    fm = _FOLLOWUP.match(q)
    if fm and last_intent and last_intent != "search":
        return Plan(last_intent, linking.clean_phrase(fm.group("x")), as_of, followup=True)
    for pat in _ATTRIBUTE:
        mm = pat.match(stripped)
        if mm:
            # "how many vacation days does X have left" is about X's vacation days.
            attr = mm.groupdict().get("unit") or mm.group("attr")
            return Plan("attribute", linking.clean_phrase(mm.group("x")), as_of, attribute=attr.strip().lower())
    for pat in _WHAT_IS:
        mm = pat.match(stripped)
        if mm:
            return Plan("what_is", linking.clean_phrase(mm.group("x")), as_of)
    return Plan("search", stripped or q, as_of)


# --- resolving the subject ----------------------------------------------------------

class _Ctx:
    """Per-question context: the asker (loaded at most once) and the conversation state."""

    def __init__(self, asker: str | None, state: dict | None):
        self.asker = asker
        self.state = state or {}
        self._me = None
        self._me_loaded = False

    @property
    def me(self) -> dict | None:
        if not self._me_loaded:
            self._me = linking.asker_context(self.asker)
            self._me_loaded = True
        return self._me


@dataclass
class Subject:
    linked: linking.Linked | None
    problem: str | None = None      # why it could not be resolved, as a sentence
    alternatives: list = field(default_factory=list)
    namesakes: list = field(default_factory=list)  # other pages with exactly the same name
    ambiguous: list = field(default_factory=list)  # equally good partial matches ("ana": Ana Costa, Ana Dekker…)


def resolve(phrase: str | None, intent: str, ctx: _Ctx) -> Subject:
    if not phrase:
        return Subject(None, "I couldn't tell what the question is about.")
    ref = linking.self_reference(phrase)
    if ref:
        if not ctx.asker:
            return Subject(None, f"I don't know who “{md_escape(phrase)}” refers to, because I don't know "
                                 "who is asking. Ask with a name instead.")
        me = ctx.me
        if me is None:
            return Subject(None, f"I don't know who you are: there is no person page for “{md_escape(ctx.asker)}”.")
        if ref == "me":
            return Subject(linking.Linked("Person", me["me"]["key"], me["me"]["name"], via="self"))
        pool = {"team": ("Team", me["teams"]), "department": ("Department", me["departments"]),
                "manager": ("Person", me["managers"])}[ref]
        label, items = pool
        if not items:
            return Subject(None, f"I don't know your {ref}: the graph has no {ref} for "
                                 f"{md_escape(me['me']['name'])}.")
        items = sorted(items, key=lambda i: i["name"])
        return Subject(linking.Linked(label, items[0]["key"], items[0]["name"], via="self"),
                       alternatives=[linking.Linked(label, i["key"], i["name"], via="self") for i in items[1:]])
    if linking.is_pronoun(phrase):
        last = ctx.state.get("last_entity")
        answered = ctx.state.get("last_answer")
        wanted = INTENT_TYPES.get(intent, ())
        # "who leads Ledger and who do they report to": "they" is the lead the
        # last answer named, because a team has no manager but a person does.
        if answered and answered["type"] in wanted and (not last or last["type"] not in wanted):
            last = answered
        if not last:
            return Subject(None, f"I'm not sure what “{md_escape(phrase)}” refers to. Ask again with its name.")
        return Subject(linking.Linked(last["type"], last["key"], last["name"], via="context"))
    # The intent's types come first (they win ties), but any page type may match:
    # "who is the manager of the Payments team" names a team, not a person.
    preferred = INTENT_TYPES.get(intent, ())
    found = linking.candidates(phrase, tuple(preferred) + tuple(t for t in PAGE_LABELS if t not in preferred),
                               limit=5)
    if not found:
        return Subject(None, f"I don't know “{md_escape(phrase)}”: no page in Kiki matches that name.")
    top = found[0]
    if not top.exact:
        # "who is ana" with three Anas and no page called Ana: ask, don't pick one.
        ties = [c for c in found[1:] if not c.exact and c.fit == top.fit and c.type == top.type]
        if ties:
            return Subject(None, f"Several pages match “{md_escape(phrase)}”; which one do you mean?",
                           ambiguous=[top, *ties])
    namesakes = [c for c in found[1:] if c.exact and c.type == top.type and c.name.lower() == top.name.lower()]
    return Subject(top, namesakes=namesakes)


# --- answering ---------------------------------------------------------------

def _p(item: dict | None, label: str) -> Page | None:
    return page(label, item.get("key"), item.get("name")) if item else None


def _lead_text(c: Composer, leads: list[dict]) -> str:
    return join_names([c.link(_p(l, "Person")) for l in leads])


def _contact_text(c: Composer, o: dict) -> str:
    """'[Team](..) (led by [Lead](..), Slack #chan)'."""
    extras = []
    if o.get("leads"):
        extras.append(f"led by {_lead_text(c, o['leads'])}")
    if o.get("slack_channel"):
        extras.append(f"Slack {md_escape(o['slack_channel'])}")
    text = c.link(_p(o, o.get("label") or "Team"))
    return f"{text} ({', '.join(extras)})" if extras else text


class _Missing(Exception):
    """A tool found no page for a subject that linking had resolved (e.g. a
    conversation's last entity that has since been deleted)."""


class Offline:
    def __init__(self, ctx: _Ctx, plan: Plan):
        self.ctx = ctx
        self.plan = plan
        self.c = Composer()
        self.results: list[ToolResult] = []
        self.entity: linking.Linked | None = None
        self.answered: linking.Linked | None = None

    def named(self, label: str, items: list[dict]):
        """Remember the page the answer named, when it named exactly one."""
        if len(items) == 1:
            self.answered = linking.Linked(label, items[0]["key"], items[0]["name"], via="answer")

    def run(self, name: str, fn, *args, **kwargs) -> ToolResult:
        result = fn(*args, asker=self.ctx.asker, **kwargs)
        self.results.append(result)
        if result.data is None:
            raise _Missing(name)
        return result

    @property
    def when(self) -> str:
        return f" on {self.plan.as_of}" if self.plan.as_of else ""

    # each handler writes into self.c ------------------------------------------
    def headcount(self, s: linking.Linked):
        if s.type == "Person":
            # "how many people does Ana manage": her direct reports, counted and listed.
            return self.reports(s)
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "a headcount")
        r = self.run("headcount", tools.headcount, s.key, as_of=self.plan.as_of, type=s.type)
        d = r.data
        n = d["headcount"]
        people = "person" if n == 1 else "people"
        sub = f", including its {d['subteams']} sub-team{'s' if d['subteams'] != 1 else ''}" if d["subteams"] else ""
        self.c.add(f"{self.c.link(_p(d, d['label']))} has **{n}** {people}{sub}{self.when}.")

    def subteams(self, s: linking.Linked):
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "teams")
        d = self.run("subunits", tools.subunits, s.key, as_of=self.plan.as_of, type=s.type).data
        head = self.c.link(_p(d, d["label"]))
        teams = d["teams"]
        if not teams:
            self.c.add(f"The graph records no teams under {head}{self.when}.")
            return
        n = len(teams)
        deeper = f" ({d['total']} counting their sub-teams)" if d["total"] > n else ""
        self.c.add(f"{head} has {n} team{'s' if n != 1 else ''} directly under it{deeper}{self.when}:")
        items = []
        for t in teams:
            bits = [f"{t['headcount']} {'person' if t['headcount'] == 1 else 'people'}"]
            if t["leads"]:
                bits.append(f"led by {_lead_text(self.c, t['leads'])}")
            if t["subteams"]:
                bits.append(f"{t['subteams']} sub-team{'s' if t['subteams'] != 1 else ''}")
            items.append(f"{self.c.link(page('Team', t['key'], t['name']))} ({', '.join(bits)})")
        self.c.bullets(items, limit=30)

    def org(self):
        d = self.run("organization", tools.organization).data
        depts = d["departments"]
        if self.plan.as_of:
            self.c.add(f"I can only describe the whole organization as it is today, not on {self.plan.as_of}.")
        n = d["headcount"]
        self.c.add(f"The organization has **{n}** {'person' if n == 1 else 'people'} in a team or department, "
                   f"across {len(depts)} department{'s' if len(depts) != 1 else ''} and {d['teams']} "
                   f"team{'s' if d['teams'] != 1 else ''}:")
        items = []
        for dep in depts:
            lead = f", led by {_lead_text(self.c, dep['leads'])}" if dep["leads"] else ""
            items.append(f"{self.c.link(page('Department', dep['key'], dep['name']))}: {dep['headcount']} "
                         f"{'person' if dep['headcount'] == 1 else 'people'}{lead}")
        self.c.bullets(items, limit=40)

    def members(self, s: linking.Linked):
        if s.type == "Person":
            return self.reports(s)
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "members")
        r = self.run("members", tools.members, s.key, True, as_of=self.plan.as_of, type=s.type)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if not d["members"]:
            self.c.add(f"I don't know of any members of {head}{self.when}: the graph lists nobody in it.")
            return
        self.c.add(f"{head} has {d['count']} member{'s' if d['count'] != 1 else ''}{self.when}:")
        items = []
        for m in d["members"]:
            extra = f", {md_escape(m['title'])}" if m.get("title") else ""
            via = f" ({self.c.link(page('Team', m['team_key'], m['team_name']))})" \
                if m.get("team_key") and m["team_key"] != d["key"] else ""
            items.append(f"{self.c.link(_p(m, 'Person'))}{extra}{via}")
        self.c.bullets(items, limit=30)

    def leader(self, s: linking.Linked):
        if s.type in ("System", "Process", "Topic"):
            return self.owner(s)
        if s.type == "Person":
            return self.manager(s)
        r = self.run("leader", tools.leader, s.key, as_of=self.plan.as_of, type=s.type)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if d["leads"]:
            self.named("Person", d["leads"])
            verb = "is led by" if len(d["leads"]) == 1 else "is co-led by"
            self.c.add(f"{head} {verb} {_lead_text(self.c, d['leads'])}{self.when}.")
            return
        self.c.add(f"I don't know who leads {head}{self.when}: the graph records no lead for it.")
        parent = d["parents"][0] if d["parents"] else None
        if parent:
            ptext = self.c.link(_p(parent, parent["label"]))
            if parent.get("lead"):
                self.c.add(f"It is part of {ptext}, led by {self.c.link(_p(parent['lead'], 'Person'))}, "
                           "who would know.")
            else:
                self.c.add(f"It is part of {ptext}.")

    def owner(self, s: linking.Linked):
        if s.type in ("Team", "Department"):
            return self.leader(s)
        if s.type == "Person":
            return self.what_is(s)
        r = self.run("owner", tools.owner, s.key, s.type, as_of=self.plan.as_of)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if d["owners"]:
            self.named(d["owners"][0].get("label") or "Team", d["owners"])
            owners = join_names([_contact_text(self.c, o) for o in d["owners"]])
            self.c.add(f"{head} is owned by {owners}{self.when}.")
            return
        self.c.add(f"I don't know who owns {head}{self.when}: the graph records no owner for it.")
        inh = d.get("inherited")
        if inh:
            self.c.add(f"It is part of {self.c.link(_p(inh['system'], 'System'))}, which is owned by "
                       f"{_contact_text(self.c, inh['owner'])}; they would know.")

    def manager(self, s: linking.Linked, full: bool = False):
        if s.type != "Person":
            return self.leader(s) if s.type in ("Team", "Department") else self.not_applicable(s, "a manager")
        r = self.run("manager_chain", tools.manager_chain, s.key, as_of=self.plan.as_of)
        d = r.data
        who = self.c.link(_p(d["person"], "Person"))
        chain = d["chain"]
        if not chain:
            self.c.add(f"I don't know who {who} reports to{self.when}: the graph records no manager.")
            teams = sorted(d["teams"], key=lambda t: (t.get("lead") is None, t["name"]))
            if teams:
                team = teams[0]
                where = self.c.link(_p(team, team.get("label") or "Team"))
                if team.get("lead"):
                    self.c.add(f"{who} is in {where}, led by {self.c.link(_p(team['lead'], 'Person'))}, "
                               "who would know.")
                else:
                    self.c.add(f"{who} is in {where}.")
            return
        mgr = chain[0]
        self.named("Person", [mgr])
        title = f" ({md_escape(mgr['title'])})" if mgr.get("title") else ""
        self.c.add(f"{who} reports to {self.c.link(_p(mgr, 'Person'))}{title}{self.when}.")
        if full or len(chain) > 1:
            path = " → ".join([who] + [self.c.link(_p(m, "Person")) for m in chain])
            self.c.add("")
            self.c.add(f"Management chain: {path}")

    def chain(self, s: linking.Linked):
        return self.manager(s, full=True)

    def reports(self, s: linking.Linked):
        if s.type in ("Team", "Department"):
            return self.members(s)
        if s.type != "Person":
            return self.not_applicable(s, "direct reports")
        r = self.run("direct_reports", tools.direct_reports, s.key, as_of=self.plan.as_of)
        d = r.data
        who = self.c.link(_p(d["person"], "Person"))
        if not d["reports"]:
            self.c.add(f"Nobody reports directly to {who}{self.when}, as far as the graph knows.")
            return
        n = len(d["reports"])
        self.c.add(f"{n} {'person reports' if n == 1 else 'people report'} directly to {who}{self.when}:")
        self.c.bullets([self.c.link(_p(m, "Person")) + (f", {md_escape(m['title'])}" if m.get("title") else "")
                        for m in d["reports"]], limit=30)

    def _deps(self, s: linking.Linked, direction: str):
        if s.type != "System":
            return self.not_applicable(s, "dependencies")
        r = self.run("dependencies", tools.dependencies, s.key, direction)
        d = r.data
        head = self.c.link(_p(d["system"], "System"))
        items = d["uses"] if direction == "out" else d["used_by"]

        def fmt(x):
            via = " (consumes its API)" if x["via"] == ["CONSUMES_API"] else ""
            return self.c.link(_p(x, "System")) + via
        if direction == "out":
            if not items:
                self.c.add(f"The graph records no dependencies of {head}.")
            else:
                self.c.add(f"{head} depends on:")
                self.c.bullets([fmt(x) for x in items])
        else:
            if not items:
                self.c.add(f"The graph records nothing that depends on {head}.")
            else:
                self.c.add(f"These depend on {head}:")
                self.c.bullets([fmt(x) for x in items])

    def deps_out(self, s):
        return self._deps(s, "out")

    def deps_in(self, s):
        return self._deps(s, "in")

    def steps(self, s: linking.Linked):
        if s.type != "Process":
            return self.what_is(s)
        r = self.run("process_steps", tools.process_steps, s.key)
        d = r.data
        head = self.c.link(_p(d["process"], "Process"))
        if not d["steps"]:
            self.c.add(f"I don't know the steps of {head}: the graph records none.")
            if d["owners"]:
                self.c.add(f"Ask its owner, {join_names([_contact_text(self.c, o) for o in d['owners']])}.")
            return
        self.c.add(f"Steps of {head}:")
        for i, st in enumerate(d["steps"], 1):
            resp = join_names([self.c.link(page(x["label"], x["key"], x["name"])) for x in st["responsible"]])
            line = f"{st.get('order') or i}. **{md_escape(st['name'])}**"
            if st.get("summary"):
                line += f": {md_escape(st['summary'])}"
            if resp:
                line += f" (responsible: {resp})"
            self.c.add(line)
        if d["owners"]:
            self.c.add("")
            self.c.add(f"Process owner: {join_names([_contact_text(self.c, o) for o in d['owners']])}.")

    def who_to_ask(self, s: linking.Linked):
        r = self.run("who_to_ask", tools.who_to_ask, s.name, key=s.key, type=s.type)
        self._render_contacts(r.data)

    def _render_contacts(self, d: dict):
        head = self.c.link(_p(d, d["label"]))
        contacts = d["contacts"]
        if d["label"] == "Person" and d["relation"] in (None, "team"):
            self.c.add(f"Ask {head} directly.")
            if contacts:
                self.c.add(f"They are in {join_names([_contact_text(self.c, t) for t in contacts])}.")
            return
        if not contacts:
            self.c.add(f"I don't know who to ask about {head}: the graph records no owning team for it.")
            return
        text = join_names([_contact_text(self.c, t) for t in contacts])
        if d["relation"] == "self":
            self.c.add(f"Ask {text}.")
        elif d["relation"] == "parent_owner":
            self.c.add(f"{head} has no owner of its own; its parent system is owned by {text}. Ask them.")
        else:
            self.c.add(f"For {head}, ask {text}, who own{'s' if len(contacts) == 1 else ''} it.")

    def what_is(self, s: linking.Linked):
        r = self.run("entity", tools.entity, s.key, s.type)
        d = r.data
        props = d["props"]
        head = self.c.link(page(d["type"], d["key"], d["name"]))
        kind = {"Person": "a person", "Team": "a team", "Department": "a department", "System": "a system",
                "Process": "a process", "Topic": "a topic"}[d["type"]]
        if d["type"] == "System" and props.get("kind"):
            kind = f"a {md_escape(str(props['kind']).lower())}"
        first = f"{head} is {kind}"
        if d["type"] == "Person" and props.get("title"):
            first = f"{head} ({md_escape(props['title'])}) is a person"
        summary = (props.get("summary") or "").strip()
        self.c.add(f"{first}: {md_escape(summary)}" if summary else f"{first}.")
        # A few relationship facts, each linked (and so cited).
        groups: dict[str, list[str]] = {}
        for rel in d["related"]:
            p = page(rel["label"], rel["key"], rel["name"])
            if p is None:
                continue
            phrase = _RELATED.get((rel["type"], rel["outgoing"]))
            if phrase:
                groups.setdefault(phrase, []).append(rel_link(self.c, p))
        facts = [f"{phrase} {join_names(items[:8])}" + (f" and {len(items) - 8} more" if len(items) > 8 else "")
                 for phrase, items in groups.items()]
        if facts:
            self.c.add("")
            self.c.bullets([f[0].upper() + f[1:] for f in facts], limit=8)

    def changes(self, s: linking.Linked):
        d = self.run("changes", tools.changes, s.key, self.plan.since, self.plan.as_of, s.type).data
        head = self.c.link(_p(d["scope"], d["scope"]["label"]))
        window = f"between {d['since']} and {d['until']}"
        if not d["events"]:
            self.c.add(f"No changes are recorded for {head} {window}.")
            return
        n = len(d["events"])
        self.c.add(f"{n} change{'s' if n != 1 else ''} recorded for {head} {window}, newest first:")
        self.c.bullets([f"{e['date']}: {self._event(e)}" for e in d["events"]], limit=40)

    def _event(self, e: dict) -> str:
        me = self.c.link(_p(e["page"], e["page"]["label"]))
        if e["kind"] == "changed":
            field = e["field"].replace("_", " ")
            return f"{me}'s {md_escape(field)} changed from “{md_escape(e['old'])}” to “{md_escape(e['new'])}”"
        other = self.c.link(_p(e["other"], e["other"]["label"]))
        started = e["kind"] == "started"
        phrases = _EVENT_PHRASES[(e["rel"], e["outgoing"])]
        subject, verb, obj = (me, phrases[0 if started else 1], other) if e["outgoing"] else \
            (other, phrases[0 if started else 1], me)
        return f"{subject} {verb} {obj}"

    def attribute(self, s: linking.Linked):
        attr = self.plan.attribute or ""
        for pattern, labels, target in _ATTRIBUTE_FIELDS:
            if s.type in labels and re.search(pattern, attr):
                if not target.startswith("prop:"):
                    return getattr(self, target)(s)
                return self._property(s, target[5:], attr)
        self._unknown(s, attr)

    def _property(self, s: linking.Linked, prop: str, attr: str):
        head = self.c.link(page(s.type, s.key, s.name))
        if self.plan.as_of:
            value = self.run("property_as_of", tools.property_as_of, s.key, prop, self.plan.as_of, s.type).data["value"]
        else:
            value = self.run("entity", tools.entity, s.key, s.type).data["props"].get(prop)
        if value in (None, "", []):
            return self._unknown(s, attr, head)
        verb = "was" if self.plan.as_of else "is"
        self.c.add(f"{head}'s {_PROP_NAMES.get(prop, prop.replace('_', ' '))} {verb} **{md_escape(str(value))}**"
                   f"{self.when}.")

    def _unknown(self, s: linking.Linked, attr: str, head: str | None = None):
        """The graph has no such fact: say so, and name who would know."""
        head = head or self.c.link(page(s.type, s.key, s.name))
        if re.match(r"(?:have|has|spend|cost|earn|make|pay|get|charge|need|take|owe|weigh)", attr):
            self.c.add(f"I don't know that: Kiki's graph does not record it for {head}.")
        else:
            self.c.add(f"I don't know {head}'s {md_escape(attr)}: Kiki's graph does not record it.")
        if s.type == "Person":
            chain = self.run("manager_chain", tools.manager_chain, s.key).data["chain"]
            if chain:
                self.c.add(f"Their manager, {self.c.link(_p(chain[0], 'Person'))}, would know; or ask "
                           f"{self.c.link(page(s.type, s.key, s.name))} directly.")
            else:
                self.c.add(f"Ask {self.c.link(page(s.type, s.key, s.name))} directly.")
        elif s.type in ("Team", "Department"):
            leads = self.run("leader", tools.leader, s.key, type=s.type).data["leads"]
            if leads:
                self.c.add(f"{_lead_text(self.c, leads)}, who lead{'s' if len(leads) == 1 else ''} it, would know.")
        else:
            owners = self.run("owner", tools.owner, s.key, s.type).data["owners"]
            if owners:
                text = join_names([_contact_text(self.c, o) for o in owners])
                self.c.add(f"Its owner{'s' if len(owners) > 1 else ''}, {text}, would know.")

    def not_applicable(self, s: linking.Linked, what: str):
        p = page(s.type, s.key, s.name)
        self.c.add(f"I don't know {what} for {self.c.link(p)}: it is a {s.type.lower()} page, "
                   f"and the graph records {what} only for other kinds of pages.")


# (relationship, seen from its start node?) -> (verb when it started, when it ended);
# the sentence always reads start node -> verb -> end node.
_EVENT_PHRASES = {
    ("MEMBER_OF", True): ("joined", "left"), ("MEMBER_OF", False): ("joined", "left"),
    ("LEADS", True): ("became a lead of", "stopped leading"), ("LEADS", False): ("became a lead of", "stopped leading"),
    ("REPORTS_TO", True): ("started reporting to", "stopped reporting to"),
    ("REPORTS_TO", False): ("started reporting to", "stopped reporting to"),
    ("PART_OF", True): ("became part of", "stopped being part of"),
    ("PART_OF", False): ("became part of", "stopped being part of"),
    ("OWNS", True): ("took ownership of", "handed over"), ("OWNS", False): ("took ownership of", "handed over"),
}

_PEOPLE = ("Person",)
_UNITS = ("Team", "Department")
_THINGS = ("System", "Process", "Topic")
# (pattern over the attribute asked, page types it applies to, what answers it:
# "prop:<property>" or the name of another handler). First match wins.
_ATTRIBUTE_FIELDS = [
    (r"\b(?:job )?(?:title|role|job|position)\b", _PEOPLE, "prop:title"),
    (r"\b(?:e-?mail|mail address)\b", _PEOPLE, "prop:email"),
    (r"\b(?:location|office|city|based|located|sitting)\b", _PEOPLE, "prop:location"),
    (r"\b(?:start date|start|join|joined|joining date|hire date|first day)\b", _PEOPLE, "prop:start_date"),
    (r"\bslack (?:id|user|handle)\b", _PEOPLE, "prop:slack_id"),
    (r"\bemployee (?:id|number)\b", _PEOPLE, "prop:employee_id"),
    (r"\b(?:slack )?channel\b", _UNITS, "prop:slack_channel"),
    (r"\b(?:lifecycle|stage|maturity)\b", ("System",), "prop:lifecycle"),
    (r"\b(?:kind)\b", ("System",), "prop:kind"),
    (r"^(?:team|department|group|squad|org)$", _PEOPLE, "what_is"),
    (r"^(?:manager|boss|line manager|supervisor)$", _PEOPLE, "manager"),
    (r"^(?:management|reporting) (?:chain|line)$", _PEOPLE, "chain"),
    (r"^(?:direct )?reports$", _PEOPLE, "reports"),
    (r"^(?:team lead|tech lead|lead|leader|head|manager|boss)$", _UNITS, "leader"),
    (r"^(?:members|people|staff)$", _UNITS, "members"),
    (r"^(?:sub-?teams|teams|systems|services|processes)$", _UNITS, "what_is"),
    (r"^(?:headcount|head count|size)$", _UNITS, "headcount"),
    (r"^(?:owner|owners|owning team)$", _THINGS, "owner"),
    (r"^(?:upstream )?(?:dependencies|upstreams)$", ("System",), "deps_out"),
    (r"^(?:downstream )?(?:dependents|consumers|users|downstreams)$", ("System",), "deps_in"),
    (r"^(?:steps|procedure)$", ("Process",), "steps"),
    (r"^(?:purpose|mission|job|role|goal|description|summary|responsibilit(?:y|ies))$",
     _UNITS + _THINGS, "what_is"),
]
_PROP_NAMES = {"title": "title", "email": "work email", "location": "location", "start_date": "start date",
               "slack_id": "Slack id", "employee_id": "employee id", "slack_channel": "Slack channel",
               "lifecycle": "lifecycle", "kind": "kind"}


def rel_link(c: Composer, p: Page) -> str:
    return c.link(p)


# (relationship type, outgoing from the subject?) -> phrase
_RELATED = {
    ("MEMBER_OF", True): "member of", ("MEMBER_OF", False): "members:",
    ("LEADS", True): "leads", ("LEADS", False): "led by",
    ("REPORTS_TO", True): "reports to", ("REPORTS_TO", False): "direct reports:",
    ("PART_OF", True): "part of", ("PART_OF", False): "includes",
    ("OWNS", True): "owns", ("OWNS", False): "owned by",
    ("DEPENDS_ON", True): "depends on", ("DEPENDS_ON", False): "used by",
    ("PROVIDES_API", True): "provides", ("CONSUMES_API", True): "consumes",
}


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _search_answer(off: Offline, text: str):
    hits = search_pages(_search_words(text), lambda q, n: off.run("search", tools.search, q, limit=n).data)
    if not hits:
        off.c.add("I don't know. Nothing in Kiki matches that question; try naming a person, team, "
                  "system, process or topic.")
        return
    off.c.add("I don't know a direct answer to that, but these pages look relevant:")
    items = []
    for h in hits:
        p = page(h["type"], h["key"], h["name"])
        # Page text is quoted as such, never presented as Kiki's own words.
        snippet = " ".join((h.get("passage") or h.get("summary") or "").split())
        if len(snippet) > 200:
            snippet = snippet[:200].rsplit(" ", 1)[0] + " …"
        items.append(off.c.link(p) + (f": “{md_escape(snippet)}”" if snippet else ""))
    off.c.bullets(items)


# "who owns the ledger service and what depends on it": two questions, the second
# about the first's subject. Split only before a question word, and only when
# both halves are questions the planner knows, so a name with "and" in it
# ("Research and Development") stays whole.
_AND_QUESTION = re.compile(r",?\s+and\s+(?=(?:who|whom|whose|what|which|how|where|when)\b)", re.I)
_STRUCTURED = set(INTENT_TYPES)


def split_compound(question: str, today=None) -> list[str]:
    """The sub-questions of a compound question, in order ([question] if it is one)."""
    q = clean_question(question)
    for m in _AND_QUESTION.finditer(q):
        left, right = q[:m.start()], q[m.end():]
        first = parse(left, today=today)
        if first.intent in _STRUCTURED and parse(right, {"last_intent": first.intent}, today).intent in _STRUCTURED:
            return [left] + split_compound(right, today)
    return [q]


def next_state(state: dict | None, out: Outcome) -> dict:
    """The conversation state after an answer: what follow-ups ("and who leads it?") refer to."""
    new = dict(state or {})
    if out.entity:
        new["last_entity"] = out.entity
    new.pop("last_answer", None)
    if out.answered:
        new["last_answer"] = out.answered
    intent = out.plan.get("intent")
    if intent == "compound":
        intent = out.plan["parts"][-1].get("intent")
    if intent not in (None, "search", "bad_date", "smalltalk", "org"):
        new["last_intent"] = intent
    return new


def answer_offline(question: str, asker: str | None = None, state: dict | None = None) -> Outcome:
    """The whole offline path. Raises GraphUnavailable if Neo4j is down."""
    parts = split_compound(question)
    if len(parts) == 1:
        return _answer_one(question, asker, state)
    outcomes = []
    for part in parts:
        # Each part sees the one before it, so "it" in the second is the first's subject.
        outcomes.append(_answer_one(part, asker, state))
        state = next_state(state, outcomes[-1])
    sources = {(s["type"], s["key"]): s for o in outcomes for s in o.sources}
    entity = next((o.entity for o in reversed(outcomes) if o.entity), None)
    return Outcome("\n\n".join(o.answer for o in outcomes), list(sources.values()),
                   {"intent": "compound", "parts": [o.plan for o in outcomes]},
                   [r for o in outcomes for r in o.tools], entity, outcomes[-1].answered)


def _answer_one(question: str, asker: str | None, state: dict | None) -> Outcome:
    plan = parse(question, state)
    ctx = _Ctx(asker, state)
    off = Offline(ctx, plan)
    subject = None
    if plan.intent == "bad_date":
        off.c.add(f"I don't know which day you mean: {md_escape(plan.subject)}.")
        return Outcome(off.c.text, off.c.sources, plan.as_dict(), off.results, None)
    if plan.intent == "smalltalk":
        off.c.add(SMALLTALK_REPLIES[plan.subject])
        return Outcome(off.c.text, [], plan.as_dict(), [], None)
    if plan.intent == "org":
        off.org()
        return Outcome(off.c.text, off.c.sources, plan.as_dict(), off.results, None)
    if plan.intent == "search":
        # A bare name ("Risk Data?") is a what-is question.
        whole = linking.link(plan.subject) if plan.subject and len(plan.subject.split()) <= 6 else None
        if whole is not None and whole.exact:
            plan = Plan("what_is", plan.subject, plan.as_of)
            off.plan = plan
            subject = Subject(whole)
        else:
            _search_answer(off, _search_words(plan.subject or question))
    if plan.intent != "search":
        subject = subject or resolve(plan.subject, plan.intent, ctx)
        closest = None
        if subject.linked is None and not subject.ambiguous and plan.intent == "who_to_ask" and plan.subject and \
                not linking.self_reference(plan.subject) and not linking.is_pronoun(plan.subject):
            # No page by that name: who_to_ask's own text match finds the closest page.
            found = tools.who_to_ask(plan.subject, asker=asker)
            off.results.append(found)
            closest = found.data
        if closest is not None:
            off.entity = linking.Linked(closest["label"], closest["key"], closest["name"], via="closest")
            off.c.add(f"I have no page called “{md_escape(plan.subject)}”; the closest match is "
                      f"{off.c.link(page(closest['label'], closest['key'], closest['name']))}.")
            off._render_contacts(closest)
        elif subject.ambiguous:
            off.c.add(subject.problem)
            off.c.bullets([off.c.link(page(a.type, a.key, a.name)) +
                           (f", {md_escape(_short(a.detail))}" if a.detail else "") for a in subject.ambiguous])
            off.c.add("")
            off.c.add("Ask again with the full name.")
        elif subject.linked is None:
            off.c.add(subject.problem)
            if plan.intent in ("who_to_ask", "steps", "what_is") and plan.subject and \
                    not linking.self_reference(plan.subject) and not linking.is_pronoun(plan.subject):
                hits = off.run("search", tools.search, _search_words(plan.subject) or plan.subject, limit=3) \
                    if _search_words(plan.subject) else None
                if hits and hits.data:
                    off.c.add("")
                    off.c.add("These pages may be related:")
                    off.c.bullets([off.c.link(page(h["type"], h["key"], h["name"])) for h in hits.data])
        else:
            off.entity = subject.linked
            try:
                getattr(off, plan.intent)(subject.linked)
            except _Missing:
                off.c = Composer()
                off.c.add(f"I don't know anything about “{md_escape(subject.linked.name)}”: "
                          "Kiki has no page for it any more.")
                off.entity = None
            if subject.namesakes and off.entity is not None:
                # Two people can share a name: say which one this answer is about.
                off.c.add("")
                def named(n):
                    return f"{off.c.link(page(n.type, n.key, n.name))} (`{n.key}`)"
                off.c.add(f"Note: {len(subject.namesakes) + 1} pages are called “{md_escape(subject.linked.name)}”; "
                          f"this answer is about {named(subject.linked)}; also "
                          f"{join_names([named(n) for n in subject.namesakes])}.")
            if subject.alternatives and off.entity is not None:
                lead_in = "You also report to " if subject.linked.type == "Person" else "You are also in "
                off.c.add("")
                off.c.add(lead_in + join_names([off.c.link(page(a.type, a.key, a.name))
                                                for a in subject.alternatives]) + ".")
    plan_dict = plan.as_dict()
    if off.entity is not None:
        plan_dict["entity"] = off.entity.as_dict()
    return Outcome(off.c.text, off.c.sources, plan_dict, off.results,
                   off.entity.as_dict() if off.entity else None,
                   off.answered.as_dict() if off.answered and off.entity else None)

"""Reading a question from its parts: the pages it names (anywhere in it),
the relation words around them (mapped onto the schema by `lexicon`), the
aggregate it asks for and the filters it sets, into one `Reading`.

There are no whole-question shapes here. The question is cut into tokens;
known words (relation cues, label words, aggregates, filters, function
words) are tagged; the runs of other words are names, linked to pages. The
path is built outward from the page: relation words after it ("Ana's boss's
boss", "Ana reports to whom") apply first, in order, then those before it
("the manager of the manager of Ana", "who reports to Ana"), nearest first;
the page's label picks the sense of each word ("manages" a person is a
manager, "manages" a team is its lead).

Anything not understood stops the reading from running as if certain: an
unknown word becomes a clarification, a partial name a "did you mean".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import lexicon
from .lexicon import LABEL_WORDS, LIFECYCLES, ORDINALS, PROPERTY_WORDS, ROLE_SYNONYMS, SENSE_BY_NAME, Sense
from graph.model import PAGE_LABELS

from .reading import Filter, Reading, Step, Subject

STOP = set("""a an the of for to in on at by with about from please pls kiki hey hi hello ok okay so and also then
now just currently current right really exactly actually tell me show give list name find get display know let see
i'd like want need would could you can u our my your there here today all every full entire whole complete
tell us let's lets named called currently presently any some if based located sitting goes went down as or
work works working employed exist exists existing sit sits seated got gotten hold holds trace walk still yet already each total altogether overall else besides apart out directly look lookup up
everything describe explain summarize summarise summary overview send official formal exact actual things stuff
somewhere anywhere""".split())
WH = {"who", "whom", "whose", "what", "which", "where", "when", "how", "why"}
AUX = {"is", "are", "was", "were", "be", "been", "being", "does", "do", "did", "has", "have", "had", "can", "could",
       "will", "would", "should", "may", "might", "am", "isn't", "aren't", "doesn't", "don't"}
SELF = {"i", "me", "myself", "my", "mine", "our", "ours", "we", "us"}
PRONOUNS = {"it", "its", "they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers", "that", "this",
            "these", "those", "there"}
EXISTS = {"anyone", "anybody", "someone", "somebody", "anything", "any"}
COUNT_CUES = ("how many", "number of", "count of", "count", "total number of", "how big", "how large", "size of",
              "size",
              "headcount", "head count", "total", "tally of", "tally")
STEPS_CUES = ("steps to", "steps for", "steps of", "steps in", "steps", "how do i", "how can i", "how should i",
              "how do we", "how can we", "how should we", "how to", "how would i", "procedure for", "procedure to",
              "process for", "process to", "walk me through", "talk me through", "what is the process for",
              "what is the procedure for")
ASK_CUES = ("who should i ask about", "who can i ask about", "who do i ask about", "who should i talk to about",
            "who should i contact about", "who can help with", "who can help me with", "who can help us with",
            "who knows about", "who knows anything about", "who knows", "who to ask about", "who to contact about",
            "who is the expert on", "who's the expert on", "who is the contact for", "point of contact for",
            "contact for", "expert on", "go-to person for", "who should i ask", "who can answer questions about",
            "where can i get help with", "where can i ask about", "who should i ping about", "who can i talk to about",
            "who should we ask about", "who do we ask about", "who to talk to about")
LOCATION_CUES = ("based in", "based out of", "work out of", "works out of", "working out of", "located in", "sitting in", "sits in", "living in", "lives in",
                 "working from", "works from", "work from", "in the office of", "from the office in", "office in",
                 "located at", "based at")
ORG_WORDS = {"company", "organization", "organisation", "org", "firm", "business", "enterprise", "here", "total",
             "overall", "altogether", "everyone", "everybody", "we", "us"}
CHANGE_CUES = ("changed", "changes", "change", "what's new", "what is new", "new in", "happened", "joined", "left")
_POSS_AFTER = {"'s", "'"}
_ASK_ABOUT = re.compile(r"^(?:who|whom|where)\b.{0,40}?\b(?:ask|talk to|speak to|speak with|talk with|contact|ping|"
                        r"reach out to|go to|turn to|get help)\b.{0,20}?\b(?:about|regarding|re|for|with)\b")
UNIT_BEFORE = {"team", "squad", "department", "division", "dept", "group", "domain", "system", "component", "api",
               "service", "process", "topic"}
_STRANDED = {"in", "on", "at", "under", "within", "inside", "part of"}
_JOINERS = {"and", "of", "&", "for", "the", "de", "y", "und", "et"}
_POSSESSION = {"have", "has", "got", "include", "includes", "contain", "contains"}
# Words about whose an address is ("who owns ana@x", "ana@x belongs to whom",
# "the person at ana@x"): the address's holder, not a relation of theirs.
_EMAIL_HOLDER = {"own", "owns", "owned by", "belong to", "belongs to", "use", "uses", "using", "used by", "at",
                 "person", "people", "employee", "owner", "user", "holder", "name", "behind", "is", "for", "of"}
_NOISE = re.compile(r"^\s*(?:please\s+)?(?:tell|show|give)\s+me\s+(?=who|what|which|where|how|the|a\b)|"
                    r"(?<!\bwork )(?<!\bworks )(?<!\bworking )\bfor (?:me|us)\s*$|\bup to the top\b|\bdirectly\b|"
                    r"\b(?:in|within|up|at|with) (?:the|our|this) (?:hierarchy|org chart|org|organi[sz]ation|company|firm|"
                    r"reporting line|chain|chain of command|management chain)\b|\bup the chain\b|"
                    r"\b(?:goes|go|went|were|was|is) (?:down|offline)\b|\b(?:fails|failed)\b|"
                    r"\b(?:in total|in all|all told|all in all|as a whole|these days|nowadays|at the moment|right now|"
                    r"roughly|approximately|approx\.?|more or less|give or take)\b|\ball the way(?: up)?(?: to the top)?\b|\b(?:up )?to the (?:very )?(?:top|ceo)\b", re.I)


@dataclass
class Tok:
    text: str
    low: str
    i: int
    cap: bool
    tag: str = ""          # cue | label | prop | life | role | ord | count | stop | wh | aux | self | pron | poss
    value: object = None   # what the tag means
    span: int = 1          # tokens the tag covers (on its first token)


@dataclass
class Candidate:
    """A linked name: the pages it fits and how."""
    status: str                     # page | partial | ambiguous | none
    pages: list = field(default_factory=list)  # Linked
    fit: str = "exact"              # exact | typo | first name


@dataclass
class Interpretation:
    reading: Reading | None
    problem: str | None = None              # why it cannot run as certain
    kind: str = ""                          # unknown_name | partial | ambiguous | unclear | no_asker | ...
    options: list = field(default_factory=list)  # pages to offer ("did you mean")
    phrase: str = ""


# Letters of any script ("Zieliński", "Çelik", "Đorđević"), digits, and the
# joiners names use inside a word (api.ledger, team-a, ana@acme.com, FP&A).
_TOKEN = re.compile(r"[^\W_][\w.@&+/-]*[^\W_]|[^\W_]|'s\b|'(?=\s|$)|:")


def tokenize(q: str) -> list[Tok]:
    q = q.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    q = re.sub(r"(?<=[A-Za-z0-9])'s\b", " 's", q)
    q = re.sub(r"(?<=s)'(?=\s|$)", " '", q)
    out = []
    for m in _TOKEN.finditer(q):
        t = m.group(0)
        out.append(Tok(t, t.lower(), len(out), t[:1].isupper()))
    return out


def _vocabulary() -> dict[str, list[tuple[str, object]]]:
    v: dict[str, list[tuple[str, object]]] = {}

    def add(phrase, tag, value=None):
        v.setdefault(phrase, []).append((tag, value))
    for phrase in lexicon.CUES:
        add(phrase, "cue", phrase)
    for phrase, (label, extra) in LABEL_WORDS.items():
        if phrase not in ("what", "which", "who", "whom"):
            add(phrase, "label", (label, extra))
    for prop, words in PROPERTY_WORDS.items():
        for w in words:
            if w not in ("where", "based", "located"):
                add(w, "prop", prop)
    for w, value in LIFECYCLES.items():
        add(w, "life", value)
    for w, words in ROLE_SYNONYMS.items():
        add(w + "s", "role", words)
    for w in ORDINALS:
        add(w + "-level", "ord", ORDINALS[w])
        add(w + " level", "ord", ORDINALS[w])
    add("grand-boss", "cue", "boss")
    for c in COUNT_CUES:
        add(c, "count")
    return v


VOCAB = _vocabulary()
_MAX_PHRASE = max(len(p.split()) for p in VOCAB)
# Words a one-edit slip is corrected to ("reprots", "chian", "departmnet"):
# the vocabulary's words of five letters or more, and "does" ("dose Ana ...").
_TYPO_TARGETS = sorted({w for p in VOCAB for w in p.split() if len(w) >= 5 and w.isalpha()} | {"does"} |
                       {"which", "what", "where", "whose"})  # "wich team", "waht type"
_SHORT_TARGETS = {w for p in VOCAB for w in p.split() if len(w) == 4 and w.isalpha()}
_KNOWN = {w for p in VOCAB for w in p.split()} | STOP | AUX | WH | SELF | PRONOUNS | EXISTS


def fix_typos(tokens: list[Tok], notes: list[str]) -> None:
    """Lower-case words one edit away from exactly one vocabulary word become
    that word. Capitalised words are left alone: they are names."""
    from rapidfuzz.distance import OSA

    for t in tokens:
        if t.cap or len(t.low) < 4 or not t.low.isalpha() or t.low in _KNOWN:
            continue
        nxt = tokens[t.i + 1].low if t.i + 1 < len(tokens) else ""
        if t.low.endswith("s") and any(r == "noun" for r, _ in lexicon.CUES.get(nxt, [])):
            continue  # "gina parks boss": a possessive typed without its apostrophe, not "parts"
        # After "my" the short words people say there count too ("my tema"), never
        # a page's name that happens to be close.
        after_my = t.i and tokens[t.i - 1].low in ("my", "our")
        targets = sorted(set(_TYPO_TARGETS) | set(_SELF_NOUNS)) if after_my else _TYPO_TARGETS
        if len(t.low) >= 5:
            targets = sorted(set(targets) | _SHORT_TARGETS)   # "ownes" -> owns
        near = [w for w in targets if abs(len(w) - len(t.low)) <= 1 and OSA.distance(t.low, w) == 1
                and not (w.startswith(t.low) or t.low.startswith(w))]  # "executive" is not "executives"
        if len(near) > 1:
            # "leeds": leads or needs? The slip that keeps both ends of the word.
            near = [w for w in near if w[0] == t.low[0] and w[-1] == t.low[-1]]
        if len(near) > 1 and t.i and tokens[t.i - 1].low in WH:
            # right after "who" comes a verb: "who ownes" owns, not owners
            near = [w for w in near if {r for r, _ in lexicon.CUES.get(w, [])} & {"subj", "obj"}]
        if len(near) == 1 and (near[0] != "does" or t.i == 0):
            notes.append(f"“{t.text}” as {near[0]}")
            t.low = near[0]


def tag(tokens: list[Tok]) -> None:
    """Tag known words in place, longest phrase first."""
    i = 0
    prev_wh = False
    while i < len(tokens):
        t = tokens[i]
        if t.low in _POSS_AFTER:
            # "who's" is "who is"; "Ana's" is a possessive.
            t.tag = "aux" if prev_wh or (i and tokens[i - 1].low in PRONOUNS | {"that", "there", "it"}) else "poss"
            i += 1
            prev_wh = False
            continue
        best = None
        for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            phrase = " ".join(x.low for x in tokens[i:i + n])
            if phrase in VOCAB and not any(x.low in _POSS_AFTER for x in tokens[i:i + n]):
                best = (n, VOCAB[phrase], phrase)
                break
        if best:
            n, entries, phrase = best
            # A capitalised word in the middle of a name ("Data Platform Lead") is
            # still tagged; linking decides names, the tags only offer readings.
            t.tag, t.value, t.span = entries[0][0], {"phrase": phrase, "entries": entries}, n
            for x in tokens[i + 1:i + n]:
                x.tag = "cont"
            i += n
            prev_wh = False
            continue
        if t.low in WH:
            t.tag = "wh"
        elif t.low in AUX:
            t.tag = "aux"
        elif t.low in SELF:
            t.tag = "self"
        elif t.low in PRONOUNS and t.text != "IT":   # "our IT director": the IT department, not "it"
            t.tag = "pron"
        elif t.low in EXISTS:
            t.tag = "exists"
        elif t.low in STOP or t.low == ":":
            t.tag = "stop"
        prev_wh = t.low in WH
        i += 1
    for a, b in zip(tokens, tokens[1:]):
        if a.low == "staff" and a.tag in ("label", "cue") and b.tag == "role":
            a.tag, a.value = "", None  # "staff engineers": part of the title, not "people"


def has(t: Tok, kind: str) -> bool:
    return t.tag == kind or bool(entries(t, kind))


def label_of_word(t: Tok) -> tuple[str, dict] | None:
    lab = entries(t, "label")
    return lab[0] if lab and lab[0][0] else None


def entries(t: Tok, kind: str) -> list:
    return [v for k, v in (t.value or {}).get("entries", []) if k == kind] if isinstance(t.value, dict) else []


def phrase_of(t: Tok) -> str:
    return t.value["phrase"] if isinstance(t.value, dict) else t.low


def chunks(tokens: list[Tok]) -> list[tuple[int, int]]:
    """Runs of untagged tokens: the names in a question. A label word right
    after a run ("the Payroll squad", "Ledger API") goes with it as a hint,
    and so does a capitalised known word between capitalised name words."""
    out = []
    i = 0
    n = len(tokens)
    while i < n:
        if tokens[i].tag:
            i += 1
            continue
        j = i
        while j < n:
            t = tokens[j]
            if not t.tag:
                j += 1
                continue
            # "Risk Engine Worker", "Request Production Access": a capitalised known
            # word joined by capitalised name words on both sides stays in the name.
            if t.cap and t.tag in ("cue", "label", "life", "role", "prop", "stop") and t.span == 1 and \
                    j + 1 < n and not tokens[j + 1].tag and tokens[j + 1].cap and tokens[j - 1].cap:
                j += 1
                continue
            break
        if j < n and (label_of_word(tokens[j]) or tokens[j].low in ("org", "organisation", "organization")) and \
                tokens[j].span == 1 and not _plural_unit_word(tokens[j]) and tokens[j].low not in (
                "people", "who", "members", "staff", "employees", "folks", "everyone", "anyone", "persons",
                "person", "member", "colleagues", "somebody", "someone", "anybody", "everybody", "individuals"):
            j += 1  # ("the Finance org": "org" is a hint, like "team")
            if j < n and tokens[j - 1].low in UNIT_BEFORE and tokens[j].low in UNIT_BEFORE and \
                    label_of_word(tokens[j]) and tokens[j].span == 1 and not _plural_unit_word(tokens[j]):
                j += 1  # "the Ledger Squad team": the name's own unit word, then the hint
        # A unit word right before a name is its hint too ("department Platform").
        if i > 0 and label_of_word(tokens[i - 1]) and tokens[i - 1].low in UNIT_BEFORE and \
                (i < 2 or tokens[i - 2].tag in ("stop", "wh", "aux", "") or tokens[i - 2].low in ("the", "in", "of")):
            i -= 1
        out.append((i, j))
        i = j
    return out


class Interpreter:
    """One question's interpretation. `link(phrase, types)` returns a
    Candidate; `me()` the asker's context (or None); `state` the conversation."""

    def __init__(self, link: Callable[[str, tuple], Candidate], me: Callable[[], dict | None],
                 asker: str | None = None, state: dict | None = None,
                 title_held: Callable[..., bool] | None = None,
                 location_held: Callable[[str], bool] | None = None):
        cache: dict = {}

        def cached(text, types):
            # A name is linked once per question, whatever order the readings try it in.
            k = (text.lower(), tuple(types))
            if k not in cache:
                cache[k] = link(text, types)
            return cache[k]
        self.link = cached
        self.me = me
        # title_held(phrase) says whether someone has exactly that title;
        # title_held(phrase, whole=False), whether some title has its words.
        self.title_held = title_held or (lambda phrase, whole=True: False)
        self.location_held = location_held or (lambda phrase: False)
        self.asker = asker
        self.state = state or {}
        self.notes: list[str] = []

    # --- the subject ----------------------------------------------------
    def _self_subject(self, word: str | None) -> tuple[Subject | None, str | None]:
        """'me' -> the asker; 'my team' / 'my department' / 'my manager' -> that page."""
        if not self.asker:
            return None, "no_asker"
        me = self.me()
        if me is None:
            return None, "unknown_asker"
        person = Subject("page", "Person", me["me"]["key"], me["me"]["name"], via="self")
        if word is None:
            return person, None
        pools = {"Team": me.get("teams", []), "Department": me.get("departments", [])}
        pools = {"team": {"Team": pools["Team"]}, "department": {"Department": pools["Department"]}}[word]
        for label, items in pools.items():
            if items:
                # Departments come nearest first (the one the person sits in);
                # teams come in the order graph.org.asker_context gives (the one
                # they lead, then their manager's, then one placed in the org).
                if label == "Department":
                    items = sorted(items, key=lambda i: (i.get("depth", 0), i["name"]))
                s = Subject("page", label, items[0]["key"], items[0]["name"], via="self")
                if len(items) > 1:
                    self.notes.append("also: " + ", ".join(i["name"] for i in items[1:]))
                return s, None
        return None, f"no_{word}"

    def _self_named(self, tokens: list[Tok]) -> Interpretation | None:
        """A page named beside "me", "my team" or "my manager": the asker's own
        pages said by name, so that the question is read as if it named both
        ("is Gina on my team" -> "is Gina on Risk Data", "is Dan my manager" ->
        "is Dan Ana Costa's manager", "does Gina report to me" -> "... to Ana
        Costa"). Only "am I ..." / "do I ..." keep the asker as the subject."""
        n = len(tokens)
        words: list[str] = []
        changed = False
        i = 0
        while i < n:
            t = tokens[i]
            nxt = tokens[i + 1] if i + 1 < n else None
            # Right after a name ("is Dan my manager", "is Risk Data my team") the
            # words are what the name is checked against: "the manager of Ana Costa".
            predicate = i > 1 and tokens[i - 1].tag == "" and tokens[0].low in ("is", "are", "was")
            if t.low in ("my", "our") and nxt is not None and nxt.low in _SELF_UNITS and not predicate:
                s, err = self._self_subject(_SELF_UNITS[nxt.low])
                if s is None:
                    return Interpretation(None, err, err, phrase=f"{t.text} {nxt.text}")
                words.append(s.name)
                changed, i = True, i + 2
                continue
            if t.low in ("my", "our") and nxt is not None and nxt.tag == "cue":
                me, err = self._self_subject(None)
                if me is None:
                    return Interpretation(None, err, err, phrase=t.text)
                if predicate and i + 1 + nxt.span == n:
                    words += ["the", *(x.text for x in tokens[i + 1:i + 1 + nxt.span]), "of", me.name]
                    changed, i = True, i + 1 + nxt.span
                    continue
                words += [me.name, "'s"]
                changed, i = True, i + 1
                continue
            if t.low in ("me", "myself") and i and tokens[i - 1].low not in _REQUEST_VERBS or \
                    t.low == "i" and i > 1:
                me, err = self._self_subject(None)
                if me is None:
                    return Interpretation(None, err, err, phrase=t.text)
                words.append(me.name)
                changed, i = True, i + 1
                continue
            words.append(t.text)
            i += 1
        if not changed:
            return None
        self.notes.append("you as " + self.me()["me"]["name"])
        return Interpretation(None, "", "self_named", phrase=" ".join(words))

    def _pronoun_subject(self, wanted: tuple[str, ...]) -> Subject | None:
        last = self.state.get("last_entity")
        answered = self.state.get("last_answer")
        if answered and wanted and answered["type"] in wanted and (not last or last["type"] not in wanted):
            last = answered
        if not last:
            return None
        return Subject("page", last["type"], last["key"], last["name"], via="context")

    # --- the whole question ----------------------------------------------------
    def interpret(self, question: str, as_of: str | None = None) -> Interpretation:
        question = re.sub(r"\b(who|what|where|when|how)s\b", r"\1's", question, flags=re.I)
        rephrased = _rephrase(question)
        tokens = tokenize(_NOISE.sub(" ", rephrased))
        if not tokens:
            return Interpretation(None, "empty", "unclear")
        fix_typos(tokens, self.notes)
        tag(tokens)
        low = " ".join(t.low for t in tokens)
        op = self._operation(tokens, low)
        if op is not None:
            op.reading and setattr(op.reading, "as_of", as_of)
            return op
        beyond = _beyond_paths(rephrased)
        if beyond:
            return Interpretation(None, beyond[1], "unsupported", phrase=beyond[0])
        interp = self._path_reading(tokens)
        if interp.kind == "self_named":
            # "is Gina on my team" is asked again as "is Gina on Risk Data"
            return self.interpret(interp.phrase, as_of)
        if interp.reading is not None:
            interp.reading.as_of = as_of
            interp.reading.notes = self.notes + interp.reading.notes
        return interp

    def _operation(self, tokens: list[Tok], low: str) -> Interpretation | None:
        """steps / who-to-ask: the rest of the question is the name."""
        m = _ASK_ABOUT.match(low)
        if m:
            text = " ".join(t.text for t in tokens[len(low[:m.end()].split()):])
            if text:
                return self._op_reading("who_to_ask", text, ("Topic", "System", "Process", "Team", "Department",
                                                             "Person"))
        for cues, op, types in ((ASK_CUES, "who_to_ask", ("Topic", "System", "Process", "Team", "Department",
                                                          "Person")),
                                (STEPS_CUES, "steps", ("Process", "Topic", "System"))):
            for cue in cues:
                if low.startswith(cue + " ") or (op == "steps" and f" {cue} " in f" {low} " and cue.startswith(
                        ("steps", "process ", "procedure "))):
                    idx = low.index(cue) + len(cue)
                    rest = low[idx:].strip()
                    words = [t for t in tokens if t.low in rest.split()]
                    text = " ".join(t.text for t in tokens[len(low[:idx].split()):])
                    text = re.sub(r"^(?:the|a|an|to|for|of|about|in|with)\s+", "", text, flags=re.I).strip()
                    if op == "steps" and not text:
                        return None
                    if not words and op == "who_to_ask":
                        return None
                    return self._op_reading(op, text, types)
        return None

    def _op_reading(self, op: str, text: str, types: tuple) -> Interpretation:
        t = text.strip().lower()
        if t in PRONOUNS or t in ("it", "that", "this"):
            s = self._pronoun_subject(types)
            if s is None:
                return Interpretation(None, text, "unknown_pronoun", phrase=text)
            return Interpretation(Reading(op=op, subject=s))
        cand = self.link(text, types)
        if cand.status == "page":
            page = cand.pages[0]
            if op == "steps" and page.type != "Process":
                op = "describe"
            return Interpretation(Reading(op=op, subject=_subject(page), notes=self._fit_note(text, cand)))
        if op == "who_to_ask" and cand.status == "none":
            return Interpretation(Reading(op=op, subject=Subject("page", None, None, text, via="text")))
        return self._link_problem(text, cand)

    def _fit_note(self, phrase: str, cand: Candidate) -> list[str]:
        if cand.fit != "exact":
            return [f"“{phrase}” as {cand.pages[0].name}"]
        return []

    def _link_problem(self, phrase: str, cand: Candidate) -> Interpretation:
        if cand.status == "partial":
            return Interpretation(None, phrase, "partial", cand.pages, phrase)
        if cand.status == "ambiguous":
            return Interpretation(None, phrase, "ambiguous", cand.pages, phrase)
        return Interpretation(None, phrase, "unknown_name", [], phrase)

    # --- relation paths ---------------------------------------------------------
    def _path_reading(self, tokens: list[Tok]) -> Interpretation:
        n = len(tokens)
        first = next((t for t in tokens if t.tag not in ("stop",)), tokens[0])
        yesno = first.tag == "aux" or (first.low in ("is", "are", "does", "do", "did", "has", "have", "can"))
        count = any(has(t, "count") for t in tokens)
        wh = next((t.low for t in tokens if t.tag == "wh"), None)
        if wh in ("how",) and not count:
            nxt = tokens[[t.low for t in tokens].index("how") + 1].low if "how" in [t.low for t in tokens][:-1] else ""
            if nxt in ("big", "large"):
                count = True
        if wh:
            yesno = False
        # "chief executive?", "head of finance?": a bare title asks who holds it
        terse = wh is None and not yesno and not count and len(tokens) <= 4
        _roles_before_membership(tokens)
        for t in tokens[:-1]:
            if t.low == "one" and not t.tag and not t.cap and tokens[t.i + 1].low == "of":
                t.tag = "stop"  # "is Ana one of Dan's reports": not part of a name
        # Names: link every run of unknown words.
        runs = chunks(tokens)
        linked: list[tuple[int, int, Candidate, str]] = []
        # The relation words say which kinds of page the names are likely to be
        # ("who owns ledger": a system before a team called Ledger Squad).
        # "Learning and Development", "Head of Platform": two runs joined by a small
        # word may be one name; the joined name is tried first.
        merged = []
        for run in runs:
            if merged and run[0] == merged[-1][1] + 1 and tokens[merged[-1][1]].low in _JOINERS:
                joined = (merged[-1][0], run[1])
                cand = self.link(" ".join(t.text for t in tokens[joined[0]:joined[1]]),
                                 tuple(_preferred(tokens, *joined)))
                if cand.status == "page":
                    merged[-1] = joined
                    continue
            merged.append(run)
        # "Executive Office", "Lead Scoring Scheduler": a capitalised known word next
        # to a capitalised name may belong to it; the longer name is tried first.
        grown = []
        for a, b in merged:
            while b < n and tokens[b].cap and tokens[b].tag in ("cue", "label", "prop", "role", "life") and \
                    tokens[b].span == 1 and tokens[b - 1].cap:
                if self.link(" ".join(t.text for t in tokens[a:b + 1]), tuple(_preferred(tokens, a, b + 1))) \
                        .status != "page":
                    break
                b += 1
            while a > 1 and tokens[a - 1].cap and tokens[a - 1].tag in ("cue", "label", "prop", "role", "life") and \
                    tokens[a - 1].span == 1 and tokens[a].cap:
                if self.link(" ".join(t.text for t in tokens[a - 1:b]), tuple(_preferred(tokens, a - 1, b))) \
                        .status != "page":
                    break
                a -= 1
            if b < n and tokens[b].span == 1 and tokens[b - 1].cap and (
                    tokens[b].low in ("org", "organisation", "organization") or
                    tokens[b].low in UNIT_BEFORE and label_of_word(tokens[b]) and (a, b) != (a, a)):
                b += 1  # "the Executive Office org": a hint, like "team"
            for t in tokens[a:b]:
                if t.tag == "prop":
                    t.value = None  # "Mobile Apps": a name's word, no longer the phone property
                if t.tag:
                    t.tag = ""
            grown.append((a, b))
        if not grown:
            # "who's the head of people": with no other name, a known word after a
            # preposition or verb that is exactly a page's name is that page
            last = next((t for t in reversed(tokens) if t.tag not in ("stop",) and t.low not in ("?", ":")), None)
            if last is not None and last.i and last.span == 1 and last.tag in ("label", "cue") and \
                    (tokens[last.i - 1].low in ("of", "in", "for", "at", "on") or
                     tokens[last.i - 1].tag == "cue" and tokens[last.i - 1].i > 0):
                cand = self.link(last.text, tuple(_preferred(tokens, last.i, last.i + 1)))
                if cand.status == "page" and cand.fit == "exact" and cand.pages[0].name.lower() == last.low:
                    last.tag, last.value = "", None
                    grown = [(last.i, last.i + 1)]
        runs = self._exact_names(tokens, grown)
        for a, b in runs:
            text = " ".join(t.text for t in tokens[a:b])
            preferred = _preferred(tokens, a, b)
            cand = self.link(text, tuple(preferred))
            linked.append((a, b, cand, text))
        # Self references and pronouns can be the subject too.
        subject: Subject | None = None
        spos: tuple[int, int] | None = None
        said_title = False
        for (a, b, cand, text) in linked:
            if cand.status == "page" and cand.fit != "exact" and self._said_title(tokens, wh, terse):
                said_title = True
                continue  # "who is our chief executive officer": a title, not "Executive Office" misspelt
            if cand.status == "page" and b < n and tokens[b].tag in ("role", "cue") and tokens[b].span == 1 and \
                    cand.pages[0].type in ("Department", "Team") and \
                    self.title_held(" ".join([*(t.low for t in tokens[a:b]), tokens[b].low.rstrip("s")])):
                # "engineering managers", "the finance analysts": a title someone holds
                # that starts with a unit's name, not the unit's managers
                words = [*(t.low for t in tokens[a:b]), tokens[b].low.rstrip("s")]
                for t in tokens[a:b]:
                    t.tag, t.value = "used", None
                tokens[b].tag, tokens[b].value = "role", {"phrase": tokens[b].low,
                                                          "entries": [("role", (" ".join(words),))]}
                continue
            if cand.status == "page":
                subject = _subject(cand.pages[0])
                # "www-artist system?": a kind word naming a level the page is not at.
                hint = next((label_of_word(t)[1].get("kind") for t in tokens[a:b] if label_of_word(t)), None)
                own = (getattr(cand.pages[0], "kind", "") or "").lower()
                self.level_asked = hint if hint in ("system", "domain") and own and own != hint else None
                if len(cand.pages) > 1:
                    # "what type of API is petstore": the kind word says which of the namesakes
                    kinds = {(lexicon.LABEL_WORDS[t.low][1] or {}).get("kind") for t in tokens
                             if t.low in lexicon.LABEL_WORDS and not a <= t.i < b} - {None}
                    fit = [p for p in cand.pages if (getattr(p, "kind", "") or "").lower() in kinds]
                    if len(fit) == 1:
                        cand = Candidate(cand.status, [fit[0]], cand.fit) if isinstance(cand, Candidate) else cand
                        subject = _subject(fit[0])
                if len(cand.pages) > 1:
                    subject.via = "namesakes"
                    self.namesakes = cand.pages
                if cand.fit != "exact":
                    self.notes.append(f"“{text}” as {cand.pages[0].name}")
                spos = (a, b)
                last = tokens[b - 1]
                if subject.label == "Person" and b - a > 1 and last.low in lexicon.CUES and \
                        (last.low in UNIT_BEFORE or last.low in ("org", "dept", "unit")) and \
                        last.low not in cand.pages[0].name.lower().split():
                    # "frank liu team", "ana costa dept": a person has no unit word in
                    # their name; the word asks for their team or department
                    spos = (a, b - 1)
                    last.tag, last.value = "cue", {"phrase": last.low, "entries": [("cue", last.low)]}
                    linked[linked.index((a, b, cand, text))] = (a, b - 1, cand, text.rsplit(" ", 1)[0])
                break
        named_self = self._self_named(tokens) if isinstance(subject, Subject) and subject.via != "self" else None
        if named_self is not None:
            return named_self
        if isinstance(subject, Subject) and n > 1 and tokens[0].tag == "aux" and tokens[1].low == "i" and \
                tokens[0].low in ("am", "do", "did", "was", "have"):
            # "am I in Engineering", "do I report to Dan": the asker is asked about and
            # the page is what they are checked against, never "is anyone in Engineering"
            me, err = self._self_subject(None)
            if me is None:
                return Interpretation(None, err, err, phrase=tokens[1].text)
            subject, spos = me, (1, 2)
        if isinstance(subject, Subject) and subject.label == "Person":
            # "how many reports does Dan have", "reports under Dan": of a person, a
            # word for the people under them is that relation, not a title
            for t in tokens:
                if t.tag == "role" and isinstance(t.value, dict) and "was_cue" in t.value and \
                        {sn.name for _, sn in lexicon.CUES.get(t.low, [])} & {"reports", "below", "teammates"}:
                    t.tag, t.value = "cue", t.value["was_cue"]
        if isinstance(subject, Subject) and subject.via == "email" and not any(
                t.tag == "cue" and phrase_of(t) not in _POSSESSION | _EMAIL_HOLDER
                for t in tokens if not spos[0] <= t.i < spos[1]):
            # "who is ana@acme.com", "who has the address ...": the person it belongs to
            return Interpretation(Reading(op="describe", subject=subject, notes=list(self.notes)))
        # "show me everyone on my team": "my team" is the subject, not the "me" of "show me"
        selfpos = next((t.i for t in tokens if t.tag == "self" and t.low in ("my", "our") and t.i + 1 < n and
                        tokens[t.i + 1].tag in ("cue", "label")), None)
        if selfpos is None:
            selfpos = next((t.i for t in tokens if t.tag == "self"), None)
        if subject is None and selfpos is not None:
            t = tokens[selfpos]
            nxt = tokens[selfpos + 1] if selfpos + 1 < n else None
            word, mates = None, False
            if t.low in ("my", "our", "mine") and nxt is not None and nxt.tag in ("cue", "label"):
                word = phrase_of(nxt)
                if word in ("team", "teams", "squad", "group", "crew"):
                    word = "team"
                elif word in _TEAMMATES:
                    # "my teammates": the people of the asker's own teams.
                    word, mates = "team", True
                elif word in ("department", "dept", "division", "org", "business unit"):
                    word = "department"
                else:
                    word = None
            if t.low in ("our", "we", "us") and word is None:
                pass  # "our chief executive", "how many people do we have": the company, not the asker
            else:
                s, err = self._self_subject(word)
                if err:
                    return Interpretation(None, err, err, phrase=" ".join(x.text for x in tokens[selfpos:selfpos + 2]))
                subject = s
                spos = (selfpos, selfpos + (2 if word and not mates else 1))
                if mates:
                    nxt.value = {"phrase": "members", "entries": [("cue", "members")]}
                elif word:
                    nxt.tag = "used"
        pronpos = next((t.i for t in tokens if t.tag == "pron"), None)
        if subject is None and pronpos is not None and tokens[pronpos].low != "there":
            spos = (pronpos, pronpos + 1)
            subject = "pronoun"  # resolved once the first step's labels are known
        # Unlinked names: a location, a title, a role, an unknown relation word, or an unknown name.
        location = None
        role_words: list[str] = []
        title_subject = None
        unknown: list[tuple[int, int, Candidate, str]] = []
        target: Subject | None = None
        self._tpos = None
        for (a, b, cand, text) in linked:
            if spos and (a, b) == spos or all(t.tag == "used" for t in tokens[a:b]):
                continue
            if cand.status != "page" and set(text.lower().split()) <= ORG_WORDS | {"the", "this", "whole", "entire"} \
                    and not (a and tokens[a].cap and tokens[a - 1].low in ("in", "at", "for")):
                continue  # "at the company": the whole organization, not a name ("in Business" is one)
            before = " ".join(t.low for t in tokens[max(0, a - 3):a])
            cued = any(before.endswith(c) for c in LOCATION_CUES)
            if cand.status != "page" and location is None and not cued and (
                    a and tokens[a - 1].low in ("in", "from", "at", "of") or
                    b < n and (tokens[b].tag == "role" or (label_of_word(tokens[b]) or ("",))[0] == "Person")) \
                    and self.location_held(text):
                # "who works in London", "people from Lisbon": a place where someone is based
                location = text
                if a and tokens[a - 1].low in ("in", "from", "at", "of"):
                    tokens[a - 1].tag = "used"
                k = a - 2
                while k >= 0 and tokens[k].tag in ("stop", "cont") and tokens[k].low not in ("in",):
                    k -= 1
                if k >= 0 and tokens[k].tag == "cue" and not label_of_word(tokens[k]) and \
                        {sn.name for _, sn in lexicon.CUES.get(phrase_of(tokens[k]), [])} & {"members", "unit"} \
                        and tokens[k].low in ("work", "works", "working", "live", "lives", "sit", "sits", "is",
                                              "are", "based"):
                    tokens[k].tag = "used"
                continue
            if any(before.endswith(c) for c in LOCATION_CUES) or (before.endswith("in") and a >= 1 and
                                                                   cand.status == "none" and location is None and
                                                                   subject not in (None, "pronoun") and
                                                                   (text[:1].isupper() or b == n and b - a <= 2)
                                                                   and tokens[a - 1].low == "in"
                                                                   and spos and a > spos[1] + 1):
                location = text
                cue = next((c for c in LOCATION_CUES if before.endswith(c)), None)
                if cue:
                    for x in tokens[a - len(cue.split()):a]:
                        x.tag = "used"  # "work out of Berlin": where people are, not a relation
                elif a and tokens[a - 1].low == "in":
                    # "work in Berlin", "sits in Lisbon": the verb and its "in" say
                    # where people are, so neither is a relation any more.
                    k = a - 1
                    while k > 0 and tokens[k].tag == "cont":
                        k -= 1
                    for x in tokens[k if tokens[k].tag == "cue" else a - 1:a]:
                        x.tag = "used"
                continue
            if cand.status == "page" and subject is not None and subject != "pronoun":
                target = _subject(cand.pages[0])
                self._tpos = (a, b)
                continue
            if b < n and tokens[b].tag == "role" and cand.status != "page":
                # "data engineers": a title of several words.
                words = [t.low for t in tokens[a:b]] + [entries(tokens[b], "role")[0][0] if tokens[b].low.rstrip(
                    "s") in ROLE_SYNONYMS else tokens[b].low.rstrip("s")]
                tokens[b].value = {"phrase": tokens[b].low, "entries": [("role", (" ".join(words),))]}
                continue
            if cand.status in ("partial", "ambiguous") and not (
                    subject is None and (wh in ("who", "whom") or terse) and a and tokens[a - 1].tag == "cue"
                    and _noun_only(phrase_of(tokens[a - 1]))) and not (
                    subject is None and self._said_title(tokens, wh, terse)):
                # ("who is the head of design": a title someone has, though pages are called Design ...)
                # ("who is the chief executive": a title, though a page is called Executive Office)
                return self._link_problem(text, cand)
            unknown.append((a, b, cand, text))
        # A "based in" cue followed by a tagged word (rare) is not a location.
        for (a, b, cand, text) in list(unknown):
            words = [t.low for t in tokens[a:b]]
            nxt = tokens[b] if b < n else None
            prev = tokens[a - 1] if a else None
            lead_in = all(t.tag in ("wh", "aux", "stop", "self") for t in tokens[:a])
            if subject is None and lead_in and (wh in ("who", "whom") or prev is not None and prev.low in ("our",)) \
                    and (nxt is None or nxt.tag in ("stop", "aux", "poss", "cue")):
                first, whole = _after_lead_in(tokens)
                if len(whole) > len(words) and len(whole) <= 6 and not any(t.tag == "poss" for t in tokens) \
                        and self.title_held(" ".join(whole)):
                    # "who's our IT director": the whole title someone has, not "IT" and a relation
                    title_subject, unknown, spos = [" ".join(whole)], [], (first, n)
                    break
                title_subject = _title_words(words)
                unknown.remove((a, b, cand, text))
                spos = (a, b)
                continue
            if cand.status != "page" and prev is not None and prev.low in ("a", "an", "the", "any") and \
                    len(words) <= 4 and (nxt is None or nxt.tag in ("cue", "stop", "aux") or nxt.low in (
                        "role", "title", "position", "job")) and \
                    (self.title_held(" ".join(words)) or " ".join(words) in lexicon.TITLE_ABBREVIATIONS):
                # "is there an accountant in Finance", "who holds the CTO role": a title
                # said in the singular, not a name nobody has
                phrase = lexicon.TITLE_ABBREVIATIONS.get(" ".join(words), " ".join(words))
                role_words.append(phrase)
                unknown.remove((a, b, cand, text))
                for t in tokens[a:b - 1]:
                    t.tag = "used"
                tokens[b - 1].tag = "role"
                tokens[b - 1].value = {"phrase": " ".join(words), "entries": [("role", (phrase,))]}
                if nxt is not None and nxt.low in ("role", "title", "position", "job"):
                    nxt.tag = "used"
                continue
            if len(words) == 1 and words[0].endswith("s") and len(words[0]) > 3 and (prev is None or prev.tag in (
                    "wh", "count", "stop")) and \
                    (nxt is not None and nxt.tag in ("cue", "stop", "aux") or count):
                role_words.append(words[0].rstrip("s") if not words[0].endswith("ss") else words[0])
                unknown.remove((a, b, cand, text))
                tokens[a].tag = "role"
                tokens[a].value = {"phrase": words[0], "entries": [("role", (role_words[-1],))]}
        if subject is None and title_subject is None and unknown and (wh in ("who", "whom") or terse):
            # "who is our chief technology officer": a title, even with known words in it.
            first = next((t.i for t in tokens if t.tag not in ("wh", "aux", "stop", "self")), None)
            if first is not None and first == unknown[0][0] - (unknown[0][0] - first) and all(
                    t.tag in ("wh", "aux", "stop", "self") for t in tokens[:first]) and all(
                    t.tag in ("", "cont", "role", "label", "stop") or t.tag == "cue" and _noun_only(phrase_of(t))
                    or t.tag == "aux" and t.i == n - 1 for t in tokens[first:]):
                # ("... our general counsel is": the closing verb is not part of the title)
                words = [t.low for t in tokens[first:] if (t.tag != "stop" or t.low in ("of", "and"))
                         and not (t.tag == "aux" and t.i == n - 1)]
                if words and all(t.tag not in ("poss",) for t in tokens[first:]):
                    title_subject = _title_words(words)
                    unknown = []
                    spos = (first, n)
        if subject is None and title_subject is None and (wh in ("who", "whom") or terse or
                                                          tokens[0].low in _NAME_IT):
            # "who's the chief of staff": words the lexicon knows, but together
            # exactly someone's title
            first, words = _after_lead_in(tokens)
            if 1 < len(words) <= 6 and not any(t.tag in ("poss", "count") for t in tokens) and (
                    said_title or self.title_held(" ".join(words))):
                title_subject, unknown, spos = [" ".join(words)], [], (first, n)
        if title_subject and spos:
            for t in tokens[:spos[0]]:
                if t.i + t.span > spos[0]:
                    t.tag = "used"   # "is the head of" ran into the title "Head of Design"
        if title_subject:
            subject = Subject("title", "Person", title_words=tuple(title_subject))
        offered = self._alternatives(tokens, subject, spos)
        if offered is not None:
            return offered
        # Relation words around the subject build the path.
        if subject is None:
            return self._subjectless(tokens, count, unknown, location, role_words)
        if unknown:
            # A word after the subject's possessive that no sense knows: the embedding
            # model may know it ("Ana's superior"); otherwise it is an attribute the
            # graph does not model ("Payments' budget"), or a name Kiki doesn't know.
            a, b, cand, text = unknown[0]
            sense = None
            label = subject.label if isinstance(subject, Subject) else None
            if b - a <= 3:
                hit = lexicon.nearest(text.lower(), label)
                if hit is not None:
                    sense = hit[0]
                    self.notes.append(f"“{text}” as {sense.phrase.format(x='…').replace('the ', '', 1)}")
                    tokens[a].tag, tokens[a].value = "cue", {"phrase": sense.nouns[0] if sense.nouns else text,
                                                             "entries": [("cue", sense.nouns[0] if sense.nouns else
                                                                          text)],
                                                             "sense": sense}
                    for x in tokens[a + 1:b]:
                        x.tag = "cont"
            if sense is None:
                poss = spos and (a == spos[1] + 1 and tokens[spos[1]].tag == "poss" or
                                 (a >= 2 and tokens[a - 1].low == "of" and spos[0] == b + 1 or
                                  tokens[b].low == "of" if b < n else False))
                if isinstance(subject, Subject) and (poss or (spos and a > spos[1])) and subject.kind == "page":
                    return Interpretation(Reading(op="path", subject=subject, aggregate="value", attribute=text,
                                                  notes=list(self.notes)))
                return Interpretation(None, text, "unknown_name", [], text)
        if yesno and isinstance(subject, Subject) and subject.kind == "page" and spos[1] < n and target is None and \
                tokens[spos[1]].low in ("a", "an", "still") and subject.label in ("Person", "System"):
            # "is Frank Liu an engineer?": a check of the title (a system's kind or type).
            words = [t.low for t in tokens[spos[1]:] if t.low not in ("a", "an", "still", "the")]
            if subject.label == "Person" and " ".join(words) in _EMPLOYED:
                # "is Gina still here": whether they still work here, not a title called "here"
                return Interpretation(Reading(op="path", subject=subject, aggregate="value", prop="status",
                                              notes=list(self.notes)))
            if subject.label == "Person" and tokens[spos[1]].low == "still" and not (
                    {"a", "an"} & {t.low for t in tokens[spos[1]:]} or words[-1:] and (
                        words[-1].rstrip("s") in ROLE_SYNONYMS or self.title_held(words[-1], whole=False))):
                # "is Ana still remote": no title word, so not a title check that would say No
                return Interpretation(Reading(op="path", subject=subject, aggregate="value",
                                              attribute=" ".join(words), notes=list(self.notes)))
            if subject.label == "Person" and words in (["manager"], ["boss"], ["supervisor"], ["people", "manager"]):
                # "is Ana a manager?": does anyone report to her, whatever her title says
                return Interpretation(Reading(op="path", subject=subject, path=[Step("reports")], aggregate="exists",
                                              notes=list(self.notes)))
            if words and subject.label == "System" and ({" ".join(words), "still " + " ".join(words)}
                                                        & set(PROPERTY_WORDS["lifecycle"])):
                # "is the ledger still supported": its lifecycle says, not a type called "supported"
                return Interpretation(Reading(op="path", subject=subject, aggregate="value", prop="lifecycle",
                                              notes=list(self.notes)))
            stage = " ".join(words[1:] if words[:1] == ["in"] else words)   # "still in beta"
            if words and subject.label == "System" and stage in LIFECYCLES:
                # "is www-artist still experimental": a lifecycle, not a kind
                return Interpretation(Reading(op="path", subject=subject, aggregate="yesno", prop="lifecycle",
                                              target_value=LIFECYCLES[stage], notes=list(self.notes)))
            if words:
                value = " ".join(w.rstrip("s") if i == len(words) - 1 and w.endswith("s") and len(w) > 3 else w
                                 for i, w in enumerate(words))
                # a system's catalog kind ("a component") or its type ("a website")
                prop = "title" if subject.label == "Person" else "kind" if value in _KINDS else "type"
                return Interpretation(Reading(op="path", subject=subject, aggregate="yesno", prop=prop,
                                              target_value=value, notes=list(self.notes)))
        if wh == "where" and isinstance(subject, Subject) and subject.label == "Person" and not any(
                t.tag in ("cue", "prop") for t in tokens):
            lows = {t.low for t in tokens}
            if lows & {"based", "located", "sitting", "sit", "sits", "live", "lives", "office"} or \
                    tokens[0].low == "where":  # "where is Ana", "where does Ana work from"
                return Interpretation(Reading(op="path", subject=subject, aggregate="value", prop="location",
                                              notes=list(self.notes)))
        inverse = self._inverse(tokens, subject, spos, count) or self._member_of(tokens, subject, spos, target) \
            or self._placed_relative_to(tokens, subject, spos, target)
        if inverse is not None:
            return inverse
        return self._build(tokens, subject, spos, count, yesno, wh, target, location, role_words)

    def _exact_names(self, tokens: list[Tok], runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A name that is not a page's exact name may be one with the known
        words around it: "box office" ("office"), "team c", "it operations",
        "Lead Scoring Scheduler", "merchant support tooling". The longest
        stretch of at most two words before and three after that is exactly a
        page's name (or alias) wins; only then are its words a name and not
        relation words. Linking a whole name first keeps a page called
        "Customer Support" from being read as "customer" plus "support"."""
        n = len(tokens)
        absorbable = ("cue", "label", "prop", "role", "life", "pron", "cont", "ord", "")

        def ok(i):
            t = tokens[i]
            return t.tag in absorbable and t.low not in STOP | AUX | WH | {"'s", "'", ":"} and \
                not (t.tag == "pron" and t.low != "it")

        out: list[tuple[int, int]] = []
        for a, b in runs:
            if out and a < out[-1][1]:
                continue  # swallowed by the name before
            if a >= 2 and _verb_only(tokens[a - 1]) and tokens[a - 1].span == 1 and \
                    _verb_only(tokens[a - 2] if tokens[a - 2].tag == "cue" else None):
                # "who maintains support platform": a verb does not take a verb as
                # its object, so the second one is part of the name (which then
                # may be no page's: "did you mean ...?", never another page's answer)
                tokens[a - 1].tag, tokens[a - 1].value = "", None
                a -= 1
            own = self.link(" ".join(t.text for t in tokens[a:b]), tuple(_preferred(tokens, a, b)))
            if not (own.status == "page" and own.fit == "exact") and 2 <= b - a <= 7 and \
                    tokens[b - 1].low in UNIT_BEFORE and label_of_word(tokens[b - 1]):
                head = self.link(" ".join(t.text for t in tokens[a:b - 1]), tuple(_preferred(tokens, a, b - 1)))
                if head.status == "page" and head.fit == "exact":
                    # "the team-a team", "the Payroll squad": a name and its unit word, one page
                    tokens[b - 1].tag, tokens[b - 1].value = "used", None
                    out.append((a, b - 1))
                    continue
            if not (own.status == "page" and own.fit == "exact") and 2 <= b - a <= 6:
                # "is Eve Adams Frank Liu's boss": two names side by side, each
                # exactly a page's, are two names, not one unknown.
                split = next((k for k in range(a + 1, b) if all(
                    c.status == "page" and c.fit == "exact" for c in (
                        self.link(" ".join(t.text for t in tokens[a:k]), tuple(_preferred(tokens, a, k))),
                        self.link(" ".join(t.text for t in tokens[k:b]), tuple(_preferred(tokens, k, b)))))), None)
                if split is not None:
                    out += [(a, split), (split, b)]
                    continue
            if own.status == "page" and own.fit == "exact":
                if b < n and _plural_unit_word(tokens[b]):
                    # "Platform Services" may be a page's whole name, not Platform's services
                    longer = self.link(" ".join(t.text for t in tokens[a:b + 1]), tuple(_preferred(tokens, a, b + 1)))
                    if longer.status == "page" and longer.fit == "exact":
                        tokens[b].tag, tokens[b].value = "", None
                        b += 1
                out.append((a, b))
                continue
            options = []
            for a2 in range(a, max(-1, a - 3), -1):
                if a2 < a and not ok(a2):
                    break
                for b2 in range(b, min(n, b + 3) + 1):
                    if b2 > b and not ok(b2 - 1):
                        break
                    if (a2, b2) != (a, b):
                        options.append((a2, b2))
            best = (a, b)
            for a2, b2 in sorted(options, key=lambda r: (r[0] - r[1], r[0]))[:6]:
                if b2 - a2 < 2:
                    continue
                cand = self.link(" ".join(t.text for t in tokens[a2:b2]), tuple(_preferred(tokens, a2, b2)))
                if cand.status == "page" and cand.fit == "exact":
                    best = (a2, b2)
                    break
            if best != (a, b):
                for t in tokens[best[0]:best[1]]:
                    t.tag, t.value, t.span = "", None, 1
                while out and out[-1][1] > best[0]:
                    out.pop()
            out.append(best)
        return out

    def _said_title(self, tokens: list[Tok], wh: str | None, terse: bool) -> bool:
        """Whether the words after "who is (our/the)" are, together, a title
        someone has or a title an abbreviation stands for."""
        if wh not in ("who", "whom") and not terse and not (tokens and tokens[0].low in _NAME_IT):
            return False
        first, words = _after_lead_in(tokens)
        phrase = " ".join(words)
        return 1 < len(words) <= 6 and (phrase in lexicon.TITLE_ABBREVIATIONS.values() or self.title_held(phrase))

    def _inverse(self, tokens, subject, spos, count) -> Interpretation | None:
        """A relation named about the page but asked backwards: "which people
        have Dan as their manager?" (whose manager Dan is: his reports),
        "artists-db is a dependency of what?" (what depends on it). The
        relation noun's inverse sense is walked from the page."""
        if not isinstance(subject, Subject) or subject.kind != "page" or not spos:
            return None
        a, b = spos
        rest = tokens[b:]
        lows = [t.low for t in rest]
        whose = self._whose(tokens[:a], rest)
        if whose is not None:
            noun = whose
        else:
            noun = None
        lead_in_ok = noun is not None or all(t.tag in ("wh", "aux", "stop", "label", "count", "cont") or label_of_word(t)
                         or t.low in ("have", "has", "with") for t in tokens[:a])
        if not lead_in_ok or not (rest or noun is not None):
            return None
        k = 1
        if noun is not None:
            pass
        elif lows[0] == "as":
            # "... have X as their manager"
            if not {t.low for t in tokens[:a]} & {"have", "has", "had", "with"}:
                return None
            if k < len(rest) and lows[k] in ("their", "his", "her", "its", "a", "an", "the"):
                k += 1
            noun = rest[k] if k < len(rest) else None
            if noun is None or noun.tag != "cue" or k + noun.span != len(rest):
                return None
        elif lows[0] in ("is", "are"):
            # "X is a dependency of what", "X is the manager of whom"
            if k < len(rest) and lows[k] in ("a", "an", "the"):
                k += 1
            noun = rest[k] if k < len(rest) else None
            if noun is None or noun.tag != "cue":
                return None
            k += noun.span
            if k + 1 >= len(rest) + 1 or lows[k:k + 1] != ["of"] or lows[k + 1:k + 2] not in (
                    ["what"], ["which"], ["whom"], ["who"]):
                return None
            if any(not label_of_word(t) and t.tag != "stop" for t in rest[k + 2:]):
                return None
        else:
            return None
        sense = next((x for x in lexicon.senses_for(phrase_of(noun), "noun") if subject.label in x.to_labels), None)
        back = lexicon.inverse(sense) if sense is not None else None
        if back is None or subject.label not in back.from_labels:
            return None
        return Interpretation(Reading(op="path", subject=subject, path=[Step(back.name)],
                                      aggregate="count" if count else "list", notes=list(self.notes)))

    @staticmethod
    def _whose(before: list[Tok], rest: list[Tok]) -> Tok | None:
        """The relation noun of "whose manager is Dan?", "whose boss is Dan
        Okafor": the page is the far end of the relation, so the question asks
        for its inverse (Dan's reports), not for Dan's manager."""
        words = [t for t in before if t.tag != "stop" or t.low == "whose"]
        if len(words) < 3 or words[0].low != "whose" or words[-1].low not in ("is", "are", "was", "were"):
            return None
        noun = words[1]
        if noun.tag != "cue" or noun.i + noun.span != words[-1].i:
            return None
        if any(t.low not in ("?", ".", "!", "now", "currently") for t in rest):
            return None
        return noun

    def _alternatives(self, tokens, subject, spos) -> Interpretation | None:
        """"X: production, experimental or deprecated?", "is X a service, a
        website or a library?": values of one property offered as choices ask
        for that property."""
        if not isinstance(subject, Subject) or subject.kind != "page" or not spos:
            return None
        values: dict[str, set] = {}
        for t in tokens:
            if spos[0] <= t.i < spos[1]:
                continue
            if t.tag == "life":
                values.setdefault("lifecycle", set()).add(entries(t, "life")[0])
            lab = label_of_word(t)
            if lab and lab[0] == subject.label:
                for k, v in lab[1].items():
                    values.setdefault(k, set()).add(v)
        offered = "or" in {t.low for t in tokens}
        for field_name, vals in values.items():
            if len(vals) >= 3 or (len(vals) == 2 and offered):
                return Interpretation(Reading(op="path", subject=subject, aggregate="value", prop=field_name,
                                              notes=list(self.notes)))
        return None

    def _member_of(self, tokens, subject, spos, target) -> Interpretation | None:
        """"is X a dependency of Y?", "is Ana the manager of Ben?": whether X is
        among Y's N (the relation noun read from Y, not from X)."""
        if not isinstance(subject, Subject) or subject.kind != "page" or target is None or not spos:
            return None
        a, b = spos
        if not tokens or tokens[0].low not in ("is", "are") or a != 1:
            return None
        rest = tokens[b:]
        lows = [t.low for t in rest]
        k = 0
        for filler in (["one", "of", "the"], ["one", "of"], ["a"], ["an"], ["the"]):
            if lows[:len(filler)] == filler:
                k = len(filler)
                break
        if lows[:1] == ["still"]:
            k = 1  # "is Dan still Ana's manager"
        while k < len(rest) and lows[k] in ("the", "a", "an"):
            k += 1
        poss = next((j for j in range(k, len(rest)) if rest[j].tag == "poss"), None)
        if poss is not None and poss > k and all(t.tag in ("", "cont") for t in rest[k:poss]):
            # "is Dan Okafor Ana Costa's manager?": the relation is read from the
            # possessor, whatever order the two names come in.
            noun = rest[poss + 1] if poss + 1 < len(rest) else None
            if noun is None or noun.tag != "cue" or any(t.low not in ("?", ".", "!", "now", "currently", "still")
                                                        for t in rest[poss + 1 + noun.span:]):
                return None
        else:
            noun = rest[k] if k < len(rest) else None
            if noun is None or noun.tag != "cue" or lows[k + noun.span:k + noun.span + 1] != ["of"]:
                return None
            after = rest[k + noun.span + 1:]
            if not after or any(t.tag not in ("", "cont", "stop") and not label_of_word(t) for t in after):
                return None
        sense = next((x for x in lexicon.senses_for(phrase_of(noun), "noun")
                      if target.label in x.from_labels and subject.label in x.to_labels), None)
        if sense is None:
            return None
        return Interpretation(Reading(op="path", subject=target, path=[Step(sense.name)], aggregate="yesno",
                                      target=subject, notes=list(self.notes)))

    def _scoped(self, tokens, subject, spos, target) -> Interpretation | None:
        """"who in Risk Data reports to Dan", "how many of Bruno's org are on
        Payments": two pages, one of them a team or department said after "in",
        "on" or "within". The question is read without it, and its people are
        then kept to those in that unit (directly or through a sub-team)."""
        for unit, pos in ((subject, spos), (target, self._tpos)):
            if unit is None or pos is None or unit.kind != "page" or unit.label not in ("Team", "Department"):
                continue
            k = pos[0] - 1
            while k >= 0 and tokens[k].low in ("the", "our", "this"):
                k -= 1
            if k < 0 or tokens[k].low not in ("in", "on", "within", "inside", "from", "of"):
                continue
            if tokens[k].low == "of" and not (k and tokens[k - 1].low in ("who", "which", "how", "many", "people")):
                continue  # "the lead of Payments" is a relation, not a scope
            kept = [t for t in tokens if not k <= t.i < pos[1]]
            text = " ".join(t.low if t.text.lower() != t.low else t.text for t in kept)
            rest = self.interpret(text)
            r = rest.reading
            if r is None or r.op != "path" or r.aggregate not in ("list", "count", "exists") or r.target or \
                    not (r.path and "Person" in r.path[-1].spec.to_labels or r.subject.kind == "title"
                         and not r.path):
                return None
            r.filters = _merge_filters(r.filters + [Filter("within", (unit.key,), (unit.name,))])
            return Interpretation(r)
        return None

    def _placed_relative_to(self, tokens, subject, spos, target) -> Interpretation | None:
        """"is Dan above Gina?", "is Gina under Bruno", "is Gina in Bruno's
        org?": a person placed relative to another. The words after the first
        name describe it from the second one ("above Gina" is Gina's chain), so
        the relation is walked from the second name and the first is the target."""
        if not isinstance(subject, Subject) or subject.kind != "page" or target is None or not spos \
                or subject.label != "Person" or target.label != "Person":
            return None
        a, b = spos
        if not tokens or tokens[0].low not in ("is", "are", "was") or a != 1 or b >= len(tokens):
            return None
        rest = tokens[b:]
        while rest and rest[0].tag == "stop" and rest[0].low in ("somewhere", "anywhere", "still", "now"):
            rest = rest[1:]   # "is Dan somewhere in Gina's reporting line"
        if not rest:
            return None
        lead = rest[0]
        if lead.tag != "cue":
            return None
        tail = rest[lead.span:]
        poss = next((j for j, t in enumerate(tail) if t.tag == "poss"), None)
        if poss is None:
            # "above Gina Park": a preposition, then only the second name
            if any(t.tag not in ("", "cont") for t in tail) or not tail:
                return None
            sense = next((x for x in lexicon.senses_for(phrase_of(lead), "prep", "Person", "Person")), None)
            path = [Step(sense.name)] if sense is not None else None
        else:
            # "in Bruno Silva's org", "part of Dan's team": the second name's N holds the first
            noun = tail[poss + 1] if poss + 1 < len(tail) else None
            if phrase_of(lead) not in ("in", "on", "within", "inside", "part of", "under") or poss == 0 or \
                    any(t.tag not in ("", "cont") for t in tail[:poss]) or noun is None or noun.tag != "cue" \
                    or poss + 1 + noun.span != len(tail):
                return None
            senses = lexicon.senses_for(phrase_of(noun), "noun", "Person")
            people = next((x for x in senses if "Person" in x.to_labels), None)
            unit = SENSE_BY_NAME["team"] if phrase_of(noun) in _TEAM_WORDS else \
                next((x for x in senses if x.name in ("unit", "department")), None)
            path = [Step(people.name)] if people is not None else \
                [Step(unit.name), Step("members")] if unit is not None else None
        if not path:
            return None
        return Interpretation(Reading(op="path", subject=target, path=path, aggregate="yesno", target=subject,
                                      notes=list(self.notes)))

    def _subjectless(self, tokens, count, unknown, location, role_words) -> Interpretation:
        """No page named: the whole organization, every page of a label
        ("how many engineers are there", "list the retired APIs"), or unknown."""
        if unknown:
            a, b, cand, text = unknown[0]
            if not any(t.tag in ("cue", "count", "prop", "role", "life") for t in tokens):
                # No relation word at all: a search, not a question about a name.
                return Interpretation(None, text, "unclear", [], text)
            return Interpretation(None, text, "unknown_name", [], text)
        labels = [t for t in tokens if t.tag == "label" or entries(t, "label")]
        lows = {t.low for t in tokens}
        filters = self._filters(tokens, location, role_words)
        label, extra = None, {}
        for t in labels:
            lab = entries(t, "label")
            if lab and lab[0][0]:
                label, extra = lab[0]
                break
        if role_words or any(f.field in ("title", "location") for f in filters):
            label = "Person"  # ("who works in London": people are based somewhere, systems are not)
        org_question = (label is None and not filters and (count or lows & ORG_WORDS)) or \
            (label in ("Department", "Team", "Person") and not filters)
        if org_question:
            # The organization overview answers "how many people work here", not
            # "who leads the Office org" or "teams under the People dept": a
            # relation word it cannot answer, or a name-like capitalised word,
            # means the question was about something Kiki could not find.
            named = _name_like(tokens)
            if named is not None:
                return Interpretation(None, named, "unknown_name", [], named)
            other = next((t for t in tokens if t.tag == "cue" and not _about_members(t)), None)
            if other is not None:
                return Interpretation(None, phrase_of(other), "unclear", [], phrase_of(other))
        if label is None and not filters:
            if count or lows & ORG_WORDS:
                return Interpretation(Reading(op="org"))
            return Interpretation(None, " ".join(t.text for t in tokens), "unclear")
        if label in ("Department", "Team") and not filters and (count or True):
            return Interpretation(Reading(op="org"))
        if label == "Person" and not filters:
            return Interpretation(Reading(op="org"))
        for k, v in extra.items():
            if (k, v) != ("kind", "system"):   # "all systems": every System page
                filters.append(Filter(k, (v,)))
        reading = Reading(op="path", subject=Subject("all", label or "System"), aggregate="count" if count else "list",
                          filters=_merge_filters(filters), notes=list(self.notes))
        return Interpretation(reading)

    def _filters(self, tokens, location, role_words) -> list[Filter]:
        out = []
        for t in tokens:
            if t.tag == "life":
                out.append(Filter("lifecycle", (entries(t, "life")[0],)))
            elif t.tag == "role":
                words = tuple(entries(t, "role")[0])
                if len(words) > 1 and self.title_held(words[0], whole=False):
                    # "developers" where titles say Developer: the word itself, not
                    # its wider sense too (engineers), which would count others.
                    words = words[:1]
                out.append(Filter("title", words))
        if location:
            out.append(Filter("location", (location,)))
        return out

    def _build(self, tokens, subject, spos, count, yesno, wh, target, location, role_words) -> Interpretation:
        n = len(tokens)
        a, b = spos
        label = subject.label if isinstance(subject, Subject) else None
        path: list[Step] = []
        prop = None
        target_label, extra = None, {}
        # The label asked for: a label word after a question or count word ("which
        # teams", "how many APIs", "what system"), or right before a verb/preposition.
        skip: set[int] = set()
        tpos = self._tpos or (0, 0)
        for t in tokens:
            if a <= t.i < b or tpos[0] <= t.i < tpos[1] and target is not None:
                continue  # a word of the subject's or the target's name ("Corporate Services")
            lab = label_of_word(t)
            if lab is None:
                continue
            prev = tokens[t.i - 1] if t.i else None
            while prev is not None and prev.tag == "cont" and prev.i:
                prev = tokens[prev.i - 1]   # the head of "number of": a count word
            nxt = tokens[t.i + t.span] if t.i + t.span < n else None
            if nxt is not None and nxt.low in ("of", "for", "'s") and not (prev is not None and prev.tag in (
                    "wh", "count")):
                continue  # "the team of X": a relation noun, not the label asked for
            if t.i > b and prev is not None and prev.tag == "poss":
                continue  # "X's team": a relation noun
            if t.tag == "cue" and t.i > b and not (prev is not None and prev.tag in ("wh", "count")):
                continue
            target_label, extra = lab
            # A kind or type word narrows a relation's results only when qualified
            # ("production services"); "which services depend on X" means any system.
            if not (prev is not None and prev.tag == "life") and not extra.get("kind") in ("system", "domain", "api"):
                extra = {}
            skip.add(t.i)
            break
        for t in tokens:
            if t.tag == "role":
                skip.add(t.i)
                target_label = target_label or "Person"
            if t.tag == "life" and t.i and tokens[t.i - 1].low in ("in", "on"):
                skip.add(t.i - 1)  # "in production" is a filter, not a relation

        def choose(t: Tok, roles, cur, to_label, strict_only=False):
            if isinstance(t.value, dict) and t.value.get("sense"):
                return t.value["sense"]
            phrase = phrase_of(t)
            for strict in ((True,) if strict_only and to_label else (True, False)):
                for role in roles:
                    found = lexicon.senses_for(phrase, role, cur)
                    if to_label and strict:
                        # the narrowest sense that reaches the label asked: "which
                        # department does X belong to" is its department, not its parent
                        found = sorted((f for f in found if to_label in f.to_labels), key=lambda f: len(f.to_labels))
                    if found:
                        return found[0]
            return None

        def coerce(t: Tok, cur):
            """A word that does not fit the page's label as asked: "the manager of a
            team" is its lead; "who does a team report to" is the unit it is part of."""
            for role, sense in lexicon.CUES.get(phrase_of(t), []):
                for name in lexicon.EQUIVALENT.get(sense.name, ()):
                    alt = SENSE_BY_NAME[name]
                    if cur in alt.from_labels:
                        return alt
            return None

        # "how many people does Dan have reporting to him": a relation word whose
        # object is a pronoun for the subject reads as if it stood before the subject.
        moved = [t for t in tokens[b:] if t.tag == "cue" and t.i not in skip and t.i + t.span < n and
                 tokens[t.i + t.span].low in _OBJECT_PRONOUNS and t.i + t.span == n - 1]
        pending_ord = 1
        from_tok: list[int] = []   # the token each step was read from
        # After the subject: possessive nouns, verbs with the subject as subject,
        # prepositions ("is Gina in Risk Data").
        for t in tokens[b:]:
            if t.i in skip or t in moved:
                continue
            if t.tag == "ord":
                pending_ord = entries(t, "ord")[0]
                continue
            if t.tag == "prop" or (entries(t, "prop") and t.tag != "cue"):
                prop = entries(t, "prop")[0]
                continue
            if t.tag != "cue":
                continue
            if label_of_word(t) and label in (label_of_word(t)[0],) and t.low in ("people", "members", "staff"):
                continue
            want = target.label if target is not None else target_label
            if phrase_of(t) in _STRANDED and t.i + t.span >= n and any(
                    x.tag == "prop" or entries(x, "prop") for x in tokens):
                continue  # "what lifecycle stage is X in": the stage is what X is in
            if phrase_of(t) in _STRANDED and not lexicon.senses_for(phrase_of(t), "subj", label):
                # "what domain is X in?": the subject is in it ("is in"), not a container.
                t = Tok(t.text, t.low, t.i, t.cap, "cue", {"phrase": "is " + phrase_of(t) if phrase_of(t) != "part of"
                                                                else "is part of", "entries": []})
            if subject == "pronoun":
                senses = [sn for r in ("noun", "subj", "prep") for sn in lexicon.senses_for(phrase_of(t), r)]
                subject = self._pronoun_subject(tuple(dict.fromkeys(l for sn in senses for l in sn.from_labels)))
                if subject is None:
                    return Interpretation(None, tokens[a].text, "unknown_pronoun", phrase=tokens[a].text)
                label = subject.label
            if phrase_of(t) in _POSSESSION and not choose(t, ("noun", "subj", "prep"), label, want, True) and (
                    path or target_label or prop or any(x.tag in ("cue", "prop") or entries(x, "prop")
                                                        for x in tokens[:a])):
                continue  # "how many reports does Dan have": possession, not a relation
            if phrase_of(t) in _POSSESSION and prop and t.i + t.span >= n:
                continue  # "which lifecycle does X have": the property it has, not its parts
            if phrase_of(t) in _POSSESSION and _names_what_is_had(tokens, t):
                continue  # "does Dan have any reports": the noun names the relation, "have" does not
            sense = choose(t, ("noun", "subj", "prep"), label, want) or coerce(t, label)
            if sense is None:
                return self._no_sense(phrase_of(t), subject, label)
            path.append(Step(sense.name, pending_ord if sense.repeatable else 1))
            from_tok.append(t.i)
            pending_ord = 1
            label = _next_label(sense, label, want)
        # Before the subject, nearest first.
        before = [t for t in tokens[:a] if t.i not in skip] + moved
        for idx in range(len(before) - 1, -1, -1):
            t = before[idx]
            if t.tag == "ord":
                if path and path[-1].spec.repeatable:
                    path[-1].repeat = entries(t, "ord")[0]
                continue
            if t.tag == "prop" or (entries(t, "prop") and t.tag != "cue"):
                prop = entries(t, "prop")[0]
                continue
            if t.tag != "cue" or t.i in skip:
                continue
            lab = label_of_word(t)
            if lab and (lab[0] == label or label is None and subject == "pronoun"):
                continue  # "people" once the path has reached people
            # What lies to the left: a relation noun ("the manager of"), a label word
            # ("teams in"), a role ("engineers in") or a question word ("who in").
            # ("how many reports are there under Dan": "there" says nothing)
            left = next((u for u in reversed(before[:idx]) if u.tag not in ("stop", "aux", "cont")
                         and u.low != "there"), None)
            to_label = None
            for u in reversed([x for x in tokens[:t.i]]):
                if u.i in skip and label_of_word(u):
                    to_label = label_of_word(u)[0]
                    break
                if u.tag == "role":
                    to_label = "Person"
                    break
                if u.tag == "cue" and u.i not in skip:
                    break
            if to_label is None and wh in ("who", "whom") and not any(x.tag == "cue" for x in before[:idx]):
                to_label = "Person"
            if to_label is None:
                to_label = target_label if not any(x.tag == "cue" for x in before[:idx]) else None
            is_prep = bool(lexicon.senses_for(phrase_of(t), "prep")) and not lexicon.senses_for(phrase_of(t), "obj") \
                and not lexicon.senses_for(phrase_of(t), "noun")
            if is_prep and phrase_of(t) == "of" and (left is None or left.tag in ("wh", "count") or
                                                     left.low in ("which", "what")):
                continue  # "which of Bruno's reports", "(list) all of Gina's managers": partitive
            if label == "Person" and path and phrase_of(t) in ("in", "within", "inside", "among", "is in",
                                                                "are in", "on") and (
                    left is None or left.tag == "wh" or (label_of_word(left) or ("",))[0] == "Person"):
                continue  # "who's in Gina's management chain": the people the path reached
            if is_prep and left is not None and (left.tag == "prop" or left.tag == "cue" and not label_of_word(left)
                                                 and lexicon.senses_for(phrase_of(left), "noun")):
                continue  # "the manager of X", "the lifecycle of X": "of" belongs to the noun
            if is_prep and left is not None and (label_of_word(left) or left.tag == "role"):
                # "teams in X", "engineers in X": the word on the left is what the preposition asks for.
                to_label = "Person" if left.tag == "role" else label_of_word(left)[0]
                skip.add(left.i)
                if left.tag != "role" and label_of_word(left)[1]:
                    extra = {**extra, **label_of_word(left)[1]}
            if subject == "pronoun":
                senses = [sn for r in ("noun", "obj", "prep") for sn in lexicon.senses_for(phrase_of(t), r)]
                subject = self._pronoun_subject(tuple(dict.fromkeys(l for sn in senses for l in sn.from_labels)))
                if subject is None:
                    return Interpretation(None, tokens[a].text, "unknown_pronoun", phrase=tokens[a].text)
                label = subject.label
            nxt = tokens[t.i + t.span] if t.i + t.span < n else None
            roles = ("noun", "obj", "prep") if nxt is not None and nxt.low in ("of", "for", "'s") else \
                ("obj", "prep", "noun")
            sense = choose(t, roles, label, to_label)
            if sense is None and label == "Person" and path and "members" in {
                    sn.name for _, sn in lexicon.CUES.get(phrase_of(t), [])}:
                continue  # "the people in Dan's org": the people the path reached, not a unit's
            sense = sense or coerce(t, label)
            if sense is None and not path and label in ("Team", "Department") and _people_word(phrase_of(t)):
                # "managers in Marketing": a relation of people that a unit does not
                # have is a title said in the plural (their titles say manager)
                word = re.sub(r"(ss|sh|ch|x)es$", r"\1", phrase_of(t))
                word = word[:-1] if word == phrase_of(t) else word
                t.tag, t.value = "role", {"phrase": phrase_of(t), "entries": [("role", (word,))]}
                role_words.append(word)
                continue
            if sense is None:
                return self._no_sense(phrase_of(t), subject, label)
            path.append(Step(sense.name, 1))
            from_tok.append(t.i)
            label = _next_label(sense, label, to_label)
        # "systems owned": two words side by side naming one relation are one step
        # ("Ana's boss's boss" has a possessive between its two).
        for k in range(len(path) - 1, 0, -1):
            i, j = sorted((from_tok[k - 1], from_tok[k]))
            # ("whom does Gina's manager report to": a noun after a possessive, then its verb, are two)
            if path[k].sense == path[k - 1].sense and j == i + tokens[i].span and \
                    phrase_of(tokens[i]) != phrase_of(tokens[j]) and not (i and tokens[i - 1].tag == "poss"):
                del path[k], from_tok[k]
        if _verbs_run_together(tokens, from_tok):
            # "who owns and runs Platform": two verbs of one clause are two ways
            # to say one relation, not a chain of two; guessing which is risky.
            return Interpretation(None, " ".join(t.text for t in tokens), "unclear")
        if subject == "pronoun":
            subject = self._pronoun_subject(())
            if subject is None:
                return Interpretation(None, tokens[a].text, "unknown_pronoun", phrase=tokens[a].text)
            label = subject.label
        # No relation word: what the label asked for or the aggregate implies
        # ("how big is Payments", "which teams does Platform have").
        if not path and subject.kind == "page" and not prop:
            sl = subject.label
            if sl in ("Team", "Department", "Person") and target_label in ("System", "Process", "Topic"):
                path.append(Step("owned"))  # "how many systems does Payments have"
            elif sl in ("Team", "Department") and (count and target_label not in ("Team", "Department")
                                                   or target_label == "Person" or role_words
                                                   or wh in ("who", "whom") and subject.via == "self"):
                path.append(Step("members"))  # ("who is my team": its people)
            elif sl in ("Team", "Department") and target_label in ("Team", "Department"):
                path.append(Step("subunits"))
            elif sl == "Person" and target_label in ("Team", "Department"):
                path.append(Step("department" if target_label == "Department" else "unit"))
            elif sl == "System" and target_label == "System":
                kind = extra.get("kind")
                path.append(Step("provides" if kind == "api" else "parent_system" if kind in ("system", "domain")
                                 else "parts"))
        if count and path and set(path[-1].spec.to_labels) <= {"Team", "Department"} and \
                target_label not in ("Team", "Department") and not role_words:
            # "how large is Dan's team", "Ana's team size": a unit's size is its people
            path.append(Step("members"))
        if any(t.tag in ("cue", "label", "") and t.low in _TEAM_WORDS for t in tokens) and \
                getattr(subject, "label", None) == "Person":
            # "how big is Lidia's team", "who leads the team Gina is on": through her
            # team, not her department as well (a team word beside a person's name
            # is no part of it)
            # is no part of it); "Ana's team?" itself is her team, not also her department
            upto = len(path) if target is None else len(path) - 1
            path[:upto] = [Step("team") if st.sense == "unit" else st for st in path[:upto]]
        if isinstance(subject, Subject) and subject.label:
            # A step whose sense cannot start where the one before ends takes the
            # sense people mean there ("who manages Gina's team": the team's lead).
            labels = {subject.label}
            for i, st in enumerate(path):
                sense = st.spec
                if not labels & set(sense.from_labels):
                    alt = next((SENSE_BY_NAME[name] for name in lexicon.EQUIVALENT.get(sense.name, ())
                                if labels & set(SENSE_BY_NAME[name].from_labels)), None)
                    if alt is not None:
                        path[i] = Step(alt.name, st.repeat if alt.repeatable else 1)
                        sense = alt
                labels = set(sense.to_labels)
        if path and path[-1].sense == "unit" and target_label == "Department":
            path[-1] = Step("department")  # "what department is Gina in": through her team
        if extra.get("kind") in ("system", "domain") and not (path and path[-1].sense in ("parent_system", "parts")):
            extra = {}  # "which systems depend on X": any system, not only catalog Systems
        filters = self._filters(tokens, location, role_words)
        for k, v in extra.items():
            if not (prop and not path):
                filters.append(Filter(k, (v,)))
        # "which team is Gina on" narrows a person's units to teams; "which team
        # owns Kafka" does not narrow an owner (people say "team" for any owner).
        if target_label and path and path[-1].sense in ("owned", "unit", "within", "led") and \
                target_label in path[-1].spec.to_labels and not extra:
            filters.append(Filter("label", (target_label,)))
        if target_label and path and not prop and target_label not in path[-1].spec.to_labels and wh in (
                "who", "whom") and "Person" in path[-1].spec.to_labels and \
                any(target_label in st.spec.to_labels for st in path[:-1]):
            # "who leads the teams in Finance": the teams are on the way, people are asked
            target_label = None
            filters = [f for f in filters if f.field != "label"]
        if [st.sense for st in path] == ["subunits", "lead"] and target_label in (None, "Person"):
            # "who leads the teams in Finance": the leads of every team under it, as "team leads" says
            path[:] = [Step("unit_leads")]
        if target_label and path and not prop and target_label not in path[-1].spec.to_labels:
            # "how many systems does Payments have" read as people: the words
            # asked for one kind of page and the path reaches another.
            return Interpretation(None, f"{target_label.lower()} pages of {subject.text()}", "unclear")
        # "what things does Risk Data own": the noun and the verb name one relation; the same
        # sense twice in a row where it cannot follow itself is said once
        path[:] = [st for i, st in enumerate(path) if not (
            i and path[i - 1].sense == st.sense and not set(st.spec.to_labels) & set(st.spec.from_labels))]
        reading = Reading(op="path", subject=subject, path=path, filters=_merge_filters(filters))
        if prop:
            reading.prop, reading.aggregate = prop, "value"
        if yesno:
            lifes = [f for f in reading.filters if f.field == "lifecycle"]
            if target is not None and path:
                if path[-1].sense in ("unit", "department") and target.label in ("Team", "Department"):
                    path[-1] = Step("within")
                reading.aggregate, reading.target = "yesno", target
            elif lifes and not path:
                reading.filters = [f for f in reading.filters if f.field != "lifecycle"]
                reading.aggregate, reading.prop, reading.target_value = "yesno", "lifecycle", lifes[0].values[0]
            elif path and not prop:
                reading.aggregate = "exists"
        elif count:
            reading.aggregate = "count"
        if target is not None and reading.aggregate != "yesno" and path and wh is None and not count:
            # "Ana Costa in Risk Data?", "risk engine - owned by Risk Data?": a yes/no without its verb
            if path[-1].sense in ("unit", "department") and target.label in ("Team", "Department"):
                path[-1] = Step("within")
            reading.aggregate, reading.target = "yesno", target
        if target is not None and reading.aggregate != "yesno":
            scoped = self._scoped(tokens, subject, spos, target)
            if scoped is not None:
                return scoped
            return Interpretation(None, f"{subject.text()} and {target.text()}", "two_subjects")
        if not path and reading.aggregate == "list" and subject.kind == "page" and subject.label == "System" and \
                getattr(self, "level_asked", None):
            reading.path = [Step("parent_system")]
            reading.filters = _merge_filters(reading.filters + [Filter("kind", (self.level_asked,))])
            return Interpretation(reading)
        if not path and reading.aggregate in ("list", "count", "exists"):
            if subject.kind == "title":
                return Interpretation(reading)
            lifes = [f for f in reading.filters if f.field == "lifecycle"]
            if subject.kind == "page" and subject.label == "System" and len(lifes) == len(reading.filters) == 1 \
                    and len(lifes[0].values) == 1:
                # "risk engine — still live?", "ledger api: production ready?": a yes/no without its verb
                reading.filters, reading.aggregate = [], "yesno"
                reading.prop, reading.target_value = "lifecycle", lifes[0].values[0]
                return Interpretation(reading)
            if reading.filters:
                return Interpretation(None, "filters without a relation", "unclear")
            if subject.kind == "page" and subject.label in ("Team", "Department") and tokens and \
                    tokens[0].low in ("list", "enumerate") and reading.aggregate == "list":
                # "list my team", "list Payments": its people, not a description of it
                reading.path = [Step("members")]
                return Interpretation(reading)
            reading.op = "describe"
        return Interpretation(reading)

    def _no_sense(self, phrase, subject, label) -> Interpretation:
        name = subject.text() if isinstance(subject, Subject) else "it"
        what = (label or "page").lower()
        return Interpretation(None, f"“{phrase}” does not apply to {name}, a {what}", "no_sense", phrase=phrase)


_TEAM_WORDS = {"team", "teams", "squad", "squads", "crew"}
_NAME_IT = {"name", "find", "identify", "tell", "show", "give"}   # "name the head of design": a who-question
_SELF_UNITS = {"team": "team", "squad": "team", "crew": "team", "department": "department", "dept": "department",
               "division": "department"}
_REQUEST_VERBS = {"show", "tell", "give", "get", "find", "send", "let", "help", "remind", "teach", "fetch"}
# Words for still working here ("is Gina still here"): a person's status.
_EMPLOYED = {"here", "around", "with us", "employed", "at the company", "with the company", "working here",
             "on staff", "on the payroll", "an employee", "employed here", "at the firm", "with the firm",
             "active", "current", "a current employee", "an active employee", "in the company"}
_KINDS = {"component", "api", "resource", "system", "domain", "group", "user", "location", "template"}
_NTH = {"2": "second", "two": "second", "3": "third", "three": "third", "4": "fourth", "four": "fourth",
        "5": "fifth"}
_OBJECT_PRONOUNS = {"him", "her", "them", "himself", "herself", "themselves", "it"}
_TEAMMATES = {"teammates", "team mates", "team-mates", "team members", "colleagues", "coworkers", "co-workers",
              "peers"}
# Words people say after "my" (a one-edit slip of one is that word: fix_typos).
_SELF_NOUNS = ("team", "department", "division", "squad", "manager", "boss", "reports", "teammates", "colleagues",
               "group")


_YESNO_TAIL = re.compile(r"[\s,;:?-]*\(?\b(?:yes or no|yes/no|y/n|true or false|or not)\)?[\s?.!]*$", re.I)
_WHERE_WORKS = re.compile(r"^(is|are)\s+(.+?)\s+where\s+(.+?)\s+(?:works?|sits?|is|belongs?)$", re.I)
_WORKS_FROM = re.compile(r"\b(?:work|works|working|sit|sits|sitting|based|located)\s+(?:from|in|out of|at)"
                         r"(?=\s+(?:which|what)\s+(?:city|office|location|site|place)\b)|"
                         r"\b(?:work|works|working)\s+(?:from|out of)$", re.I)


# What a path reading cannot say: a negation or exclusion ("who isn't on a
# team", "everyone except Ana") and a ranking or comparison ("the biggest
# team", "more than 3 people"). Read without them, the question would be
# answered as its opposite or as a plain list, so it is not answered at all.
_ASKER_DOUBT = re.compile(r"^\W*(?:i|we)\s+(?:do\s*n[o']?t|don['’]?t|can\s*n[o']?t|can['’]?t|couldn['’]?t)\s+"
                          r"(?:know|remember|recall|find|see|tell|figure out)\b(?:\s+out)?|"
                          r"[,\s]*\bor not\b|[,\s]*\bif not\b|"
                          # "who else is on my team besides me": the asker sees themself in the list
                          r"[,\s]*\b(?:besides|apart from|aside from|other than|except(?: for)?|but)\s+(?:me|myself|us)\b",
                          re.I)
_BEYOND = (
    ("a negation", re.compile(r"\b(?:not|never|nobody|no one|noone|none|neither|nor|without|lacking|lack|"
                              r"no(?=\s+(?:\w+\s+)?\w+)|\w+n['’]t|dont|doesnt|isnt|arent|wasnt|werent|hasnt|"
                              r"havent|didnt|cannot)\b", re.I)),
    ("an exclusion", re.compile(r"\b(?:except|excluding|exclude|excepting|other than|apart from|aside from|"
                                r"besides|but not|instead of|outside of|outside)\b", re.I)),
    ("a comparison", re.compile(r"\b(?:more|fewer|less|greater|bigger|larger|smaller|longer|older|newer)\s+than\b|"
                                r"\b(?:over|under|above|below|at least|at most|up to)\s+\d+\b|"
                                r"\b(?:compared? (?:to|with)|versus|vs\.?)\b", re.I)),
    ("a ranking", re.compile(r"\b(?:most|least|fewest|biggest|largest|smallest|longest|shortest|newest|oldest|"
                             r"latest|earliest|highest|lowest|greatest|top\s+\d+|first\s+to|last\s+to|"
                             r"rank(?:ed|ing)?|sorted by|order(?:ed)? by)\b", re.I)),
)


def _beyond_paths(question: str) -> tuple[str, str] | None:
    """(the words, what they ask for) when the (rephrased) question needs a
    negation, exclusion, ranking or comparison, which no reading expresses."""
    for what, rx in _BEYOND:
        m = rx.search(question)
        if m:
            return m.group(0), what
    return None


def _after_lead_in(tokens: list[Tok]) -> tuple[int | None, list[str]]:
    """Where the words after "who is (our/the)" start, and those words (a
    closing verb or colon left out): the title a who-question may name."""
    first = next((t.i for t in tokens if t.tag not in ("wh", "aux", "stop", "self")
                  and t.low not in AUX | {"the", "our", "a", "an"}), None)   # "is" of a cue "is the head of"
    if first is None:
        return None, []
    return first, [t.low for t in tokens[first:] if t.low not in ("?", ":")
                   and not (t.tag == "aux" and t.i == len(tokens) - 1)]


def _rephrase(q: str) -> str:
    """Everyday shapes said the way the reader takes them: a trailing "yes or
    no" is a yes/no question ("Ana in Payments? yes/no" -> "is Ana in
    Payments"); "is Payments where Ana works" asks whether Ana is in
    Payments; "where does Ana work from" / "sits in which city" ask her location."""
    q = q.strip()
    if _YESNO_TAIL.search(q):
        q = _YESNO_TAIL.sub("", q).strip()
        if q.split() and q.split()[0].lower() not in AUX:
            q = "is " + q
    q = _ASKER_DOUBT.sub(" ", q).strip()
    q = re.sub(r"\bno\.?\s+of\b", "number of", q, flags=re.I)
    q = re.sub(r"\bin what (capacity|role|position|function)\b", r"what \1", q, flags=re.I)
    # "tell me if X is deprecated", "check whether Ana reports to Dan": the yes/no itself
    m = re.match(r"^(?:please\s+)?(?:tell me|let me know|check|can you (?:check|tell me)|do you know|i wonder|"
                 r"find out)\s+(?:if|whether)\s+(.+)$", q, flags=re.I)
    if m:
        rest = m.group(1)
        v = re.match(r"^(.+?)\s+(is|are|was|has been|have been)\s+(.+)$", rest, flags=re.I)
        q = f"{v.group(2).split()[0]} {v.group(1)} {v.group(3)}" if v else f"does {rest}"
    # "give me an overview of Payments", "show me the ledger": the "me" of a request, not the asker
    q = re.sub(r"^((?:please\s+|can you\s+|could you\s+)*(?:give|show|get|send|fetch|pull up|bring up|find))\s+me\s+"
               r"(?=(?:an?|the|some)\s+(?:overview|summary|rundown|description|details|info)\b)", r"\1 ", q,
               flags=re.I)
    q = re.sub(r"\b([A-Z][\w'’.]*(?:\s[A-Z][\w'’.]*)?)-based\b", r"based in \1", q)
    q = re.sub(r"\bin the ([A-Z][\w'’.]*(?:\s[A-Z][\w'’.]*)?) office\b", r"based in \1", q)
    q = re.sub(r"^(.*?\b)(?:has|have)\s+(.+?)\s+got\s*\??$", r"\1does \2 have", q, flags=re.I)
    q = re.sub(r"\bhow many (?:heads|bodies|souls)\b", "how many people", q, flags=re.I)
    # "who runs the company", "our head honcho": the chief executive
    q = re.sub(r"^which (?:person|employee|individual|colleague|one of us|staff member)\s+(is|was)\b", r"who \1", q,
               flags=re.I)
    q = re.sub(r"^(the|our)\s+(.+?)\s+is\s+who\s*\??$", r"who is \1 \2", q, flags=re.I)   # "the chief of staff is who"
    q = re.sub(r"\b(?:the\s+)?(?:company|firm|organi[sz]ation|business)['’]s\s+", "our ", q, flags=re.I)
    q = re.sub(r"^(?:who|whom)(?:'s|’s|\s+is)\s+(?:the\s+)?(?:boss|top boss|person in charge|one in charge)\s+"
               r"(?:here|around here|of (?:the|this|our) (?:company|firm|place))\s*\??$", "who is the ceo", q,
               flags=re.I)
    q = re.sub(r"^(?:who|whom)(?:'s|’s)\s+(?=(?:in charge of|the head of|the leader of|the boss of|at the top of)\s)",
               "who is ", q, flags=re.I)
    q = re.sub(r"^(?:who|whom)\s+(?:leads|runs|heads|heads up|is in charge of|is the head of|is the leader of|"
               r"is the boss of|manages|is at the top of|is on top of)\s+(?:the|our|this)\s+(?:whole\s+)?"
               r"(?:company|firm|organi[sz]ation|org|business)\s*\??$", "who is the ceo", q, flags=re.I)
    q = re.sub(r"\b(?:big boss|top boss|head honcho|top dog|top person|top exec|top executive)\b", "ceo", q,
               flags=re.I)
    q = re.sub(r"^(is|are)\s+(.+?)\s+(?:one|some) of the\s+(.+?)\s+(?:people|members|folks|staff|team members|"
               r"employees|crew)\s*\??$", r"\1 \2 in \3", q, flags=re.I)
    # "has the ledger API been deprecated": a yes/no on its state, not what it has
    q = re.sub(r"^(?:has|have)\s+(.+?)\s+(?:been|gone|become|moved to|moved into)\s+", r"is \1 ", q, flags=re.I)
    q = re.sub(r"^how mature is\b", "what is the maturity of", q, flags=re.I)
    # "Gina's grand-boss", "her N+2", "two levels above Gina": a manager some levels up
    q = re.sub(r"\b(?:grand-?boss|grand-?manager|n\s*\+\s*2|skip[- ]?level(?!\s+(?:manager|boss|supervisor|lead))|"
               r"skip(?=\s*[?.!]*$))", "skip-level manager", q, flags=re.I)
    q = re.sub(r"\bn\s*\+\s*([3-5])\b", lambda m: f"{_NTH[m.group(1)]}-level manager", q, flags=re.I)
    q = re.sub(r"\b(two|2|three|3|four|4)\s+(?:levels?|rungs?|steps?|tiers?|layers?)\s+(?:above|up from|over|up|"
               r"higher than)\b",
               lambda m: f"the {_NTH[m.group(1).lower()]}-level manager of", q, flags=re.I)
    q = re.sub(r"\b(?:the\s+)?(second|third|fourth|2nd|3rd|4th)\s+(manager|boss)\s+(?:up\s+)?(?:from|above)\b",
               r"the \1-level \2 of", q, flags=re.I)
    # Slips of everyday typing: "ppl", "report in to", "how much direct reports"
    q = re.sub(r"\bppl\b", "people", q, flags=re.I)
    # "who reports up to Vera": everyone under her, through their managers too
    q = re.sub(r"^(who|how many(?: people| employees| folks| staff)?)\s+(?:report|reports)\s+up\s+(?:in\s*)?to\b",
               r"\1 are below", q, flags=re.I)
    # "is Ana a Risk Data member", "Ana - team-a member?": whether she is in it
    q = re.sub(r"^(?:(?:is|are)\s+)?(.+?)(?:\s+[-–—:]\s+|\s+(?:a|an)\s+)(.+?)\s+(?:member|team member|staff member|"
               r"employee)\s*\??$", r"is \1 in \2", q, flags=re.I)
    # "where does X sit in the org": the unit X is in, not X's office
    q = re.sub(r"^where (?:does|do|is|are) (.+?) (?:sit|sits|fit|fits|belong|belongs|stand|located|placed)\s+in\s+"
               r"(?:the\s+|our\s+)?(?:org|organi[sz]ation|org chart|hierarchy|company|structure)\s*\??$",
               r"what team is \1 in", q, flags=re.I)
    # "how many people in Dan's org": as "how many people are in", whose "in" is not a second relation
    q = re.sub(r"^how many (people|employees|folks|persons|staff|members) in\b", r"how many \1 are in", q, flags=re.I)
    # "who is under Dan", "what is under Platform": the preposition, not "X is under Y" said backwards
    q = re.sub(r"\bunderneath\b", "under", q, flags=re.I)
    q = re.sub(r"^what(?:\s+all)?(?:\s+is|\s+are|'s|’s)\s+(?=(?:under|below|beneath)\s)", "which teams are ", q, flags=re.I)
    q = re.sub(r"^(who|whom)(?:\s+all)?(?:\s+is|\s+are|'s|’s)\s+(?=(?:under|below|beneath)\s)", r"\1 ", q, flags=re.I)
    # "who is directly under Dan": his reports, not everyone below him (nor his unit)
    q = re.sub(r"^(who(?:'s|’s| is| are)?)\s+(?:directly|immediately)\s+(?:under|below|beneath)\s+", r"\1 reporting to ",
               q, flags=re.I)
    q = re.sub(r"^(who(?:'s|’s| is| are)?)\s+(?:under|below|beneath)\s+(.+?)\s+(?:directly|immediately)\s*\??$",
               r"\1 reporting to \2", q, flags=re.I)
    # "everyone X reports to, directly or indirectly", "the path from X to the CEO", "walk up from X"
    q = re.sub(r"^(?:everyone|everybody|all (?:the )?(?:people|managers)|who)\s+(.+?)\s+reports?\s+to,?\s+"
               r"(?:directly (?:or|and) indirectly|direct (?:or|and) indirect|all the way up|up the chain)\s*\??$",
               r"everyone above \1", q, flags=re.I)
    q = re.sub(r"^(?:the\s+)?(?:path|route|line|chain|way)\s+(?:up\s+)?from\s+(.+?)\s+(?:up\s+)?to\s+(?:the\s+)?"
               r"(?:ceo|top|chief executive|very top)\s*\??$", r"everyone above \1", q, flags=re.I)
    q = re.sub(r"^(?:walk|go|trace|climb|move|navigate)\s+up\s+(?:the\s+)?(?:org(?:ani[sz]ation(?:al)?)?\s*chart|"
               r"hierarchy|chain|tree|management chain|org)?\s*from\s+(.+?)\s*\??$", r"everyone above \1", q,
               flags=re.I)
    # "in what role does X serve", "which email should I use for X", "the best email for X",
    # "X has been here since when", "X's first day at work"
    q = re.sub(r"^(?:in\s+)?what (role|capacity|position|function) does (.+?) (?:serve|serve in|act|act in|work in|play|"
               r"hold|have)\s*\??$", r"what is the \1 of \2", q, flags=re.I)
    q = re.sub(r"^(?:what|which) (?:e-?mail|e-?mail address|address) (?:should|do|can|could) (?:i|we|you) use (?:for|to "
               r"reach|to contact|to write to) (.+?)\s*\??$", r"what is the email of \1", q, flags=re.I)
    q = re.sub(r"\b(?:the\s+)?best\s+(?=(?:e-?mail|address|contact)\b)", "the ", q, flags=re.I)
    q = re.sub(r"^(.+?)\s+(?:has|have)\s+been\s+(?:here|with us|at the company|working here|employed here)\s+since\s+"
               r"when\s*\??$", r"when did \1 join", q, flags=re.I)
    q = re.sub(r"\b(first day|start date|start)\s+at\s+(?:work|the company|the firm)\b", r"\1", q, flags=re.I)
    # "the title held by X": X's title
    q = re.sub(r"\b(title|role|position|job|job title)\s+(?:held|occupied|had|filled)\s+by\b", r"\1 of", q, flags=re.I)
    # "when did X come on board", "date X joined", "how many years has X been here": the start date
    q = re.sub(r"^when (?:did|was) (.+?) (?:come on ?board|get on ?board|come aboard|get hired|first start)\s*\??$",
               r"when did \1 join", q, flags=re.I)
    q = re.sub(r"^(?:the )?date (.+?) (?:joined|started|was hired|came on ?board)\s*\??$", r"when did \1 join", q,
               flags=re.I)
    q = re.sub(r"^how (?:many years|many months|long) (?:has|have) (.+?) (?:been (?:here|with us|at the company|"
               r"working here|employed here|around)|worked here|worked for us|been on the team)\s*\??$",
               r"when did \1 join", q, flags=re.I)
    q = re.sub(r"^since when (?:is|are|was) (.+?) (?:with us|here|at the company|on board|employed)\s*\??$",
               r"when did \1 join", q, flags=re.I)
    # "since when does X work here", "what year did X join": the start date
    q = re.sub(r"^since when (?:has|have|does|do|did)\s+(.+?)\s+(?:been\s+)?(?:work(?:ed|ing)?|be(?:en)?)\s+"
               r"(?:here|with us|at the company|for us)\s*\??$", r"when did \1 join", q, flags=re.I)
    q = re.sub(r"^(?:what|which) (?:year|month|day|date) (?:did|was) (.+?) (?:join|start|hired|get hired|"
               r"come on board|begin)\b", r"when did \1 join", q, flags=re.I)
    # "who does X ultimately report to", "X's top boss": everyone above, up to the top
    q = re.sub(r"^(?:who|whom|to whom)\s+(?:does|do|did)\s+(.+?)\s+(?:ultimately|eventually|in the end)\s+report"
               r"(?:\s+in)?(?:\s+to)?\s*\??$", r"who is above \1", q, flags=re.I)
    # "what email does X use": the email X has
    q = re.sub(r"^(what|which) (e-?mail(?: address)?|mail(?: address)?) (?:does|do) (.+?) (?:use|have)\s*\??$",
               r"\1 is \3's \2", q, flags=re.I)
    q = re.sub(r"^(?:wat|wht|whta|wut)\b", "what", q, flags=re.I)   # too short for the one-edit fixer
    q = re.sub(r"^(?:hw|hwo)\b", "how", q, flags=re.I)
    q = re.sub(r"^(who|what|which|where|how many)\s+r\b", r"\1 are", q, flags=re.I)
    q = re.sub(r"\b(report(?:s|ing|ed)?) in to\b", r"\1 into", q, flags=re.I)
    q = re.sub(r"\bhow much (?=(?:direct )?(?:reports|reportees|people|employees|staff|members|folks|engineers|teams|"
               r"systems|services)\b)", "how many ", q, flags=re.I)
    # "Victor's report count": how many report to him, not a count of "report to" (his manager)
    q = re.sub(r"\b(?:direct\s+)?reports?\s+(?:count|number|total|tally)\b", "number of direct reports", q, flags=re.I)
    # "who in Risk Data is a data scientist": the data scientists in Risk Data
    q = re.sub(r"^(?:who|which people|anyone)\s+in\s+(.+?)\s+is\s+an?\s+([a-z][a-z ]*?[a-rt-z])\s*\??$",
               r"who are the \2s in \1", q, flags=re.I)
    # "has the ledger shipped", "has X been retired": whether it is in that lifecycle, not its parts
    q = re.sub(r"^(?:has|have)\s+(.+?)\s+(?:been\s+|already\s+|yet\s+)?(shipped|launched|released|gone live|retired|"
               r"deprecated|decommissioned|archived|sunset|sunsetted)(?:\s+yet)?\s*\??$", r"is \1 \2", q, flags=re.I)
    # "is X ready for production use", "can we use X in prod": whether it is in production,
    # not what it uses; "should I stop using X": its lifecycle says
    q = re.sub(r"^(?:is|are)\s+(.+?)\s+(?:ready|fit|good|safe|ok|okay|suitable)\s+(?:for|to use in|to run in)\s+"
               r"(?:production|prod)(?:\s+use)?\s*\??$", r"is \1 in production", q, flags=re.I)
    q = re.sub(r"^(?:can|could|may|should)\s+(?:i|we|you|one|teams)\s+(?:safely\s+)?(?:use|rely on|build on|depend on|"
               r"adopt|deploy)\s+(.+?)\s+(?:in|for|on)\s+(?:production|prod)\s*\??$", r"is \1 in production", q,
               flags=re.I)
    q = re.sub(r"^(?:should|must|do|can)\s+(?:i|we)\s+(?:stop using|keep using|still use|avoid|migrate (?:off|away from)|"
               r"move off|replace)\s+(.+?)\s*\??$", r"what is the lifecycle of \1", q, flags=re.I)
    q = re.sub(r"^how (?:far along|advanced|ready|done|finished)\s+(?:is|are)\s+(.+?)\s*\??$",
               r"what is the lifecycle of \1", q, flags=re.I)
    # "where is X in its lifecycle": its lifecycle, not what it is in
    q = re.sub(r"^where (?:is|are) (.+?) in (?:its|their|the) life ?cycle\s*\??$", r"what is the lifecycle of \1", q,
               flags=re.I)
    # "what breaks if the ledger api goes down": what depends on it
    q = re.sub(r"^(?:what|which)(?:\s+(?:services|systems|components|apis|apps|applications))?\s+(?:breaks|would break|will break|"
               r"(?:is|are|would be|will be|get|gets|would get) (?:affected|impacted|hit)|fails|would fail)\s+"
               r"(?:if|when)\s+(.+?)\s+(?:goes down|went down|go down|is down|was down|were down|fails|failed|"
               r"breaks|broke|dies|died|is unavailable|goes away|is turned off|is switched off|stops)\s*\??$",
               r"what depends on \1", q, flags=re.I)
    # "who's on call for the risk engine": the graph holds no rota; who to ask about it is what it knows
    q = re.sub(r"^(?:who|whom)(?:'s|’s|\s+is|\s+are)?\s+on[- ]?call\s+(?:for|on)\s+", "who should i contact about ",
               q, flags=re.I)
    # "which of Payments' services are in production": a lifecycle, not a unit they are in
    q = re.sub(r"\b(?:are|is)\s+(?:currently\s+|still\s+|now\s+)?(in\s+(?:production|prod|development|beta|alpha|"
               r"preview|pilot)\b)(?=\s*[?.!]*$)", r"\1", q, flags=re.I)
    # "the parent org of Finance": its parent unit, not the people of an org
    q = re.sub(r"\bparent (?:org|organi[sz]ation|org unit|unit|group)\b", "parent", q,
               flags=re.I)
    # "which org is Risk Data in": the unit asked for, not the people of an org
    q = re.sub(r"\b(which|what)\s+(?:orgs?|organi[sz]ations?|org units?)\b", r"\1 department", q, flags=re.I)
    # "the leads of Payments", "Payments' heads": a unit may have several leads,
    # and the plural is the noun, not the verb of "who leads the teams"
    q = re.sub(r"\b(the|its|their)\s+(?:leads|heads|leaders)\s+(of|for)\b", r"\1 lead \2", q, flags=re.I)
    q = re.sub(r"('s?)\s+(?:leads|heads|leaders)\b", r"\1 lead", q, flags=re.I)
    # "how long has Ana been here", "since when has Ana worked here": her start date
    q = re.sub(r"^(?:how long|since when)\s+(?:has|have)\s+(.+?)\s+(?:been\s+)?(?:here|working here|"
               r"worked here|at the company|with the company|with us|employed here|employed|on board|"
               r"been around|around)\s*\??$", r"when did \1 start", q, flags=re.I)
    q = re.sub(r"^who\s+(?:works|is working|is employed|serves)\s+as\s+(?:an?|the|our)\s+(.+)$", r"who is the \1", q,
               flags=re.I)
    # "report directly or indirectly to Dan": everyone below him
    q = re.sub(r"\b(?:directly or indirectly|indirectly or directly|indirectly)\s+(?:report(?:s|ing)?|roll(?:s|ing)? up)"
               r"\s+(?:to|into|up to)\b", "are below", q, flags=re.I)
    q = re.sub(r"\b(?:report(?:s|ing)?|roll(?:s|ing)? up)\s+(?:directly or indirectly|indirectly or directly|indirectly)"
               r"\s+(?:to|into)\b", "are below", q, flags=re.I)
    q = re.sub(r"\b(?:the\s+)?(?:e-?mail\s+|work\s+)?(?:address|mailbox|inbox|account|e-?mail|login|username)"
               r"(?=\s+\S+@)", "", q, flags=re.I)
    q = re.sub(r"\bbehind(?=\s+\S+@)", "", q, flags=re.I)  # "who's behind ana@x": who she is
    q = re.sub(r"^(is|are)\s+(.+?)\s+(?:somebody|someone|anyone|anybody)'s\s+(?:manager|boss|supervisor)\s*\??$",
               r"does \2 manage anyone", q, flags=re.I)
    # "how do I email Ana": her work email, not the steps of a process
    q = re.sub(r"^(?:what|which) (?:e-?mail )?address (?:do|should|can|could) (?:i|we|you) (?:e-?mail|mail|write to|reach|"
               r"use for|use to reach|contact|send (?:mail|e-?mail) to) (.+?)(?:\s+(?:at|on|with))?\s*\??$",
               r"what is the email of \1", q, flags=re.I)
    q = re.sub(r"^(?:how|way) to (?=(?:e-?mail|mail|contact|reach|get in touch with|write to)\s)", "how do i ", q, flags=re.I)
    q = re.sub(r"^(?:how (?:do|can|should|would|could) (?:i|we|you) |(?:please )?)(?:e-?mail|mail|send an? e-?mail to|"
               r"contact|reach|reach out to|get in touch with|write to|drop a line to)"
               r"\s+(?!(?:of|for|address|addr|id|to|the|on|at|details|info)\b)(.+?)"
               r"(?:\s+(?:by|via|over) e-?mail)?\s*\??$", r"what is the email of \1", q, flags=re.I)
    q = re.sub(r"\b(?:contact (?:details|info|information|address)|contact)(?=\s*\??$)", "email", q, flags=re.I)
    m = _WHERE_WORKS.match(q.rstrip("?. "))
    if m:
        q = f"{m.group(1)} {m.group(3)} in {m.group(2)}"
    if re.search(r"\b(?:where|city|office|location)\b", q, re.I):
        q = _WORKS_FROM.sub(" ", q)
    return q


def _roles_before_membership(tokens: list[Tok]) -> None:
    """"how many managers work in Payments": a plural relation noun asked for
    and followed by a membership word is a title ("manager"), not a relation."""
    for i, t in enumerate(tokens[1:-1], 1):
        if t.tag != "cue" or t.span != 1 or not t.low.endswith("s") or t.low.endswith("ss") or label_of_word(t):
            continue
        prev = tokens[i - 1]
        # "how many managers work under Bruno": the verb "work" says nothing
        nxt = next((x for x in tokens[i + 1:] if x.tag != "stop"), tokens[i + 1])
        asked = prev.tag in ("wh", "count") or prev.tag == "cont" and any(
            x.tag == "count" for x in tokens[max(0, i - 3):i])
        if asked and nxt.tag == "aux" and tokens[-1].low in ("have", "has", "employ", "employs"):
            # "how many managers does Payments have": managers by title, in Payments
            # (of a person, "how many reports does Dan have" is the relation: was_cue)
            t.tag, t.value = "role", {"phrase": t.low, "entries": [("role", (t.low[:-1],))], "was_cue": t.value}
            continue
        if not asked or nxt.tag != "cue":
            continue
        verb = {sn.name for role, sn in lexicon.CUES.get(phrase_of(nxt), []) if role != "noun"}
        if verb & {"members", "reports", "manager", "below"} and \
                not verb & {sn.name for _, sn in lexicon.CUES.get(t.low, [])}:
            t.tag, t.value = "role", {"phrase": t.low, "entries": [("role", (t.low[:-1],))], "was_cue": t.value}


def _names_what_is_had(tokens: list[Tok], verb: Tok) -> bool:
    """Whether a possession verb is followed, past "any", "a" or "the", by a
    relation noun ("have any reports", "has an owner")."""
    for t in tokens[verb.i + verb.span:]:
        if t.tag in ("exists", "stop", "count", "wh") or t.low in ("a", "an", "the", "any", "some", "how", "many",
                                                                     "much", "what", "which"):
            continue  # "Dan has how many direct reports?", "Dan has what title?"
        if t.tag == "prop" or entries(t, "prop"):
            return True   # a property of the subject, never a relation ("has what title": not his reports')
        return t.tag == "cue" and bool(lexicon.senses_for(phrase_of(t), "noun"))
    return False


def _about_members(t: Tok) -> bool:
    """A relation word the organization overview answers (people, headcount, work in)."""
    senses = {sn.name for _, sn in lexicon.CUES.get(phrase_of(t), [])}
    return bool(senses & {"members", "unit", "department", "subunits"}) or label_of_word(t) is not None and \
        label_of_word(t)[0] in ("Person", "Team", "Department")


def _people_word(phrase: str) -> bool:
    """A plural noun of a relation between people ("managers", "bosses")."""
    if not phrase.endswith("s") or " " in phrase or len(phrase) < 5:
        return False
    nouns = [sense for role, sense in lexicon.CUES.get(phrase, []) if role == "noun"]
    return bool(nouns) and all(sense.from_labels == ("Person",) and sense.to_labels == ("Person",) for sense in nouns)


def _plural_unit_word(t: Tok) -> bool:
    """"teams", "squads", "systems" after a name ask for those under or of it
    ("Fraud Detection teams"); a singular one is the name's hint ("the Payroll squad")."""
    lab = label_of_word(t)
    return bool(lab) and lab[0] in ("Team", "Department", "System") and t.low.endswith("s") and \
        t.low[:-1] in LABEL_WORDS and t.low not in ("sales", "ops")


def _verbs_run_together(tokens: list[Tok], steps_from: list[int]) -> bool:
    """Two steps read from verbs with nothing but small words between them
    ("owns and runs"): no noun or relative word chains them."""
    verbs = sorted(i for i in steps_from if _verb_only(tokens[i]))
    for i, j in zip(verbs, verbs[1:]):
        between = tokens[i + tokens[i].span:j]
        if all(t.low in ("and", "or", "&", ",", "also", "/") or t.tag == "stop" for t in between):
            return True
    return False


def _verb_only(t: Tok | None) -> bool:
    """A relation word that is only ever a verb ("maintains", "supports"), never a noun."""
    if t is None or t.tag != "cue":
        return False
    roles = {role for role, _ in lexicon.CUES.get(phrase_of(t), [])}
    return bool(roles) and roles <= {"subj", "obj"}


def _name_like(tokens: list[Tok]) -> str | None:
    """A capitalised word in mid-question that the vocabulary claimed although
    it reads as a name: right before a unit word ("the People dept", "the
    Office org") or an organisation word after "in"/"at" ("work in Business")."""
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if i == 0 and t.tag == "prop" and nxt is not None and label_of_word(nxt) is not None:
            return t.text  # "Office members": a name, not the office field
        if i == 0 or not t.cap or t.tag in ("", "role", "self", "wh", "aux") or t.text.isupper() and len(t.text) < 4:
            continue
        prev = tokens[i - 1]
        if nxt is not None and nxt.low in UNIT_BEFORE | {"org", "organization", "organisation", "dept"} and \
                t.low not in UNIT_BEFORE:
            return t.text
        if t.low in ORG_WORDS and prev.low in ("in", "at", "for") and nxt is None:
            return t.text
    return None


def _preferred(tokens: list[Tok], a: int, b: int) -> list[str]:
    """Page labels in the order the question's relation words suggest for the
    name at tokens[a:b] ("who owns ledger": a system before a team)."""
    preferred: list[str] = []
    for t in tokens:
        if t.tag == "cue":
            order = ("obj", "prep", "noun", "subj") if t.i < a else ("subj", "noun", "prep", "obj")
            cues = sorted(lexicon.CUES.get(phrase_of(t), []), key=lambda c: order.index(c[0]))
            for role, sense in cues:
                preferred += [l for l in sense.from_labels if l not in preferred]
    hint = next((label_of_word(t)[0] for t in tokens[a:b] if label_of_word(t)), None)
    if hint:
        preferred = [hint] + [l for l in preferred if l != hint]
    return preferred + [l for l in PAGE_LABELS if l not in preferred]


def _noun_only(phrase: str) -> bool:
    """A relation word that is only ever a noun ("chief", "director"), never a verb ("leads")."""
    roles = {role for role, _ in lexicon.CUES.get(phrase, [])}
    return roles == {"noun"}


def _next_label(sense: Sense, cur: str | None, hint: str | None) -> str | None:
    to = sense.to_labels
    if len(to) == 1:
        return to[0]
    if hint in to:
        return hint
    if cur in to and cur in sense.from_labels:
        return cur
    return None


def _merge_filters(filters: list[Filter]) -> list[Filter]:
    out: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    for f in filters:
        vals = out.setdefault(f.field, [])
        shown = names.setdefault(f.field, [])
        for i, v in enumerate(f.values):
            if v not in vals:
                vals.append(v)
                if f.names:
                    shown.append(f.names[i])
    return [Filter(k, tuple(v), tuple(names[k]) if len(names[k]) == len(v) else ()) for k, v in out.items()]


def _subject(page) -> Subject:
    return Subject("page", page.type, page.key, page.name, via=getattr(page, "via", "name") or "name")


def _title_words(words: list[str]) -> list[str]:
    """Title phrases a person's title may match: the words as asked, and the
    abbreviation or its expansion ("cto" and "chief technology officer")."""
    text = " ".join(words)
    out = [text]
    for abbr, full in lexicon.TITLE_ABBREVIATIONS.items():
        if text == abbr and full not in out:
            out.append(full)
        elif text == full and abbr not in out:
            out.append(abbr)
    return out

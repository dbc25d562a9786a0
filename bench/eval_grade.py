"""Grading answers of the evaluation set (bench/eval_set.py), strictly and the
same way for Kiki and for the vector-only baseline.

How an answer is read
---------------------
- **Pages named**: every Markdown link to a wiki page, `[text](/<slug>/<key>)`
  (slug one of person, team, department, system, process, topic; an absolute
  URL's path counts too), plus every page name or alias written out in the
  plain text (case-sensitive, whole words, longest name first, so "Risk Data
  Core" is not also "Risk Data"). A name several pages bear stands for each of
  them. Links and names are read in order of position.
- **Numbers**: the first bold number (`**12**`), else the first whole number
  in the text once links, page names and dates are blanked out (so "Payments 2"
  or "2026-01-01" are not numbers). For an expected 0, "no one", "nobody",
  "none", "zero" and "no direct reports" read as 0.
- **Values** (a title, a city, a lifecycle, an email, a date): every value of
  that attribute that occurs in the org (its vocabulary) found in the text.
- **Yes/no**: the answer's first word (after Markdown marks), else the first
  sentence that starts with yes or no.
- **Abstaining**: "I don't know", "I can't find/tell", "not sure", "did you
  mean", "which one do you mean", "isn't recorded", "no page named" and the like.
- **Citations**: the `sources` list of the result (`type`/`key` or `url`).

Outcomes
--------
An answerable question is `correct`, `abstained` (an honest "I don't know" or a
question back: a miss, never counted as wrong), `confidently_wrong` (it states
something untrue: a wrong number, a wrong or extra page, a list missing a
member, a value that is not the right one, yes for no; a page overview that
lists other pages of the kind asked counts too — a reader cannot tell they are
not the answer), or `no_answer` (no abstention and no checkable claim at all). A question the graph cannot answer
is `correct` when the answer abstains (offering the closest pages is fine);
an answer that does not abstain and states something — a number, a date, the
near page's lead/owner/members, or for made-up and near-miss names any page
at all — is `confidently_wrong`; one that neither abstains nor states
anything is `no_answer`.

Per answer type (the item's `answer`):
- number: the number read equals the expected one;
- entity: the first page named of the target labels (the subject, the asker
  and the item's `allow` pages aside) is an expected one, every expected page
  is named and no other page of those labels is;
- list: every expected page named, no other page of the target labels;
  `ordered` lists in order;
- value: a right value occurs and no other value of the vocabulary does;
- yesno: the polarity read is the expected one;
- keys (recorded regressions): every expected page key is linked or cited.

Citation precision (answers that do not abstain and cite something): the share
of cited pages that are the item's `cite` pages (subject, asker, expected
answer pages and the pages on the path to them).
"""
from __future__ import annotations

import re
from collections import defaultdict

SLUG_LABELS = {"person": "Person", "team": "Team", "department": "Department", "system": "System",
               "process": "Process", "topic": "Topic"}
LABEL_SLUGS = {v: k for k, v in SLUG_LABELS.items()}

_LINK = re.compile(r"\[((?:\\.|[^\]\\\n])*)\]\(\s*(?:https?://[^/\s)]+)?/(person|team|department|system|process|topic)/"
                   r"([A-Za-z0-9][A-Za-z0-9._%-]*)/?(?:[?#][^)\s]*)?\s*\)")
_ANY_LINK = re.compile(r"\[((?:\\.|[^\]\\\n])*)\]\(([^)\s]*)\)")
_ESCAPE = re.compile(r"\\([\\`*_\[\]<>|#.!-])")
_ABSTAIN = re.compile(
    r"\bI\s+(?:really\s+)?(?:don['’]?t|do\s+not|can['’]?t|cannot|couldn['’]?t|could\s+not)\s+"
    r"(?:know|find|tell|say|answer|see|determine|identify|work\s+out)"
    r"|\bI['’]?m\s+not\s+sure\b|\bI\s+am\s+not\s+sure\b|\bnot\s+sure\s+(?:which|who|what)\b"
    r"|\bdid\s+you\s+mean\b|\bwhich\s+(?:one|of\s+(?:these|them|those))\s+(?:do|did)\s+you\s+mean\b"
    r"|\b(?:isn['’]?t|is\s+not|aren['’]?t|are\s+not|wasn['’]?t|was\s+not)\s+(?:recorded|known|in\s+(?:the|Kiki['’]?s|my)\s+"
    r"(?:graph|knowledge|wiki|data))"
    r"|\bdoes(?:n['’]?t|\s+not)\s+(?:record|hold|have\s+(?:any\s+)?(?:information|data|record))"
    r"|\bno\s+(?:page|record|information|data|entry)\s+(?:about|on|for|named|called|matching|with)\b"
    r"|\b(?:nothing|no\s+one|nobody|no\s+team|no\s+system|no\s+person)\s+(?:named|called|matching)\b"
    r"|\bcould\s+you\s+(?:clarify|rephrase|be\s+more\s+specific)",
    re.I)
_BOLD_NUMBER = re.compile(r"\*\*(\d+)\*\*")
_NUMBER = re.compile(r"(?<![\w.,/:#-])(\d+)(?![\w/%:-]|[.,]\d)")
_ZERO = re.compile(r"\b(?:no\s+one|nobody|none|zero|no\s+direct\s+reports|no\s+(?:people|members|reports))\b", re.I)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|"
                   r"September|October|November|December)\s+\d{4}\b|\b(?:January|February|March|April|May|June|"
                   r"July|August|September|October|November|December)\s+\d{1,2},?\s+\d{4}\b")
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.I)
_YES_NO_SENTENCE = re.compile(r"(?:^|[.!?\n]\s*)\W*(yes|no)\b", re.I)


def label_of(ident: str) -> str:
    return SLUG_LABELS.get(ident.split("/", 1)[0], "")


def source_id(source: dict) -> str | None:
    """A result source as a page id (`team/ledger`)."""
    url = source.get("url") or ""
    m = re.match(r"^(?:https?://[^/]+)?/(person|team|department|system|process|topic)/([^/?#]+)", url)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    kind = str(source.get("type") or source.get("label") or "").strip()
    slug = LABEL_SLUGS.get(kind) or (kind.lower() if kind.lower() in SLUG_LABELS else None)
    return f"{slug}/{source['key']}" if slug and source.get("key") else None


class Reading:
    """What an answer text states, parsed once."""

    def __init__(self, text: str, names_rx: re.Pattern | None, name_ids: dict):
        raw = text or ""
        self.raw = raw
        self.mentions: list[tuple[int, frozenset]] = []
        blank = list(raw)
        for m in _LINK.finditer(raw):
            self.mentions.append((m.start(), frozenset({f"{m.group(2)}/{m.group(3).lower()}"})))
        for m in _ANY_LINK.finditer(raw):
            blank[m.start():m.end()] = " " * (m.end() - m.start())
        # Keep lengths so positions stay comparable with the links'.
        plain = _ESCAPE.sub(lambda m: " " + m.group(1), "".join(blank))
        if names_rx is not None:
            chars = list(plain)
            for m in names_rx.finditer(plain):
                self.mentions.append((m.start(), frozenset(name_ids[m.group(0)])))
                chars[m.start():m.end()] = " " * (m.end() - m.start())
            plain_no_names = "".join(chars)
        else:
            plain_no_names = plain
        self.mentions.sort(key=lambda x: x[0])
        self.linked = {i for _, ids in self.mentions for i in ids if len(ids) == 1}
        # Text for reading: links reduced to their text.
        self.text = _ESCAPE.sub(r"\1", _ANY_LINK.sub(lambda m: m.group(1), raw))
        self.abstains = bool(_ABSTAIN.search(self.text))
        self.dates = _DATE.findall(self.text)
        bold = _BOLD_NUMBER.search(raw)
        numberless = _DATE.sub(lambda m: " " * len(m.group(0)), plain_no_names)
        first = _NUMBER.search(numberless)
        self.number = int(bold.group(1)) if bold else (int(first.group(1)) if first else None)
        self.zero = bool(_ZERO.search(self.text))
        stripped = re.sub(r"[*_#>`]", "", self.text).strip()
        m = _YES_NO.match(stripped) or _YES_NO_SENTENCE.search(stripped)
        self.polarity = None if not m else m.group(1).lower() == "yes"


class Grader:
    """Grades answers about one graph's pages (`world`: bench/eval_orgs.Org)."""

    def __init__(self, world):
        self.world = world
        self.name_ids: dict[str, list[str]] = defaultdict(list)
        for n in world.nodes.values():
            for text in {n.name, *n.aliases}:
                if text and len(text) >= 3:
                    self.name_ids[text].append(n.id)
        alts = "|".join(re.escape(n) for n in sorted(self.name_ids, key=len, reverse=True))
        self.names_rx = re.compile(rf"(?<![\w.@-])(?:{alts})(?![\w@-]|\.\w)") if alts else None

    def read(self, text: str) -> Reading:
        return Reading(text, self.names_rx, self.name_ids)

    # -- one answer -------------------------------------------------------
    def grade(self, item: dict, text: str, sources: list[dict] | None = None) -> dict:
        r = self.read(text)
        ans = item["answer"]
        kind = ans["type"]
        cited = [s for s in (source_id(x) for x in sources or []) if s]
        if kind == "idk":
            return self._grade_idk(item, r)
        if r.abstains:
            return {"outcome": "abstained", "why": "abstained"}
        if kind == "keys":
            keys = {i.split("/", 1)[1] for i in r.linked | set(cited)}
            missing = [k for k in ans["ids"] if k not in keys]
            want = ans.get("number")
            wrong_number = want is not None and r.number != want and not (want == 0 and r.zero and r.number is None)
            if not missing and not wrong_number:
                return {"outcome": "correct"}
            claimed = bool(r.linked) or r.number is not None
            why = (f"misses {missing}" if missing else "") + (f" said {r.number}, expected {want}" if wrong_number else "")
            return {"outcome": "confidently_wrong" if claimed else "no_answer", "why": why.strip()}
        if kind == "number":
            want = ans["value"]
            got = r.number if r.number is not None else (0 if want == 0 and r.zero else None)
            if got is None:
                return {"outcome": "no_answer", "why": "no number"}
            return {"outcome": "correct"} if got == want else \
                {"outcome": "confidently_wrong", "why": f"said {got}, expected {want}"}
        if kind == "yesno":
            if r.polarity is None:
                return {"outcome": "no_answer", "why": "no yes/no"}
            return {"outcome": "correct"} if r.polarity == ans["value"] else \
                {"outcome": "confidently_wrong", "why": f"said {'yes' if r.polarity else 'no'}"}
        if kind == "value":
            return self._grade_value(ans, r)
        if kind in ("entity", "list"):
            return self._grade_pages(item, ans, r)
        raise ValueError(f"{item.get('id')}: unknown answer type {kind!r}")

    def _grade_value(self, ans, r: Reading) -> dict:
        values = [v for v in ans["values"]]
        vocab = sorted(set(ans["vocab"]) | set(values), key=len, reverse=True)
        low = r.text.lower()
        found = []
        if vocab:
            rx = re.compile(r"(?<![\w@.-])(?:" + "|".join(re.escape(v.lower()) for v in vocab) + r")(?![\w@-]|\.\w)")
            found = rx.findall(low)
        right = {v.lower() for v in values}
        if ans["vocab"]:
            if not found:
                return {"outcome": "no_answer", "why": "no value of the attribute"}
            wrong = sorted({f for f in found if f not in right})
            if wrong:
                return {"outcome": "confidently_wrong", "why": f"states {wrong}"}
            return {"outcome": "correct"}
        if any(v in low for v in right):
            return {"outcome": "correct"}
        return {"outcome": "confidently_wrong", "why": f"states {r.dates}"} if r.dates else \
            {"outcome": "no_answer", "why": "no value"}

    def _grade_pages(self, item, ans, r: Reading) -> dict:
        labels = set(ans["labels"])
        expected = list(ans["ids"])
        neutral = {item.get("subject"), item.get("asker"), *ans.get("allow", ())}
        hits: list[tuple[int, str]] = []
        extra: list[str] = []
        for pos, ids in r.mentions:
            targets = {i for i in ids if label_of(i) in labels}
            if not targets:
                continue
            hit = [i for i in expected if i in targets]
            if hit:
                hits.extend((pos, h) for h in hit)
            elif not targets & neutral:
                extra.append(sorted(targets)[0])
        if not hits and not extra:
            return {"outcome": "no_answer", "why": "names no page of the kind asked"}
        named = {h for _, h in hits}
        missing = [e for e in expected if e not in named]
        if extra:
            return {"outcome": "confidently_wrong", "why": f"names {sorted(set(extra))[:5]}"}
        if missing:
            return {"outcome": "confidently_wrong", "why": f"misses {missing[:5]}"}
        if ans["type"] == "list" and ans.get("ordered"):
            first = {}
            for pos, h in hits:
                first.setdefault(h, pos)
            if [first[e] for e in expected] != sorted(first[e] for e in expected):
                return {"outcome": "confidently_wrong", "why": "wrong order"}
        return {"outcome": "correct"}

    def _grade_idk(self, item, r: Reading) -> dict:
        # An abstention may offer the closest pages ("did you mean Data
        # Platform?"); that is the right answer, whatever those pages say.
        if r.abstains:
            return {"outcome": "correct"}
        ans = item["answer"]
        forbidden = set(ans.get("forbid", ()))
        claims = []
        said = sorted({i for _, ids in r.mentions for i in ids if i in forbidden})
        if said:
            claims.append(f"names {said[:5]}")
        if r.number is not None and (ans.get("forbid_number") or item.get("kind", "").startswith("unknown")):
            claims.append(f"states the number {r.number}")
        if r.dates:
            claims.append(f"states {r.dates[0]}")
        if item.get("kind", "").startswith(("made_up", "near_miss")) and r.mentions:
            claims.append("answers about another page")
        if claims:
            return {"outcome": "confidently_wrong", "why": "; ".join(claims)}
        return {"outcome": "no_answer", "why": "neither abstains nor answers"}

    # -- citations --------------------------------------------------------
    def citation_precision(self, item: dict, sources: list[dict]) -> float | None:
        """Share of cited pages that belong to the question (None: nothing cited)."""
        cited = {s for s in (source_id(x) for x in sources or []) if s}
        if not cited:
            return None
        ok = set(item.get("cite", ())) | {item.get("subject"), item.get("asker")}
        ans = item["answer"]
        ok |= set(ans.get("ids", ())) | set(ans.get("allow", ()))
        if item.get("key_only"):
            keys = {str(k).split("/", 1)[-1] for k in ok if k}
            return sum(c.split("/", 1)[1] in keys for c in cited) / len(cited)
        return len(cited & ok) / len(cited)

    def outside(self, item: dict, sources: list[dict]) -> list[str]:
        cited = {s for s in (source_id(x) for x in sources or []) if s}
        ok = set(item.get("cite", ())) | {item.get("subject"), item.get("asker")}
        ok |= set(item["answer"].get("ids", ())) | set(item["answer"].get("allow", ()))
        if item.get("key_only"):
            keys = {str(k).split("/", 1)[-1] for k in ok if k}
            return sorted(c for c in cited if c.split("/", 1)[1] not in keys)
        return sorted(cited - ok)

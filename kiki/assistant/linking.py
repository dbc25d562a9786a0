"""Entity linking: turns a phrase from a question ("Risk Data", "ana", "the
payments api", "my department", "it") into a graph page.

Exact matches on key, name or alias win; otherwise candidates from the
full-text index (prefix and one-typo fuzzy terms) are accepted only when most
of the phrase's words match the candidate's name, aliases or key, so an
unknown subject yields None (and an honest "I don't know") rather than a
random page whose body happens to mention a word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from graph import entities, org
from graph.access import Viewer
from graph.model import PAGE_LABELS, name_key

_WORD = re.compile(r"[a-z0-9]+")
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
# Words that carry no identity on their own; ignored when matching names.
_NOISE = {"the", "a", "an", "of", "our", "my", "for", "in", "on", "at", "to", "and", "s", "please"}

SELF_WORDS = {"me", "i", "myself", "my", "mine"}
PRONOUNS = {"it", "its", "they", "them", "their", "that", "this", "he", "him", "his", "she", "her", "hers",
            "that team", "this team", "that system", "this system", "that process", "this process",
            "that person", "this person", "that department", "this department", "the same", "there"}


@dataclass
class Linked:
    type: str
    key: str
    name: str
    score: float = 0.0
    exact: bool = False
    via: str = "name"      # name | self | context
    fit: tuple = ()        # (coverage, tightness) of a non-exact match; equal fits are a tie
    detail: str = ""       # a person's title or a page's summary, to tell candidates apart
    kind: str = ""         # a system's catalog kind (Component, API, Domain, ...)

    def as_dict(self) -> dict:
        return {"type": self.type, "key": self.key, "name": self.name, "via": self.via}


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"'s\b|’s\b", "", text)
    return " ".join(_WORD.findall(text))


def clean_phrase(phrase: str) -> str:
    """Strip quotes, trailing punctuation and leading articles from a captured subject."""
    p = (phrase or "").strip().strip("\"'`“”‘’ ").rstrip("?.!,;: ")
    p = re.sub(r"^(?:the|a|an)\s+", "", p, flags=re.I)
    p = re.sub(r"\s+(?:please|pls|now|today|currently)$", "", p, flags=re.I)
    return p.strip().strip("\"'`“”‘’ ")


def _words(text: str) -> list[str]:
    return [w for w in normalize(text).split() if w not in _NOISE]


def _closeness(a: str, b: str) -> float:
    """1 for the same word or a prefix of at least 3 letters, 0.9 for one edit apart
    (words of 4+; a 3-letter word may miss one letter of a 4-letter one: "dta" for
    "data"), else 0 — so "ana" fits Ana Costa better than Anna Kaya."""
    if a == b:
        return 1.0
    if len(a) >= 3 and b.startswith(a) or len(b) >= 3 and a.startswith(b):
        return 1.0
    return 0.9 if _one_edit(a, b) else 0.0


def _one_edit(a: str, b: str) -> bool:
    # One substitution, insertion, deletion or swap of neighbours (optimal string alignment).
    if min(len(a), len(b)) < 3 or max(len(a), len(b)) < 4:
        return False
    return OSA.distance(a, b, score_cutoff=1) <= 1


def lucene_terms(phrase: str) -> str:
    """All words must match (as a word, a prefix, or one typo away) in the
    first clause; any word may match in the fallback clause, which scores lower."""
    # A word longer than any name cannot match one (and makes Lucene's fuzzy query fail).
    words = [w for w in _words(phrase) if len(w) <= 40][:8]
    if not words:
        return ""
    terms = []
    for w in words:
        esc = _LUCENE_SPECIAL.sub(r"\\\1", w)
        term = f"{esc} OR {esc}*"
        if len(w) >= 3:
            term += f" OR {esc}~1"
        terms.append(f"({term})")
    return f"({' AND '.join(terms)})^4 OR " + " OR ".join(terms)


# Type words in a phrase ("the Risk Data team") are hints, not part of the name,
# unless the name itself contains them.
TYPE_WORDS = {"team", "squad", "department", "dept", "system", "service", "component", "api", "process",
              "topic", "person", "group", "division", "domain", "resource", "library", "website", "unit", "crew",
              "org"}


def _match_quality(phrase_words: list[str], cand: dict) -> tuple[bool, float, float]:
    """(exact, fraction of the phrase's words found in the candidate's identity,
    fraction of the identity's words the phrase covers: "risk dta" fits Risk
    Data better than Risk Data Tooling)."""
    identities = [cand["name"], *cand.get("aliases", []), cand["key"].replace("-", " ").replace("_", " ")]
    id_norms = [" ".join(_words(i)) for i in identities]
    id_words = {w for i in id_norms for w in i.split()}
    if phrase_words and " ".join(phrase_words) in id_norms:
        return True, 1.1, 1.0   # every word, type words included ("Settlement API", not the Settlement team)
    core = [w for w in phrase_words if w not in TYPE_WORDS or w in id_words]
    if core and " ".join(core) in id_norms:
        return True, 1.0, 1.0
    if not core:
        return False, 0.0, 0.0
    hits = sum(max((_closeness(w, iw) for iw in id_words), default=0.0) for w in core)
    tight = max((sum(1 for iw in i.split() if any(_closeness(w, iw) for w in core)) / len(i.split())
                 for i in id_norms if i), default=0.0)
    return False, hits / len(core), tight


def candidates(phrase: str, types: tuple[str, ...] | list[str] | None = None, limit: int = 10,
               viewer: Viewer | None = None) -> list[Linked]:
    """Ranked pages the viewer may see that a phrase may refer to (one round
    trip); empty when nothing fits."""
    phrase = clean_phrase(phrase)
    q = lucene_terms(phrase)
    emails = [phrase.lower()] if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", phrase) else []
    if not q and not emails:
        return []
    types = [t for t in (types or PAGE_LABELS) if t in PAGE_LABELS]
    # Exact spellings worth an index lookup: as typed, title-cased, lower-cased,
    # and without a trailing type word ("the Payments team" -> "Payments").
    bare = re.sub(r"\s+(?:" + "|".join(sorted(TYPE_WORDS)) + r")$", "", phrase, flags=re.I)
    names = sorted({v for b in {phrase, bare} for v in (b, b.title(), b.lower(), b.upper()) if v})
    keys = sorted({k for k in (name_key(phrase), name_key(bare)) if k})
    rows = entities.link_candidates(keys=keys, names=names, lucene=q or '"-"', types=types, limit=30, viewer=viewer,
                                    emails=emails)
    return rank(phrase, rows, types)[:limit]


def rank(phrase: str, rows: list[dict], types: list[str]) -> list[Linked]:
    """Candidate rows (label, key, name, aliases, score, detail) ranked for a
    phrase; rows that fit too few of its words are dropped. Pure: no graph."""
    words = _words(phrase)
    out = []
    for row in rows:
        if row["label"] not in types:
            continue
        exact, coverage, tight = _match_quality(words, row)
        exact = exact or bool(row.get("by_email"))
        if not exact and coverage < 0.6:
            continue
        # Exact identity first, then how much of the phrase matched, then how little of the
        # name is left unmatched, then full-text score; type order breaks remaining ties in
        # favour of the types the question asked for.
        rank_ = (100.0 if exact else 0.0) + coverage * 10 + tight * 3 + min(float(row["score"]), 50.0) / 10 \
            - types.index(row["label"]) * 0.01
        out.append(Linked(row["label"], row["key"], row["name"], rank_, exact,
                          via="email" if row.get("by_email") else "name",
                          fit=() if exact else (round(coverage, 3), round(tight, 3)),
                          detail=row.get("detail") or "", kind=(row.get("kind") or "")))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def whole_name_fit(phrase: str, cand: Linked) -> str | None:
    """How a non-exact candidate fits: "typo" when every word of its name is
    matched (one typo or a prefix away), "first name" when the phrase is one
    whole word of a person's name; None when the phrase names only part of
    it ("Platform" for Data Platform), which is never answered as if exact."""
    words = _words(phrase)
    core = [w for w in words if w not in TYPE_WORDS]
    name_words = _words(cand.name)
    if not core or not name_words:
        return None
    def near(a: str, b: str) -> bool:
        return a == b or _one_edit(a, b) or (b.startswith(a) and len(b) - len(a) <= 1 and len(a) >= 3) or \
            (a.startswith(b) and len(a) - len(b) <= 2 and len(b) >= 3)
    if len(core) == len(name_words) and all(near(a, b) for a, b in zip(core, name_words)):
        return "typo"
    if cand.type == "Person" and len(core) == 1 and core[0] in name_words and len(core[0]) >= 3:
        return "first name"
    return None


def link(phrase: str, types=None, viewer: Viewer | None = None) -> Linked | None:
    found = candidates(phrase, types, limit=1, viewer=viewer)
    return found[0] if found else None


def asker_context(asker: str | None, viewer: Viewer | None = None) -> dict | None:
    """The asker's own page and the teams, departments and managers of theirs
    the viewer may see (one round trip)."""
    if not asker:
        return None
    return org.asker_context(asker, viewer)


def is_self(phrase: str) -> bool:
    return normalize(phrase) in SELF_WORDS


def is_pronoun(phrase: str) -> bool:
    return normalize(phrase) in PRONOUNS


def self_reference(phrase: str) -> str | None:
    """'my team' -> 'team', 'my department' -> 'department', 'my manager' -> 'manager', 'me' -> 'me'."""
    n = normalize(phrase)
    if n in SELF_WORDS:
        return "me"
    m = re.fullmatch(r"(?:my|our|mine) (team|squad|group|department|dept|org|organization|division|"
                     r"manager|boss|lead|supervisor)", n)
    if not m:
        return None
    word = m.group(1)
    if word in ("team", "squad", "group"):
        return "team"
    if word in ("manager", "boss", "lead", "supervisor"):
        return "manager"
    return "department"


def classify(phrase: str, found: list[Linked], hint: str | None = None):
    """How a phrase names pages, from ranked candidates: one page (exact, or
    every word of it a typo away, or a person's first name), namesakes (the
    same exact name on several pages of one type), a partial match ("did you
    mean …?"), a tie ("which one?"), or nothing. A unit word in the phrase
    ("the Finance division") prefers pages of that label."""
    from .interpret import Candidate

    if not found:
        return Candidate("none")
    if hint:
        hinted = [c for c in found if c.type == hint or (hint in ("Team", "Department") and
                                                          c.type in ("Team", "Department"))]
        exact_hinted = [c for c in hinted if c.exact]
        if exact_hinted or (hinted and not any(c.exact for c in found)):
            found = hinted + [c for c in found if c not in hinted]
    top = found[0]
    if top.exact:
        same = [c for c in found if c.exact and c.type == top.type and c.name.lower() == top.name.lower()]
        other_unit = [c for c in found if c.exact and c.type != top.type and c.name.lower() == top.name.lower()
                      and {c.type, top.type} == {"Team", "Department"}]
        if other_unit and not hint:
            # a team and a department with one name: either may be meant, so ask
            return Candidate("ambiguous", [top, *other_unit][:6])
        return Candidate("page", same[:5], "exact")
    ties = [c for c in found[1:] if not c.exact and c.fit == top.fit and c.type == top.type]
    if ties:
        return Candidate("ambiguous", [top, *ties][:6])
    how = whole_name_fit(phrase, top)
    if how is not None:
        # A first name shared by two people is a tie, not an answer.
        if how == "first name" and any(whole_name_fit(phrase, c) == "first name" for c in found[1:]):
            return Candidate("ambiguous", [c for c in found if whole_name_fit(phrase, c)][:6])
        return Candidate("page", [top], how)
    return Candidate("partial", found[:3])

"""Grading answers of the evaluation set (bench/eval_set.py), strictly and the
same way for Kiki and for the vector-only baseline.

An answer is text (markdown links are reduced to their text) plus the pages it
cites. Names are found with one regex per kind of page, longest name first, so
"Risk Data Core" is not also counted as "Risk Data" or "Risk".

- count: the first number in the answer (a bold one if any) equals the headcount;
- manager, lead: the first person named other than the subject is the expected one;
- chain, steps: every expected name appears, in order;
- reports, members, deps_out, deps_in: every expected name appears and no other
  person (resp. system) is named, the subject and its leads aside;
- owner: every owning team is named and the first team named is an owner;
- subteams: every team under the unit is named and no other team or department;
- organization: like count, with the number of people in a team or department;
- compound ("who owns X and what depends on it?"): graded as owner and as deps_in;
- description: the page's summary appears (or 80 % of its words of 4+ letters);
- who_to_ask: the owning team or its lead is named;
- unanswerable: the answer says "I don't know" and names who would know (when
  the graph has someone: the person's manager, the team's lead, the system's owner).
Any other kind answered with "I don't know" is wrong.

Citations: precision = cited pages that are the question's pages, pages the
answer legitimately uses (the item's `context`: a manager's chain, the teams
responsible for a process's steps) or one hop from the question's pages in the
generated org / all cited; recall = the question's pages cited.
"""
from __future__ import annotations

import re
from collections import defaultdict

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_IDK = re.compile(r"\bI (?:don['’]t|do not) know\b", re.I)
_NUMBER = re.compile(r"(?<![\w.-])(\d+)(?![\w.])")
_BOLD_NUMBER = re.compile(r"\*\*(\d+)\*\*")


def plain(answer: str) -> str:
    text = _LINK.sub(r"\1", answer or "")
    return text.replace("\\", "")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]{4,}", text.lower())


class Grader:
    def __init__(self, org):
        self.org = org
        self.name = org.name
        self.label = {k: lab for (lab, k) in org.by_key}
        # One regex over every page name, longest first, so that a name inside
        # a longer one ("Risk" in "Risk Feature Store") is not counted.
        self._names = defaultdict(list)
        for (lab, key), e in org.by_key.items():
            if lab != "Step":
                self._names[e.name].append((lab, key))
        alts = "|".join(re.escape(n) for n in sorted(self._names, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")
        self.neighbours = defaultdict(set)
        for e in org.edges:
            self.neighbours[e.src_key].add(e.dst_key)
            self.neighbours[e.dst_key].add(e.src_key)

    KINDS = {"person": ("Person",), "unit": ("Team", "Department"), "system": ("System",)}

    def mentions(self, text: str, kind: str) -> list[tuple[int, str]]:
        """(position, key) of each page of `kind` named in the text; an
        ambiguous name counts for every page of that kind that bears it."""
        labels = self.KINDS[kind]
        return [(m.start(), key) for m in self._pattern.finditer(text)
                for lab, key in self._names[m.group(0)] if lab in labels]

    def grade(self, item: dict, answer: str) -> bool:
        text = plain(answer)
        kind, exp, subject = item["kind"], item["expected"], item["subject"]
        idk = bool(_IDK.search(text))
        if kind == "unanswerable":
            if not idk:
                return False
            keys = {k for _, k in self.mentions(text, "person") + self.mentions(text, "unit")
                    + self.mentions(text, "system")}
            return not exp["who"] or any(w in keys for w in exp["who"])
        if idk:
            return False
        if kind in ("count", "organization"):
            m = _BOLD_NUMBER.search(answer or "") or _NUMBER.search(text)
            return bool(m) and int(m.group(1)) == exp
        if kind == "compound":
            return self.grade({**item, "kind": "owner", "expected": exp["owners"]}, answer) and \
                self.grade({**item, "kind": "deps_in", "expected": exp["deps_in"]}, answer)
        if kind == "subteams":
            named = {k for _, k in self.mentions(text, "unit")}
            allowed = set(exp) | {subject}
            extra = {k for k in named - allowed if not any(o in allowed for o in self._namesakes(k))}
            return set(exp) <= named and not extra
        if kind in ("manager", "lead"):
            wanted = [exp] if isinstance(exp, str) else exp
            skip = {subject, item.get("asker")}
            mentions = [(pos, k) for pos, k in sorted(self.mentions(text, "person")) if k not in skip]
            named = [k for _, k in mentions]
            # The first person named (any bearer of a shared name) must be the expected one.
            first = {k for pos, k in mentions if pos == mentions[0][0]} if mentions else set()
            return bool(first & set(wanted)) and all(w in named for w in wanted)
        if kind == "chain":
            return self._in_order(text, [self.name[k] for k in exp])
        if kind == "steps":
            return self._in_order(text, exp)
        if kind in ("reports", "members", "deps_out", "deps_in"):
            what = "system" if kind.startswith("deps") else "person"
            named = {k for _, k in self.mentions(text, what)}
            allowed = set(exp) | {subject} | set(self.org.leads(subject))
            # A name two pages share is fine if either bearer is allowed.
            extra = {k for k in named - allowed
                     if not any(o in allowed for o in self._namesakes(k))}
            return set(exp) <= named and not extra
        if kind == "owner":
            named = [k for _, k in sorted(self.mentions(text, "unit"))]
            return bool(named) and named[0] in exp and set(exp) <= set(named)
        if kind == "description":
            summary = " ".join(exp.split()).lower()
            if summary and summary in " ".join(text.split()).lower():
                return True
            want = set(_words(exp))
            return bool(want) and len(want & set(_words(text))) >= 0.8 * len(want)
        if kind == "who_to_ask":
            keys = {k for _, k in self.mentions(text, "person") + self.mentions(text, "unit")}
            return any(k in keys for k in exp["any_of"])
        raise ValueError(f"unknown kind {kind!r} in {item['id']}")

    def _namesakes(self, key: str) -> list[str]:
        return [k for _, k in self._names.get(self.name.get(key, ""), [])]

    @staticmethod
    def _in_order(text: str, names: list[str]) -> bool:
        pos = -1
        low = text.lower()
        for n in names:
            pos = low.find(n.lower(), pos + 1)
            if pos < 0:
                return False
        return True

    def _allowed(self, item: dict) -> set:
        allowed = set(item["sources"]) | set(item.get("context", ()))
        for k in item["sources"]:
            allowed |= self.neighbours[k]
        return allowed

    def uncited_context(self, item: dict, cited: list[str]) -> list[str]:
        """Cited pages outside the question's pages and their neighbours."""
        return sorted(set(cited) - self._allowed(item))

    def citations(self, item: dict, cited: list[str]) -> tuple[float | None, float | None]:
        """(precision, recall) of the cited page keys; None where undefined."""
        required = set(item["sources"])
        allowed = self._allowed(item)
        cited = set(cited)
        precision = len(cited & allowed) / len(cited) if cited else None
        recall = len(cited & required) / len(required) if required else None
        return precision, recall

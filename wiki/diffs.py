"""Word-by-word diffs of two texts, shown inline (one column, <del>/<ins>) or
side by side (old | new, line by line). Lines are aligned first and words
compared only inside changed lines, so a 200,000-character article diffs in
milliseconds (difflib is quadratic on a whole text of words). Output is
escaped HTML."""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _words(old: str, new: str) -> tuple[str, str, str]:
    """Escaped HTML of one changed line: old with <del>, new with <ins>, and
    both in one (inline)."""
    a, b = _tokens(old), _tokens(new)
    left, right, both = [], [], []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        olds, news = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(olds)
            right.append(news)
            both.append(olds)
            continue
        if olds:
            left.append(f"<del>{olds}</del>")
            both.append(f"<del>{olds}</del>")
        if news:
            right.append(f"<ins>{news}</ins>")
            both.append(f"<ins>{news}</ins>")
    return "".join(left), "".join(right), "".join(both)


@dataclass
class Row:
    """One side-by-side row: `kind` is same, changed, added or removed."""
    kind: str
    old: str
    new: str
    old_line: int | None
    new_line: int | None


@dataclass
class Diff:
    rows: list[Row]
    inline: str  # one column, words removed in <del>, added in <ins>
    added_words: int
    removed_words: int

    @property
    def changed(self) -> bool:
        return any(r.kind != "same" for r in self.rows)


def diff_texts(old: str, new: str) -> Diff:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    inline: list[str] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                text = escape(a[i1 + k])
                rows.append(Row("same", text, text, i1 + k + 1, j1 + k + 1))
                inline.append(text)
            continue
        olds, news = a[i1:i2], b[j1:j2]
        removed += sum(len(re.findall(r"\w+", x)) for x in olds)
        added += sum(len(re.findall(r"\w+", x)) for x in news)
        if op == "replace":
            # Pair changed lines in order; the longer side's rest is added/removed.
            for k in range(max(len(olds), len(news))):
                o = olds[k] if k < len(olds) else None
                n = news[k] if k < len(news) else None
                if o is not None and n is not None:
                    left, right, both = _words(o, n)
                    rows.append(Row("changed", left, right, i1 + k + 1, j1 + k + 1))
                    inline.append(both)
                elif o is not None:
                    rows.append(Row("removed", f"<del>{escape(o)}</del>", "", i1 + k + 1, None))
                    inline.append(f"<del>{escape(o)}</del>")
                else:
                    rows.append(Row("added", "", f"<ins>{escape(n)}</ins>", None, j1 + k + 1))
                    inline.append(f"<ins>{escape(n)}</ins>")
        elif op == "delete":
            for k, o in enumerate(olds):
                rows.append(Row("removed", f"<del>{escape(o)}</del>", "", i1 + k + 1, None))
                inline.append(f"<del>{escape(o)}</del>")
        else:
            for k, n in enumerate(news):
                rows.append(Row("added", "", f"<ins>{escape(n)}</ins>", None, j1 + k + 1))
                inline.append(f"<ins>{escape(n)}</ins>")
    return Diff(rows, "\n".join(inline), added, removed)


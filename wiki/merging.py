"""Three-way merge of a stale edit (merge3, line by line, like MediaWiki's
diff3 merge): base = the revision the editor started from, theirs = the
page's current text, yours = the editor's text. Changes to different lines
merge; lines both sides changed differently are conflicts, returned as hunks
for the merge view."""
from __future__ import annotations

from dataclasses import dataclass, field

from merge3 import Merge3


@dataclass
class Hunk:
    """One stretch of the merged text: `kind` is 'same' (both agree) or
    'conflict' (then `theirs`/`yours`/`base` hold the competing lines)."""
    kind: str
    text: str = ""
    base: str = ""
    theirs: str = ""
    yours: str = ""


@dataclass
class Merged:
    clean: bool
    text: str  # the merged text; for a conflict, with theirs' side of each conflict
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Hunk]:
        return [h for h in self.hunks if h.kind == "conflict"]


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    # A last line without "\n" would otherwise differ from the same line with one.
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def merge_text(base: str, theirs: str, yours: str) -> Merged:
    """Merge `yours` into `theirs`, both derived from `base`."""
    if theirs == yours or base == yours:
        return Merged(True, theirs, [Hunk("same", theirs)])
    if base == theirs:
        return Merged(True, yours, [Hunk("same", yours)])
    hunks: list[Hunk] = []
    for group in Merge3(_lines(base), _lines(theirs), _lines(yours)).merge_groups():
        if group[0] == "conflict":
            _, b, a, y = group
            hunks.append(Hunk("conflict", "".join(a), base="".join(b), theirs="".join(a), yours="".join(y)))
        elif hunks and hunks[-1].kind == "same":
            hunks[-1].text += "".join(group[1])
        else:
            hunks.append(Hunk("same", "".join(group[1])))
    text = "".join(h.text for h in hunks)
    keep_final_newline = theirs.endswith("\n") or yours.endswith("\n")
    if not keep_final_newline and text.endswith("\n"):
        text = text[:-1]
    return Merged(not any(h.kind == "conflict" for h in hunks), text, hunks)


def merge_field(base: str, theirs: str, yours: str) -> Merged:
    """A one-line field (the short description): either side's change wins
    when the other kept the base; both changed differently is a conflict."""
    if yours == theirs or yours == base:
        return Merged(True, theirs, [Hunk("same", theirs)])
    if theirs == base:
        return Merged(True, yours, [Hunk("same", yours)])
    return Merged(False, theirs, [Hunk("conflict", theirs, base=base, theirs=theirs, yours=yours)])

"""The answer to a compiled reading, written from its query's rows: every
page named is linked through the Composer (so the sources are exactly the
linked pages), counts and lists say what was counted, an empty result says
what the graph does not record, and inferred facts say they are inferred.
"""
from __future__ import annotations

import re

from .answer import Composer, join_names, md_escape
from .lexicon import PROPERTY_NAMES
from .reading import Reading
from .tools import page


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _item(c: Composer, x: dict, with_title: bool = True) -> str:
    text = c.link(page(x.get("label"), x.get("key"), x.get("name")))
    if with_title and x.get("title"):
        text += f" ({md_escape(x['title'])})"
    if x.get("inferred"):
        text += f" — inferred: {md_escape('; '.join(x['inferred']))}"
    return text


def render(reading: Reading, rows: list[dict], c: Composer) -> list[dict]:
    """Write the answer into `c`; returns the pages it named, for follow-ups."""
    named: list[dict] = []
    if reading.subject.kind != "page":
        row = rows[0] if rows else {"start": None, "total": 0, "items": [], "hit": None}
        if reading.subject.kind == "title" and reading.path:
            if not rows:
                c.add(f"I don't know who that is: nobody's title matches “{md_escape(' '.join(reading.subject.title_words))}”.")
                return named
            for r in rows:
                named += _one(reading, r, c, c.link(page(r["start"]["label"], r["start"]["key"], r["start"]["name"])))
                c.add("")
            return named
        if reading.subject.kind == "title" and not row["items"]:
            c.add(f"I don't know “{md_escape(' / '.join(reading.subject.title_words))}”: no page has that name, "
                  "and nobody's title matches it.")
            return named
        return _one(reading, row, c, None)
    if not rows:
        c.add(f"I don't know anything about “{md_escape(reading.subject.name or reading.subject.key)}”: "
              "Kiki has no page for it that you can see.")
        return named
    several = len(rows) > 1
    if several:
        c.add(f"{len(rows)} pages are called “{md_escape(reading.subject.name)}”; here is the answer for each:")
    for r in rows:
        head = c.link(page(r["start"]["label"], r["start"]["key"], r["start"]["name"]))
        if several:
            c.add("")
            title = f" ({md_escape(r['start']['title'])})" if r["start"].get("title") else ""
            c.add(f"**{head}**{title} (`{r['start']['key']}`):")
        named += _one(reading, r, c, head)
    return named


# How a confirmed one-step relation is said ({s}: the subject, {t}: the target)
_YES_SENTENCES = {
    "within": "{s} is in {t}", "unit": "{s} is in {t}", "team": "{s} is on {t}", "department": "{s} is in {t}",
    "manager": "{t} is {s}'s manager", "chain": "{t} is above {s} in the management chain",
    "below": "{t} is below {s} in the management chain", "reports": "{t} reports to {s}",
    "members": "{t} is in {s}", "owner": "{t} owns {s}", "owned": "{s} owns {t}", "lead": "{t} leads {s}",
    "led": "{s} leads {t}", "parent_unit": "{s} is part of {t}", "parent_department": "{s} is part of {t}",
    "subunits": "{t} is part of {s}", "dependencies": "{s} depends on {t}", "dependents": "{t} depends on {s}",
}


_NO_SENTENCES = {
    "within": "{s} is not in {t}", "unit": "{s} is not in {t}", "team": "{s} is not on {t}",
    "department": "{s} is not in {t}", "manager": "{t} is not {s}'s manager",
    "chain": "{t} is not above {s} in the management chain", "below": "{t} is not below {s} in the management chain",
    "reports": "{t} does not report to {s}", "members": "{t} is not in {s}", "owner": "{t} does not own {s}",
    "owned": "{s} does not own {t}", "lead": "{t} does not lead {s}", "led": "{s} does not lead {t}",
    "parent_unit": "{s} is not part of {t}", "parent_department": "{s} is not part of {t}",
    "subunits": "{t} is not part of {s}", "dependencies": "{s} does not depend on {t}",
    "dependents": "{t} does not depend on {s}",
}


def _one(reading: Reading, row: dict, c: Composer, head: str | None) -> list[dict]:
    items = row["items"] or []
    total = row["total"] or 0
    phrase = reading.describe(subject_text=head) if head else reading.describe()
    base = Reading(op=reading.op, subject=reading.subject, path=reading.path, filters=reading.filters,
                   as_of=reading.as_of)
    listing = base.describe(subject_text=head) if head else base.describe()
    when = f" on {reading.as_of}" if reading.as_of else ""
    if reading.aggregate == "value":
        prop = PROPERTY_NAMES.get(reading.prop, reading.prop)
        if not reading.path:
            value = items[0].get("value") if items else None
            if value in (None, "", []):
                c.add(f"I don't know the {prop} of {head}: Kiki's graph does not record it.")
            else:
                c.add(f"The {prop} of {head} is **{md_escape(str(value))}**.")
            return []
        if not items:
            c.add(f"I don't know {md_escape(phrase) if not head else phrase}: the graph records no "
                  f"{listing.removeprefix('the ')}.")
            return []
        c.add(_cap(phrase) + ":")
        c.bullets([_item(c, x, False) + f": **{md_escape(str(x.get('value')))}**" if x.get("value") not in
                   (None, "") else _item(c, x, False) + ": not recorded" for x in items], limit=30)
        return items[:1] if len(items) == 1 else []
    if reading.aggregate == "yesno" and reading.target is not None:
        target = c.link(page(reading.target.label, reading.target.key, reading.target.name))
        lst = join_names([_item(c, x) for x in items[:8]])
        said = _YES_SENTENCES.get(reading.path[-1].sense) if len(reading.path) == 1 and not reading.filters \
            and head else None
        if row.get("hit") and said:
            c.add("Yes: " + said.format(s=head, t=target) + f"{when}.")
        elif row.get("hit"):
            c.add(f"Yes: {target} is {listing.removeprefix('the ')}{when}.")
        elif items and said:
            c.add("No: " + _NO_SENTENCES[reading.path[-1].sense].format(s=head, t=target)
                  + f"{when}; the graph records {listing}: {lst}" + (f" and {total - 8} more" if total > 8 else "")
                  + ".")
        elif items:
            c.add(f"No: {target} is not {listing.removeprefix('the ')}{when}; the graph records {lst}"
                  + (f" and {total - 8} more" if total > 8 else "") + ".")
        else:
            c.add(f"No: the graph records no {listing.removeprefix('the ')}{when}, so not {target}.")
        return []
    if reading.aggregate == "yesno" and reading.target_value is not None:
        value = items[0].get("value") if items else None
        prop = PROPERTY_NAMES.get(reading.prop, reading.prop)
        if value in (None, ""):
            c.add(f"I don't know: the graph does not record the {prop} of {head}.")
        elif re.search(r"\b" + re.escape(reading.target_value.lower()) + r"(?:s|es)?\b", str(value).lower()):
            # "is Frank an engineer": a Staff Engineer is one
            c.add(f"Yes: the {prop} of {head} is **{md_escape(str(value))}**.")
        else:
            c.add(f"No: the {prop} of {head} is **{md_escape(str(value))}**, not {md_escape(reading.target_value)}.")
        return []
    if reading.aggregate == "exists":
        if total:
            c.add(f"Yes: {total} — {listing}{when}:")
            c.bullets([_item(c, x) for x in items], limit=20)
        else:
            c.add(f"No: the graph records no {listing.removeprefix('the ')}{when}.")
        return items[:1] if total == 1 else []  # the one page named is what "it" means next
    if reading.aggregate == "count":
        if not total and len(reading.path) > 1 and reading.path[0].sense in ("team", "unit", "department"):
            # "how big is Victor's team" when he is in none: not a team of nobody
            first = Reading(op=reading.op, subject=reading.subject, path=reading.path[:1], as_of=reading.as_of)
            first_text = first.describe(subject_text=head) if head else first.describe()
            c.add(f"I don't know {listing}{when}: the graph records no {first_text.removeprefix('the ')}.")
            return []
        c.add(f"{_cap(listing)}{when}: **{total}**.")
        if items:
            c.add("")
            c.bullets([_item(c, x) for x in items], limit=20)
        return []
    # A list.
    # One is asked for ("what domain is X in", "which department is Ana in"):
    # the nearest, not the domains or the division and organization above it.
    singular = reading.path and (not reading.path[-1].spec.plural or reading.path[-1].sense == "department")
    depths = {x.get("depth") for x in items if x.get("depth") is not None}
    if singular and len(depths) > 1 and total <= len(items):
        items = [x for x in items if x.get("depth") == min(depths)]
        total = len(items)
    if not items:
        if singular or not reading.path:
            c.add(f"I don't know {listing}{when}: the graph records none.")
        else:
            rest = listing.removeprefix('the ')
            c.add(f"The graph records nothing {rest.removeprefix('what ')}{when}." if rest.startswith("what ")
                  else f"The graph records no {rest}{when}.")   # "nothing Platform owns", not "no what"
        return []
    if reading.path and reading.path[-1].sense in ("chain",):
        c.add(f"{_cap(listing)}{when}, nearest first: " + " → ".join(_item(c, x) for x in items) + ".")
        return items[:1]
    if len(items) == 1 and total == 1:
        x = items[0]
        via = ""
        if len(reading.path) > 1 or reading.path and reading.path[0].repeat > 1:
            if x.get("via"):
                via = " (via " + join_names([c.link(page(v["label"], v["key"], v["name"])) for v in x["via"]]) + ")"
        c.add(f"{_cap(listing)}{when} is {_item(c, x)}{via}.")
        return items
    c.add(f"{_cap(listing)}{when}: {total}" + (f" (the first {len(items)} listed)" if total > len(items) else "") + ".")
    c.bullets([_item(c, x) for x in items], limit=50)
    return []

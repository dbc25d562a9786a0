"""One Cypher query per question: the assistant's reading of a question
(a start, a path of relationship segments, filters, an aggregate) compiled
from allow-listed parts.

Labels, relationship types and property names come only from
`graph.model` (checked here again, whatever the caller passed); every value
travels as a parameter; every path length is bounded; every page variable
that is shown or counted is filtered with `graph.access.visible`. Built
queries are cached by shape, so a shape is assembled (and planned by Neo4j)
once however many questions share it.

The query returns one row per start page (one row per page key
for a page start): `start` (the page), `total` (distinct results), `items` (the first
`$limit` results, nearest first, each with `via`, the page before it on the
path, and `inferred`, the reasons when an edge on the last step was inferred).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import driver
from .access import field_visible, prop_visible, viewer_params, visible
from .cypher import label_of
from .errors import InvalidInput
from .model import HISTORIZED, PAGE_LABELS, PAGE_PROPERTIES, RELATIONSHIPS
from .queries import TITLE_INDEX
from .search import lucene_escape

MAX_HOPS = 20
FILTER_FIELDS = ("title", "location", "lifecycle", "type", "kind", "label", "within")
_ALL_PROPS = {p for props in PAGE_PROPERTIES.values() for p in props}


@dataclass(frozen=True)
class Segment:
    rel: str            # a relationship type, or several joined by "|"
    direction: str      # "out": along the arrow
    min: int = 1
    max: int = 1
    end: str = ""       # the label this segment ends on when another follows it


@dataclass(frozen=True)
class PathStep:
    segments: tuple[Segment, ...]
    labels: tuple[str, ...]     # the labels the step may end on
    prefer: str = ""            # keep only the best pages it reaches, by a rule of _PREFER ("" keeps all)


@dataclass(frozen=True)
class QuestionQuery:
    """The compiled shape of a question (hashable: the cache key)."""
    start: str                           # page | title | all
    start_label: str | None
    steps: tuple[PathStep, ...] = ()
    filters: tuple[str, ...] = ()        # filter fields on the result pages
    prop: str | None = None              # a property to return with each result
    as_of: bool = False


def _check(q: QuestionQuery) -> None:
    if q.start not in ("page", "title", "all"):
        raise InvalidInput(f"unknown start {q.start!r}")
    if q.start_label is not None and q.start_label not in PAGE_LABELS:
        raise InvalidInput(f"unknown label {q.start_label!r}")
    if len(q.steps) > 8:
        raise InvalidInput("at most 8 steps")
    for step in q.steps:
        if not step.segments or not step.labels or not set(step.labels) <= set(PAGE_LABELS):
            raise InvalidInput(f"bad step {step}")
        for s in step.segments:
            for rel in s.rel.split("|"):
                if rel not in RELATIONSHIPS or rel.startswith("PAST_"):
                    raise InvalidInput(f"unknown relationship type {rel!r}")
            if s.direction not in ("in", "out") or not (0 <= s.min <= s.max <= MAX_HOPS) or \
                    (s.end and s.end not in PAGE_LABELS):
                raise InvalidInput(f"bad segment {s}")
    for step in q.steps:
        if step.prefer and step.prefer not in _PREFER:
            raise InvalidInput(f"unknown preference {step.prefer!r}")
    for f in q.filters:
        if f not in FILTER_FIELDS:
            raise InvalidInput(f"unknown filter {f!r}")
    if q.prop is not None and q.prop not in _ALL_PROPS:
        raise InvalidInput(f"unknown property {q.prop!r}")


# Ranks of the pages a step reaches from {a} (higher is better), to keep the
# best: the nearest ("Ana's department": the one she sits in, not the division
# above), or someone's own team (the one they lead, then the one their manager
# leads, then one placed in the org rather than a cross-cutting group).
_PREFER = {
    "nearest": "-length({p})",
    "own_team": ("CASE WHEN {b} IS NULL THEN null ELSE "
                 "CASE WHEN EXISTS {{ ({a})-[:LEADS]->({b}) }} THEN 4 ELSE 0 END + "
                 "CASE WHEN EXISTS {{ ({a})-[:REPORTS_TO]->(:Person)-[:LEADS]->({b}) }} THEN 2 ELSE 0 END + "
                 "CASE WHEN EXISTS {{ ({b})-[:PART_OF]->(:Entity) }} THEN 1 ELSE 0 END END"),
}


def _rel(seg: Segment, as_of: bool) -> str:
    types = "|".join(r + (f"|PAST_{r}" if as_of and r in HISTORIZED else "") for r in seg.rel.split("|"))
    hops = "" if (seg.min, seg.max) == (1, 1) else f"*{seg.min}..{seg.max}"
    return f"-[:{types}{hops}]->" if seg.direction == "out" else f"<-[:{types}{hops}]-"


_VALID = ("all(r IN relationships({p}) WHERE (r.valid_from IS NULL OR left(toString(r.valid_from), 10) <= $as_of) "
          "AND (r.valid_to IS NULL OR left(toString(r.valid_to), 10) > $as_of))")


def _filter_clause(var: str, fields: tuple[str, ...]) -> list[str]:
    # Filtering on a personal field the viewer may not see would reveal it
    # ("who is based in X?"): such a filter matches nobody for them.
    out = [field_visible(f, var) for f in fields if field_visible(f, var) != "true"]
    for f in fields:
        if f in ("title", "location"):
            out.append(f"coalesce({var}.{f}, '') =~ $f_{f}")
        elif f == "label":
            out.append(f"any(l IN labels({var}) WHERE l IN $f_label)")
        elif f == "within":
            # a member of the unit, directly or through the units under it
            out.append(f"EXISTS {{ MATCH ({var})-[:MEMBER_OF]->(:Entity)-[:PART_OF*0..10]->(w:Entity) "
                       "WHERE w.key IN $f_within }")
        else:
            out.append(f"toLower(coalesce({var}.{f}, '')) IN $f_{f}")
    return out


def _labels(labels: tuple[str, ...]) -> str:
    return ":" + "|".join(labels)


@lru_cache(maxsize=512)
def build(q: QuestionQuery) -> str:
    """The Cypher text of a question shape (raises InvalidInput for a part
    outside the allow-lists)."""
    _check(q)
    lines = []
    start_labels = f":{q.start_label}" if q.start_label else ":Entity"
    where = [visible("n0")]
    if q.start == "page":
        # Several keys when pages share the name asked (namesakes): one row each.
        lines.append(f"MATCH (n0{start_labels}) WHERE n0.key IN $start_keys")
        where[0] = "AND " + where[0]
    else:
        if q.start == "title":
            # Candidates from the title index (every word of one spelling), then
            # the exact whole-word test: no scan of everyone's title.
            lines.append(f"CALL db.index.fulltext.queryNodes('{TITLE_INDEX}', $title_lucene, {{limit: 5000}}) "
                         "YIELD node AS n0")
            where.append("n0:Person")
            where.append("coalesce(n0.title, '') =~ $title_re")
        else:
            lines.append(f"MATCH (n0{start_labels})")
        # People who left and records gone from their source are not "everyone".
        where.append("coalesce(n0.status, 'active') = 'active'")
        if not q.steps:
            where += _filter_clause("n0", q.filters)
    if q.start == "page":
        lines[-1] += " " + " AND ".join(where)
    else:
        lines.append("WHERE " + " AND ".join(where))
    if q.start != "page":
        lines.append("WITH n0 ORDER BY n0.name LIMIT 5000")
    last = "n0"
    for i, step in enumerate(q.steps, 1):
        segs = "".join(
            _rel(s, q.as_of) + ((f"(:{s.end})" if s.end else "()") if j < len(step.segments) - 1 else "")
            for j, s in enumerate(step.segments))
        cond = [visible(f"n{i}"), f"n{i} <> n{i - 1}"]
        if q.as_of:
            cond.append(_VALID.format(p=f"p{i}"))
        if i == len(q.steps):
            cond += _filter_clause(f"n{i}", q.filters)
        lines.append(f"OPTIONAL MATCH p{i} = (n{i - 1}){segs}(n{i}{_labels(step.labels)})")
        lines.append("WHERE " + " AND ".join(cond))
        if step.prefer and i < len(q.steps):
            # The best pages by the rule, for each page before; a page that
            # reaches none stays, with nothing (so the answer can say so).
            keep = ", ".join(dict.fromkeys(("n0", f"n{i - 1}")))
            rank = _PREFER[step.prefer].format(a=f"n{i - 1}", b=f"n{i}", p=f"p{i}")
            lines.append(f"WITH {keep}, n{i}, {rank} AS r{i}")
            lines.append(f"WITH {keep}, collect([n{i}, r{i}]) AS c{i}, max(r{i}) AS d{i}")
            lines.append(f"WITH n0, [x IN c{i} WHERE x[1] = d{i} | x[0]] AS c{i}")
            lines.append(f"UNWIND CASE WHEN size(c{i}) = 0 THEN [null] ELSE c{i} END AS n{i}")
        last = f"n{i}"
    k = len(q.steps)
    if k == 0:
        start = "n0" if q.start == "page" else "null"
        lines.append(f"WITH {start} AS n0, n0 AS res, 0 AS depth, [] AS via, [] AS inferred")
    else:
        prev = f"n{k - 1}" if k > 1 else "null"
        # A result is inferred only when every way to it ends on an inferred edge:
        # a stated one wins ("Ana is in Engineering" stated beats "her team is in it").
        lines.append(f"WITH n0, {last} AS res, min(length(p{k})) AS depth, collect(DISTINCT {prev})[..3] AS via, "
                     f"collect(DISTINCT last(relationships(p{k}))) AS ends")
        lines.append("WITH n0, res, depth, via, CASE WHEN any(r IN ends WHERE coalesce(r.inferred, false) = false) "
                     "THEN [] ELSE [r IN ends | coalesce(r.inferred_reason, r.reason, 'inferred')] END AS inferred")
    # A personal field is returned only when the field policy lets the viewer see it.
    prop = f", value: CASE WHEN {prop_visible('prop', 'res')} THEN res[$prop] END" if q.prop else ""
    lines.append("ORDER BY depth, res.name")
    # Every result is counted, but only the first $limit are turned into maps
    # (a department's thousands of engineers are one number and 50 names).
    lines.append("WITH n0, collect(CASE WHEN res IS NULL THEN null ELSE "
                 "{res: res, depth: depth, inferred: inferred, via: via} END) AS rows")
    lines.append(
        f"RETURN CASE WHEN n0 IS NULL THEN null ELSE n0 {{.key, .name, .title, label: {label_of('n0')}}} END "
        "AS start, size(rows) AS total, "
        "[x IN rows[..$limit] | head([res IN [x.res] | res {.key, .name, .title, "
        f"label: {label_of('res')}, depth: x.depth, inferred: x.inferred{prop}, "
        f"via: [v IN x.via WHERE v IS NOT NULL | v {{.key, .name, label: {label_of('v')}}}]}}])] AS items, "
        "CASE WHEN $target_key IS NULL THEN null ELSE any(x IN rows WHERE x.res.key = $target_key) END AS hit")
    return "\n".join(lines)


def _word_regex(words: list[str]) -> str:
    alts = "|".join(re.escape(w.lower()) for w in words if w)
    return f"(?is).*\\b(?:{alts})(?:s|es)?\\b.*"


def run(q: QuestionQuery, *, start_keys: list[str] | None = None, title_words: list[str] | None = None,
        filters: dict[str, list[str]] | None = None, prop: str | None = None, target_key: str | None = None,
        as_of: str | None = None, limit: int = 50, viewer=None) -> list[dict]:
    """Run a compiled question (one round trip); rows as described above."""
    params: dict = {"start_keys": list(start_keys or []), "limit": int(limit), "target_key": target_key, "prop": prop,
                    **viewer_params(viewer)}
    if q.start == "title":
        # Each phrase is one way to write the title ("cto", "chief technology officer"): all its words must appear.
        alts = ["".join(f"(?=.*\\b{re.escape(w)}\\b)" for w in phrase.lower().split())
                for phrase in title_words or [] if phrase.strip()]
        if not alts:
            raise InvalidInput("a title question needs title words")
        params["title_re"] = "(?is)(?:" + "|".join(alts) + ").*"
        params["title_lucene"] = " OR ".join(
            "(" + " AND ".join(lucene_escape(w) for w in phrase.lower().split()) + ")"
            for phrase in title_words or [] if phrase.strip())
    if q.as_of:
        params["as_of"] = as_of
    for f in q.filters:
        values = [v for v in (filters or {}).get(f, []) if isinstance(v, str) and v.strip()]
        if not values:
            raise InvalidInput(f"filter {f!r} needs a value")
        if f in ("title", "location"):
            params[f"f_{f}"] = _word_regex(values)
        elif f == "label":
            params["f_label"] = [v for v in values if v in PAGE_LABELS]
        elif f == "within":
            params["f_within"] = values   # page keys, as they are
        else:
            params[f"f_{f}"] = [v.lower() for v in values]
    return driver.read_once(build(q), **params)

"""What changed around a page in a date window ("what changed in my department
this quarter?"), read from the history ingest keeps: relationships that
started (valid_from) or ended (PAST_*, valid_to) and earlier field values
(Revision nodes). One round trip per question, `driver.read_once`.

The value of one field on a date comes from the Revision nodes as well
(`property_as_of`; the query is shared with ingest's history reads).

A relationship that began when its page was first seen is the graph's first
knowledge of it, not a change (the day an org is first loaded is not the day
everybody joined), so `started` counts only those that began after the page
it is about was first seen.
"""
from __future__ import annotations

from . import driver
from .ingest_queries import PROPERTY_AS_OF
from .model import HISTORIZED

_TYPES = "|".join(list(HISTORIZED) + [f"PAST_{t}" for t in HISTORIZED])
_PAST_TYPES = "|".join(f"PAST_{t}" for t in HISTORIZED)
_REF = "{.key, .name, label: [l IN labels(%s) WHERE l <> 'Entity'][0]}"
# Fields whose old values are bookkeeping or too long to list as a change.
SKIP_FIELDS = ["body", "prov", "sources", "aliases_text", "summary", "updated_at", "last_seen", "content_hash"]
MAX_EVENTS = 200

# `$units_too`: for a Team or Department, the page and every team under it;
# for any other page, the page alone. Members' own field changes (a new title)
# count for a unit as well.
CHANGES = f"""
MATCH (u:Entity {{key: $key}}) WHERE $label IN labels(u)
WITH u, CASE WHEN u:Team OR u:Department
  THEN COLLECT {{ MATCH (t)-[:PART_OF*0..8]->(u) WHERE t:Team OR t:Department RETURN DISTINCT t }}
  ELSE [u] END AS units
RETURN u {_REF % 'u'} AS scope,
  COLLECT {{
    UNWIND units AS t
    MATCH (t)-[r:{_TYPES}]-(o:Entity)
    WHERE r.valid_from >= $since AND r.valid_from <= $until AND r.valid_from > coalesce(t.first_seen, '')
    RETURN {{rel: replace(type(r), 'PAST_', ''), outgoing: startNode(r) = t, date: r.valid_from,
            page: t {_REF % 't'}, other: o {_REF % 'o'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS started,
  COLLECT {{
    UNWIND units AS t
    MATCH (t)-[r:{_PAST_TYPES}]-(o:Entity)
    WHERE r.valid_to >= $since AND r.valid_to <= $until
    RETURN {{rel: replace(type(r), 'PAST_', ''), outgoing: startNode(r) = t, date: r.valid_to,
            page: t {_REF % 't'}, other: o {_REF % 'o'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS ended,
  COLLECT {{
    UNWIND units AS t
    CALL {{ WITH t RETURN t AS x UNION WITH t MATCH (x:Person)-[:MEMBER_OF]->(t) RETURN x }}
    MATCH (x)-[:HAD]->(rv:Revision)
    WHERE rv.valid_to >= $since AND rv.valid_to <= $until AND NOT rv.field IN $skip
    RETURN {{field: rv.field, old: left(toString(rv.value), 200), new: left(toString(x[rv.field]), 200),
            date: rv.valid_to, page: x {_REF % 'x'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS changed
"""


def changes(key: str, label: str | None, since: str, until: str) -> dict | None:
    """{scope, started: [...], ended: [...], changed: [...]} for the window
    since..until (inclusive, 'YYYY-MM-DD'); None when the page does not exist."""
    rows = driver.read_once(CHANGES, key=key, label=label or "Entity", since=since, until=until, skip=SKIP_FIELDS)
    return rows[0] if rows else None


def property_as_of(label: str, key: str, field: str, date: str) -> dict | None:
    """{value, from_revision, source} of a field on a date; None when the page does not exist."""
    rows = driver.read_once(PROPERTY_AS_OF, label=label, key=key, field=field, date=date)
    return rows[0] if rows else None

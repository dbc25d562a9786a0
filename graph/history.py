"""What changed around a page in a date window ("what changed in my department
this quarter?"), read from the history ingest keeps: relationships that
started (valid_from) or ended (PAST_*, valid_to) and earlier field values
(Revision nodes). One round trip per question, `driver.read_once`.

The value of one field on a date comes from the Revision nodes as well
(`property_as_of` for a viewer; `property_value_as_of` and the other
unfiltered as-of reads below are for ingest and admin code).

A relationship that began when its page was first seen is the graph's first
knowledge of it, not a change (the day an org is first loaded is not the day
everybody joined), so `started` counts only those that began after the page
it is about was first seen.
"""
from __future__ import annotations

from . import driver
from .access import Viewer, in_chain, past_field_params, path_visible, viewer_params, visible
from .model import HISTORIZED, check_label

_TYPES = "|".join(list(HISTORIZED) + [f"PAST_{t}" for t in HISTORIZED])
_PAST_TYPES = "|".join(f"PAST_{t}" for t in HISTORIZED)
_REF = "{.key, .name, label: [l IN labels(%s) WHERE NOT l IN ['Entity', 'Restricted']][0]}"
# Fields whose old values are bookkeeping or too long to list as a change.
SKIP_FIELDS = ["body", "prov", "sources", "aliases_text", "summary", "updated_at", "last_seen", "content_hash"]
MAX_EVENTS = 200

# `$units_too`: for a Team or Department, the page and every team under it;
# for any other page, the page alone. Members' own field changes (a new title)
# count for a unit as well.
CHANGES = f"""
MATCH (u:Entity {{key: $key}}) WHERE $label IN labels(u) AND {visible('u')}
WITH u, CASE WHEN u:Team OR u:Department
  THEN COLLECT {{ MATCH up = (t)-[:PART_OF*0..8]->(u) WHERE (t:Team OR t:Department) AND {path_visible('up')}
                 RETURN DISTINCT t }}
  ELSE [u] END AS units
RETURN u {_REF % 'u'} AS scope,
  COLLECT {{
    UNWIND units AS t
    MATCH (t)-[r:{_TYPES}]-(o:Entity)
    WHERE r.valid_from >= $since AND r.valid_from <= $until AND r.valid_from > coalesce(t.first_seen, '')
      AND {visible('o')}
    RETURN {{rel: replace(type(r), 'PAST_', ''), outgoing: startNode(r) = t, date: r.valid_from,
            page: t {_REF % 't'}, other: o {_REF % 'o'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS started,
  COLLECT {{
    UNWIND units AS t
    MATCH (t)-[r:{_PAST_TYPES}]-(o:Entity)
    WHERE r.valid_to >= $since AND r.valid_to <= $until AND {visible('o')}
    RETURN {{rel: replace(type(r), 'PAST_', ''), outgoing: startNode(r) = t, date: r.valid_to,
            page: t {_REF % 't'}, other: o {_REF % 'o'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS ended,
  COLLECT {{
    UNWIND units AS t
    CALL {{ WITH t RETURN t AS x UNION WITH t MATCH (x:Person)-[:MEMBER_OF]->(t) WHERE {visible('x')} RETURN x }}
    MATCH (x)-[:HAD]->(rv:Revision)
    WHERE rv.valid_to >= $since AND rv.valid_to <= $until AND NOT rv.field IN $skip
      AND (rv.field IN $past_fields[[l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]]
           OR (rv.field IN $past_fields_chain[[l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]] AND {in_chain('x')}))
    RETURN {{field: rv.field, old: left(toString(rv.value), 200), new: left(toString(x[rv.field]), 200),
            date: rv.valid_to, page: x {_REF % 'x'}}} AS e
    ORDER BY e.date DESC LIMIT {MAX_EVENTS}
  }} AS changed
"""


def changes(key: str, label: str | None, since: str, until: str, viewer: Viewer | None = None) -> dict | None:
    """{scope, started: [...], ended: [...], changed: [...]} for the window
    since..until (inclusive, 'YYYY-MM-DD') as the viewer may see it (no hidden
    pages; field changes only for fields whose past values they may see);
    None when the page does not exist or is hidden."""
    rows = driver.read_once(CHANGES, key=key, label=label or "Entity", since=since, until=until, skip=SKIP_FIELDS,
                            **viewer_params(viewer), **past_field_params(viewer))
    return rows[0] if rows else None


def property_as_of(label: str, key: str, field: str, date: str, viewer: Viewer | None = None) -> dict | None:
    """{value, from_revision, source} of a field on a date; None when the page
    does not exist, is hidden, or the viewer may not see that field's past
    values (only allow-listed fields ever, never raw stores)."""
    rows = driver.read_once(PROPERTY_AS_OF_SEEN, label=label, key=key, field=field, date=date,
                            **viewer_params(viewer), **past_field_params(viewer))
    return rows[0] if rows else None


# --- as-of reads ---------------------------------------------------------------
# An edge is valid on $date when valid_from <= $date < valid_to (no valid_to:
# still current; no valid_from: it predates history and counts from the start).
_VALID_ON = ("coalesce(r.valid_from, '0000-00-00') <= $date "
             "AND (r.valid_to IS NULL OR $date < r.valid_to)")

OWNERS_AS_OF = f"""
MATCH (s:Entity {{key: $key}}) WHERE $label IN labels(s)
MATCH (o:Entity)-[r:OWNS|PAST_OWNS]->(s)
WHERE {_VALID_ON}
RETURN [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0] AS label, o.key AS key, o.name AS name,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

MEMBERS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE $label IN labels(t)
MATCH (p:Person)-[r:MEMBER_OF|PAST_MEMBER_OF]->(t)
WHERE {_VALID_ON}
RETURN p.key AS key, p.name AS name, r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

MANAGER_AS_OF = f"""
MATCH (p:Person {{key: $key}})-[r:REPORTS_TO|PAST_REPORTS_TO]->(m:Person)
WHERE {_VALID_ON}
RETURN m.key AS key, m.name AS name, r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY valid_from DESC
"""

TEAMS_OF_PERSON_AS_OF = f"""
MATCH (p:Person {{key: $key}})-[r:MEMBER_OF|PAST_MEMBER_OF]->(t:Entity)
WHERE {_VALID_ON}
RETURN [l IN labels(t) WHERE NOT l IN ['Entity', 'Restricted']][0] AS label, t.key AS key, t.name AS name,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

# A property's value on $date: the current value if it was set by then, else
# the revision whose [valid_from, valid_to) holds the date.
# The assistant's variant runs as a viewer: the page must be visible, and an
# earlier value of a field is given only when the viewer may see past values
# of it ($past_fields: always; $past_fields_chain: in the person's chain).
PROPERTY_AS_OF_SEEN = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n) AND {visible('n')}
  AND ($field IN $past_fields[$label] OR ($field IN $past_fields_chain[$label] AND {in_chain('n')}))
OPTIONAL MATCH (n)-[:HAD]->(rv:Revision {{field: $field}})
WHERE coalesce(rv.valid_from, '0000-00-00') <= $date AND $date < rv.valid_to
WITH n, rv ORDER BY rv.valid_to DESC LIMIT 1
RETURN CASE WHEN rv IS NOT NULL THEN rv.value ELSE n[$field] END AS value,
       rv IS NOT NULL AS from_revision, rv.source AS source
"""

PROPERTY_AS_OF = """
MATCH (n:Entity {key: $key}) WHERE $label IN labels(n)
OPTIONAL MATCH (n)-[:HAD]->(rv:Revision {field: $field})
WHERE coalesce(rv.valid_from, '0000-00-00') <= $date AND $date < rv.valid_to
WITH n, rv ORDER BY rv.valid_to DESC LIMIT 1
RETURN CASE WHEN rv IS NOT NULL THEN rv.value ELSE n[$field] END AS value,
       rv IS NOT NULL AS from_revision, rv.source AS source
"""

PROPERTY_HISTORY = """
MATCH (n:Entity {key: $key})-[:HAD]->(rv:Revision) WHERE $label IN labels(n)
  AND ($field IS NULL OR rv.field = $field)
RETURN rv.field AS field, rv.value AS value, rv.valid_from AS valid_from, rv.valid_to AS valid_to,
       rv.source AS source
ORDER BY rv.valid_to DESC, rv.field
"""


def owners_as_of(label: str, key: str, date: str) -> list[dict]:
    """Who owned a System/Process/Topic on `date` ('YYYY-MM-DD'): [{label, key, name, valid_from, valid_to}]."""
    return driver.read(OWNERS_AS_OF, label=check_label(label), key=key, date=str(date))


def members_as_of(label: str, key: str, date: str) -> list[dict]:
    """Direct members of a Team/Department on `date`: [{key, name, valid_from, valid_to}]."""
    return driver.read(MEMBERS_AS_OF, label=check_label(label), key=key, date=str(date))


def manager_as_of(person_key: str, date: str) -> dict | None:
    """The person's manager on `date`, or None: {key, name, valid_from, valid_to}."""
    rows = driver.read(MANAGER_AS_OF, key=person_key, date=str(date))
    return rows[0] if rows else None


def teams_as_of(person_key: str, date: str) -> list[dict]:
    """The teams/departments a person was a direct member of on `date`."""
    return driver.read(TEAMS_OF_PERSON_AS_OF, key=person_key, date=str(date))


def property_value_as_of(label: str, key: str, field: str, date: str):
    """A property's value on `date` (e.g. a person's title last March); None
    when the entity does not exist."""
    rows = driver.read(PROPERTY_AS_OF, label=check_label(label), key=key, field=field, date=str(date))
    return rows[0]["value"] if rows else None


def property_history(label: str, key: str, field: str | None = None) -> list[dict]:
    """Previous values of a page's properties, newest first ("previously: …")."""
    return driver.read(PROPERTY_HISTORY, label=check_label(label), key=key, field=field)

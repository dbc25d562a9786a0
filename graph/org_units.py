"""Cypher for org units that exist only as attributes (a person's department,
division, organization from SCIM, HRIS or CSV) and for the inferences drawn
from membership: a team's department, a team's lead and a department's lead.

Inferred edges are ordinary current edges (so every reader, the pages and the
answer engine, traverses them like the rest) marked `inferred: true` with a
human `reason`, `source: 'inference'`. They are derived state: recomputed by
`INFER_TEAM_DEPARTMENTS` / `INFER_TEAM_LEADS` whenever the facts under them
change, deleted (not historized) when they stop holding, and never made where
a source states the fact — a stated PART_OF parent or a stated LEADS always
wins. Values are $parameters; no query's shape depends on input.

Reads are functions; writes are steps (query, params) built by the functions
at the end, which callers hand, as part of one transaction, to the write core
(ingest.actions.do_write).
"""
from __future__ import annotations

from typing import Any

from . import driver
from .writes import closing_clause, opening_clause

INFERENCE = "inference"  # the `source` of inferred edges

# Every Department with the names it answers to, for matching an attribute
# value ("Finance Dept", "finance") in Python (ingest.orgunits). Departments
# are few (tens to hundreds), so one read per request is cheap.
DEPARTMENT_NAMES = """
MATCH (d:Department)
RETURN d.key AS key, d.name AS name, coalesce(d.aliases, []) AS aliases, d.prov AS prov,
       d.sources AS sources, d.source AS source, d.source_id AS source_id, d.first_seen AS first_seen,
       d.last_seen AS last_seen
"""

# A unit named by an attribute: created when new (with provenance), or
# attached when it exists (the source joins `sources`/`prov`). MERGE on the
# key (unique constraint) so two requests naming a new unit at once make one page.
ENSURE_UNIT = """
MERGE (d:Department:Entity {key: $key})
ON CREATE SET d.name = $name, d.summary = '', d.body = '', d.aliases = [], d.aliases_text = '',
              d.source = $source, d.source_id = $source_id, d.created_at = $now, d.updated_at = $now,
              d.first_seen = $today
SET d.prov = $prov, d.sources = $sources, d.last_seen = $today
RETURN d.key AS key
"""

# The person's department from an attribute: edges made from this attribute
# (`scim_via = 'department'`) to any other unit end (PAST_MEMBER_OF); the edge to
# the named unit is created unless it exists. `$target` null = no department.
SYNC_PERSON_UNIT = """
MATCH (p:Person {key: $key})
CALL (p) {
  MATCH (p)-[r:MEMBER_OF]->(o)
  WHERE r.scim_via = 'department'
    AND ($target IS NULL OR NOT (o:Department AND o.key = $target))
  """ + closing_clause("MEMBER_OF", "p", "r", "o", "$today", "$source") + """
}
CALL (p) {
  MATCH (d:Department {key: $target})
  MERGE (p)-[r:MEMBER_OF]->(d)
  """ + opening_clause("r", "$source") + """, r.scim_via = 'department'
}
RETURN p.key AS key
"""

# A unit's parent from an attribute (department -> division -> organization):
# the attribute-made parent edges to another unit end; the new one is made
# unless another source states a different parent (the other source keeps
# it) or it would close a cycle.
SYNC_UNIT_PARENT = """
MATCH (c:Department {key: $child}), (t:Department {key: $parent})
WHERE c <> t
CALL (c, t) {
  MATCH (c)-[r:PART_OF]->(o)
  WHERE o <> t AND r.scim_via IN ['division', 'organization']
  """ + closing_clause("PART_OF", "c", "r", "o", "$today", "$source") + """
}
CALL (c, t) {
  WITH c, t WHERE NOT EXISTS {
    MATCH (c)-[r:PART_OF]->(o) WHERE o <> t AND r.inferred IS NULL }
    AND NOT EXISTS { MATCH (t)-[:PART_OF*1..8]->(c) }
  MERGE (c)-[r:PART_OF]->(t)
  """ + opening_clause("r", "$source") + """, r.scim_via = $via
}
RETURN c.key AS key
"""

# --- inferences --------------------------------------------------------------
# Scope: the teams named by key or SCIM id, or every team with $all.
_SCOPE = """
MATCH (t:Team) WHERE $all OR t.key IN $keys OR t.scim_id IN $scim_ids
"""

# A team with no stated parent whose current members all sit (by a stated
# MEMBER_OF) in one and the same department is PART_OF that department.
INFER_TEAM_DEPARTMENTS = _SCOPE + """
CALL (t) {
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(t) WHERE coalesce(p.status, 'active') <> 'former'
  OPTIONAL MATCH (p)-[r:MEMBER_OF]->(d:Department) WHERE r.inferred IS NULL
  WITH count(DISTINCT p) AS n, count(DISTINCT CASE WHEN d IS NOT NULL THEN p END) AS placed,
       collect(DISTINCT d) AS units
  RETURN CASE WHEN n > 0 AND placed = n AND size(units) = 1
              AND NOT EXISTS { MATCH (t)-[s:PART_OF]->() WHERE s.inferred IS NULL }
         THEN units[0] END AS unit,
         CASE WHEN n = 1 THEN 'its only current member is in ' + units[0].name
              ELSE 'all ' + toString(n) + ' current members are in ' + units[0].name END AS reason
}
CALL (t, unit) {
  MATCH (t)-[old:PART_OF]->(o) WHERE old.inferred = true AND (unit IS NULL OR o <> unit)
  DELETE old
  RETURN count(*) AS removed
}
CALL (t, unit, reason) {
  WITH t, unit, reason WHERE unit IS NOT NULL
  MERGE (t)-[e:PART_OF]->(unit)
  ON CREATE SET e.inferred = true, e.source = 'inference', e.sources = ['inference'], e.created_at = $now,
                e.first_seen = $today, e.valid_from = $today
  WITH e, reason WHERE e.inferred = true AND (e.reason IS NULL OR e.reason <> reason)
  SET e.reason = reason, e.last_seen = $today
  RETURN count(*) AS set
}
RETURN count(unit) AS inferred, sum(removed) AS removed, sum(set) AS written
"""

def _set_inferred_lead(unit: str) -> str:
    """The tail both lead inferences share: given `unit`, its inferred `lead`
    (or null) and `reason`, drop any other inferred LEADS of it and make or
    update this one; stated leads are never touched."""
    return f"""
CALL ({unit}, lead) {{
  MATCH (x:Person)-[old:LEADS]->({unit}) WHERE old.inferred = true AND (lead IS NULL OR x <> lead)
  DELETE old
  RETURN count(*) AS removed
}}
CALL ({unit}, lead, reason) {{
  WITH {unit}, lead, reason WHERE lead IS NOT NULL
  MERGE (lead)-[e:LEADS]->({unit})
  ON CREATE SET e.inferred = true, e.source = 'inference', e.sources = ['inference'], e.created_at = $now,
                e.first_seen = $today, e.valid_from = $today
  WITH e, reason WHERE e.inferred = true AND (e.reason IS NULL OR e.reason <> reason)
  SET e.reason = reason, e.last_seen = $today
  RETURN count(*) AS set
}}
RETURN count(lead) AS inferred, sum(removed) AS removed, sum(set) AS written
"""


# A team with members but no stated lead, in which every other current member
# reports directly to one member, is led by that member.
INFER_TEAM_LEADS = _SCOPE + """
CALL (t) {
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(t) WHERE coalesce(p.status, 'active') <> 'former'
  RETURN count(DISTINCT p) AS n
}
CALL (t, n) {
  OPTIONAL MATCH (m:Person)-[:MEMBER_OF]->(t), (m)-[:REPORTS_TO]->(b:Person)-[:MEMBER_OF]->(t)
  WHERE n > 1 AND m <> b AND coalesce(m.status, 'active') <> 'former'
    AND coalesce(b.status, 'active') <> 'former'
  WITH b, count(DISTINCT m) AS reports
  WHERE b IS NOT NULL AND reports = n - 1
  RETURN collect(b) AS tops
}
WITH t, n, CASE WHEN size(tops) = 1 AND NOT EXISTS { MATCH (:Person)-[s:LEADS]->(t) WHERE s.inferred IS NULL }
                THEN tops[0] END AS lead
WITH t, lead, CASE WHEN n = 2 THEN 'the other member of ' + t.name + ' reports to ' + lead.name
                   ELSE 'the other ' + toString(n - 1) + ' members of ' + t.name + ' all report to '
                        + lead.name END AS reason
""" + _set_inferred_lead("t")

# A department with people but no stated lead, in which exactly one person
# has no manager inside the department, is led by that person: the
# reporting lines form a tree, so everyone else reports to them, directly or
# through their managers. (Identity providers send departments as
# attributes and no lead; the head is still the top of its reporting tree.)
# Scope: every department with $all, else those above the teams named, and
# those the people named ($people) are in or left today.
INFER_DEPARTMENT_LEADS = """
CALL () {
  MATCH (d:Department) WHERE $all
  RETURN d
  UNION
  MATCH (t:Team)-[:PART_OF*0..10]->(d:Department) WHERE t.key IN $keys OR t.scim_id IN $scim_ids
  RETURN d
  UNION
  MATCH (p:Person)-[r:MEMBER_OF|PAST_MEMBER_OF]->(u)-[:PART_OF*0..10]->(d:Department)
  WHERE p.key IN $people AND (type(r) = 'MEMBER_OF' OR r.valid_to = $today)
  RETURN d
}
WITH DISTINCT d
WITH d, EXISTS { MATCH (:Person)-[s:LEADS]->(d) WHERE s.inferred IS NULL } AS stated
CALL (d, stated) {
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->(d)
  WHERE NOT stated AND coalesce(p.status, 'active') <> 'former'
  RETURN collect(DISTINCT p) AS people
}
WITH d, people, [p IN people WHERE NOT EXISTS {
       MATCH (p)-[:REPORTS_TO]->(m:Person)-[:MEMBER_OF]->()-[:PART_OF*0..10]->(d)
       WHERE coalesce(m.status, 'active') <> 'former' }] AS tops
WITH d, size(people) AS n, CASE WHEN size(people) > 1 AND size(tops) = 1 THEN tops[0] END AS lead
WITH d, lead, CASE WHEN n = 2 THEN 'the other person in ' + d.name + ' reports to ' + lead.name
                   ELSE 'the other ' + toString(n - 1) + ' people in ' + d.name + ' all report to '
                        + lead.name + ', directly or through their managers' END AS reason
""" + _set_inferred_lead("d")

# The teams a person is in now or left today (a deactivation closes the
# memberships in the same request): the scope to re-infer after a person changes.
TEAMS_OF_PERSON = """
MATCH (p:Person {key: $key})-[r:MEMBER_OF|PAST_MEMBER_OF]->(t:Team)
WHERE type(r) = 'MEMBER_OF' OR r.valid_to = $today
RETURN collect(DISTINCT t.key) AS keys
"""


def department_names() -> list[dict]:
    """Every Department's key, name, aliases and provenance fields."""
    return driver.read(DEPARTMENT_NAMES)


def teams_of_person(key: str, today: str) -> list[str]:
    """Keys of the teams the person is in, or left on `today`."""
    rows = driver.read(TEAMS_OF_PERSON, key=key, today=today)
    return rows[0]["keys"] if rows else []


# --- write steps -----------------------------------------------------------------
Step = tuple[str, dict[str, Any]]


def ensure_unit_step(key: str, name: str, *, source: str, source_id: str, prov: str, sources: list[str],
                     now: str) -> Step:
    """Create the Department `key` (or mark it seen by `source`), with provenance."""
    return (ENSURE_UNIT, {"key": key, "name": name, "source": source, "source_id": source_id,
                          "prov": prov, "sources": sources, "now": now, "today": now[:10]})


def person_unit_step(person_key: str, target: str | None, *, source: str, now: str) -> Step:
    """The person's department membership stated by `source`: to `target`, or none."""
    return (SYNC_PERSON_UNIT, {"key": person_key, "target": target, "source": source, "now": now,
                               "today": now[:10]})


def unit_parent_step(child: str, parent: str, *, via: str, source: str, now: str) -> Step:
    """`child` is part of `parent`, as the attribute `via` (division, organization) says."""
    return (SYNC_UNIT_PARENT, {"child": child, "parent": parent, "via": via, "source": source, "now": now,
                               "today": now[:10]})


def inference_steps(params: dict) -> list[Step]:
    """Recompute inferred departments, then team and department leads
    ({all, keys, scim_ids, people, now, today})."""
    return [(INFER_TEAM_DEPARTMENTS, params), (INFER_TEAM_LEADS, params), (INFER_DEPARTMENT_LEADS, params)]

"""Provisioned identities: the people and groups an identity provider pushes
through SCIM 2.0 (ingest/scim). SCIM Users are Person nodes carrying
`scim_id`, SCIM Groups are Team nodes carrying `scim_id`. Reads are typed
functions; writes are steps (query, params) built here and run by the write
core as one transaction. Values always travel as $parameters; no query's
shape depends on the request.

Edges are opened, ended (re-typed PAST_*) and revisions kept with the write
core's clauses (graph.writes), so SCIM history looks exactly like a sync's.
The steps run through ingest.actions.do_write, one transaction per request.
"""
from __future__ import annotations

from typing import Any

from . import driver
from .writes import closing_clause, opening_clause, revisions_clause

Step = tuple[str, dict[str, Any]]

_SCIM = "'scim'"

# --- reads ---------------------------------------------------------------
# A user's SCIM representation is its stored document plus what only the
# graph knows: the SCIM groups (Teams) it is currently a member of.
_USER_RETURN = """
RETURN p.key AS key, p.status AS status, p.scim_id AS id, p.scim_doc AS doc, p.scim_created AS created,
       p.scim_modified AS modified, p {.name, .email, .title, .employee_id, .cost_center, .division,
       .organization, .department, .location, .summary, .source, .source_id, .prov, .sources} AS node,
       [(p)-[:MEMBER_OF]->(t:Team) WHERE t.scim_id IS NOT NULL | {id: t.scim_id, name: t.name}] AS groups
"""
USER_BY_ID = "MATCH (p:Person {scim_id: $id})" + _USER_RETURN
USERS_BY_USER_NAME = "MATCH (p:Person {scim_user_name_lc: $value})" + _USER_RETURN
USERS_BY_EXTERNAL_ID = "MATCH (p:Person {scim_external_id: $value})" + _USER_RETURN
# Emails are a list on the node; a list-membership test cannot use an index,
# so this scans SCIM users (fine at company scale: thousands of people).
USERS_BY_EMAIL = """
MATCH (p:Person) WHERE p.scim_id IS NOT NULL AND $value IN p.scim_emails_lc
""" + _USER_RETURN
USERS_ALL = """
MATCH (p:Person) WHERE p.scim_id IS NOT NULL
WITH p ORDER BY p.scim_created, p.scim_id
""" + _USER_RETURN
USERS_PAGE = """
MATCH (p:Person) WHERE p.scim_id IS NOT NULL
WITH p ORDER BY p.scim_created, p.scim_id SKIP $skip LIMIT $limit
""" + _USER_RETURN
COUNT_USERS = "MATCH (p:Person) WHERE p.scim_id IS NOT NULL RETURN count(p) AS n"

_GROUP_RETURN = """
RETURN t.key AS key, t.scim_id AS id, t.name AS name, t.scim_display_name AS display_name,
       t.scim_external_id AS external_id, t.scim_created AS created, t.scim_modified AS modified,
       [(p:Person)-[m:MEMBER_OF]->(t) WHERE p.scim_id IS NOT NULL
        | {id: p.scim_id, type: 'User', since: coalesce(m.created_at, '')}] +
       [(c:Team)-[m:PART_OF]->(t) WHERE c.scim_id IS NOT NULL
        | {id: c.scim_id, type: 'Group', since: coalesce(m.created_at, '')}] AS members
"""
GROUP_BY_ID = "MATCH (t:Team {scim_id: $id})" + _GROUP_RETURN
GROUP_KEY = "MATCH (t:Team {scim_id: $id}) RETURN t.key AS key"
GROUPS_BY_DISPLAY_NAME = "MATCH (t:Team {scim_display_name_lc: $value})" + _GROUP_RETURN
GROUPS_BY_EXTERNAL_ID = """
MATCH (t:Team) WHERE t.scim_id IS NOT NULL AND t.scim_external_id = $value
""" + _GROUP_RETURN
GROUPS_ALL = """
MATCH (t:Team) WHERE t.scim_id IS NOT NULL
WITH t ORDER BY t.scim_created, t.scim_id
""" + _GROUP_RETURN
GROUPS_PAGE = """
MATCH (t:Team) WHERE t.scim_id IS NOT NULL
WITH t ORDER BY t.scim_created, t.scim_id SKIP $skip LIMIT $limit
""" + _GROUP_RETURN
COUNT_GROUPS = "MATCH (t:Team) WHERE t.scim_id IS NOT NULL RETURN count(t) AS n"

# Which of the given ids are SCIM users and which are SCIM groups.
RESOLVE_MEMBER_IDS = """
UNWIND $ids AS id
OPTIONAL MATCH (p:Person {scim_id: id})
OPTIONAL MATCH (t:Team {scim_id: id})
RETURN id, CASE WHEN p IS NOT NULL THEN 'User' WHEN t IS NOT NULL THEN 'Group' END AS type
"""

# Identity resolution: a Person another source (HR, demo, catalog) created,
# not yet claimed by a SCIM user, matched on employee id or work email.
# Employee id wins over email because emails get recycled.
FIND_UNCLAIMED_PERSON = """
CALL () {
  MATCH (p:Person {employee_id: $employee_id}) WHERE p.scim_id IS NULL
  RETURN p, 0 AS rank
  UNION
  UNWIND $emails AS email
  MATCH (p:Person {email: email}) WHERE p.scim_id IS NULL
  RETURN p, 1 AS rank
}
RETURN p.key AS key, p.status AS status, p {.name, .email, .title, .employee_id, .cost_center, .division,
       .organization, .department, .location, .summary, .source, .source_id, .prov, .sources} AS node
ORDER BY rank, p.key LIMIT 1
"""
# Groups attach to an existing Team of the same name (or key) that no SCIM
# group claimed yet, so "Risk Data" from Okta is the wiki's risk-data team.
FIND_UNCLAIMED_TEAM = """
CALL () {
  MATCH (t:Team {key: $key}) WHERE t.scim_id IS NULL RETURN t, 0 AS rank
  UNION
  MATCH (t:Team) WHERE t.scim_id IS NULL AND toLower(t.name) = $name_lc RETURN t, 1 AS rank
}
RETURN t.key AS key ORDER BY rank, t.key LIMIT 1
"""
TAKEN_KEYS = """
MATCH (n:Entity) WHERE $label IN labels(n) AND (n.key = $key OR n.key STARTS WITH $key + '-')
RETURN collect(n.key) AS keys
"""
# --- user writes -----------------------------------------------------------
# Properties SCIM always owns (status, the scim_* bookkeeping) are set as
# given; the shared ones (name, email, title, ...) arrive in $props holding
# only the fields SCIM wins under settings.KIKI_FIELD_PRIORITY (decided by
# ingest.scim.service from the node's provenance), null meaning "clear it".
# $prov and $sources are the merge engine's provenance, updated the same way.
_SET_USER_PROPS = "\n" + revisions_clause("p", "$revisions") + """
SET p += $props,
    p.prov = $prov, p.sources = $sources,
    p.scim_id = $row.scim_id, p.scim_user_name = $row.user_name,
    p.scim_user_name_lc = $row.user_name_lc, p.scim_external_id = $row.external_id,
    p.scim_emails_lc = $row.emails_lc, p.scim_doc = $row.doc, p.scim_manager_id = $row.manager_id,
    p.scim_created = coalesce(p.scim_created, $now), p.scim_modified = $now,
    p.status = $row.status, p.updated_at = $now, p.last_seen = $today
RETURN p.key AS key
"""
CREATE_USER = """
CREATE (p:Person:Entity {key: $key, source: 'scim', source_id: $row.scim_id, body: '', summary: '',
                         aliases: [], aliases_text: '', created_at: $now, first_seen: $today})
""" + _SET_USER_PROPS
UPDATE_USER = "MATCH (p:Person {key: $key})" + _SET_USER_PROPS

# The manager edge: SCIM-made REPORTS_TO edges to anyone else end; the one to
# the current manager is created unless it exists (from any source) or a
# source ranked above SCIM for "manager" ($better, e.g. HR) names another one.
SYNC_MANAGER = """
MATCH (p:Person {key: $key})
OPTIONAL MATCH (m:Person {scim_id: $manager_id}) WHERE m <> p
CALL (p, m) {
  MATCH (p)-[r:REPORTS_TO]->(o:Person)
  WHERE r.source = 'scim' AND coalesce(r.sources, ['scim']) = ['scim'] AND (m IS NULL OR o <> m)
  """ + closing_clause("REPORTS_TO", "p", "r", "o", "$today", _SCIM) + """
}
CALL (p, m) {
  WITH p, m WHERE m IS NOT NULL AND NOT EXISTS {
    MATCH (p)-[r:REPORTS_TO]->(o) WHERE o <> m
      AND (r.source IN $better OR any(s IN coalesce(r.sources, []) WHERE s IN $better)) }
  MERGE (p)-[r:REPORTS_TO]->(m)
  """ + opening_clause("r", _SCIM) + """
}
RETURN m IS NOT NULL AS linked
"""
# A former employee: the page stays, current memberships, leaderships and
# reporting line end (re-typed to PAST_*, valid_from kept, valid_to today).
PERSON_EDGES_ENDED_ON_LEAVING = ("MEMBER_OF", "LEADS", "REPORTS_TO")
CLOSE_PERSON_EDGES = "MATCH (p:Person {key: $key})\n" + "".join(
    f"CALL (p) {{\n  MATCH (p)-[r:{rel}]->(o)\n  {closing_clause(rel, 'p', 'r', 'o', '$today', _SCIM)}\n"
    f"  RETURN count(*) AS {rel.lower()}\n}}\n" for rel in PERSON_EDGES_ENDED_ON_LEAVING
) + "RETURN " + ", ".join(rel.lower() for rel in PERSON_EDGES_ENDED_ON_LEAVING)
# DELETE: the person becomes former and leaves SCIM (GET answers 404), the
# page remains. The old id is kept for audit.
RETIRE_USER = """
MATCH (p:Person {key: $key})
SET p.status = 'former', p.scim_former_id = p.scim_id, p.updated_at = $now, p.scim_modified = $now
REMOVE p.scim_id, p.scim_user_name, p.scim_user_name_lc, p.scim_external_id, p.scim_emails_lc,
       p.scim_doc, p.scim_manager_id
RETURN p.key AS key
"""

# --- group writes ----------------------------------------------------------
_SET_GROUP_PROPS = """
SET t.scim_id = $row.scim_id, t.scim_display_name = $row.display_name,
    t.scim_display_name_lc = $row.display_name_lc, t.scim_external_id = $row.external_id,
    t.scim_created = coalesce(t.scim_created, $now), t.scim_modified = $now,
    t.updated_at = $now, t.last_seen = $today,
    t.name = CASE WHEN t.source = 'scim' OR t.name IS NULL THEN $row.display_name ELSE t.name END
RETURN t.key AS key
"""
CREATE_GROUP = """
CREATE (t:Team:Entity {key: $key, source: 'scim', source_id: $row.scim_id, summary: '', body: '',
                       aliases: [], aliases_text: '', created_at: $now, first_seen: $today})
""" + _SET_GROUP_PROPS
UPDATE_GROUP = "MATCH (t:Team {key: $key})" + _SET_GROUP_PROPS
TOUCH_GROUP = "MATCH (t:Team {key: $key}) SET t.scim_modified = $now, t.updated_at = $now RETURN t.key AS key"

ADD_USER_MEMBERS = """
MATCH (t:Team {key: $key})
UNWIND $ids AS id
MATCH (p:Person {scim_id: id})
MERGE (p)-[r:MEMBER_OF]->(t)
""" + opening_clause("r", _SCIM) + """, r.scim_via = 'group'
RETURN count(r) AS n
"""
ADD_GROUP_MEMBERS = """
MATCH (t:Team {key: $key})
UNWIND $ids AS id
MATCH (c:Team {scim_id: id}) WHERE c <> t
MERGE (c)-[r:PART_OF]->(t)
""" + opening_clause("r", _SCIM) + """
RETURN count(r) AS n
"""
# Only SCIM-known members are touched: people or teams HR put in the team
# without a SCIM identity stay members.
REMOVE_USER_MEMBERS = """
MATCH (t:Team {key: $key})
MATCH (p:Person)-[r:MEMBER_OF]->(t)
WHERE p.scim_id IS NOT NULL AND ($all OR p.scim_id IN $ids) AND NOT p.scim_id IN $keep
""" + closing_clause("MEMBER_OF", "p", "r", "t", "$today", _SCIM) + """
RETURN count(*) AS n
"""
REMOVE_GROUP_MEMBERS = """
MATCH (t:Team {key: $key})
MATCH (c:Team)-[r:PART_OF]->(t)
WHERE c.scim_id IS NOT NULL AND ($all OR c.scim_id IN $ids) AND NOT c.scim_id IN $keep
""" + closing_clause("PART_OF", "c", "r", "t", "$today", _SCIM) + """
RETURN count(*) AS n
"""
RETIRE_GROUP = """
MATCH (t:Team {key: $key})
SET t.scim_former_id = t.scim_id, t.updated_at = $now
REMOVE t.scim_id, t.scim_display_name, t.scim_display_name_lc, t.scim_external_id
RETURN t.key AS key
"""


# --- typed reads ---------------------------------------------------------------
# Lookups an equality filter can use, by SCIM attribute (values already folded
# the way they are stored).
_USERS_BY = {"id": (USER_BY_ID, "id"), "user_name": (USERS_BY_USER_NAME, "value"),
             "external_id": (USERS_BY_EXTERNAL_ID, "value"), "email": (USERS_BY_EMAIL, "value")}
_GROUPS_BY = {"id": (GROUP_BY_ID, "id"), "display_name": (GROUPS_BY_DISPLAY_NAME, "value"),
              "external_id": (GROUPS_BY_EXTERNAL_ID, "value")}


def user(scim_id: str) -> dict | None:
    """A SCIM user's stored document and graph facts, or None."""
    rows = driver.read(USER_BY_ID, id=scim_id)
    return rows[0] if rows else None


def users_by(attribute: str, value: str) -> list[dict]:
    """SCIM users whose `attribute` (id, user_name, external_id, email) is `value`."""
    query, param = _USERS_BY[attribute]
    return driver.read(query, **{param: value})


def users(skip: int | None = None, limit: int | None = None) -> list[dict]:
    """SCIM users in creation order; a page of them with skip/limit."""
    if limit is None:
        return driver.read(USERS_ALL)
    return driver.read(USERS_PAGE, skip=skip or 0, limit=limit)


def user_count() -> int:
    return driver.read(COUNT_USERS)[0]["n"]


def group(scim_id: str) -> dict | None:
    """A SCIM group with its SCIM members, or None."""
    rows = driver.read(GROUP_BY_ID, id=scim_id)
    return rows[0] if rows else None


def group_key(scim_id: str) -> str | None:
    """The Team key of a SCIM group, without reading its members."""
    rows = driver.read(GROUP_KEY, id=scim_id)
    return rows[0]["key"] if rows else None


def groups_by(attribute: str, value: str) -> list[dict]:
    """SCIM groups whose `attribute` (id, display_name, external_id) is `value`."""
    query, param = _GROUPS_BY[attribute]
    return driver.read(query, **{param: value})


def groups(skip: int | None = None, limit: int | None = None) -> list[dict]:
    if limit is None:
        return driver.read(GROUPS_ALL)
    return driver.read(GROUPS_PAGE, skip=skip or 0, limit=limit)


def group_count() -> int:
    return driver.read(COUNT_GROUPS)[0]["n"]


def member_types(ids: list[str]) -> dict[str, str]:
    """{id: 'User' | 'Group'} for the ids that are SCIM users or groups."""
    if not ids:
        return {}
    return {r["id"]: r["type"] for r in driver.read(RESOLVE_MEMBER_IDS, ids=sorted(set(ids))) if r["type"]}


def unclaimed_person(employee_id: str | None, emails: list[str]) -> dict | None:
    """A Person another source made that no SCIM user claimed, by employee id, else work email."""
    rows = driver.read(FIND_UNCLAIMED_PERSON, employee_id=employee_id, emails=emails)
    return rows[0] if rows else None


def unclaimed_team(key: str, name_lc: str) -> str | None:
    """The key of a Team of that key or name that no SCIM group claimed."""
    rows = driver.read(FIND_UNCLAIMED_TEAM, key=key, name_lc=name_lc)
    return rows[0]["key"] if rows else None


def taken_keys(label: str, base: str) -> set[str]:
    """Keys of `label` equal to `base` or starting with `base-`."""
    return set(driver.read(TAKEN_KEYS, label=label, key=base)[0]["keys"])


# --- write steps -----------------------------------------------------------------
def save_user_step(key: str, row: dict, now: str, owned: dict, *, create: bool) -> Step:
    """Create or update a user's Person; `owned` is the shared fields SCIM
    wins, their revisions and the provenance (ingest.scim.service)."""
    return (CREATE_USER if create else UPDATE_USER,
            {"key": key, "row": row, "now": now, "today": now[:10], **owned})


def sync_manager_step(key: str, manager_id: str | None, better: list[str], now: str) -> Step:
    return (SYNC_MANAGER, {"key": key, "manager_id": manager_id, "better": better, "now": now, "today": now[:10]})


def close_person_edges_step(key: str, today: str) -> Step:
    return (CLOSE_PERSON_EDGES, {"key": key, "today": today})


def retire_user_step(key: str, now: str) -> Step:
    return (RETIRE_USER, {"key": key, "now": now})


def save_group_step(key: str, row: dict, now: str, *, create: bool) -> Step:
    return (CREATE_GROUP if create else UPDATE_GROUP, {"key": key, "row": row, "now": now, "today": now[:10]})


def touch_group_step(key: str, now: str) -> Step:
    return (TOUCH_GROUP, {"key": key, "now": now})


def add_members_step(key: str, kind: str, ids: list[str], now: str) -> Step:
    """Add SCIM users (kind 'User') or nested groups ('Group') to a group."""
    return (ADD_USER_MEMBERS if kind == "User" else ADD_GROUP_MEMBERS,
            {"key": key, "ids": sorted(ids), "now": now, "today": now[:10]})


def remove_members_step(key: str, kind: str, ids: list[str], today: str, *, every: bool = False,
                        keep: list[str] = ()) -> Step:
    """End SCIM members' membership: those in `ids`, or with `every` all but `keep`."""
    return (REMOVE_USER_MEMBERS if kind == "User" else REMOVE_GROUP_MEMBERS,
            {"key": key, "all": every, "ids": sorted(ids), "keep": sorted(keep), "today": today})


def retire_group_step(key: str, now: str) -> Step:
    return (RETIRE_GROUP, {"key": key, "now": now})

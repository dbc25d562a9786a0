"""Cypher for the SCIM 2.0 service provider (ingest/scim): SCIM Users are
Person nodes carrying `scim_id`, SCIM Groups are Team nodes carrying
`scim_id`. Values always travel as $parameters; there is no builder here
because no query's shape depends on the request.

Edges are opened, ended (re-typed PAST_*) and revisions kept with the write
core's clauses (graph.writes), so SCIM history looks exactly like a sync's.
The statements run through ingest.actions.do_write, one transaction per request.
"""
from __future__ import annotations

from .writes import closing_clause, opening_clause, revisions_clause

_SCIM = "'scim'"

# --- reads ---------------------------------------------------------------
# A user's SCIM representation is its stored document plus what only the
# graph knows: the SCIM groups (Teams) it is currently a member of.
_USER_RETURN = """
RETURN p.key AS key, p.status AS status, p.scim_id AS id, p.scim_doc AS doc, p.scim_created AS created,
       p.scim_modified AS modified, p {.name, .email, .title, .employee_id, .cost_center, .division,
       .organization, .department, .summary, .source, .source_id, .prov, .sources} AS node,
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
       .organization, .department, .summary, .source, .source_id, .prov, .sources} AS node
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

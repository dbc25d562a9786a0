"""Named Cypher for the assistant's read-only tools (kiki/assistant/tools.py).

Every tool is one round trip: one of these constants. Current-state variants
match only the plain relationship types; the *_AS_OF variants also match the
PAST_* types and keep an edge when valid_from <= $as_of < valid_to (a missing
valid_from counts as "always", a missing valid_to as "still current").
Dates are compared as 'YYYY-MM-DD' text so both Date values and ISO strings work.
"""
from __future__ import annotations

# The page label of a node: its one label besides Entity.
_LABEL = "head([l IN labels({v}) WHERE l <> 'Entity'])"


def _label(var: str) -> str:
    return _LABEL.format(v=var)


def _valid(rel: str) -> str:
    return (f"(({rel}.valid_from IS NULL OR left(toString({rel}.valid_from), 10) <= $as_of) AND "
            f"({rel}.valid_to IS NULL OR left(toString({rel}.valid_to), 10) > $as_of))")


# --- entity linking ------------------------------------------------------
# Exact key/name lookups (index-backed) first; only when none of them has an
# allowed type does the (costlier) full-text query run, over names, aliases,
# summaries and bodies. The linker re-ranks candidates in Python.
LINK_CANDIDATES = f"""
CALL () {{
  MATCH (n:Entity) WHERE n.key IN $keys RETURN n
  UNION
  MATCH (n:Entity) WHERE n.name IN $names RETURN n
}}
WITH [x IN collect(n) WHERE {_label('x')} IN $types] AS exact
OPTIONAL CALL (exact) {{
  WITH exact WHERE size(exact) = 0
  CALL db.index.fulltext.queryNodes('entity_text', $q, {{limit: $fetch}}) YIELD node, score
  RETURN collect({{n: node, score: score}}) AS fuzzy
}}
UNWIND [x IN exact | {{n: x, score: 50.0}}] + coalesce(fuzzy, []) AS c
WITH c.n AS n, max(c.score) AS score
WITH n, score, {_label('n')} AS label
WHERE label IN $types
RETURN label, n.key AS key, n.name AS name, coalesce(n.aliases, []) AS aliases, score,
       coalesce(n.title, n.summary) AS detail
ORDER BY score DESC
LIMIT $limit
"""

# Who is asking: their teams, department(s) and manager, so "my team",
# "my department", "my manager" and "me" resolve in one round trip.
ASKER_CONTEXT = """
MATCH (me:Person {key: $asker})
CALL (me) {
  OPTIONAL MATCH (me)-[:MEMBER_OF]->(t:Team)
  RETURN collect(DISTINCT t {.key, .name}) AS teams
}
CALL (me) {
  OPTIONAL MATCH (me)-[:MEMBER_OF]->()-[:PART_OF*0..10]->(d:Department)
  RETURN collect(DISTINCT d {.key, .name}) AS departments
}
CALL (me) {
  OPTIONAL MATCH (me)-[:REPORTS_TO]->(m:Person)
  RETURN collect(DISTINCT m {.key, .name}) AS managers
}
RETURN me {.key, .name} AS me, teams, departments, managers
"""

# The Person page of a signed-in user: by key = username, else by email.
PERSON_FOR_USER = """
CALL () {
  MATCH (p:Person {key: $username}) RETURN p
  UNION
  MATCH (p:Person {email: $email}) RETURN p
}
RETURN p.key AS key LIMIT 1
"""

# --- tools -----------------------------------------------------------------
ENTITY = f"""
MATCH (n:Entity {{key: $key}})
WHERE $label IS NULL OR $label IN labels(n)
WITH n LIMIT 1
CALL (n) {{
  OPTIONAL MATCH (n)-[r]-(m:Entity)
  WHERE type(r) IN $rel_types
  WITH r, m, startNode(r) = n AS outgoing
  ORDER BY type(r), m.name
  LIMIT $related_limit
  RETURN collect(CASE WHEN m IS NULL THEN null ELSE
    {{type: type(r), outgoing: outgoing, label: {_label('m')}, key: m.key, name: m.name}} END) AS related
}}
RETURN {_label('n')} AS label, n {{.*, body: null, content_hash: null, aliases_text: null}} AS props,
       left(coalesce(n.body, ''), 1200) AS body, related
"""

_TEAM_OR_DEPT = "(t:Team OR t:Department) AND ($label IS NULL OR $label IN labels(t))"

MEMBERS = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
OPTIONAL MATCH (u)-[:PART_OF*0..10]->(t)
WHERE (u:Team OR u:Department) AND ($subteams OR u = t)
OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u)
WITH t, p, collect(u {{.key, .name}})[0] AS via
ORDER BY p.name
WITH t, collect(CASE WHEN p IS NULL THEN null ELSE
  p {{.key, .name, .title, team_key: via.key, team_name: via.name}} END) AS members
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, size(members) AS count, members[..$limit] AS members
"""

MEMBERS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
OPTIONAL MATCH path = (u)-[:PART_OF|PAST_PART_OF*0..10]->(t)
WHERE (u:Team OR u:Department) AND ($subteams OR u = t) AND all(r IN relationships(path) WHERE {_valid('r')})
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF|PAST_MEMBER_OF]->(u) WHERE {_valid('m')}
WITH t, p, collect(u {{.key, .name}})[0] AS via
ORDER BY p.name
WITH t, collect(CASE WHEN p IS NULL THEN null ELSE
  p {{.key, .name, .title, team_key: via.key, team_name: via.name}} END) AS members
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, size(members) AS count, members[..$limit] AS members
"""

HEADCOUNT = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->(t)
  WHERE u:Team OR u:Department
  RETURN count(DISTINCT p) AS headcount
}}
CALL (t) {{
  OPTIONAL MATCH (u:Team)-[:PART_OF*1..10]->(t)
  RETURN count(DISTINCT u) AS subteams
}}
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[:LEADS]->(t)
  RETURN collect(l {{.key, .name}}) AS leads
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, headcount, subteams, leads
"""

HEADCOUNT_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  MATCH path = (u)-[:PART_OF|PAST_PART_OF*0..10]->(t)
  WHERE (u:Team OR u:Department) AND all(r IN relationships(path) WHERE {_valid('r')})
  WITH DISTINCT u
  MATCH (p:Person)-[m:MEMBER_OF|PAST_MEMBER_OF]->(u) WHERE {_valid('m')}
  RETURN count(DISTINCT p) AS headcount
}}
CALL (t) {{
  OPTIONAL MATCH path = (u:Team)-[:PART_OF|PAST_PART_OF*1..10]->(t)
  WHERE all(r IN relationships(path) WHERE {_valid('r')})
  RETURN count(DISTINCT u) AS subteams
}}
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE {_valid('r')}
  RETURN collect(l {{.key, .name}}) AS leads
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, headcount, subteams, leads
"""

# A lead or parent Kiki inferred (graph/org_units.py) rather than read from a
# source: the answer says so, with the reason.
_INFERRED = "inferred: coalesce(r.inferred, false), reason: r.reason"

LEADER = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS]->(t)
  RETURN collect(l {{.key, .name, .title, {_INFERRED}}}) AS leads
}}
CALL (t) {{
  OPTIONAL MATCH (t)-[r:PART_OF]->(parent)
  OPTIONAL MATCH (pl:Person)-[r2:LEADS]->(parent)
  RETURN collect(CASE WHEN parent IS NULL THEN null ELSE
    parent {{label: {_label('parent')}, .key, .name, {_INFERRED},
            lead: pl {{.key, .name, inferred: coalesce(r2.inferred, false), reason: r2.reason}}}} END)[..1]
         AS parents
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, t.slack_channel AS slack_channel, leads, parents
"""

LEADER_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE {_valid('r')}
  RETURN collect(l {{.key, .name, .title, {_INFERRED}}}) AS leads
}}
CALL (t) {{
  OPTIONAL MATCH (t)-[r:PART_OF|PAST_PART_OF]->(parent) WHERE {_valid('r')}
  OPTIONAL MATCH (pl:Person)-[r2:LEADS|PAST_LEADS]->(parent) WHERE {_valid('r2')}
  RETURN collect(CASE WHEN parent IS NULL THEN null ELSE
    parent {{label: {_label('parent')}, .key, .name, {_INFERRED},
            lead: pl {{.key, .name, inferred: coalesce(r2.inferred, false), reason: r2.reason}}}} END)[..1]
         AS parents
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, t.slack_channel AS slack_channel, leads, parents
"""

# Teams directly under a team or department, each with its leads, headcount
# (its own sub-teams included) and number of sub-teams; `total` counts teams
# at any depth below.
_HEAD = "COUNT {{ MATCH (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->({v}) " \
        "WHERE u:Team OR u:Department RETURN DISTINCT p }}"

SUBUNITS = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (c:Team)-[:PART_OF]->(t)
  WITH c ORDER BY c.name
  RETURN collect(c {{.key, .name,
    leads: COLLECT {{ MATCH (l:Person)-[:LEADS]->(c) RETURN l {{.key, .name}} AS l ORDER BY l.name }},
    headcount: {_HEAD.format(v='c')},
    subteams: COUNT {{ MATCH (x:Team)-[:PART_OF*1..10]->(c) RETURN DISTINCT x }}}}) AS teams
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, teams,
       COUNT {{ MATCH (u:Team)-[:PART_OF*1..10]->(t) RETURN DISTINCT u }} AS total
"""

_PATH_VALID = f"all(r IN relationships(path) WHERE {_valid('r')})"

SUBUNITS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (c:Team)-[e:PART_OF|PAST_PART_OF]->(t) WHERE {_valid('e')}
  WITH DISTINCT c ORDER BY c.name
  RETURN collect(c {{.key, .name,
    leads: COLLECT {{ MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(c) WHERE {_valid('r')}
                      RETURN DISTINCT l {{.key, .name}} AS l ORDER BY l.name }},
    headcount: COUNT {{ MATCH path = (p:Person)-[:MEMBER_OF|PAST_MEMBER_OF]->(u)-[:PART_OF|PAST_PART_OF*0..10]->(c)
                        WHERE (u:Team OR u:Department) AND {_PATH_VALID} RETURN DISTINCT p }},
    subteams: COUNT {{ MATCH path = (x:Team)-[:PART_OF|PAST_PART_OF*1..10]->(c) WHERE {_PATH_VALID}
                       RETURN DISTINCT x }}}}) AS teams
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, teams,
       COUNT {{ MATCH path = (u:Team)-[:PART_OF|PAST_PART_OF*1..10]->(t) WHERE {_PATH_VALID}
                RETURN DISTINCT u }} AS total
"""

# The whole organization today: people who are members of a team or department,
# every department that is not retired with its headcount and leads (largest
# first), and the number of teams. One pass per count; no per-department query.
ORGANIZATION = """
CALL () {
  MATCH (p:Person)-[:MEMBER_OF]->(u) WHERE u:Team OR u:Department
  RETURN count(DISTINCT p) AS headcount
}
CALL () {
  MATCH (d:Department) WHERE coalesce(d.status, '') <> 'retired'
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->(d) WHERE u:Team OR u:Department
  WITH d, count(DISTINCT p) AS n
  ORDER BY n DESC, d.name
  RETURN collect(d {.key, .name, headcount: n,
    leads: COLLECT { MATCH (l:Person)-[:LEADS]->(d) RETURN l {.key, .name} AS l ORDER BY l.name }}) AS departments
}
RETURN headcount, departments,
       COUNT { MATCH (t:Team) WHERE coalesce(t.status, '') <> 'retired' } AS teams
"""

MANAGER_CHAIN = """
MATCH (p:Person {key: $key})
CALL (p) {
  OPTIONAL MATCH path = (p)-[:REPORTS_TO*1..15]->(:Person)
  WITH path ORDER BY length(path) DESC LIMIT 1
  RETURN CASE WHEN path IS NULL THEN [] ELSE [n IN tail(nodes(path)) | n {.key, .name, .title}] END AS chain
}
CALL (p) {
  OPTIONAL MATCH (p)-[:MEMBER_OF]->(t) WHERE t:Team OR t:Department
  OPTIONAL MATCH (l:Person)-[:LEADS]->(t) WHERE l <> p
  RETURN collect(DISTINCT t {label: head([x IN labels(t) WHERE x <> 'Entity']), .key, .name,
                             lead: l {.key, .name}}) AS teams
}
RETURN p {.key, .name, .title} AS person, chain, teams
"""

MANAGER_CHAIN_AS_OF = f"""
MATCH (p:Person {{key: $key}})
CALL (p) {{
  OPTIONAL MATCH path = (p)-[:REPORTS_TO|PAST_REPORTS_TO*1..15]->(:Person)
  WHERE all(r IN relationships(path) WHERE {_valid('r')})
  WITH path ORDER BY length(path) DESC LIMIT 1
  RETURN CASE WHEN path IS NULL THEN [] ELSE [n IN tail(nodes(path)) | n {{.key, .name, .title}}] END AS chain
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[m:MEMBER_OF|PAST_MEMBER_OF]->(t) WHERE (t:Team OR t:Department) AND {_valid('m')}
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE l <> p AND {_valid('r')}
  RETURN collect(DISTINCT t {{label: {_label('t')}, .key, .name, lead: l {{.key, .name}}}}) AS teams
}}
RETURN p {{.key, .name, .title}} AS person, chain, teams
"""

DIRECT_REPORTS = """
MATCH (p:Person {key: $key})
OPTIONAL MATCH (r:Person)-[:REPORTS_TO]->(p)
WITH p, r ORDER BY r.name
RETURN p {.key, .name, .title} AS person, collect(r {.key, .name, .title}) AS reports
"""

DIRECT_REPORTS_AS_OF = f"""
MATCH (p:Person {{key: $key}})
OPTIONAL MATCH (r:Person)-[e:REPORTS_TO|PAST_REPORTS_TO]->(p) WHERE {_valid('e')}
WITH p, r ORDER BY r.name
RETURN p {{.key, .name, .title}} AS person, collect(DISTINCT r {{.key, .name, .title}}) AS reports
"""

_OWNED = "(x:System OR x:Process OR x:Topic) AND ($label IS NULL OR $label IN labels(x))"

OWNER = f"""
MATCH (x:Entity {{key: $key}}) WHERE {_OWNED}
WITH x LIMIT 1
CALL (x) {{
  OPTIONAL MATCH (o:Entity)-[:OWNS]->(x)
  OPTIONAL MATCH (l:Person)-[:LEADS]->(o)
  WITH o, collect(l {{.key, .name}}) AS leads
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE
    o {{label: {_label('o')}, .key, .name, .slack_channel, leads: leads}} END) AS owners
}}
CALL (x) {{
  OPTIONAL MATCH (x)-[:PART_OF*1..5]->(parent:System)<-[:OWNS]-(po:Entity)
  OPTIONAL MATCH (l:Person)-[:LEADS]->(po)
  WITH parent, po, collect(l {{.key, .name}}) AS leads LIMIT 1
  RETURN CASE WHEN po IS NULL THEN null ELSE
    {{system: parent {{.key, .name}}, owner: po {{label: {_label('po')}, .key, .name, .slack_channel, leads: leads}}}}
    END AS inherited
}}
RETURN {_label('x')} AS label, x.key AS key, x.name AS name, owners, inherited
"""

OWNER_AS_OF = f"""
MATCH (x:Entity {{key: $key}}) WHERE {_OWNED}
WITH x LIMIT 1
CALL (x) {{
  OPTIONAL MATCH (o:Entity)-[r:OWNS|PAST_OWNS]->(x) WHERE {_valid('r')}
  OPTIONAL MATCH (l:Person)-[r2:LEADS|PAST_LEADS]->(o) WHERE {_valid('r2')}
  WITH o, collect(l {{.key, .name}}) AS leads
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE
    o {{label: {_label('o')}, .key, .name, .slack_channel, leads: leads}} END) AS owners
}}
RETURN {_label('x')} AS label, x.key AS key, x.name AS name, owners, null AS inherited
"""

DEPENDENCIES = f"""
MATCH (s:System {{key: $key}})
CALL (s) {{
  OPTIONAL MATCH (s)-[r:DEPENDS_ON|CONSUMES_API]->(d:System) WHERE $direction IN ['out', 'both']
  WITH d, collect(DISTINCT type(r)) AS via ORDER BY d.name
  RETURN collect(CASE WHEN d IS NULL THEN null ELSE d {{.key, .name, .kind, via: via}} END) AS uses
}}
CALL (s) {{
  OPTIONAL MATCH (s)<-[r:DEPENDS_ON|CONSUMES_API]-(d:System) WHERE $direction IN ['in', 'both']
  WITH d, collect(DISTINCT type(r)) AS via ORDER BY d.name
  RETURN collect(CASE WHEN d IS NULL THEN null ELSE d {{.key, .name, .kind, via: via}} END) AS used_by
}}
CALL (s) {{
  OPTIONAL MATCH (s)-[:PROVIDES_API]->(api:System)
  RETURN collect(api {{.key, .name}}) AS provides
}}
RETURN s {{.key, .name, .kind}} AS system, uses, used_by, provides
"""

PROCESS_STEPS = f"""
MATCH (p:Process {{key: $key}})
CALL (p) {{
  OPTIONAL MATCH (p)-[h:HAS_STEP]->(s:Step)
  OPTIONAL MATCH (r)-[:RESPONSIBLE_FOR]->(s)
  WITH h, s, collect(r {{label: {_label('r')}, .key, .name}}) AS responsible
  ORDER BY coalesce(h.order, s.order), s.name
  RETURN collect(CASE WHEN s IS NULL THEN null ELSE
    {{order: coalesce(h.order, s.order), key: s.key, name: s.name, summary: s.summary,
      responsible: responsible}} END) AS steps
}}
CALL (p) {{
  OPTIONAL MATCH (o:Entity)-[:OWNS]->(p)
  OPTIONAL MATCH (l:Person)-[:LEADS]->(o)
  WITH o, collect(l {{.key, .name}}) AS leads
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE
    o {{label: {_label('o')}, .key, .name, .slack_channel, leads: leads}} END) AS owners
}}
RETURN p {{.key, .name, .summary}} AS process, steps, owners
"""

# Contacts for an entity: itself when it is a team/department, else the team
# (or person) that owns it, else the owner of a parent system, else a person's team.
_CONTACTS = f"""
CALL (x) {{
  OPTIONAL MATCH (o:Entity)-[:OWNS]->(x)
  RETURN collect(DISTINCT o) AS owners
}}
CALL (x) {{
  OPTIONAL MATCH (x)-[:PART_OF*1..5]->(:System)<-[:OWNS]-(po:Entity)
  RETURN collect(DISTINCT po)[..1] AS parent_owners
}}
CALL (x) {{
  OPTIONAL MATCH (x)-[:MEMBER_OF]->(pt:Team)
  RETURN collect(DISTINCT pt)[..1] AS person_teams
}}
WITH x, score, CASE
  WHEN x:Team OR x:Department THEN [x]
  WHEN size(owners) > 0 THEN owners
  WHEN size(parent_owners) > 0 THEN parent_owners
  ELSE person_teams END AS teams,
  CASE WHEN x:Team OR x:Department THEN 'self' WHEN size(owners) > 0 THEN 'owner'
       WHEN size(parent_owners) > 0 THEN 'parent_owner' WHEN size(person_teams) > 0 THEN 'team'
       ELSE null END AS relation
UNWIND CASE WHEN size(teams) = 0 THEN [null] ELSE teams END AS t
OPTIONAL MATCH (l:Person)-[:LEADS]->(t)
WITH x, score, relation, t, collect(l {{.key, .name, .title, .slack_id}}) AS leads
RETURN {_label('x')} AS label, x.key AS key, x.name AS name, x.summary AS summary, score, relation,
       collect(CASE WHEN t IS NULL THEN null ELSE
         t {{label: {_label('t')}, .key, .name, .slack_channel, leads: leads}} END) AS contacts
"""

WHO_TO_ASK_KEY = """
MATCH (x:Entity {key: $key}) WHERE $label IS NULL OR $label IN labels(x)
WITH x, 1.0 AS score LIMIT 1
""" + _CONTACTS

WHO_TO_ASK_TEXT = """
CALL db.index.fulltext.queryNodes('entity_text', $q, {limit: 5}) YIELD node, score
WITH node AS x, score ORDER BY score DESC LIMIT 1
""" + _CONTACTS

"""Reads about the catalog: who owns a system, process or topic, a system's
dependencies, a process's steps, and who to ask about something (the owning
team, its leads and Slack channel) — for the assistant and for Slack's human
handoff.

One round trip per function (`driver.read_once`, no retry, except the Slack
handoff which retries like every Slack-side read); values are $parameters.
"""
from __future__ import annotations

from . import driver
from .cypher import label_of as _label, valid_on as _valid
from .model import PAGE_LABELS

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

# For each candidate page (search hits, best first) the humans who own it:
# a Team/Department is its own owner; a System/Process/Topic is owned via
# OWNS (from a team, department or person); a Step via RESPONSIBLE_FOR or its
# process's owner; a Person points at their teams. Each owner comes with its
# Slack channel (its own, else the nearest parent's) and its leads.
# One round trip for the whole candidate list.
HANDOFF_OWNERS = """
UNWIND range(0, size($candidates) - 1) AS i
WITH i, $candidates[i] AS c
MATCH (e:Entity {key: c.key}) WHERE c.type IN labels(e)
CALL (e) {
  WITH e WHERE e:Team OR e:Department
  RETURN e AS owner, 0 AS rank
  UNION
  MATCH (o)-[:OWNS]->(e) WHERE o:Team OR o:Department OR o:Person
  RETURN o AS owner, 1 AS rank
  UNION
  MATCH (e:Person)-[:MEMBER_OF]->(o) WHERE o:Team OR o:Department
  RETURN o AS owner, 2 AS rank
  UNION
  MATCH (e:System)-[:PART_OF*1..3]->(:System)<-[:OWNS]-(o) WHERE o:Team OR o:Department
  RETURN o AS owner, 3 AS rank
}
WITH i, e, owner, rank
ORDER BY i, rank
WITH owner, min(i) AS i, collect(e)[0] AS about
WITH owner, i, about,
     head([(owner)-[:PART_OF*1..3]->(up) WHERE up.slack_channel IS NOT NULL | up.slack_channel]) AS parent_channel,
     [(l:Person)-[:LEADS]->(owner) | l {.key, .name, .slack_id, .email}] AS leads
RETURN i,
       [l IN labels(owner) WHERE l IN $page_labels][0] AS type,
       owner.key AS key, owner.name AS name,
       coalesce(owner.slack_channel, parent_channel) AS channel,
       CASE WHEN owner:Person THEN [owner {.key, .name, .slack_id, .email}] ELSE leads END AS leads,
       owner:Person AS owner_is_person,
       [l IN labels(about) WHERE l IN $page_labels][0] AS about_type,
       about.key AS about_key, about.name AS about_name
ORDER BY i, name
LIMIT $limit
"""



def _one(query: str, **params) -> dict | None:
    rows = driver.read_once(query, **params)
    return rows[0] if rows else None


def owner(key: str, label: str | None = None, *, as_of: str | None = None) -> dict | None:
    """The owners of a system/process/topic; for an unowned sub-system, the nearest owned parent's."""
    return _one(OWNER_AS_OF if as_of else OWNER, key=key, label=label, as_of=as_of)


def dependencies(key: str, direction: str = "out") -> dict | None:
    return _one(DEPENDENCIES, key=key, direction=direction)


def process_steps(key: str) -> dict | None:
    return _one(PROCESS_STEPS, key=key)


def contacts_for(key: str, label: str | None = None) -> dict | None:
    """Who to ask about one page: itself if a team, else its owners (see _CONTACTS)."""
    return _one(WHO_TO_ASK_KEY, key=key, label=label)


def contacts_for_text(lucene: str) -> dict | None:
    """Who to ask about the best full-text match of a Lucene query."""
    return _one(WHO_TO_ASK_TEXT, q=lucene) if lucene else None


def handoff_owners(candidates: list[dict], limit: int = 3) -> list[dict]:
    """Owners for candidate pages [{"type": "System", "key": "billing-api"}, ...], best first."""
    if not candidates:
        return []
    return driver.read(HANDOFF_OWNERS, candidates=candidates, page_labels=list(PAGE_LABELS), limit=limit)

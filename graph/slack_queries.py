"""Cypher for Kiki in Slack: who a Slack user is, and who owns a topic
(human handoff). Named constants; values travel as $parameters."""
from __future__ import annotations

from . import driver
from .access import Viewer, path_visible, viewer_params, visible
from .model import PAGE_LABELS

PERSON_BY_SLACK_ID = """
MATCH (p:Person {slack_id: $slack_id})
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""

# Emails are matched as given and lower-cased, so the person_email index is used.
PERSON_BY_EMAIL = """
MATCH (p:Person) WHERE p.email IN $emails
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""

# Fallback for emails stored with capitals (Bo@Acme.com): a scan of Person
# nodes, so it runs only when the indexed lookup found nobody (and the
# result is cached by the caller).
PERSON_BY_EMAIL_ANY_CASE = """
MATCH (p:Person) WHERE toLower(p.email) = $email
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""

# For each candidate page (search hits, best first) the humans who own it:
# a Team/Department is its own owner; a System/Process/Topic is owned via
# OWNS (from a team, department or person); a Step via RESPONSIBLE_FOR or its
# process's owner; a Person points at their teams. Each owner comes with its
# Slack channel (its own, else the nearest parent's) and its leads.
# One round trip for the whole candidate list.
HANDOFF_OWNERS = f"""
UNWIND range(0, size($candidates) - 1) AS i
WITH i, $candidates[i] AS c
MATCH (e:Entity {{key: c.key}}) WHERE c.type IN labels(e) AND {visible('e')}
CALL (e) {{
  WITH e WHERE e:Team OR e:Department
  RETURN e AS owner, 0 AS rank
  UNION
  MATCH (o)-[:OWNS]->(e) WHERE (o:Team OR o:Department OR o:Person) AND {visible('o')}
  RETURN o AS owner, 1 AS rank
  UNION
  MATCH (e:Person)-[:MEMBER_OF]->(o) WHERE (o:Team OR o:Department) AND {visible('o')}
  RETURN o AS owner, 2 AS rank
  UNION
  MATCH path = (e:System)-[:PART_OF*1..3]->(:System)<-[:OWNS]-(o) WHERE (o:Team OR o:Department)
    AND {path_visible('path')}
  RETURN o AS owner, 3 AS rank
}}
WITH i, e, owner, rank
ORDER BY i, rank
WITH owner, min(i) AS i, collect(e)[0] AS about
WITH owner, i, about,
     head([(owner)-[:PART_OF*1..3]->(up) WHERE up.slack_channel IS NOT NULL AND {visible('up')} | up.slack_channel]) AS parent_channel,
     [(l:Person)-[:LEADS]->(owner) WHERE {visible('l')} | l {{.key, .name, .slack_id, .email}}] AS leads
RETURN i,
       [l IN labels(owner) WHERE l IN $page_labels][0] AS type,
       owner.key AS key, owner.name AS name,
       coalesce(owner.slack_channel, parent_channel) AS channel,
       CASE WHEN owner:Person THEN [owner {{.key, .name, .slack_id, .email}}] ELSE leads END AS leads,
       owner:Person AS owner_is_person,
       [l IN labels(about) WHERE l IN $page_labels][0] AS about_type,
       about.key AS about_key, about.name AS about_name
ORDER BY i, name
LIMIT $limit
"""


def person_by_slack_id(slack_id: str) -> dict | None:
    rows = driver.read(PERSON_BY_SLACK_ID, slack_id=slack_id)
    return rows[0] if rows else None


def person_by_email(email: str) -> dict | None:
    emails = sorted({email, email.strip().lower()})
    rows = driver.read(PERSON_BY_EMAIL, emails=emails) or \
        driver.read(PERSON_BY_EMAIL_ANY_CASE, email=email.strip().lower())
    return rows[0] if rows else None


def handoff_owners(candidates: list[dict], limit: int = 3, viewer: Viewer | None = None) -> list[dict]:
    """Owners the viewer may see for candidate pages [{"type": "System", "key": "billing-api"}, ...], best first."""
    if not candidates:
        return []
    return driver.read(HANDOFF_OWNERS, candidates=candidates, page_labels=list(PAGE_LABELS), limit=limit,
                       **viewer_params(viewer))

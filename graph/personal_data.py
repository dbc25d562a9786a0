"""Everything the graph holds about one person, and its erasure (GDPR).

Export reads the Person node with every stored property, every relationship
into or out of it (current and `PAST_` history, with the other end named),
its `Revision`s (past field values) and its wiki `PageRevision`s (past texts). Erasure is a list of write statements run
in one transaction by the write core (accounts/gdpr.py): the node keeps its
labels and relationships, so every count and headcount stays right and no
edge dangles, but all its properties are replaced by an anonymised
placeholder under a new key, its past values, past texts and embedded
passages are deleted, and pages its user accounts edited (and their wiki
revisions) are attributed to "former employee".
"""
from __future__ import annotations

from . import driver
from .model import PAGE_LABELS

FORMER_EMPLOYEE = "former employee"

PERSON_EXPORT = """
MATCH (p:Person {key: $key})
OPTIONAL MATCH (p)-[:HAD]->(r:Revision)
WITH p, collect(r {.*}) AS revisions
OPTIONAL MATCH (p)-[:HAS_REVISION]->(w:PageRevision)
WITH p, revisions, collect(w {.*}) AS page_revisions
CALL (p) {
  OPTIONAL MATCH (p)-[e]-(o)
  WHERE NOT o:Revision AND NOT o:PageRevision AND NOT o:Chunk
  RETURN collect({type: type(e), direction: CASE WHEN startNode(e) = p THEN 'out' ELSE 'in' END,
                  other_label: [l IN labels(o) WHERE l IN $page_labels][0], other_key: o.key,
                  other_name: o.name, properties: properties(e)}) AS relationships
}
RETURN labels(p) AS labels, properties(p) AS properties, relationships, revisions, page_revisions
"""

PERSON_EMAIL = "MATCH (p:Person {key: $key}) RETURN p.email AS email, p.name AS name"

# Erasure, statement by statement (one transaction). $key is the person,
# $new_key the placeholder's key, $editors the "wiki:<username>" sources and
# usernames of their accounts.
ERASE_PAST_VALUES = """
MATCH (p:Person {key: $key})
OPTIONAL MATCH (p)-[:HAD|HAS_REVISION]->(r)
WHERE r:Revision OR r:PageRevision
WITH collect(r) AS revisions
FOREACH (r IN revisions | DETACH DELETE r)
RETURN size(revisions) AS revisions
"""

ERASE_PASSAGES = """
MATCH (c:Chunk {entity_key: $key})
WITH collect(c) AS chunks
FOREACH (c IN chunks | DETACH DELETE c)
RETURN size(chunks) AS passages
"""

# SET p = {...} replaces every property: nothing personal (email, phone,
# employee id, Slack id, SCIM document, provenance, aliases) can survive.
ERASE_PERSON_NODE = """
MATCH (p:Person {key: $key})
WITH p, p.status AS status, p.created_at AS created_at, p.restricted_to AS restricted_to
SET p = {key: $new_key, name: $name, summary: $summary, body: '', aliases: [], aliases_text: '',
         status: coalesce(status, 'active'), erased: true, erased_at: $now, created_at: created_at,
         updated_at: $now, source: 'erasure', restricted_to: restricted_to}
RETURN p.key AS key
"""

ATTRIBUTE_EDITS = """
UNWIND $usernames AS username
MATCH (n:Entity {body_edited_by: username})
SET n.body_edited_by = $former
RETURN count(n) AS pages
"""

ATTRIBUTE_REVISIONS = """
UNWIND $sources AS source
MATCH (r:Revision|PageRevision {source: source})
SET r.source = 'wiki:' + $former,
    r.author = CASE WHEN r:PageRevision THEN $former ELSE r.author END
RETURN count(r) AS revisions
"""

ATTRIBUTE_PAGE_REVISIONS = """
UNWIND $usernames AS username
MATCH (r:PageRevision {author: username})
SET r.author = $former
RETURN count(r) AS revisions
"""

ATTRIBUTE_PROVENANCE = """
UNWIND $sources AS source
MATCH (n:Entity)
WHERE n.source = source OR (n.prov IS NOT NULL AND n.prov CONTAINS source)
SET n.source = CASE WHEN n.source = source THEN 'wiki:' + $former ELSE n.source END,
    n.prov = CASE WHEN n.prov IS NULL THEN NULL ELSE replace(n.prov, '"' + source + '"', '"wiki:' + $former + '"') END
RETURN count(n) AS pages
"""

# A check after erasure: nothing attached to the placeholder may point at
# a missing node, and the old key must be gone from every page and passage.
ERASURE_LEFTOVERS = """
OPTIONAL MATCH (old:Entity {key: $key})
WITH count(old) AS old_pages
OPTIONAL MATCH (c:Chunk {entity_key: $key})
WITH old_pages, count(c) AS old_passages
OPTIONAL MATCH (p:Person {key: $new_key})-[:HAD|HAS_REVISION]->(r)
RETURN old_pages, old_passages, count(r) AS revisions
"""


def export_steps_params(key: str) -> dict:
    return {"key": key, "page_labels": list(PAGE_LABELS)}


def erase_steps(key: str, new_key: str, *, now: str, usernames: list[str]) -> list[tuple[str, dict]]:
    """The statements that erase person `key` (run them in one transaction)."""
    sources = [f"wiki:{u}" for u in usernames]
    placeholder = {"key": key, "new_key": new_key, "now": now, "name": "Former employee",
                   "summary": "This person's details were erased at their request."}
    return [
        (ERASE_PAST_VALUES, {"key": key}),
        (ERASE_PASSAGES, {"key": key}),
        (ERASE_PERSON_NODE, placeholder),
        (ATTRIBUTE_EDITS, {"usernames": usernames, "former": FORMER_EMPLOYEE}),
        (ATTRIBUTE_REVISIONS, {"sources": sources, "former": FORMER_EMPLOYEE}),
        (ATTRIBUTE_PAGE_REVISIONS, {"usernames": usernames, "former": FORMER_EMPLOYEE}),
        (ATTRIBUTE_PROVENANCE, {"sources": sources, "former": FORMER_EMPLOYEE}),
    ]


def export_person(key: str) -> dict | None:
    """The Person's labels, properties, relationships and revisions, or None."""

    rows = driver.read(PERSON_EXPORT, **export_steps_params(key))
    if not rows:
        return None
    row = rows[0]
    row["relationships"] = [r for r in row["relationships"] if r["type"] is not None]
    return row


def person_email(key: str) -> tuple[str | None, str | None] | None:
    """(email, name) of a Person, or None when there is no such page."""

    rows = driver.read(PERSON_EMAIL, key=key)
    return (rows[0]["email"], rows[0]["name"]) if rows else None


def erasure_leftovers(key: str, new_key: str) -> dict:
    """What of the old person is still in the graph (all zeros after an erasure)."""

    return driver.read(ERASURE_LEFTOVERS, key=key, new_key=new_key)[0]


"""Passage chunks and their vectors: what the indexer reads and writes
(kiki/indexing.py). The search reads over them are in graph/search.py.

    (:Chunk {key, entity_key, label, ordinal, text, hash, embedding})-[:CHUNK_OF]->(:Entity)

A chunk's key is derived from its entity and its content hash, so editing one
paragraph replaces one chunk and leaves the others (and their vectors) alone;
the schema (unique key, entity_key index, `chunk_embedding` vector index) is
in graph.queries.SCHEMA_STATEMENTS. Every write here is an UNWIND batch.
"""
from __future__ import annotations

from . import driver

# --- reading entities to chunk ------------------------------------------
# (label, key) of every page entity; keys are unique per label only.
ALL_ENTITY_REFS = """
MATCH (n:Entity)
RETURN [l IN labels(n) WHERE l IN $labels][0] AS label, n.key AS key
ORDER BY key, label
"""

ENTITY_REFS_FOR_KEYS = """
UNWIND $keys AS k
MATCH (n:Entity {key: k})
RETURN [l IN labels(n) WHERE l IN $labels][0] AS label, n.key AS key
"""

# Text plus the facts chunking.facts_text needs, and the entity's current
# chunks, for a page of entities in one round trip. Name lists are sorted so
# the same graph always gives the same text (and hash).
ENTITY_DOCS = """
UNWIND $refs AS ref
MATCH (n:Entity {key: ref.key}) WHERE ref.label IN labels(n)
RETURN ref.label AS label, n.key AS key, n.name AS name,
       coalesce(n.summary, '') AS summary, coalesce(n.body, '') AS body,
       coalesce(n.aliases, []) AS aliases,
       n {.title, .location, .status, .kind, .type, .lifecycle, .slack_channel} AS props,
       COLLECT { MATCH (n)-[:MEMBER_OF]->(t) RETURN t.name ORDER BY t.name } AS member_of,
       COLLECT { MATCH (n)-[:REPORTS_TO]->(m) RETURN m.name ORDER BY m.name } AS reports_to,
       COLLECT { MATCH (n)-[:LEADS]->(t) RETURN t.name ORDER BY t.name } AS leads,
       COLLECT { MATCH (n)-[:PART_OF]->(p) RETURN p.name ORDER BY p.name } AS part_of,
       COLLECT { MATCH (p)-[:PART_OF]->(n) RETURN p.name ORDER BY p.name } AS parts,
       COLLECT { MATCH (l:Person)-[:LEADS]->(n) RETURN l.name ORDER BY l.name } AS led_by,
       COLLECT { MATCH (n)-[:OWNS]->(x) RETURN x.name ORDER BY x.name } AS owns,
       COLLECT { MATCH (o)-[:OWNS]->(n) RETURN o.name ORDER BY o.name } AS owned_by,
       COLLECT { MATCH (n)-[:DEPENDS_ON]->(d) RETURN d.name ORDER BY d.name } AS depends_on,
       COLLECT { MATCH (n)-[:PROVIDES_API]->(d) RETURN d.name ORDER BY d.name } AS provides_api,
       COLLECT { MATCH (n)-[:CONSUMES_API]->(d) RETURN d.name ORDER BY d.name } AS consumes_api,
       COLLECT { MATCH (n)-[h:HAS_STEP]->(s:Step)
                 WITH s, coalesce(s.order, h.order) AS step_order
                 RETURN s {order: step_order, .name, .summary,
                           responsible: COLLECT { MATCH (r)-[:RESPONSIBLE_FOR]->(s)
                                                  RETURN r.name ORDER BY r.name }}
                 ORDER BY step_order } AS steps,
       COLLECT { MATCH (c:Chunk)-[:CHUNK_OF]->(n) RETURN c {.key, .hash, .ordinal} } AS chunks
"""

# --- writing chunks ------------------------------------------------------
UPSERT_CHUNKS = """
UNWIND $rows AS row
MATCH (n:Entity {key: row.entity_key}) WHERE row.label IN labels(n)
MERGE (c:Chunk {key: row.key})
SET c.entity_key = row.entity_key, c.label = row.label, c.ordinal = row.ordinal,
    c.text = row.text, c.hash = row.hash, c.embedding = row.embedding, c.updated_at = $now
MERGE (c)-[:CHUNK_OF]->(n)
RETURN count(c) AS written
"""

SET_CHUNK_ORDINALS = """
UNWIND $rows AS row
MATCH (c:Chunk {key: row.key})
SET c.ordinal = row.ordinal
"""

DELETE_CHUNKS = """
UNWIND $keys AS k
MATCH (c:Chunk {key: k})
DETACH DELETE c
RETURN count(*) AS deleted
"""

# Chunks whose entity was deleted (DETACH DELETE took the CHUNK_OF with it).
DELETE_ORPHAN_CHUNKS_FOR_KEYS = """
UNWIND $keys AS k
MATCH (c:Chunk {entity_key: k})
WHERE NOT (c)-[:CHUNK_OF]->()
DETACH DELETE c
RETURN count(*) AS deleted
"""

DELETE_ORPHAN_CHUNKS = """
MATCH (c:Chunk)
WHERE NOT (c)-[:CHUNK_OF]->()
WITH c LIMIT $limit
DETACH DELETE c
RETURN count(*) AS deleted
"""

COUNT_CHUNKS = "MATCH (c:Chunk) RETURN count(c) AS n"

CHUNKS_OF_ENTITY = """
MATCH (c:Chunk {entity_key: $key})-[:CHUNK_OF]->(n)
WHERE $label IN labels(n)
RETURN c.key AS key, c.ordinal AS ordinal, c.text AS text, c.hash AS hash, size(c.embedding) AS dims
ORDER BY c.ordinal
"""


# --- functions (kiki/indexing.py) ---------------------------------------------

def entity_refs(labels: list[str], keys: list[str] | None = None) -> list[dict]:
    """[{label, key}] of every page entity, or of those with the given keys."""
    if keys is None:
        return driver.read(ALL_ENTITY_REFS, labels=labels)
    return driver.read(ENTITY_REFS_FOR_KEYS, keys=keys, labels=labels)


def entity_docs(refs: list[dict]) -> list[dict]:
    """Text, facts and current chunks of a page of entities (see ENTITY_DOCS)."""
    return driver.read(ENTITY_DOCS, refs=refs)


def _deleted(rows) -> int:
    return rows[0]["deleted"] if rows else 0


def delete_orphan_chunks(keys: list[str] | None = None, limit: int = 10000) -> int:
    """Delete chunks whose entity is gone (of the given entity keys, else up to `limit` of all)."""
    if keys is None:
        return _deleted(driver.write(DELETE_ORPHAN_CHUNKS, limit=limit)[0])
    return _deleted(driver.write(DELETE_ORPHAN_CHUNKS_FOR_KEYS, keys=keys)[0])


def upsert_chunks(rows: list[dict], now: str) -> None:
    driver.write(UPSERT_CHUNKS, rows=rows, now=now)


def delete_chunks(keys: list[str]) -> int:
    return _deleted(driver.write(DELETE_CHUNKS, keys=keys)[0])


def set_chunk_ordinals(rows: list[dict]) -> None:
    driver.write(SET_CHUNK_ORDINALS, rows=rows)


def chunk_count(*, once: bool = False) -> int:
    """Chunks stored; `once` reads without the retry loop (search's fast check)."""
    return (driver.read_once if once else driver.read)(COUNT_CHUNKS)[0]["n"]

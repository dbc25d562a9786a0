"""Cypher for passage chunks and their vectors (semantic search).

    (:Chunk {key, entity_key, label, ordinal, text, hash, embedding})-[:CHUNK_OF]->(:Entity)

A chunk's key is derived from its entity and its content hash, so editing one
paragraph replaces one chunk and leaves the others (and their vectors) alone;
the schema (unique key, entity_key index, `chunk_embedding` vector index) is
in graph.queries.SCHEMA_STATEMENTS. Every write here is an UNWIND batch.
"""
from __future__ import annotations

from .access import visible
from .queries import FULLTEXT_INDEX, VECTOR_INDEX

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
# the same graph always gives the same text (and hash). Passages are shared by
# every reader, so they name only neighbours everybody may see (run with
# access.viewer_params(access.PUBLIC)), and a location only when the field
# policy shows locations to everyone.
ENTITY_DOCS = f"""
UNWIND $refs AS ref
MATCH (n:Entity {{key: ref.key}}) WHERE ref.label IN labels(n)
RETURN ref.label AS label, n.key AS key, n.name AS name,
       coalesce(n.summary, '') AS summary, coalesce(n.body, '') AS body,
       coalesce(n.aliases, []) AS aliases,
       n {{.title, .status, .kind, .type, .lifecycle, .slack_channel,
            location: CASE WHEN $location_public THEN n.location END}} AS props,
       COLLECT {{ MATCH (n)-[:MEMBER_OF]->(t) WHERE {visible('t')} RETURN t.name ORDER BY t.name }} AS member_of,
       COLLECT {{ MATCH (n)-[:REPORTS_TO]->(m) WHERE {visible('m')} RETURN m.name ORDER BY m.name }} AS reports_to,
       COLLECT {{ MATCH (n)-[:LEADS]->(t) WHERE {visible('t')} RETURN t.name ORDER BY t.name }} AS leads,
       COLLECT {{ MATCH (n)-[:PART_OF]->(p) WHERE {visible('p')} RETURN p.name ORDER BY p.name }} AS part_of,
       COLLECT {{ MATCH (p)-[:PART_OF]->(n) WHERE {visible('p')} RETURN p.name ORDER BY p.name }} AS parts,
       COLLECT {{ MATCH (l:Person)-[:LEADS]->(n) WHERE {visible('l')} RETURN l.name ORDER BY l.name }} AS led_by,
       COLLECT {{ MATCH (n)-[:OWNS]->(x) WHERE {visible('x')} RETURN x.name ORDER BY x.name }} AS owns,
       COLLECT {{ MATCH (o)-[:OWNS]->(n) WHERE {visible('o')} RETURN o.name ORDER BY o.name }} AS owned_by,
       COLLECT {{ MATCH (n)-[:DEPENDS_ON]->(d) WHERE {visible('d')} RETURN d.name ORDER BY d.name }} AS depends_on,
       COLLECT {{ MATCH (n)-[:PROVIDES_API]->(d) WHERE {visible('d')} RETURN d.name ORDER BY d.name }} AS provides_api,
       COLLECT {{ MATCH (n)-[:CONSUMES_API]->(d) WHERE {visible('d')} RETURN d.name ORDER BY d.name }} AS consumes_api,
       COLLECT {{ MATCH (n)-[h:HAS_STEP]->(s:Step)
                 WITH s, coalesce(s.order, h.order) AS step_order
                 RETURN s {{order: step_order, .name, .summary,
                           responsible: COLLECT {{ MATCH (r)-[:RESPONSIBLE_FOR]->(s) WHERE {visible('r')}
                                                  RETURN r.name ORDER BY r.name }}}}
                 ORDER BY step_order }} AS steps,
       COLLECT {{ MATCH (c:Chunk)-[:CHUNK_OF]->(n) RETURN c {{.key, .hash, .ordinal}} }} AS chunks
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

# --- search --------------------------------------------------------------
# Hybrid search in one round trip: the full-text ranking of entities, the
# vector ranking (best passage per entity), and which candidates are directly
# linked to each other (for the graph-structure boost). Fusion happens in
# kiki.search. Type filters apply after the k-NN lookup (Neo4j 5 vector
# indexes do not pre-filter), so callers ask for a larger $k when filtering.
HYBRID_CANDIDATES = f"""
CALL () {{
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q, {{limit: $fetch}}) YIELD node, score
  WITH node, score, [l IN labels(node) WHERE l IN $types][0] AS label
  WHERE label IS NOT NULL AND {visible('node')}
  WITH node, label, score ORDER BY score DESC LIMIT $depth
  RETURN collect({{node: node, label: label, score: score}}) AS ft
}}
CALL () {{
  CALL db.index.vector.queryNodes('{VECTOR_INDEX}', $k, $vector) YIELD node, score
  WITH node, score WHERE node.label IN $types
  MATCH (node)-[:CHUNK_OF]->(e) WHERE {visible('e')}
  WITH e, node.label AS label, max(score) AS score
  ORDER BY score DESC LIMIT $depth
  RETURN collect({{node: e, label: label, score: score}}) AS vec
}}
WITH ft, vec
CALL (ft, vec) {{
  // Links from every candidate to the head of either ranking only: the fused
  // top hits come from there, and it keeps this to ~10 x 80 pair checks.
  WITH [x IN ft | x.node] + [x IN vec | x.node] AS nodes,
       [x IN ft[..$heads] | x.node] + [x IN vec[..$heads] | x.node] AS heads
  UNWIND heads AS a
  WITH DISTINCT a, nodes
  UNWIND nodes AS b
  WITH DISTINCT a, b WHERE a <> b
  MATCH (a)-[r]-(b)
  WHERE NOT type(r) STARTS WITH 'PAST_'
  RETURN collect(DISTINCT [elementId(a), elementId(b)]) AS links
}}
RETURN [x IN ft | {{id: elementId(x.node), label: x.label, key: x.node.key, name: x.node.name,
                    summary: x.node.summary, score: x.score}}] AS ft,
       [x IN vec | {{id: elementId(x.node), label: x.label, key: x.node.key, name: x.node.name,
                     summary: x.node.summary, score: x.score}}] AS vec,
       links
"""

# Exact (brute-force) vector ranking over the chunks of some labels, for a
# type-filtered search whose k-NN pool held too few of them (e.g. Process in
# an org of 10,000 people). Uses the chunk_label index; cheap for the small
# labels where it is needed.
EXACT_VECTOR_FOR_TYPES = f"""
MATCH (c:Chunk) WHERE c.label IN $types
WITH c, vector.similarity.cosine(c.embedding, $vector) AS score
ORDER BY score DESC LIMIT $k
MATCH (c)-[:CHUNK_OF]->(e) WHERE {visible('e')}
WITH e, c.label AS label, max(score) AS score
ORDER BY score DESC LIMIT $depth
RETURN collect({{id: elementId(e), label: label, key: e.key, name: e.name, summary: e.summary,
                score: score}}) AS vec
"""

# Passages for the assistant, both rankings in one round trip: the closest
# passages by vector, and the facts passage (ordinal 0) of each full-text hit.
HYBRID_PASSAGES = f"""
CALL () {{
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q, {{limit: $fetch}}) YIELD node, score
  WITH node, score, [l IN labels(node) WHERE l IN $types][0] AS label
  WHERE label IS NOT NULL AND {visible('node')}
  WITH node, label, score ORDER BY score DESC LIMIT $depth
  OPTIONAL MATCH (c:Chunk {{entity_key: node.key, ordinal: 0}})-[:CHUNK_OF]->(node)
  RETURN collect({{id: coalesce(c.key, elementId(node)), label: label, key: node.key, name: node.name,
                   text: coalesce(c.text, node.summary, ''), ordinal: 0, score: score}}) AS ft
}}
CALL () {{
  CALL db.index.vector.queryNodes('{VECTOR_INDEX}', $k, $vector) YIELD node, score
  WITH node, score WHERE node.label IN $types
  MATCH (node)-[:CHUNK_OF]->(e) WHERE {visible('e')}
  WITH node, e, score ORDER BY score DESC LIMIT $depth
  RETURN collect({{id: node.key, label: node.label, key: e.key, name: e.name, text: node.text,
                   ordinal: node.ordinal, score: score}}) AS vec
}}
RETURN ft, vec
"""

VECTOR_PASSAGES = f"""
CALL db.index.vector.queryNodes('{VECTOR_INDEX}', $k, $vector) YIELD node, score
WITH node, score WHERE node.label IN $types
MATCH (node)-[:CHUNK_OF]->(e) WHERE {visible('e')}
RETURN node.label AS label, e.key AS key, e.name AS name, node.text AS text,
       node.ordinal AS ordinal, score
ORDER BY score DESC
LIMIT $limit
"""

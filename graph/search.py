"""Search reads: full text over the entity_text index, and the hybrid
(full text + vector + graph links) candidate and passage rankings whose
fusion happens in kiki/search.py. One round trip each, `driver.read_once`."""
from __future__ import annotations

import re

from . import driver
from .access import Viewer, viewer_params, visible
from .model import PAGE_LABELS
from .queries import FULLTEXT_INDEX, VECTOR_INDEX

FULLTEXT_SEARCH = f"""
CALL db.index.fulltext.queryNodes('entity_text', $q, {{limit: $fetch}}) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l IN $types][0] AS label
WHERE label IS NOT NULL AND {visible('node')}
RETURN label, node.key AS key, node.name AS name, node.summary AS summary, score
ORDER BY score DESC
LIMIT $limit
"""

# Lucene syntax characters; user text is escaped so a query like "C++ (beta)"
# searches for words instead of failing to parse.
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


def lucene_escape(word: str) -> str:
    """One word as a Lucene term, its syntax characters escaped."""
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


def lucene_query(text: str) -> str:
    """Escaped terms, each also matched as a prefix, so typeahead finds 'Ris' -> 'Risk'."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    parts = []
    for w in words[:12]:
        esc = lucene_escape(w)
        if re.fullmatch(r"[\w]+", w) and w.upper() not in ("AND", "OR", "NOT"):
            parts.append(f"({esc} OR {esc.lower()}*)")
        else:
            parts.append(esc.lower() if w.upper() in ("AND", "OR", "NOT") else esc)
    return " AND ".join(parts)


def fulltext(text: str, types: list[str] | None = None, limit: int = 20, viewer: Viewer | None = None) -> list[dict]:
    """Pages the viewer may see whose text matches, best first."""
    q = lucene_query(text)
    if not q:
        return []
    types = [t for t in (types or PAGE_LABELS) if t in PAGE_LABELS]
    return driver.read_once(FULLTEXT_SEARCH, q=q, types=types, limit=limit, fetch=limit * 4, **viewer_params(viewer))


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


def hybrid_candidates(lucene: str, vector: list[float], *, types: list[str], depth: int, k: int,
                      heads: int, viewer: Viewer | None = None) -> dict:
    """{ft, vec, links}: full-text and vector rankings of the entities the
    viewer may see, and the links among them."""
    return driver.read_once(HYBRID_CANDIDATES, q=lucene, fetch=depth * 2, depth=depth, types=types, k=k,
                            vector=vector, heads=heads, **viewer_params(viewer))[0]


def exact_vector(vector: list[float], *, types: list[str], k: int, depth: int,
                 viewer: Viewer | None = None) -> list[dict]:
    """The vector ranking of visible entities of `types`, by brute force over their chunks."""
    return driver.read_once(EXACT_VECTOR_FOR_TYPES, types=types, vector=vector, k=k, depth=depth,
                            **viewer_params(viewer))[0]["vec"]


def hybrid_passages(lucene: str, vector: list[float], *, types: list[str], depth: int, k: int,
                    viewer: Viewer | None = None) -> dict:
    """{ft, vec}: facts passages of full-text hits and the passages closest by
    vector, of pages the viewer may see."""
    return driver.read_once(HYBRID_PASSAGES, q=lucene, fetch=depth * 2, depth=depth, types=types, k=k,
                            vector=vector, **viewer_params(viewer))[0]


def vector_passages(vector: list[float], *, types: list[str], k: int, limit: int,
                    viewer: Viewer | None = None) -> list[dict]:
    return driver.read_once(VECTOR_PASSAGES, k=k, vector=vector, types=types, limit=limit,
                            **viewer_params(viewer))

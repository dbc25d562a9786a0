"""Named, parameterized Cypher. Values always travel as $parameters; labels
and relationship types are interpolated only from graph.model's allow-lists
(Cypher cannot parameterize them), by the small builders at the bottom."""
from __future__ import annotations

from functools import lru_cache

from .model import LABELS, PAGE_LABELS, RELATIONSHIPS, check_label, check_relationship

CHANGE_INITIAL_PASSWORD = "ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $new"

# --- schema ------------------------------------------------------------
FULLTEXT_INDEX = "entity_text"
# Passage vectors for semantic search (graph/chunks.py); all-MiniLM-L6-v2 -> 384 dims.
VECTOR_INDEX = "chunk_embedding"
EMBEDDING_DIMENSIONS = 384
SCHEMA_STATEMENTS = [
    *[f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE"
      for label in LABELS],
    # One revision number per page, even if two saves raced past their lock.
    "CREATE CONSTRAINT page_revision_id IF NOT EXISTS FOR (r:PageRevision) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX page_revision_at IF NOT EXISTS FOR (r:PageRevision) ON (r.at)",
    "CREATE INDEX entity_key IF NOT EXISTS FOR (n:Entity) ON (n.key)",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    "CREATE INDEX entity_updated IF NOT EXISTS FOR (n:Entity) ON (n.updated_at)",
    "CREATE INDEX entity_source IF NOT EXISTS FOR (n:Entity) ON (n.source, n.source_id)",
    "CREATE INDEX person_email IF NOT EXISTS FOR (n:Person) ON (n.email)",
    "CREATE INDEX person_employee_id IF NOT EXISTS FOR (n:Person) ON (n.employee_id)",
    "CREATE INDEX person_slack_id IF NOT EXISTS FOR (n:Person) ON (n.slack_id)",
    # SCIM (ingest/scim): ids and userNames are unique so concurrent creates cannot duplicate.
    "CREATE CONSTRAINT person_scim_id IF NOT EXISTS FOR (n:Person) REQUIRE n.scim_id IS UNIQUE",
    "CREATE CONSTRAINT person_scim_user_name IF NOT EXISTS FOR (n:Person) REQUIRE n.scim_user_name_lc IS UNIQUE",
    "CREATE CONSTRAINT team_scim_id IF NOT EXISTS FOR (n:Team) REQUIRE n.scim_id IS UNIQUE",
    "CREATE INDEX person_scim_external_id IF NOT EXISTS FOR (n:Person) ON (n.scim_external_id)",
    "CREATE INDEX team_scim_display_name IF NOT EXISTS FOR (n:Team) ON (n.scim_display_name_lc)",
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
    f"FOR (n:{'|'.join(PAGE_LABELS)}) ON EACH [n.name, n.aliases_text, n.summary, n.body]",
    "CREATE CONSTRAINT chunk_key IF NOT EXISTS FOR (c:Chunk) REQUIRE c.key IS UNIQUE",
    "CREATE INDEX chunk_entity IF NOT EXISTS FOR (c:Chunk) ON (c.entity_key)",
    "CREATE INDEX chunk_label IF NOT EXISTS FOR (c:Chunk) ON (c.label)",
    f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS FOR (c:Chunk) ON (c.embedding) "
    f"OPTIONS {{indexConfig: {{`vector.dimensions`: {EMBEDDING_DIMENSIONS}, "
    f"`vector.similarity_function`: 'cosine'}}}}",
]
SHOW_INDEXES = "SHOW INDEXES YIELD name, state RETURN name, state"
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

# --- maintenance -------------------------------------------------------
COUNT_NODES = "MATCH (n) RETURN count(n) AS n"
COUNT_BY_LABEL = """
UNWIND $labels AS label
CALL (label) { MATCH (n:Entity) WHERE label IN labels(n) RETURN count(n) AS c }
RETURN label, c
"""
DELETE_ALL_BATCH = """
MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted
"""


# --- builders (shape varies by label or type) ----------------------------
@lru_cache(maxsize=None)
def merge_entities_query(label: str) -> str:
    """MERGE a batch of entities of one label. Rows whose content hash is
    unchanged are left alone, so re-loading the same data writes nothing
    (except `last_seen`, which moves at most once a day)."""
    check_label(label)
    extra_label = "n:Entity, " if label in PAGE_LABELS else ""
    return f"""
UNWIND $rows AS row
MERGE (n:{label} {{key: row.key}})
ON CREATE SET {extra_label}n.created_at = $now, n.first_seen = $today
FOREACH (_ IN CASE WHEN n.last_seen = $today THEN [] ELSE [1] END | SET n.last_seen = $today)
WITH n, row
WHERE n.content_hash IS NULL OR n.content_hash <> row.hash
SET n += row.props,
    n.name = row.name,
    n.summary = row.summary,
    n.body = CASE WHEN n.body_edited_by IS NULL THEN row.body ELSE n.body END,
    n.aliases = row.aliases,
    n.aliases_text = reduce(s = '', a IN row.aliases | s + a + ' '),
    n.source = row.source,
    n.source_id = row.source_id,
    n.content_hash = row.hash,
    n.updated_at = $now
RETURN count(n) AS changed
"""


@lru_cache(maxsize=None)
def merge_edges_query(rel: str, src_label: str, dst_label: str) -> str:
    """MERGE a batch of edges of one type between two labels; returns the rows
    whose endpoints do not exist so the caller can report them."""
    check_relationship(rel, src_label, dst_label)
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (a:{src_label} {{key: row.src}})
OPTIONAL MATCH (b:{dst_label} {{key: row.dst}})
FOREACH (_ IN CASE WHEN a IS NULL OR b IS NULL THEN [] ELSE [1] END |
  MERGE (a)-[r:{rel}]->(b)
  ON CREATE SET r.created_at = $now, r.source = row.source
  FOREACH (_ IN CASE WHEN coalesce(r.props_hash, '') = row.hash THEN [] ELSE [1] END |
    SET r += row.props, r.props_hash = row.hash))
WITH row, a, b
WHERE a IS NULL OR b IS NULL
RETURN row.i AS i, a IS NULL AS missing_src, b IS NULL AS missing_dst
"""


ALL_REL_TYPES = tuple(RELATIONSHIPS)

"""Named, parameterized Cypher. Values always travel as $parameters; labels
and relationship types are interpolated only from graph.model's allow-lists
(Cypher cannot parameterize them). Writes of ingested and edited state are
in graph.writes."""
from __future__ import annotations

from .model import LABELS, PAGE_LABELS, RELATIONSHIPS

CHANGE_INITIAL_PASSWORD = "ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $new"

# --- schema ------------------------------------------------------------
FULLTEXT_INDEX = "entity_text"
TITLE_INDEX = "person_title"
LOCATION_INDEX = "person_location"
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
    # The few restricted people, found without reading everyone's restriction
    # (a department page's hidden members, graph/pages.py).
    "CREATE INDEX person_restricted IF NOT EXISTS FOR (n:Person) ON (n.restricted_to)",
    # People by the words of their title ("who is our chief of staff"), so a
    # title question does not read every person's title (graph/question_query.py).
    f"CREATE FULLTEXT INDEX {TITLE_INDEX} IF NOT EXISTS FOR (n:Person) ON EACH [n.title]",
    f"CREATE FULLTEXT INDEX {LOCATION_INDEX} IF NOT EXISTS FOR (n:Person) ON EACH [n.location]",
    # The Restricted label follows `restricted_to` (graph/access.py); a graph
    # written before the label existed gets it here.
    "MATCH (n:Entity) WHERE size(coalesce(n.restricted_to, [])) > 0 AND NOT n:Restricted SET n:Restricted",
    "MATCH (n:Restricted) WHERE size(coalesce(n.restricted_to, [])) = 0 REMOVE n:Restricted",
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


ALL_REL_TYPES = tuple(RELATIONSHIPS)

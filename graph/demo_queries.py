"""Cypher for the demo loader and the load benchmark: what the graph holds."""

# One round trip: node counts per label and relationship counts per type.
# A scan, which is fine for a report printed once per load.
GRAPH_COUNTS = """
MATCH (n) UNWIND labels(n) AS name RETURN 'label' AS what, name, count(*) AS n
UNION ALL
MATCH ()-[r]->() RETURN 'type' AS what, type(r) AS name, count(*) AS n
"""

"""What the graph holds, for operators: node and relationship counts (the demo
loader, `manage.py demo` and the load benchmark print them) and whether any page exists."""
from __future__ import annotations

from . import driver

# One round trip: node counts per label and relationship counts per type.
# A scan, which is fine for a report printed once per load.
GRAPH_COUNTS = """
MATCH (n) UNWIND labels(n) AS name RETURN 'label' AS what, name, count(*) AS n
UNION ALL
MATCH ()-[r]->() RETURN 'type' AS what, type(r) AS name, count(*) AS n
"""
HAS_PAGES = "RETURN EXISTS { MATCH (:Entity) } AS any"


def graph_counts() -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, relationships per type) currently in the graph."""
    labels: dict[str, int] = {}
    types: dict[str, int] = {}
    for row in driver.read(GRAPH_COUNTS):
        (labels if row["what"] == "label" else types)[row["name"]] = row["n"]
    return labels, types


def has_pages() -> bool:
    """Whether any page node exists (the demo loads only into an empty graph)."""
    return driver.read(HAS_PAGES)[0]["any"]


def reachable() -> bool:
    """Whether Neo4j answers (for /healthz?graph=1)."""
    return driver.ping()

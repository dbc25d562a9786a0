"""Read-only lookups ingest connectors use to resolve references (CODEOWNERS
owners, @mentions and wiki links in docs) to existing entities."""
from __future__ import annotations

from . import driver
from .model import PAGE_LABELS

# Every page entity's identity fields, in one round trip. A few thousand rows
# even for a large org, small enough to hold in memory while a source is read.
ENTITY_DIRECTORY = """
MATCH (n:Entity)
WITH n, [l IN labels(n) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
RETURN label, n.key AS key, n.name AS name, coalesce(n.aliases, []) AS aliases,
       n.email AS email, n.github AS github
"""


def entity_directory(labels: tuple[str, ...] = PAGE_LABELS) -> list[dict]:
    """label, key, name, aliases, email and github handle of every page entity."""
    return driver.read(ENTITY_DIRECTORY, labels=[l for l in labels if l in PAGE_LABELS])

"""Applies constraints and indexes idempotently (`manage.py migrate_graph`, and at start)."""
from __future__ import annotations

from . import driver, queries


def migrate(wait_seconds: int = 120) -> list[str]:
    """Create every constraint and index that is missing, then wait until they
    are online. Returns the names of the indexes now present."""
    for statement in queries.SCHEMA_STATEMENTS:
        driver.write(statement)
    driver.write(queries.AWAIT_INDEXES, seconds=wait_seconds)
    return sorted(r["name"] for r in driver.read(queries.SHOW_INDEXES))


def wipe(batch: int = 10000) -> None:
    """Delete every node and relationship (tests and `demo --reset`), in batches
    so a large graph does not need one huge transaction."""
    while True:
        rows, _ = driver.write(queries.DELETE_ALL_BATCH, limit=batch)
        if not rows or rows[0]["deleted"] == 0:
            return

"""The Cypher side of the write core: every statement that changes ingested
state (nodes with their revisions, edges, ending edges as PAST_*) and the
one transaction runner. The decisions (who wins a field, provenance, what
to close) are made by `ingest.actions` and `ingest.provenance`; nothing here
knows about sources or requests.

Values always travel as $parameters; labels and relationship types are
interpolated only from graph.model's allow-lists by the small cached
builders below (Cypher cannot parameterize them).
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable, TypeVar

from . import driver
from .access import restriction_step
from .model import HISTORIZED, PAGE_LABELS, check_label, check_relationship

REVISION_LABEL = "Revision"
T = TypeVar("T")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- the shared clauses ------------------------------------------------------
def revisions_clause(node: str, revisions: str) -> str:
    """Keep previous values: one `(node)-[:HAD]->(:Revision)` per map in the
    list expression `revisions` ({field, value, valid_from, valid_to, source})."""
    return (f"FOREACH (rv IN {revisions} |\n"
            f"  CREATE ({node})-[:HAD]->(:{REVISION_LABEL} {{field: rv.field, value: rv.value, "
            f"valid_from: rv.valid_from, valid_to: rv.valid_to, source: rv.source}}))")


def closing_clause(rel: str, a: str, r: str, b: str, valid_to: str, source: str) -> str:
    """End the matched current edge `(a)-[r:rel]->(b)`: a historized type is
    re-typed PAST_<TYPE> with its properties, `valid_to` and `closed_by`, so
    current-state reads never see it; any other type carries no history and
    is deleted. The only place edges are ended."""
    if rel in HISTORIZED:
        return (f"CREATE ({a})-[past:PAST_{rel}]->({b})\n"
                f"SET past = properties({r}), past.valid_to = {valid_to}, past.closed_by = {source}\n"
                f"DELETE {r}")
    return f"DELETE {r}"


def opening_clause(r: str, source: str) -> str:
    """Provenance of an edge created by a single-record write (SCIM): the same
    properties the merge plan gives a new edge."""
    return (f"ON CREATE SET {r}.source = {source}, {r}.sources = [{source}], {r}.created_at = $now, "
            f"{r}.valid_from = $today, {r}.first_seen = $today, {r}.last_seen = $today")


# --- batch writes (UNWIND; the merge plan) -------------------------------------
@lru_cache(maxsize=None)
def upsert_nodes_query(label: str) -> str:
    """Create or update nodes with precomputed property changes. `row.set`
    holds only changed properties (null removes one); the body is written only
    while no person has edited it; `row.revisions` keep previous values."""
    check_label(label)
    extra_label = "n:Entity, " if label in PAGE_LABELS else ""
    return f"""
UNWIND $rows AS row
MERGE (n:{label} {{key: row.key}})
ON CREATE SET {extra_label}n.created_at = $now
SET n += row.set
FOREACH (_ IN CASE WHEN row.body IS NOT NULL AND n.body_edited_by IS NULL
                   AND coalesce(n.body, '') <> row.body THEN [1] ELSE [] END | SET n.body = row.body)
{revisions_clause("n", "row.revisions")}
RETURN count(*) AS n
"""


@lru_cache(maxsize=None)
def upsert_edges_query(rel: str, src_label: str, dst_label: str) -> str:
    """Create or update edges of one type between two labels with precomputed
    property changes (`row.set`; null removes a property)."""
    check_relationship(rel, src_label, dst_label)
    return f"""
UNWIND $rows AS row
MATCH (a:{src_label} {{key: row.src}})
MATCH (b:{dst_label} {{key: row.dst}})
MERGE (a)-[r:{rel}]->(b)
SET r += row.set
RETURN count(*) AS n
"""


@lru_cache(maxsize=None)
def close_edges_query(rel: str, src_label: str, dst_label: str) -> str:
    """End the given current edges (rows {src, dst, valid_to, source})."""
    check_relationship(rel, src_label, dst_label)
    return f"""
UNWIND $rows AS row
MATCH (a:{src_label} {{key: row.src}})-[r:{rel}]->(b:{dst_label} {{key: row.dst}})
{closing_clause(rel, "a", "r", "b", "row.valid_to", "row.source")}
RETURN count(*) AS n
"""


# --- running ---------------------------------------------------------------------
class Tx:
    """One open write transaction: `run` sends a statement and returns its
    records as dicts."""

    def __init__(self, tx):
        self._tx = tx

    def run(self, query: str, **params: Any) -> list[dict]:
        driver._count(query)
        return [r.data() for r in self._tx.run(query, params)]

    def run_counted(self, query: str, **params: Any):
        """Send a statement whose records do not matter; its summary counters."""
        driver._count(query)
        return self._tx.run(query, params).consume().counters


def in_transaction(work: Callable[[Tx], T], what: str = "write") -> T:
    """Run `work(tx)` in one write transaction (all or nothing; the driver
    retries it on transient errors, so `work` must only read and write
    through `tx`). Driver errors are wrapped like graph.driver.write's."""
    with driver.wrapped_errors(what):
        with driver.get_driver().session(database=driver.database()) as session:
            return session.execute_write(lambda tx: work(Tx(tx)))


def write_steps(steps: list[tuple[str, dict[str, Any]]], what: str = "write") -> list[list[dict]]:
    """Several statements in one transaction; each statement's records."""
    return in_transaction(lambda tx: [tx.run(query, **params) for query, params in steps], what)


def _write_rows(query: str, rows: list[dict], now: str):
    return driver.write(query, rows=rows, now=now)[1]


def write_node_rows(label: str, rows: list[dict], now: str):
    """Upsert one chunk of a plan's node rows ({key, set, body, revisions}) in
    one transaction, which also gives the chunk's pages the restriction the
    stored rules call for (graph.access). Returns Neo4j's summary counters
    and the keys whose restriction changed."""
    def work(tx: Tx):
        counters = tx.run_counted(upsert_nodes_query(label), rows=rows, now=now)
        if label not in PAGE_LABELS:
            return counters, []
        query, params = restriction_step([r["key"] for r in rows])
        return counters, [r["key"] for r in tx.run(query, **params)]

    return in_transaction(work, f"{label} rows")


def write_edge_rows(rel: str, src_label: str, dst_label: str, rows: list[dict], now: str):
    """Upsert one chunk of edge rows ({src, dst, set}); returns the counters."""
    return _write_rows(upsert_edges_query(rel, src_label, dst_label), rows, now)


def close_edge_rows(rel: str, src_label: str, dst_label: str, rows: list[dict], now: str):
    """End one chunk of edges ({src, dst, valid_to, source}) as PAST_*; returns the counters."""
    return _write_rows(close_edges_query(rel, src_label, dst_label), rows, now)

"""What the graph holds that a sync diffs its batch against (ingest/merge.py):
the nodes of a label, the record fingerprints the merge left, the nodes a
source asserted, and current edges. Its writes are the write core's
(graph.writes); as-of reads of the history it keeps are in graph.history.

Values always travel as $parameters; labels and relationship types are
interpolated only from graph.model's allow-lists by the small cached builders
below (Cypher cannot parameterize them). Large reads come back as one
collected record of plain tuples: the driver's per-record cost, not the
server, dominated reading 10,000 rows as records (0.71 s vs 0.44 s collected).

Storage the merge engine maintains (see ingest/merge.py for the why):
- on every ingested node: `prov` (JSON string: per-field source, source id and
  since-date; per-source source id, first/last seen, stale_since), `sources`
  (list of source names), `stale_since`, and `status: 'retired'` + `retired_at` once retired;
- `sync_fp`: one entry per source, "source<US>source_id<US>day<US>hash of the
  record", written with the record's changes (see ingest/merge.py, fast path);
- on every ingested edge: `sources` (list), `source`, `source_id` (when the
  source gives one), `first_seen`, `last_seen`, and for historized types `valid_from`;
  an ended historized edge is re-typed PAST_<TYPE> with `valid_to`;
- a changed property keeps its previous value as
  `(n)-[:HAD]->(:Revision {field, value, valid_from, valid_to, source})`.
Dates are ISO strings 'YYYY-MM-DD' so they compare correctly as text.
"""
from __future__ import annotations

from functools import lru_cache

from . import driver
from .model import RELATIONSHIPS, check_label

@lru_cache(maxsize=None)
def fetch_nodes_query(label: str) -> str:
    """Every node of a label with the requested properties (aligned with
    $fields), so the merge can resolve identities and diff in memory. Only the
    named fields travel: embeddings and other engineers' props stay home.
    Returns one record holding all rows (`rows`: [[key, vals], ...]): the
    driver's per-record cost, not the server, dominated reading 10,000 rows
    as records (0.71 s vs 0.44 s collected)."""
    check_label(label)
    return f"MATCH (n:{label}) RETURN collect([n.key, [f IN $fields | n[f]]]) AS rows"


# Every node of a label with only what the no-op check needs: its key, the
# per-source record fingerprints the merge left (`sync_fp`) and `sources`.
@lru_cache(maxsize=None)
def fetch_fingerprints_query(label: str) -> str:
    check_label(label)
    return f"MATCH (n:{label}) RETURN collect([n.key, n.sync_fp, n.sources]) AS rows"


# Nodes a full sync of $source may have to mark stale or retire, of labels
# not already read for the batch (one collected record, as above).
FETCH_SOURCE_NODES = """
MATCH (n:Entity) WHERE $source IN n.sources AND none(l IN labels(n) WHERE l IN $skip_labels)
RETURN collect([[l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0], n.key, [f IN $fields | n[f]]]) AS rows
"""

# Current edges the merge must know: every edge of the batch's types (for
# single-valued relations and diffs) and, for a full sync, every current edge
# of the other types this source asserted. Types are spelled out so the
# relationship type index is used and history (PAST_*, HAD) is never scanned.
# The batch's types get one branch per allowed (source label, target label)
# pair, so labels come from the pattern instead of being computed per row,
# and the fixed properties are read by name rather than through a dynamic
# `r[f]` (together 0.30 s instead of 0.61 s for 25,000 edges; even an empty
# `[f IN $fields | r[f]]` costs 0.23 s there, so it is added only when the
# batch's edges carry props of their own, read as $fields). Each branch
# returns one collected record.
@lru_cache(maxsize=None)
def fetch_edges_query(types: tuple[str, ...], others: tuple[str, ...] = (), with_fields: bool = False) -> str:
    row = "r.sources, r.source, r.last_seen" + (", [f IN $fields | r[f]]" if with_fields else "")
    # A batch may state ended edges (PAST_*) as history it knows; only the
    # other types of a full sync must be current ones.
    for rel in types + others:
        if rel not in RELATIONSHIPS or (rel in others and rel.startswith("PAST_")):
            raise ValueError(f"not a current relationship type: {rel!r}")
    parts = [f"MATCH (a:{sl})-[r:{rel}]->(b:{dl})\n"
             f"RETURN collect(['{rel}', '{sl}', a.key, '{dl}', b.key, {row}]) AS rows"
             for rel in types for sl in RELATIONSHIPS[rel][0] for dl in RELATIONSHIPS[rel][1]]
    if others:
        parts.append(f"MATCH (a)-[r:{'|'.join(others)}]->(b)\n"
                     "WHERE $source IN coalesce(r.sources, [r.source])\n"
                     "RETURN collect([type(r), [l IN labels(a) WHERE NOT l IN ['Entity', 'Restricted']][0], a.key,\n"
                     f"                [l IN labels(b) WHERE NOT l IN ['Entity', 'Restricted']][0], b.key, {row}]) AS rows")
    return "\nUNION ALL\n".join(parts)


CURRENT_TYPES = tuple(t for t in RELATIONSHIPS if not t.startswith("PAST_"))


# Current edges of the given types touching the given nodes ({label, key}),
# for ending them when a node retires or a person leaves.
FETCH_EDGES_OF_NODES = """
UNWIND $nodes AS node
MATCH (n:Entity {key: node.key}) WHERE node.label IN labels(n)
MATCH (n)-[r]-(m)
WHERE type(r) IN $types
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
RETURN type(r) AS type,
       [l IN labels(a) WHERE NOT l IN ['Entity', 'Restricted']][0] AS src_label, a.key AS src,
       [l IN labels(b) WHERE NOT l IN ['Entity', 'Restricted']][0] AS dst_label, b.key AS dst,
       properties(r) AS props
"""


def _collected(query: str, **params) -> list:
    """The rows of a read that returns them as one collected list."""
    records = driver.read_tuples(query, **params)
    return records[0][0] if records else []


def node_fields(label: str, fields: list[str]) -> list[list]:
    """[key, [values of `fields`]] of every node of a label."""
    return _collected(fetch_nodes_query(label), fields=fields)


def fingerprints(label: str) -> list[list]:
    """[key, sync_fp, sources] of every node of a label."""
    return _collected(fetch_fingerprints_query(label))


def source_nodes(source: str, fields: list[str], skip_labels: list[str]) -> list[list]:
    """[label, key, [values]] of every node `source` asserted, of labels not in `skip_labels`."""
    return _collected(FETCH_SOURCE_NODES, source=source, fields=fields, skip_labels=skip_labels)


def current_edges(types: tuple[str, ...], others: tuple[str, ...], source: str, fields: list[str]) -> list[list]:
    """Rows [type, src label, src, dst label, dst, sources, source, last_seen(, [field values])]
    of every current edge of `types`, and of `others` that `source` asserted."""
    rows = []
    for (part,) in driver.read_tuples(fetch_edges_query(types, others, bool(fields)), source=source, fields=fields):
        rows.extend(part)
    return rows


def edges_of_nodes(nodes: list[dict], types: list[str]) -> list[dict]:
    """Current edges of `types` touching the nodes ({label, key}):
    [{type, src_label, src, dst_label, dst, props}]."""
    return driver.read(FETCH_EDGES_OF_NODES, nodes=nodes, types=types)

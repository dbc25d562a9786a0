"""Cypher for the reads of the ingest merge engine (ingest/merge.py; its
writes are in graph.writes, the write core's Cypher) and the as-of history
reads the assistant and wiki use ("who owned the ledger service last March?").

Values always travel as $parameters; labels and relationship types are
interpolated only from graph.model's allow-lists by the small cached builders
below (Cypher cannot parameterize them).

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

# --- reads for the merge (one round trip per label / per batch) ----------------
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
RETURN collect([[l IN labels(n) WHERE l <> 'Entity'][0], n.key, [f IN $fields | n[f]]]) AS rows
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
                     "RETURN collect([type(r), [l IN labels(a) WHERE l <> 'Entity'][0], a.key,\n"
                     f"                [l IN labels(b) WHERE l <> 'Entity'][0], b.key, {row}]) AS rows")
    return "\nUNION ALL\n".join(parts)


CURRENT_TYPES = tuple(t for t in RELATIONSHIPS if not t.startswith("PAST_"))

# --- as-of reads ------------------------------------------------------------------
# An edge is valid on $date when valid_from <= $date < valid_to (no valid_to:
# still current; no valid_from: it predates history and counts from the start).
_VALID_ON = ("coalesce(r.valid_from, '0000-00-00') <= $date "
             "AND (r.valid_to IS NULL OR $date < r.valid_to)")

OWNERS_AS_OF = f"""
MATCH (s:Entity {{key: $key}}) WHERE $label IN labels(s)
MATCH (o:Entity)-[r:OWNS|PAST_OWNS]->(s)
WHERE {_VALID_ON}
RETURN [l IN labels(o) WHERE l <> 'Entity'][0] AS label, o.key AS key, o.name AS name,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

MEMBERS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE $label IN labels(t)
MATCH (p:Person)-[r:MEMBER_OF|PAST_MEMBER_OF]->(t)
WHERE {_VALID_ON}
RETURN p.key AS key, p.name AS name, r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

MANAGER_AS_OF = f"""
MATCH (p:Person {{key: $key}})-[r:REPORTS_TO|PAST_REPORTS_TO]->(m:Person)
WHERE {_VALID_ON}
RETURN m.key AS key, m.name AS name, r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY valid_from DESC
"""

TEAMS_OF_PERSON_AS_OF = f"""
MATCH (p:Person {{key: $key}})-[r:MEMBER_OF|PAST_MEMBER_OF]->(t:Entity)
WHERE {_VALID_ON}
RETURN [l IN labels(t) WHERE l <> 'Entity'][0] AS label, t.key AS key, t.name AS name,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY key
"""

# A property's value on $date: the current value if it was set by then, else
# the revision whose [valid_from, valid_to) holds the date.
PROPERTY_AS_OF = """
MATCH (n:Entity {key: $key}) WHERE $label IN labels(n)
OPTIONAL MATCH (n)-[:HAD]->(rv:Revision {field: $field})
WHERE coalesce(rv.valid_from, '0000-00-00') <= $date AND $date < rv.valid_to
WITH n, rv ORDER BY rv.valid_to DESC LIMIT 1
RETURN CASE WHEN rv IS NOT NULL THEN rv.value ELSE n[$field] END AS value,
       rv IS NOT NULL AS from_revision, rv.source AS source
"""

PROPERTY_HISTORY = """
MATCH (n:Entity {key: $key})-[:HAD]->(rv:Revision) WHERE $label IN labels(n)
  AND ($field IS NULL OR rv.field = $field)
RETURN rv.field AS field, rv.value AS value, rv.valid_from AS valid_from, rv.valid_to AS valid_to,
       rv.source AS source
ORDER BY rv.valid_to DESC, rv.field
"""


def owners_as_of(label: str, key: str, date: str) -> list[dict]:
    """Who owned a System/Process/Topic on `date` ('YYYY-MM-DD'): [{label, key, name, valid_from, valid_to}]."""
    return driver.read(OWNERS_AS_OF, label=check_label(label), key=key, date=str(date))


def members_as_of(label: str, key: str, date: str) -> list[dict]:
    """Direct members of a Team/Department on `date`: [{key, name, valid_from, valid_to}]."""
    return driver.read(MEMBERS_AS_OF, label=check_label(label), key=key, date=str(date))


def manager_as_of(person_key: str, date: str) -> dict | None:
    """The person's manager on `date`, or None: {key, name, valid_from, valid_to}."""
    rows = driver.read(MANAGER_AS_OF, key=person_key, date=str(date))
    return rows[0] if rows else None


def teams_as_of(person_key: str, date: str) -> list[dict]:
    """The teams/departments a person was a direct member of on `date`."""
    return driver.read(TEAMS_OF_PERSON_AS_OF, key=person_key, date=str(date))


def property_as_of(label: str, key: str, field: str, date: str):
    """A property's value on `date` (e.g. a person's title last March); None
    when the entity does not exist."""
    rows = driver.read(PROPERTY_AS_OF, label=check_label(label), key=key, field=field, date=str(date))
    return rows[0]["value"] if rows else None


def property_history(label: str, key: str, field: str | None = None) -> list[dict]:
    """Previous values of a page's properties, newest first ("previously: …")."""
    return driver.read(PROPERTY_HISTORY, label=check_label(label), key=key, field=field)

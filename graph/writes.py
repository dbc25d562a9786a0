"""The merge path every source goes through: validate normalized records,
then MERGE them in UNWIND batches (one round trip per label or edge type per
chunk). Bad records become Problems naming the item; the rest still loads."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import driver, queries
from .errors import InvalidInput
from .model import Batch, Edge, Entity, Problem

CHUNK = 2000


@dataclass
class MergeResult:
    entities_in: int = 0
    entities_changed: int = 0
    nodes_created: int = 0
    edges_in: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def wrote_nothing(self) -> bool:
        return self.nodes_created == 0 and self.relationships_created == 0 and self.entities_changed == 0 \
            and self.properties_set == 0


def _hash(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _entity_row(e: Entity) -> dict:
    row = {"key": e.key, "name": e.name.strip(), "summary": e.summary or "", "body": e.body or "",
           "aliases": sorted(set(a.strip() for a in e.aliases if a.strip())),
           "props": e.props, "source": e.source, "source_id": e.source_id or e.key}
    row["hash"] = _hash(row)
    return row


def _chunks(rows: list, size: int = CHUNK):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def merge_batch(batch: Batch) -> MergeResult:
    """Merge a source's entities, then its edges. Never raises for a bad record:
    it is reported in `result.problems` (with the batch's own problems)."""
    result = MergeResult(problems=list(batch.problems))
    now = now_iso()
    today = now[:10]

    by_label: dict[str, dict[str, dict]] = defaultdict(dict)
    for e in batch.entities:
        try:
            e.source = e.source or batch.source
            e.validate()
        except InvalidInput as err:
            result.problems.append(Problem(e.source_id or batch.source, f"{e.label}:{e.key}", str(err)))
            continue
        # Later duplicates of the same key win, like a dict update.
        by_label[e.label][e.key] = _entity_row(e)
    for label, rows in by_label.items():
        query = queries.merge_entities_query(label)
        for chunk in _chunks(list(rows.values())):
            records, counters = driver.write(query, rows=chunk, now=now, today=today)
            result.entities_in += len(chunk)
            result.entities_changed += records[0]["changed"] if records else 0
            result.nodes_created += counters.nodes_created
            result.properties_set += counters.properties_set

    groups: dict[tuple, list[tuple[Edge, dict]]] = defaultdict(list)
    seen = set()
    for ed in batch.edges:
        try:
            ed.validate()
        except InvalidInput as err:
            result.problems.append(Problem(ed.source or batch.source, f"{ed.src_key}-{ed.type}->{ed.dst_key}",
                                           str(err)))
            continue
        ident = (ed.type, ed.src_label, ed.src_key, ed.dst_label, ed.dst_key)
        if ident in seen:
            continue
        seen.add(ident)
        row = {"src": ed.src_key, "dst": ed.dst_key, "props": ed.props, "source": ed.source or batch.source}
        # No props (most edges): an empty hash matches the missing props_hash, so the
        # merge sets nothing beyond created_at/source (~8% fewer writes on a bulk load).
        row["hash"] = _hash(ed.props) if ed.props else ""
        groups[(ed.type, ed.src_label, ed.dst_label)].append((ed, row))
    for (rel, src_label, dst_label), pairs in groups.items():
        query = queries.merge_edges_query(rel, src_label, dst_label)
        for chunk in _chunks(pairs):
            rows = [dict(row, i=i) for i, (_, row) in enumerate(chunk)]
            records, counters = driver.write(query, rows=rows, now=now)
            result.edges_in += len(rows)
            result.relationships_created += counters.relationships_created
            result.properties_set += counters.properties_set
            for rec in records:
                ed = chunk[rec["i"]][0]
                missing = []
                if rec["missing_src"]:
                    missing.append(f"{ed.src_label} {ed.src_key!r}")
                if rec["missing_dst"]:
                    missing.append(f"{ed.dst_label} {ed.dst_key!r}")
                result.problems.append(Problem(ed.source or batch.source, f"{ed.src_key}-{rel}->{ed.dst_key}",
                                               f"unknown {' and '.join(missing)}; edge not created"))
    return result

"""The ingest merge engine: `sync(batch, full=..., dry_run=...)` turns one
connector's normalized Batch into graph changes, with identity resolution,
per-field provenance and priorities, history, staleness and dry runs.

How a sync runs (round trips are per label or per chunk, never per row):
1. validate records (bad ones are rejected with their source id and reason);
2. read the current state: first one light query per label (keys and the
   per-source record fingerprints `sync_fp`); records whose fingerprint this
   source left today are settled without more reading (`_settle`); labels
   with any other record are read in full (only the fields the merge needs).
   All current edges of the batch's types and, for a full snapshot, every
   node and edge this source asserted before, are read too (the edges on a
   helper thread, overlapping the node work);
3. resolve identities in memory (`ingest.identity`): source id, employee id,
   work email, Slack id, key, then a unique alias/name match — so a person
   from HR, SCIM and the catalog is one node; edges are re-pointed;
4. decide per field who wins (`KIKI_FIELD_PRIORITY`, earlier source wins;
   a source always overrides itself), record conflicts, and diff against the
   current state — only rows that change are written, so an identical
   re-sync writes nothing (Neo4j's counters stay at zero);
5. hand the plan to the write core (`ingest.actions.do_apply_plan`), which
   writes it in `UNWIND` chunks of `KIKI_INGEST_CHUNK` rows (one transaction
   each, node chunks two at a time); a crash mid-way leaves a prefix that the
   next run completes, because the desired state is recomputed from the graph.

Provenance is kept on the node itself, not in side nodes, so current-state
reads stay a plain property read: `prov` (see `ingest.provenance`, which
also decides field priority for SCIM), plus a `sources` list for lookups.
Edges carry `sources`, `source`, `first_seen`, `last_seen` (and `source_id`
when the connector gives one).

History: a historized edge (graph.model.HISTORIZED) gets `valid_from` when it
starts; when it ends it is re-typed PAST_<TYPE> with `valid_to` (current reads
match plain types only). A changed property keeps its previous value in
`(n)-[:HAD]->(:Revision {field, value, valid_from, valid_to, source})`.
`graph.history` answers as-of questions from both.

Staleness: a node missing from a full snapshot of a source that asserted it
gets `stale_since` (per source in `prov`, the earliest on the node); after
`KIKI_STALE_GRACE_DAYS` it is retired — `status: 'retired'`, `retired_at`,
its current historized edges closed — never deleted. Seen again, it revives.
An edge missing from a full snapshot loses that source; with no source left
it is closed. Bodies edited by people (`body_edited_by`) are never
overwritten; ingest writes only the fields it owns.

Limits: a lower-priority source's losing value is reported as a conflict but
not stored, so if the winning source later drops the field the loser's value
returns only on its next sync; connectors cannot express "field cleared"
(None is dropped), so a field a source stops sending keeps its last value.
"""
from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from django.conf import settings

from graph import sync_state
from graph.model import HISTORIZED, Batch, Edge, Entity, Problem
from graph.org_units import INFERENCE
from kiki.errors import InvalidInput

from . import actions, provenance as pv
from .identity import Resolver
from .provenance import rank, wins

# Fields the merge reads for every node it may touch.
BOOK_FIELDS = ("prov", "sources", "stale_since", "status", "retired_at",
               "body_edited_by", "first_seen", "last_seen", "source", "source_id", "name",
               "summary", "body", "aliases", "aliases_text", "email", "employee_id", "slack_id", "sync_fp")
# Written by the merge for bookkeeping; never tracked as history or conflicts.
NOT_HISTORY = {"prov", "sources", "stale_since", "first_seen", "last_seen",
               "updated_at", "created_at", "aliases_text", "source", "source_id", "retired_at",
               "body", "aliases", "sync_fp"}
# Single-valued relations: which end holds at most one current edge, and the
# priority field that decides between sources.
# Edge properties the edge diff reads (plus the batch's own edge props): who
# asserts it and when it was last seen. first_seen/valid_from are written
# only on create, so they need not travel (a third less to read per edge).
EDGE_FIELDS = ("sources", "source", "last_seen")
SINGLE_VALUED = {"REPORTS_TO": ("src", "manager"), "OWNS": ("dst", "owner"), "PART_OF": ("src", "parent")}
SAMPLE_SIZE = 10
FP_SEP = "\x1f"  # unit separator; a source id containing it only misses the fast path

Progress = Callable[[str, int, int], None]


@dataclass
class Conflict:
    """Two sources disagree on one field (or single-valued edge) of one entity."""
    label: str
    key: str
    field: str
    kept_value: Any
    kept_source: str
    other_value: Any
    other_source: str

    def __str__(self) -> str:
        return (f"{self.label} {self.key} {self.field}: kept {self.kept_value!r} from {self.kept_source}, "
                f"not {self.other_value!r} from {self.other_source}")


@dataclass
class SyncReport:
    source: str
    full: bool
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    retired: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    edges_closed: int = 0
    rejected_records: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # What the inference pass after the writes did (ingest.orgunits), apart
    # from the source's own writes above.
    inference_counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    changed_keys: list[str] = field(default_factory=list)
    restricted_keys: list[str] = field(default_factory=list)  # their restriction changed with this write

    @property
    def rejected(self) -> int:
        return len(self.rejected_records)

    @property
    def wrote_nothing(self) -> bool:
        return not any(self.counters.values()) and not any(self.inference_counters.values())

    def sample(self, kind: str, text: str) -> None:
        if len(self.samples[kind]) < SAMPLE_SIZE:
            self.samples[kind].append(text)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (f"{self.source} ({'full' if self.full else 'incremental'}{', dry run' if self.dry_run else ''}): "
                f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.stale} stale, {self.retired} retired, {self.rejected} rejected; edges "
                f"{self.edges_created} created, {self.edges_updated} updated, {self.edges_closed} closed; "
                f"{len(self.conflicts)} conflicts ({verb} applied)")

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("source", "full", "dry_run", "created", "updated", "unchanged",
                                            "stale", "retired", "rejected", "edges_created", "edges_updated",
                                            "edges_closed")}
        d["rejected_records"] = [asdict(p) for p in self.rejected_records]
        d["conflicts"] = [asdict(c) for c in self.conflicts]
        d["samples"] = dict(self.samples)
        d["counters"] = dict(self.counters)
        d["inference_counters"] = dict(self.inference_counters)
        return d


class _Plan:
    """What one sync will do; built in memory, then written (or reported)."""

    def __init__(self):
        self.node_rows: dict[str, list[dict]] = defaultdict(list)          # label -> rows
        self.edge_rows: dict[tuple, list[dict]] = defaultdict(list)        # (type, sl, dl) -> rows
        self.close_rows: dict[tuple, list[dict]] = defaultdict(list)       # (type, sl, dl) -> rows


def sync(batch: Batch, *, full: bool, dry_run: bool = False, now: datetime | None = None,
         progress: Progress | None = None, chunk: int | None = None) -> SyncReport:
    """Merge one source's batch. `full` means the batch is the source's whole
    snapshot (missing records go stale, then retire). `dry_run` computes the
    same plan and writes nothing. `now` injects the clock (tests). Rejected
    records never stop the rest; graph errors raise `GraphError`."""
    now = now or datetime.now(timezone.utc)
    report = SyncReport(source=batch.source, full=full, dry_run=dry_run)
    report.rejected_records.extend(batch.problems)

    before = len(report.rejected_records)
    edges = _valid_edges(batch, report)
    edge_problems = report.rejected_records[before:]  # reported after the entities', as they come
    del report.rejected_records[before:]
    # The current edges are read on a helper thread while this one validates
    # and resolves the nodes: the read waits on the server, the rest is
    # Python, so they overlap (the read does not depend on the node work and
    # nothing is written before both are done).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-read") as pool:
        edge_reader = pool.submit(_read_edges, edges, batch.source, full)
        return _sync(batch, edges, edge_problems, edge_reader, report, full=full, dry_run=dry_run, now=now,
                     progress=progress, chunk=chunk)


def _sync(batch: Batch, edges: list[Edge], edge_problems: list[Problem], edge_reader, report: SyncReport, *,
          full: bool, dry_run: bool, now: datetime, progress: Progress | None, chunk: int | None) -> SyncReport:
    today = now.date().isoformat()
    now_iso = now.isoformat(timespec="seconds")
    source = batch.source
    entities = _valid_entities(batch, report)
    report.rejected_records.extend(edge_problems)

    # --- current state -------------------------------------------------------
    labels = sorted({e.label for e in entities} | {x.src_label for x in edges} | {x.dst_label for x in edges})
    extra_fields = defaultdict(set)
    for e in entities:
        extra_fields[e.label].update(e.props)
    # Fast path: labels whose records all match the fingerprint this source
    # left today need only keys, not the whole state (see _settle).
    settled, state, full_labels = _settle(entities, edges, labels, source, today, full)
    for label in sorted(full_labels):
        fields = list(BOOK_FIELDS) + sorted(extra_fields[label] - set(BOOK_FIELDS))
        for key, vals in sync_state.node_fields(label, fields):
            state[(label, key)] = dict(zip(fields, vals))
    if full:
        for label, key, vals in sync_state.source_nodes(source, list(BOOK_FIELDS), labels):
            state.setdefault((label, key), dict(zip(BOOK_FIELDS, vals)))

    # --- identities ------------------------------------------------------------
    resolver = Resolver(state)
    key_map: dict[tuple[str, str], str] = {}
    incoming: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for e in entities:
        if id(e) in settled:
            key_map[(e.label, e.key)] = settled[id(e)]
            report.unchanged += 1
            continue
        key = resolver.resolve(e, source)
        key_map[(e.label, e.key)] = key
        incoming[(e.label, key)].append(e)
    settled_nodes = {(e.label, settled[id(e)]) for e in entities if id(e) in settled}

    plan = _Plan()
    grace_cutoff = (now.date() - timedelta(days=settings.KIKI_STALE_GRACE_DAYS)).isoformat()
    retiring: list[dict] = []

    # --- nodes -------------------------------------------------------------------
    for (label, key), recs in incoming.items():
        cur = state.get((label, key))
        _plan_node(plan, report, label, key, cur, recs, source, today, now_iso)
    missing: set[tuple[str, str]] = set()
    if full:
        for (label, key), cur in state.items():
            if (label, key) in incoming or (label, key) in settled_nodes \
                    or source not in (cur.get("sources") or []):
                continue
            missing.add((label, key))
            if _plan_stale(plan, report, label, key, cur, source, today, now_iso, grace_cutoff):
                retiring.append({"label": label, "key": key})

    # --- edges -------------------------------------------------------------------
    exists = set(state) | set(incoming)
    current = edge_reader.result()
    _plan_edges(plan, report, edges, key_map, resolver, exists, current, source, full, today, missing)
    if retiring:
        closing = {(t, sl, s, dl, d) for (t, sl, dl), rows in plan.close_rows.items() for r in rows
                   for s, d in [(r["src"], r["dst"])]}
        for r in sync_state.edges_of_nodes(retiring, list(HISTORIZED)):
            ident = (r["type"], r["src_label"], r["src"], r["dst_label"], r["dst"])
            if ident not in closing:
                closing.add(ident)
                plan.close_rows[ident[0], ident[1], ident[3]].append(
                    {"src": ident[2], "dst": ident[4], "valid_to": today, "source": source})
                report.edges_closed += 1
                report.sample("closed", f"{ident[1]}:{ident[2]} -{ident[0]}-> {ident[3]}:{ident[4]} (retired)")

    if not dry_run:
        counters, report.restricted_keys = actions.do_apply_plan(plan.node_rows, plan.edge_rows, plan.close_rows, now=now_iso,
                                         chunk=chunk or settings.KIKI_INGEST_CHUNK, progress=progress)
        report.counters.update(counters)
        if _moves_inferences(plan):
            _reinfer(report, now_iso)
    return report


# Edges whose change can move a team's inferred department or lead.
_INFERENCE_INPUTS = {"MEMBER_OF", "REPORTS_TO", "PART_OF", "LEADS"}


def _moves_inferences(plan: "_Plan") -> bool:
    return any(rel in _INFERENCE_INPUTS for rel, _, _ in itertools.chain(plan.edge_rows, plan.close_rows)) \
        or bool(plan.node_rows.get("Person"))


def _reinfer(report: SyncReport, now_iso: str) -> None:
    """Recompute every team's inferred department and lead after the sync's
    writes: one action of the write core (one transaction; it writes nothing
    when nothing moved)."""
    from . import orgunits
    for (row,) in actions.do_write(orgunits.inference_steps(everything=True, now=now_iso), what="inference"):
        report.inference_counters["written"] += row["written"]
        report.inference_counters["removed"] += row["removed"]


def _read_edges(edges: list[Edge], source: str, full: bool) -> dict[tuple, dict]:
    """Current edges the edge diff needs, by (type, src label, src key, dst
    label, dst key): of the batch's types, and for a full sync every other
    current edge this source asserted."""
    types = sorted({x.type for x in edges})
    current: dict[tuple, dict] = {}
    if types or full:
        others = tuple(t for t in sync_state.CURRENT_TYPES if t not in types) if full else ()
        fields = sorted({k for x in edges for k in x.props} - set(EDGE_FIELDS))
        for rel, src_label, src, dst_label, dst, sources, src_name, last_seen, *vals in \
                sync_state.current_edges(tuple(types), others, source, fields):
            props = {f: v for f, v in zip(fields, vals[0]) if v is not None} if vals else {}
            props.update((f, v) for f, v in (("sources", sources), ("source", src_name),
                                             ("last_seen", last_seen)) if v is not None)
            current[(rel, src_label, src, dst_label, dst)] = props
    return current


def _record_hash(e: Entity) -> str:
    """Everything of a record that the merge plan depends on. `repr` is
    canonical here (validated props are scalars or lists of scalars; items
    sorted) and twice as fast as JSON."""
    return hashlib.sha1(repr((e.label, e.key, e.source_id, e.name, e.summary, e.body, sorted(e.aliases),
                              sorted(e.props.items()))).encode()).hexdigest()[:24]


def _fp_entry(source: str, sid: str, today: str, e: Entity) -> str:
    return FP_SEP.join((source, sid, today, _record_hash(e)))


def _settle(entities: list[Entity], edges: list[Edge], labels: list[str], source: str, today: str,
            full: bool) -> tuple[dict[int, str], dict[tuple[str, str], dict], set[str]]:
    """The no-op fast path. Each node the merge writes keeps, per source, the
    fingerprint of the record it applied and the day (`sync_fp`). A record
    whose fingerprint this source already left on a node today has nothing
    to apply: same fields, last seen today, not stale (marking stale drops
    the entry), and no other source changed the node's content since (a
    content change by another source drops the other entries). So one light
    read per label (key, fingerprints, sources) settles such records without
    reading or resolving the label's full state.

    A label is read in full, as before, when any of its records is new or
    changed, when a node of it this source asserted is missing from a full
    snapshot, or when an edge names one of its nodes by something other than
    a key. Returns ({id(record): node key}, light state rows, full labels).

    Writes by people or other code than the merge (wiki, SCIM service) do not
    clear fingerprints: re-sending an unchanged record does not re-impose
    its values over such an edit; the source's next change to the record does."""
    per_sid = Counter((e.label, e.source_id or e.key) for e in entities)
    light: dict[tuple[str, str], dict] = {}
    known: dict[tuple[str, str], tuple[str, str] | None] = {}
    for label in labels:
        for key, fps, sources in sync_state.fingerprints(label):
            light[(label, key)] = {"sources": sources}
            for entry in fps or ():
                src, sid, *_ = entry.split(FP_SEP, 2) + [""]
                if src == source:
                    known[(label, sid)] = None if (label, sid) in known else (key, entry)
    settled: dict[int, str] = {}
    full_labels: set[str] = set()
    for e in entities:
        sid = e.source_id or e.key
        hit = known.get((e.label, sid))
        if per_sid[(e.label, sid)] == 1 and hit and hit[1] == _fp_entry(source, sid, today, e):
            settled[id(e)] = hit[0]
        else:
            full_labels.add(e.label)
    mapped = {(e.label, e.key) for e in entities if id(e) in settled}
    nodes = {(e.label, settled[id(e)]) for e in entities if id(e) in settled}
    if full:
        full_labels |= {lbl for (lbl, key), row in light.items()
                        if source in (row["sources"] or []) and (lbl, key) not in nodes}
    for x in edges:
        for lbl, key in ((x.src_label, x.src_key), (x.dst_label, x.dst_key)):
            if (lbl, key) not in mapped and (lbl, key) not in light:
                full_labels.add(lbl)
    by_id = {id(e): e.label for e in entities}
    settled = {i: k for i, k in settled.items() if by_id[i] not in full_labels}
    state = {lk: row for lk, row in light.items() if lk[0] not in full_labels}
    return settled, state, full_labels


def _valid_entities(batch: Batch, report: SyncReport) -> list[Entity]:
    out = []
    for e in batch.entities:
        try:
            e.source = e.source or batch.source
            e.validate()
        except InvalidInput as err:
            report.rejected_records.append(Problem(e.source_id or str(e.key), f"{e.label}:{e.key}", str(err)))
            continue
        out.append(e)
    return out


def _valid_edges(batch: Batch, report: SyncReport) -> list[Edge]:
    out = []
    for ed in batch.edges:
        try:
            ed.validate()
        except InvalidInput as err:
            report.rejected_records.append(Problem(ed.source or batch.source,
                                                   f"{ed.src_key}-{ed.type}->{ed.dst_key}", str(err)))
            continue
        out.append(ed)
    return out


def _plan_node(plan: _Plan, report: SyncReport, label: str, key: str, cur: dict | None,
               recs: list[Entity], source: str, today: str, now_iso: str) -> None:
    exists = cur is not None
    cur = cur or {}
    prov = pv.load(cur)
    desired: dict[str, Any] = {}
    revisions: list[dict] = []
    body = None
    content_changed = False

    def value(f):
        return desired[f] if f in desired else cur.get(f)

    for e in recs:
        sid = e.source_id or e.key
        fields = {"name": e.name.strip(), **e.props}
        if e.summary:
            fields["summary"] = e.summary
        for f, v in fields.items():
            old = value(f)
            owner = pv.holder(prov, f)
            if old == v:
                if owner is None:
                    pv.claim(prov, f, source, sid, today)
                continue
            if wins(f, source, owner):
                if old is not None and owner not in (None, source):
                    report.conflicts.append(Conflict(label, key, f, v, source, old, owner))
                if old is not None and f not in NOT_HISTORY:
                    revisions.append(pv.revision(f, old, prov, cur, today))
                desired[f] = v
                pv.claim(prov, f, source, sid, today)
                content_changed = True
            else:
                report.conflicts.append(Conflict(label, key, f, old, owner, v, source))
        aliases = sorted(set(value("aliases") or []) | {a.strip() for a in e.aliases if a.strip()})
        if aliases != (cur.get("aliases") or []) or not exists:
            desired["aliases"] = aliases
            desired["aliases_text"] = "".join(a + " " for a in aliases)
            content_changed = content_changed or aliases != (cur.get("aliases") or [])
        if e.body and not cur.get("body_edited_by") and e.body != (cur.get("body") or ""):
            body = e.body
            content_changed = True
        pv.seen(prov, source, sid, today)
        desired["sources"] = sorted(set(value("sources") or []) | {source})
        if not cur.get("source"):
            desired["source"], desired["source_id"] = source, sid
    if not exists:
        desired.setdefault("summary", "")
        desired["first_seen"] = today
        desired.setdefault("body", "")
    desired["last_seen"] = today
    stale = pv.stale_since(prov)
    desired["stale_since"] = stale
    if cur.get("status") == "retired" and stale is None and "status" not in desired:
        revisions.append({"field": "status", "value": "retired", "source": source,
                          "valid_from": cur.get("retired_at") or "", "valid_to": today})
        desired["status"], desired["retired_at"] = None, None
        content_changed = True
    desired["prov"] = pv.dump(prov)
    # This source's fingerprint (only for a node it sends one record of); a
    # content change makes the other sources' fingerprints stale.
    entries = [] if content_changed else [x for x in cur.get("sync_fp") or []
                                          if not x.startswith(source + FP_SEP)]
    if len(recs) == 1:
        entries.append(_fp_entry(source, recs[0].source_id or recs[0].key, today, recs[0]))
    desired["sync_fp"] = sorted(entries) or None

    changes = {f: v for f, v in desired.items() if cur.get(f) != v or (not exists and v is not None)}
    if content_changed or not exists:
        changes["updated_at"] = now_iso
    if not changes and body is None:
        report.unchanged += 1
        return
    if not exists:
        report.created += 1
        report.sample("created", f"{label}:{key} {desired.get('name', '')}")
    elif content_changed:
        report.updated += 1
        shown = sorted(f for f in changes if f not in NOT_HISTORY and f != "updated_at")
        report.sample("updated", f"{label}:{key} {', '.join(shown) or 'body'}")
    else:
        report.unchanged += 1  # only last-seen bookkeeping moved
    if content_changed or not exists:
        report.changed_keys.append(key)
    plan.node_rows[label].append({"key": key, "set": changes, "body": body, "revisions": revisions})


def _plan_stale(plan: _Plan, report: SyncReport, label: str, key: str, cur: dict, source: str,
                today: str, now_iso: str, grace_cutoff: str) -> bool:
    """Mark a node missing from a full snapshot stale; retire it after the
    grace period. Returns True when it retires in this sync."""
    prov = pv.load(cur)
    changes: dict[str, Any] = {}
    revisions = []
    if pv.mark_stale(prov, source, today):
        report.stale += 1
        report.sample("stale", f"{label}:{key} {cur.get('name') or ''}")
    stale = pv.stale_since(prov)
    retiring = cur.get("status") != "retired" and stale is not None and stale <= grace_cutoff
    if retiring:
        if cur.get("status") is not None:
            revisions.append({"field": "status", "value": cur["status"],
                              "source": pv.holder(prov, "status") or source,
                              "valid_from": pv.since(prov, "status") or "",
                              "valid_to": today})
        changes.update(status="retired", retired_at=today, updated_at=now_iso)
        pv.claim(prov, "status", source, prov["sources"][source].get("source_id", ""), today)
        report.retired += 1
        report.changed_keys.append(key)
        report.sample("retired", f"{label}:{key} {cur.get('name') or ''}")
    fps = cur.get("sync_fp") or []
    kept = [] if retiring else [x for x in fps if not x.startswith(source + FP_SEP)]
    if kept != fps:
        changes["sync_fp"] = kept or None
    dumped = pv.dump(prov)
    if dumped != cur.get("prov"):
        changes["prov"] = dumped
    if stale != cur.get("stale_since"):
        changes["stale_since"] = stale
    if changes:
        plan.node_rows[label].append({"key": key, "set": changes, "body": None, "revisions": revisions})
    return retiring


def _plan_edges(plan: _Plan, report: SyncReport, edges: list[Edge], key_map: dict, resolver: "Resolver",
                exists: set, current: dict, source: str, full: bool, today: str,
                missing: set) -> None:
    # Index current single-valued edges by their anchored end.
    anchored = defaultdict(list)
    for ident in current:
        if ident[0] in SINGLE_VALUED:
            end = SINGLE_VALUED[ident[0]][0]
            anchored[(ident[0],) + ((ident[1], ident[2]) if end == "src" else (ident[3], ident[4]))].append(ident)
    seen: set[tuple] = set()
    closed: set[tuple] = set()

    def close(ident):
        if ident in closed:
            return
        closed.add(ident)
        plan.close_rows[ident[0], ident[1], ident[3]].append(
            {"src": ident[2], "dst": ident[4], "valid_to": today, "source": source})
        report.edges_closed += 1
        report.sample("closed", f"{ident[1]}:{ident[2]} -{ident[0]}-> {ident[3]}:{ident[4]}")

    for ed in edges:
        src = _endpoint(ed.src_label, ed.src_key, key_map, resolver, exists)
        dst = _endpoint(ed.dst_label, ed.dst_key, key_map, resolver, exists)
        if src is None or dst is None:
            unknown = [f"{lbl} {k!r}" for lbl, k, r in ((ed.src_label, ed.src_key, src),
                                                        (ed.dst_label, ed.dst_key, dst)) if r is None]
            report.rejected_records.append(Problem(ed.source or source, f"{ed.src_key}-{ed.type}->{ed.dst_key}",
                                                   f"unknown {' and '.join(unknown)}; edge not created"))
            continue
        ident = (ed.type, ed.src_label, src, ed.dst_label, dst)
        if ident in seen:
            continue
        seen.add(ident)
        cur = current.get(ident)
        replaces_inference = cur is not None and _inferred(cur)
        if replaces_inference:
            # A source now states what was only inferred: the fact replaces
            # the inference (its marks and its pseudo-source go).
            cur = None
        if cur is not None and cur.get("last_seen") == today:
            # Seen today already: unchanged when this source is among its
            # (sorted) sources and its props match -- the common re-sync case,
            # decided without building the desired row.
            srcs = cur.get("sources") or ()
            if source in srcs and (len(srcs) == 1 or list(srcs) == sorted(set(srcs))) \
                    and all(cur.get(k) == v for k, v in ed.props.items()):
                continue
        if ed.type in SINGLE_VALUED and cur is None:
            end, prio_field = SINGLE_VALUED[ed.type]
            anchor = (ed.type, ed.src_label, src) if end == "src" else (ed.type, ed.dst_label, dst)
            # An inferred rival is not a source's fact: it never blocks a
            # stated edge, and the inference pass after the sync removes it.
            rivals = [r for r in anchored[anchor] if r != ident and r not in closed and not _inferred(current[r])]
            blocked = None
            for rival in rivals:
                rsources = current[rival].get("sources") or [current[rival].get("source") or ""]
                best = min(rsources, key=lambda s: rank(prio_field, s))
                if source in rsources or wins(prio_field, source, best):
                    if source not in rsources:
                        report.conflicts.append(Conflict(ed.src_label if end == "src" else ed.dst_label,
                                                         anchor[2], prio_field, dst if end == "src" else src,
                                                         source, rival[4] if end == "src" else rival[2], best))
                    close(rival)
                else:
                    blocked = (rival, best)
            if blocked:
                rival, best = blocked
                report.conflicts.append(Conflict(ed.src_label if end == "src" else ed.dst_label, anchor[2],
                                                 prio_field, rival[4] if end == "src" else rival[2], best,
                                                 dst if end == "src" else src, source))
                continue
        sources = sorted(set((cur or {}).get("sources") or ([cur["source"]] if cur and cur.get("source") else []))
                         | {source})
        desired = dict(ed.props, sources=sources, last_seen=today)
        if cur is None:
            desired.update(source=source, first_seen=today)
            if ed.type in HISTORIZED:
                desired.setdefault("valid_from", today)
        changes = {f: v for f, v in desired.items() if (cur or {}).get(f) != v}
        if replaces_inference:
            changes.update(inferred=None, reason=None)
        if not changes:
            continue
        if cur is None:
            report.edges_created += 1
            report.sample("edges created", f"{ed.src_label}:{src} -{ed.type}-> {ed.dst_label}:{dst}")
        elif set(changes) - {"last_seen"}:
            report.edges_updated += 1
        plan.edge_rows[ed.type, ed.src_label, ed.dst_label].append({"src": src, "dst": dst, "set": changes})

    if full:
        for ident, props in current.items():
            # Edges of a node missing from the snapshot stay until it retires:
            # a one-off gap in an export must not rewrite history.
            if ident in seen or ident in closed or (ident[1], ident[2]) in missing \
                    or (ident[3], ident[4]) in missing:
                continue
            rsources = props.get("sources") or ([props["source"]] if props.get("source") else [])
            if source not in rsources:
                continue
            left = [s for s in rsources if s != source]
            if left:
                plan.edge_rows[ident[0], ident[1], ident[3]].append(
                    {"src": ident[2], "dst": ident[4], "set": {"sources": left}})
            else:
                close(ident)


def _inferred(edge: dict) -> bool:
    return (edge.get("sources") or [edge.get("source")]) == [INFERENCE]


def _endpoint(label: str, key: str, key_map: dict, resolver: "Resolver", exists: set) -> str | None:
    if (label, key) in key_map:
        return key_map[(label, key)]
    if (label, key) in exists:
        return key
    return resolver.lookup_reference(label, key)

"""The write core: every write to the graph is one `do_*` action here (in
the manner of Zulip's actions). Field priority and provenance are decided by
`ingest.provenance`, the Cypher is `graph.writes`; callers (the merge
engine, the SCIM service, the demo) never write themselves. (Wiki saves are
`wiki.actions`, one locked transaction of their own; see docs/editing.md.)

Each action runs one Neo4j transaction (a sync's plan is the exception: it
is written in chunks, one transaction each, because a whole organization
does not fit one; a crash leaves a prefix the next sync completes). Side
effects — re-embedding changed pages now, audit entries later — are queued
with `on_commit(fn)` and run only after the graph transaction committed
(and, when asked, after Django's open transaction), so a failed write never
leaves an embedding job or an audit row behind.
"""
from __future__ import annotations

import itertools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterable

from django.db import transaction as django_transaction

from graph import access, writes

log = logging.getLogger(__name__)

NODE_WRITERS = 2  # concurrent node-chunk transactions (see apply_plan)
COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
            "properties_set", "labels_added", "labels_removed")

_local = threading.local()


# --- side effects after commit -----------------------------------------------
def on_commit(fn: Callable[[], Any], *, after_django: bool = False) -> None:
    """Run `fn` once the current action's graph transaction has committed;
    it is dropped if the action fails. Outside an action it runs at once.
    With `after_django`, it waits for Django's open transaction too (work
    that reads Django rows written alongside, e.g. a sync run's record, or
    that writes rows which must not outlive a rolled-back request), running
    at once in autocommit. This is the one place side effects of writes are
    queued: call it for audit entries, notifications or index refreshes."""
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.append((fn, after_django))
    elif after_django:
        django_transaction.on_commit(fn)
    else:
        fn()


@contextmanager
def action():
    """The scope of one write action: side effects queued inside run once it
    ends without an error. Nested scopes join the outermost one."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = []
    try:
        yield
        queued = _local.pending
    finally:
        _local.pending = None
    for fn, after_django in queued:
        if after_django:
            django_transaction.on_commit(fn)
        else:
            fn()


def refresh_embeddings(keys: Iterable[str], *, restricted: Iterable[str] = (), after_django: bool = False) -> None:
    """After the current action commits, queue re-embedding of the passages
    of the pages it wrote. The pages whose restriction the write changed
    (`restricted`) take their neighbours along: a facts passage names only
    unrestricted neighbours (kiki.chunking)."""
    keys = sorted({k for k in keys if isinstance(k, str) and k})
    restricted = sorted(set(restricted))
    if keys or restricted:
        from kiki.tasks import queue_embeddings  # kiki.tasks imports the embedder stack; only when needed

        def after():
            extra = set(access.neighbours(restricted)) if restricted else set()
            queue_embeddings(sorted(set(keys) | set(restricted) | extra))

        on_commit(after, after_django=after_django)


# --- actions -------------------------------------------------------------------
def do_write(steps: list[tuple[str, dict[str, Any]]], *, changed: Iterable[str] = (),
             what: str = "write") -> list[list[dict]]:
    """Run prepared write statements (from graph's query modules) in one
    transaction, together with the stored restriction rules for the
    `changed` page keys, then refresh their embeddings. Returns each
    statement's records."""
    keys = sorted({k for k in changed if isinstance(k, str) and k})
    with action():
        if not keys:
            return writes.write_steps(steps, what)
        result = writes.write_steps([*steps, access.restriction_step(keys)], what)
        restricted = [r["key"] for r in result.pop()]
        refresh_embeddings(keys, restricted=restricted)
    return result


def do_apply_plan(node_rows: dict[str, list[dict]], edge_rows: dict[tuple, list[dict]],
                  close_rows: dict[tuple, list[dict]], *, now: str, chunk: int,
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Write a merge plan: node rows by label ({key, set, body, revisions}),
    edge rows by (type, src label, dst label) ({src, dst, set}) and edges to
    end ({src, dst, valid_to, source}), in UNWIND chunks of `chunk` rows, one
    transaction each, the chunk's restriction rules in the same transaction
    as its nodes. Returns Neo4j's summed counters and the keys whose
    restriction changed."""
    jobs = []
    for label, rows in node_rows.items():
        jobs += [("nodes", writes.write_node_rows, (label,), rows[i:i + chunk]) for i in range(0, len(rows), chunk)]
    for (rel, sl, dl), rows in edge_rows.items():
        jobs += [("edges", writes.write_edge_rows, (rel, sl, dl), rows[i:i + chunk])
                 for i in range(0, len(rows), chunk)]
    for (rel, sl, dl), rows in close_rows.items():
        jobs += [("closing", writes.close_edge_rows, (rel, sl, dl), rows[i:i + chunk])
                 for i in range(0, len(rows), chunk)]
    if progress:
        progress("writing", 0, len(jobs))

    restricted: list[str] = []

    def run(job):
        phase, write, target, rows = job
        if phase != "nodes":
            return phase, write(*target, rows, now)
        counters, changed = write(*target, rows, now)
        restricted.extend(changed)
        return phase, counters

    # Node chunks touch disjoint nodes (each node is one row), so two run at
    # once: a Cypher query uses about one core, and node writes are half of a
    # first sync. Edge chunks share their end nodes (a team's members span
    # chunks) and would deadlock, so they and the closings run one at a time,
    # after every node exists.
    totals = dict.fromkeys(COUNTERS, 0)
    node_jobs = [j for j in jobs if j[0] == "nodes"]
    done = 0
    with ThreadPoolExecutor(max_workers=NODE_WRITERS, thread_name_prefix="sync-write") as pool:
        results = pool.map(run, node_jobs)
        for phase, counters in itertools.chain(results, map(run, jobs[len(node_jobs):])):
            for name in COUNTERS:
                totals[name] += getattr(counters, name)
            done += 1
            if progress:
                progress(phase, done, len(jobs))
    return totals, sorted(set(restricted))

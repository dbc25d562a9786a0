"""Loads the demo data set: the synthetic organization (`ingest.synthetic`)
and the Backstage example catalog (`ingest.backstage`), each as a full
snapshot of its source through the sync path every connector uses
(`ingest.merge.sync`, so demo pages carry provenance and history), and
reports what was written, what the graph now holds and every problem found.
Loading twice writes nothing."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from graph import schema
from graph.admin import graph_counts
from graph.model import Batch, Problem

from . import backstage, synthetic
from .merge import SyncReport, sync


@dataclass
class DemoReport:
    people: int
    results: dict[str, SyncReport] = field(default_factory=dict)   # by source, in load order
    labels: dict[str, int] = field(default_factory=dict)            # nodes per label, after the load
    relationships: dict[str, int] = field(default_factory=dict)     # relationships per type, after
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nodes_created(self) -> int:
        return sum(r.counters["nodes_created"] for r in self.results.values())

    @property
    def relationships_created(self) -> int:
        return sum(r.counters["relationships_created"] for r in self.results.values())

    @property
    def properties_set(self) -> int:
        return sum(r.counters["properties_set"] for r in self.results.values())

    @property
    def wrote_nothing(self) -> bool:
        return all(r.wrote_nothing for r in self.results.values())

    def summary(self) -> str:
        pages = ", ".join(f"{self.labels.get(lb, 0)} {lb}" for lb in
                          ("Person", "Team", "Department", "System", "Process", "Step", "Topic"))
        rels = sum(self.relationships.values())
        return (f"loaded {' + '.join(self.results)} in {self.seconds:.1f}s: created {self.nodes_created} nodes "
                f"and {self.relationships_created} relationships, set {self.properties_set} properties; "
                f"the graph holds {pages} and {rels} relationships; {len(self.problems)} problems reported")


def _drop_clashes(first: Batch, second: Batch) -> None:
    """Two sources must not describe different things under the same
    (label, key): the later one would overwrite the earlier on every load (and
    re-loads would never settle). Report and drop the later entity and its edges."""
    taken = {(e.label, e.key): e.source_id for e in first.entities}
    clashes = set()
    kept = []
    for e in second.entities:
        if (e.label, e.key) in taken:
            clashes.add((e.label, e.key))
            second.problems.append(Problem(
                e.source_id or second.source, f"{e.label}:{e.key}",
                f"key already used by {first.source} entity {taken[(e.label, e.key)]}; skipped"))
        else:
            kept.append(e)
    if clashes:
        second.entities = kept
        second.edges = [ed for ed in second.edges
                        if (ed.src_label, ed.src_key) not in clashes and (ed.dst_label, ed.dst_key) not in clashes]


def load_demo(people: int = 500, backstage_dir: Path | str | None = None, *, include_backstage: bool = True,
              seed: int = 42, reset: bool = False) -> DemoReport:
    """Merge the synthetic organization of `people` people (and, unless
    `include_backstage` is False, the Backstage catalog in `backstage_dir`,
    default settings.KIKI_BACKSTAGE_DIR) into the configured graph. `reset`
    wipes the graph first. Bad records are reported in `report.problems`, never
    raised; raises GraphError/GraphUnavailable if Neo4j fails, InvalidInput for a
    bad `people`, IngestError if the catalog directory does not exist."""
    started = time.perf_counter()
    batches = [synthetic.generate(people, seed)]
    if include_backstage:
        catalog = backstage.load_catalog(backstage_dir or settings.KIKI_BACKSTAGE_DIR)
        _drop_clashes(batches[0], catalog)
        batches.append(catalog)
    schema.migrate()
    if reset:
        schema.wipe()
    report = DemoReport(people=people)
    for batch in batches:
        result = sync(batch, full=True)
        report.results[batch.source] = result
        report.problems.extend(result.rejected_records)
    report.labels, report.relationships = graph_counts()
    report.seconds = time.perf_counter() - started
    return report

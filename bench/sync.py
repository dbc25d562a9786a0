"""Ingest merge benchmark: a 10,000-person HR export plus a ~2,000-entity
service catalog (both cut from `ingest.synthetic.generate`) synced into an
empty graph, then an identical no-op re-sync; then the same rows loaded with
Neo4j's own `LOAD CSV` + MERGE into an emptied graph, for a baseline.

Runs against a throwaway Neo4j it starts (and stops) under a temp dir, or
against NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD when KIKI_BENCH_USE_URI=1.

    python bench/sync.py [--people 10000] [--keep]

Targets on 2 cores: full sync < 20 s, no-op re-sync < 3 s, full sync / LOAD CSV <= 2.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
import django  # noqa: E402

django.setup()

from graph import driver, schema  # noqa: E402
from graph.model import Batch  # noqa: E402
from graph.server import LocalNeo4j, free_port  # noqa: E402
from ingest import synthetic  # noqa: E402
from ingest.merge import sync  # noqa: E402

HR_LABELS = {"Person", "Team", "Department"}
HR_EDGES = {"MEMBER_OF", "LEADS", "REPORTS_TO", "PART_OF"}

# The LOAD CSV baseline does the same node and edge MERGEs with the same props.
LOAD_CSV = {
    "people": """LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row
MERGE (n:Person {key: row.key}) SET n:Entity, n.name = row.name, n.email = row.email,
  n.employee_id = row.employee_id, n.title = row.title, n.source = 'hris', n.source_id = row.source_id""",
    "teams": """LOAD CSV WITH HEADERS FROM 'file:///units.csv' AS row
CALL (row) { WITH row WHERE row.label = 'Team' MERGE (n:Team {key: row.key}) SET n:Entity, n.name = row.name }
CALL (row) { WITH row WHERE row.label = 'Department' MERGE (n:Department {key: row.key}) SET n:Entity, n.name = row.name }""",
    "systems": """LOAD CSV WITH HEADERS FROM 'file:///catalog.csv' AS row
CALL (row) { WITH row WHERE row.label = 'System' MERGE (n:System {key: row.key}) SET n:Entity, n.name = row.name, n.summary = row.summary }
CALL (row) { WITH row WHERE row.label = 'Process' MERGE (n:Process {key: row.key}) SET n:Entity, n.name = row.name, n.summary = row.summary }
CALL (row) { WITH row WHERE row.label = 'Topic' MERGE (n:Topic {key: row.key}) SET n:Entity, n.name = row.name, n.summary = row.summary }
CALL (row) { WITH row WHERE row.label = 'Step' MERGE (n:Step {key: row.key}) SET n.name = row.name, n.summary = row.summary }""",
    "edges": """LOAD CSV WITH HEADERS FROM 'file:///edges.csv' AS row
MATCH (a:Entity {key: row.src}) WHERE row.src_label IN labels(a)
MATCH (b:Entity {key: row.dst}) WHERE row.dst_label IN labels(b)
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'MEMBER_OF' MERGE (a)-[r:MEMBER_OF]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'LEADS' MERGE (a)-[r:LEADS]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'REPORTS_TO' MERGE (a)-[r:REPORTS_TO]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'PART_OF' MERGE (a)-[r:PART_OF]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'OWNS' MERGE (a)-[r:OWNS]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'DEPENDS_ON' MERGE (a)-[r:DEPENDS_ON]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE NOT row.type IN ['MEMBER_OF','LEADS','REPORTS_TO','PART_OF','OWNS','DEPENDS_ON']
  MERGE (a)-[r:RELATED]->(b) SET r.type = row.type, r.source = row.source }""",
    "step_edges": """LOAD CSV WITH HEADERS FROM 'file:///step_edges.csv' AS row
MATCH (a:Entity {key: row.src}) WHERE row.src_label IN labels(a)
MATCH (b:Step {key: row.dst})
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'HAS_STEP' MERGE (a)-[r:HAS_STEP]->(b) SET r.source = row.source }
CALL (a, b, row) { WITH a, b, row WHERE row.type = 'RESPONSIBLE_FOR' MERGE (a)-[r:RESPONSIBLE_FOR]->(b) SET r.source = row.source }""",
}


def split(batch: Batch, catalog_limit: int) -> tuple[Batch, Batch]:
    """The HR export (people, teams, departments and their edges) and the
    catalog (systems, processes, topics, steps and their edges)."""
    hr = Batch("hris", [e for e in batch.entities if e.label in HR_LABELS],
               [x for x in batch.edges if x.type in HR_EDGES and x.src_label in HR_LABELS
                and x.dst_label in HR_LABELS])
    cat_entities = [e for e in batch.entities if e.label not in HR_LABELS][:catalog_limit]
    keep = {(e.label, e.key) for e in cat_entities}
    hr_ids = {id(x) for x in hr.edges}
    cat_edges = [x for x in batch.edges if id(x) not in hr_ids
                 and ((x.src_label, x.src_key) in keep or (x.dst_label, x.dst_key) in keep)
                 and ((x.src_label in HR_LABELS) or (x.src_label, x.src_key) in keep)
                 and ((x.dst_label in HR_LABELS) or (x.dst_label, x.dst_key) in keep)]
    for e in hr.entities:
        e.source, e.source_id = "hris", e.props.get("employee_id") or e.key
    for e in cat_entities:
        e.source, e.source_id = "catalog", f"{e.label.lower()}:{e.key}"
    for x in hr.edges:
        x.source = "hris"
    for x in cat_edges:
        x.source = "catalog"
    return hr, Batch("catalog", cat_entities, cat_edges)


def write_csvs(import_dir: Path, hr: Batch, cat: Batch) -> None:
    import_dir.mkdir(parents=True, exist_ok=True)
    with open(import_dir / "people.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "name", "email", "employee_id", "title", "source_id"])
        for e in hr.entities:
            if e.label == "Person":
                w.writerow([e.key, e.name, e.props.get("email", ""), e.props.get("employee_id", ""),
                            e.props.get("title", ""), e.source_id])
    with open(import_dir / "units.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["label", "key", "name"])
        for e in hr.entities:
            if e.label != "Person":
                w.writerow([e.label, e.key, e.name])
    with open(import_dir / "catalog.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["label", "key", "name", "summary"])
        for e in cat.entities:
            w.writerow([e.label, e.key, e.name, e.summary])
    for name, to_step in (("edges.csv", False), ("step_edges.csv", True)):
        with open(import_dir / name, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["type", "src_label", "src", "dst_label", "dst", "source"])
            for x in hr.edges + cat.edges:
                if (x.dst_label == "Step") == to_step:
                    w.writerow([x.type, x.src_label, x.src_key, x.dst_label, x.dst_key, x.source])


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<34} {dt:7.2f} s", flush=True)
    return out, dt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--catalog", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="leave the throwaway server's files")
    args = parser.parse_args()

    server = None
    if os.environ.get("KIKI_BENCH_USE_URI") == "1":
        import_dir = Path(os.environ["KIKI_BENCH_IMPORT_DIR"])
    else:
        home = Path(tempfile.mkdtemp(prefix="kiki-bench-sync-"))
        server = LocalNeo4j(home, free_port(), heap="1g", pagecache="512m")
        info, _ = timed("start throwaway Neo4j", server.start)
        driver.configure(info.uri, info.user, info.password)
        import_dir = server.home / "import"
    try:
        schema.migrate()
        schema.wipe()
        # Warm both paths (query plans compiled, JIT warm) on a small org, so
        # neither side of the comparison pays the cold-server cost.
        small_hr, small_cat = split(synthetic.generate(people=300, seed=7), 60)
        sync(small_hr, full=True), sync(small_cat, full=True)
        schema.wipe()
        write_csvs(import_dir, small_hr, small_cat)
        for query in LOAD_CSV.values():
            driver.write(query)
        schema.wipe()
        batch, _ = timed(f"generate {args.people} people", lambda: synthetic.generate(people=args.people))
        hr, cat = split(batch, args.catalog)
        n_people = sum(e.label == "Person" for e in hr.entities)
        print(f"HR export: {len(hr.entities)} entities ({n_people} people), {len(hr.edges)} edges; "
              f"catalog: {len(cat.entities)} entities, {len(cat.edges)} edges")

        def full():
            return sync(hr, full=True), sync(cat, full=True)
        (r_hr, r_cat), t_full = timed("full sync (HR + catalog)", full)
        for r in (r_hr, r_cat):
            print("   ", r.summary())
        (n_hr, n_cat), t_noop = timed("no-op re-sync (HR + catalog)", full)
        counters = {k: n_hr.counters.get(k, 0) + n_cat.counters.get(k, 0)
                    for k in set(n_hr.counters) | set(n_cat.counters)}
        print(f"    no-op writes: {sum(counters.values())} (Neo4j counters {counters or 'all zero'})")

        schema.wipe()
        write_csvs(import_dir, hr, cat)

        def load_csv():
            for name, query in LOAD_CSV.items():
                driver.write(query)
        _, t_csv = timed("LOAD CSV baseline (same rows)", load_csv)
        nodes = driver.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        rels = driver.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        print(f"    LOAD CSV loaded {nodes} nodes, {rels} relationships")

        ratio = t_full / t_csv if t_csv else float("inf")
        print()
        print(f"full sync        {t_full:6.2f} s   target < 20 s   {'OK' if t_full < 20 else 'MISSED'}")
        print(f"no-op re-sync    {t_noop:6.2f} s   target < 3 s    {'OK' if t_noop < 3 else 'MISSED'}")
        print(f"sync / LOAD CSV  {ratio:6.2f} x   target <= 2     {'OK' if ratio <= 2 else 'MISSED'}")
        return 0
    finally:
        if server is not None:
            driver.close()
            server.stop()
            if not args.keep:
                shutil.rmtree(server.home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

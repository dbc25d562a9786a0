"""Shared set-up for the search/embedding benchmarks: Django, a Neo4j server
(given with --uri/--user/--password, or a throwaway one on a free port), and
loading the synthetic organization."""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")

import django  # noqa: E402

django.setup()

from graph import schema  # noqa: E402
import _graph as bench_graph  # noqa: E402


def base_parser(description: str, people: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--uri", help="an existing Neo4j (default: start a throwaway server)")
    p.add_argument("--user", default="neo4j")
    p.add_argument("--password", default="")
    p.add_argument("--wipe", action="store_true",
                   help="with --uri: wipe that graph first (a throwaway server always starts empty)")
    p.add_argument("--people", type=int, default=people, help="size of the synthetic organization")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--heap", default="1g", help="heap of the throwaway server")
    p.add_argument("--pagecache", default="512m", help="page cache of the throwaway server")
    return p


@contextmanager
def graph_server(args):
    """Configures graph.driver for the benchmark; stops a server it started."""
    server = bench_graph.start(args, heap=args.heap, pagecache=args.pagecache)
    try:
        schema.migrate()
        if server is not None or args.wipe:
            schema.wipe()
        yield
    finally:
        bench_graph.stop(server)


def load_synthetic(people: int, seed: int):
    """Merge the synthetic org; exits with a clear message if the generator is missing."""
    try:
        from ingest.synthetic import generate
    except ImportError as e:
        print(f"SKIPPED: ingest.synthetic.generate is not available ({e})")
        sys.exit(0)
    from ingest.merge import sync

    started = time.perf_counter()
    batch = generate(people, seed)
    result = sync(batch, full=True)
    took = time.perf_counter() - started
    print(f"loaded synthetic org ({people} people, seed {seed}): {len(batch.entities)} entities, "
          f"{len(batch.edges)} edges, {len(result.rejected_records)} problems in {took:.1f}s", flush=True)
    return batch


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    i = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[i]

"""Load benchmark: generate a synthetic organization (10,000 people by
default), wipe the graph, merge it through the sync path (ingest.merge.sync, a full
snapshot of the `synthetic` source), then merge it again (a no-op), and print entities/s, relationships/s and timings.

    python bench/load_org.py [--people N] [--uri bolt://... --user neo4j --password ...]

Without --uri it starts a throwaway local Neo4j (graph.server.LocalNeo4j on a
free port, files in a temp dir) and stops and deletes it afterwards. With
--uri THE GRAPH AT THAT ADDRESS IS WIPED. Target: the full load of 10,000
people in under 30 s on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")

import django  # noqa: E402

django.setup()

from graph import driver, schema  # noqa: E402
from graph import server as server_module  # noqa: E402
from graph.server import LocalNeo4j, free_port  # noqa: E402
from ingest.merge import sync  # noqa: E402
from ingest.synthetic import generate  # noqa: E402


class _QueryTimer:
    """Wraps driver.write to add up server round-trip time per query shape."""

    def __init__(self):
        self.totals = defaultdict(float)
        self.calls = defaultdict(int)
        self._write = driver.write

    def __enter__(self):
        def timed(query, **params):
            t = time.perf_counter()
            try:
                return self._write(query, **params)
            finally:
                head = " ".join(line.strip() for line in query.strip().splitlines()[:3])[:90]
                self.totals[head] += time.perf_counter() - t
                self.calls[head] += 1
        driver.write = timed
        return self

    def __exit__(self, *exc):
        driver.write = self._write

    def report(self, top: int = 8) -> str:
        rows = sorted(self.totals.items(), key=lambda kv: kv[1], reverse=True)[:top]
        return "\n".join(f"    {secs:6.2f}s {self.calls[q]:4d} calls  {q}" for q, secs in rows)


def _client_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _server_cpu(pid: int | None) -> float | None:
    """CPU seconds used so far by a local Neo4j process (Linux /proc), else None.
    Reported next to wall time because on a shared 2-core machine wall time
    mostly measures the other processes."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _cpu_note(server_before, server_pid, client_before) -> str:
    server_after = _server_cpu(server_pid)
    note = f"client CPU {_client_cpu() - client_before:.2f}s"
    if server_before is not None and server_after is not None:
        note = f"Neo4j CPU {server_after - server_before:.2f}s, " + note
    return note


def run(people: int, seed: int, profile: bool, server_pid: int | None = None, runs: int = 1) -> int:
    t = time.perf_counter()
    batch = generate(people, seed)
    gen_s = time.perf_counter() - t
    n_ent, n_rel = len(batch.entities), len(batch.edges)
    print(f"generated {people} people: {n_ent} entities, {n_rel} relationships in {gen_s:.2f}s")

    schema.migrate()
    for attempt in range(1, runs):
        # Extra rounds on the same server: later rounds show the load on a warm JVM.
        schema.wipe()
        s_cpu, c_cpu, t = _server_cpu(server_pid), _client_cpu(), time.perf_counter()
        sync(generate(people, seed), full=True)
        print(f"warm-up round {attempt}: full load {time.perf_counter() - t:.2f}s "
              f"({_cpu_note(s_cpu, server_pid, c_cpu)})")
    t = time.perf_counter()
    schema.wipe()
    print(f"wiped the graph in {time.perf_counter() - t:.2f}s")

    with _QueryTimer() as timer:
        s_cpu, c_cpu = _server_cpu(server_pid), _client_cpu()
        t = time.perf_counter()
        result = sync(batch, full=True)
        load_s = time.perf_counter() - t
    print(f"full load: {load_s:.2f}s  ({result.counters['nodes_created']} nodes, "
          f"{result.counters['relationships_created']} relationships created; {n_ent / load_s:,.0f} entities/s, {n_rel / load_s:,.0f} relationships/s; "
          f"{_cpu_note(s_cpu, server_pid, c_cpu)})")
    if profile:
        print("  slowest queries:\n" + timer.report())
    if result.rejected_records:
        print(f"  {len(result.rejected_records)} problems, first: {result.rejected_records[0]}")

    again = generate(people, seed)
    s_cpu, c_cpu = _server_cpu(server_pid), _client_cpu()
    t = time.perf_counter()
    second = sync(again, full=True)
    noop_s = time.perf_counter() - t
    print(f"no-op re-load: {noop_s:.2f}s  (nodes created {second.counters['nodes_created']}, relationships created "
          f"{second.counters['relationships_created']}, properties set {second.counters['properties_set']}; "
          f"{_cpu_note(s_cpu, server_pid, c_cpu)})")
    print(f"machine load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    ok = (result.counters["nodes_created"] == n_ent and second.wrote_nothing and not result.rejected_records)
    print(f"total (generate + load): {gen_s + load_s:.2f}s; target < 30s: {'met' if gen_s + load_s < 30 else 'MISSED'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--uri", help="an existing Neo4j (it is wiped!); default: a throwaway local server")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default="")
    parser.add_argument("--heap", default="1g", help="heap of the throwaway server")
    parser.add_argument("--profile", action="store_true", help="print time per query shape")
    parser.add_argument("--jvm-flag", action="append", default=[],
                        help="extra JVM flag for the throwaway server, e.g. -XX:TieredStopAtLevel=1 "
                             "(C1 only: about half the Neo4j CPU on a freshly started server)")
    parser.add_argument("--runs", type=int, default=1,
                        help="load this many times (wiping between); the last one is reported in full")
    args = parser.parse_args()

    server = None
    if args.uri:
        driver.configure(args.uri, args.user, args.password)
    else:
        if args.jvm_flag:
            # Only this process's copy of the launcher's flag list; graph/server.py is unchanged.
            server_module.JVM_FLAGS.extend(args.jvm_flag)
            print(f"extra JVM flags: {' '.join(args.jvm_flag)}")
        home = Path(tempfile.mkdtemp(prefix="kiki-bench-neo4j-"))
        server = LocalNeo4j(home, free_port(), heap=args.heap, pagecache="512m")
        t = time.perf_counter()
        info = server.start()
        print(f"started a throwaway Neo4j at {info.uri} in {time.perf_counter() - t:.1f}s")
        driver.configure(info.uri, info.user, info.password)
    try:
        return run(args.people, args.seed, args.profile, server.pid() if server else None, args.runs)
    finally:
        driver.close()
        if server is not None:
            server.stop()
            shutil.rmtree(server.home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Assistant latency benchmark: offline answers (no LLM) on a 10,000-person
synthetic organisation, through kiki.assistant.ask (reading the question,
linking, the one answer query, answer composition and storing the message in
SQLite). Each answer's time is printed next to the total time of its own
Cypher round trips (graph.driver.count_queries), so what the engine adds on
top of Neo4j is visible per question and at p95.

    python bench/ask_latency.py                       # throwaway Neo4j on a free port
    python bench/ask_latency.py --uri bolt://127.0.0.1:7687 --user neo4j --password ...
    python bench/ask_latency.py --people 2000 --questions 200 --check

Questions are drawn from templates of every structured shape (headcount, lead,
owner, manager, chain, reports, members, dependencies, steps, who-to-ask,
what-is, "my department", teams under a department, the whole organization,
a compound question) over random entities of the generated graph.
Target: offline p95 < 300 ms on 2 cores. With --uri the graph is wiped and
reloaded unless --no-load is given.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
TARGET_P95_MS = 100.0
TARGET_RATIO = 1.5

TEMPLATES = {
    "headcount": ("Team", "How many people are in {name}?"),
    "headcount_dept": ("Department", "What's the headcount of {name}?"),
    "leader": ("Team", "Who leads {name}?"),
    "owner": ("System", "Who owns {name}?"),
    "manager": ("Person", "Who does {name} report to?"),
    "chain": ("Person", "What is the management chain of {name}?"),
    "reports": ("Person", "Who reports to {name}?"),
    "members": ("Team", "Who is in {name}?"),
    "deps_out": ("System", "What does {name} depend on?"),
    "deps_in": ("System", "What depends on {name}?"),
    "steps": ("Process", "What are the steps of {name}?"),
    "who_to_ask": ("Topic", "Who should I ask about {name}?"),
    "what_is": ("Team", "What does {name} do?"),
    "my_department": ("Person", "How many people are in my department?"),
    "subteams": ("Department", "Which teams are in {name}?"),
    "organization": ("Person", "How many people work at the company?"),
    "compound": ("System", "Who owns {name} and what depends on it?"),
    "boss_boss": ("Person", "Who is {name}'s manager's manager?"),
    "above": ("Person", "Who is above {name} in the hierarchy?"),
    "managed_by": ("Person", "How many people are managed by {name}?"),
    "does_manage": ("Person", "Does {name} manage anyone?"),
    "engineers": ("Department", "How many engineers are in {name}?"),
    "based_in": ("Department", "Who in {name} is based in Berlin?"),
    "lead_teams": ("Department", "Which people lead teams in {name}?"),
    "title": ("Person", "Who is our chief executive officer?"),
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", help="Bolt URI of an existing Neo4j (default: start a throwaway one)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default="")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--questions", type=int, default=340, help="timed questions (spread over all shapes)")
    parser.add_argument("--warmup", type=int, default=34)
    parser.add_argument("--no-load", action="store_true", help="use the graph as it is (with --uri)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if p95 >= {TARGET_P95_MS:.0f} ms")
    args = parser.parse_args(argv)

    tmp_db = Path(tempfile.mkdtemp(prefix="kiki-bench-db-")) / "bench.sqlite3"
    os.environ["KIKI_SQLITE_PATH"] = str(tmp_db)
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)

    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from graph import driver, schema
    import _graph as bench_graph
    from ingest.merge import sync
    from ingest.synthetic import generate
    from kiki.assistant import ask

    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = None  # offline mode only
    call_command("migrate", verbosity=0)

    server = None
    try:
        server = bench_graph.start(args)
        schema.migrate()
        batch = generate(people=args.people, seed=args.seed)
        if not args.no_load:
            started = time.perf_counter()
            schema.wipe()
            result = sync(batch, full=True)
            schema.migrate()  # waits for the full-text index to catch up
            print(f"loaded {len(batch.entities)} entities, {len(batch.edges)} edges ({args.people} people) "
                  f"in {time.perf_counter() - started:.1f}s; {len(result.rejected_records)} problems", flush=True)

        by_label = defaultdict(list)
        for e in batch.entities:
            by_label[e.label].append(e)
        rng = random.Random(args.seed)
        shapes = [s for s, (label, _) in TEMPLATES.items() if by_label[label]]

        def question(shape):
            label, template = TEMPLATES[shape]
            e = rng.choice(by_label[label])
            asker = e.key if shape == "my_department" else None
            return template.format(name=e.name), asker

        for i in range(args.warmup):
            q, asker = question(shapes[i % len(shapes)])
            ask(q, asker=asker, channel="bench")
        timings, cpu, cypher, ratios = defaultdict(list), defaultdict(list), defaultdict(list), []
        modes, unknown = defaultdict(int), []
        for i in range(args.questions):
            shape = shapes[i % len(shapes)]
            q, asker = question(shape)
            c0, t0 = time.process_time(), time.perf_counter()
            with driver.count_queries() as counter:
                r = ask(q, asker=asker, channel="bench")
            spent = (time.perf_counter() - t0) * 1000
            db_ms = counter.total_seconds * 1000
            timings[shape].append(spent)
            cypher[shape].append(db_ms)
            ratios.append(spent / db_ms if db_ms else float("inf"))
            print(f"{spent:8.1f} ms answer {db_ms:8.1f} ms cypher ({counter.count} queries)  {shape:<14} {q}",
                  flush=True)
            cpu[shape].append((time.process_time() - c0) * 1000)
            modes[r["mode"]] += 1
            if r["answer"].startswith("I don't know “"):
                unknown.append(q)

        every = [v for vs in timings.values() for v in vs]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\n{len(every)} questions, offline mode, {os.cpu_count()} CPUs, load average {load:.1f}")
        print(f"{'shape':<16}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p50':>9}"
              f"{'cypher p50':>12}{'cypher p95':>12}")
        for shape in shapes:
            vs = timings[shape]
            print(f"{shape:<16}{len(vs):>4}{statistics.median(vs):>9.1f}{percentile(vs, 95):>9.1f}"
                  f"{max(vs):>9.1f}{statistics.median(cpu[shape]):>9.1f}"
                  f"{statistics.median(cypher[shape]):>12.1f}{percentile(cypher[shape], 95):>12.1f}")
        p95 = percentile(every, 95)
        all_cypher = [v for vs in cypher.values() for v in vs]
        cypher_p95 = percentile(all_cypher, 95)
        print(f"{'ALL':<16}{len(every):>4}{statistics.median(every):>9.1f}{p95:>9.1f}{max(every):>9.1f}"
              f"{'':>9}{statistics.median(all_cypher):>12.1f}{cypher_p95:>12.1f}")
        ratio_p95 = percentile(ratios, 95)
        print(f"\nanswer / own Cypher time: p50 {statistics.median(ratios):.2f}x, p95 {ratio_p95:.2f}x "
              f"(ratio of the p95s {p95 / cypher_p95:.2f}x); target <= {TARGET_RATIO}x")
        if unknown:
            print(f"\n{len(unknown)} questions whose subject was not linked, e.g. {unknown[:3]}")
        verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
        print(f"\noffline answer p95 {p95:.1f} ms {verdict} the {TARGET_P95_MS:.0f} ms target")
        return 1 if args.check and (p95 > TARGET_P95_MS or ratio_p95 > TARGET_RATIO) else 0
    finally:
        bench_graph.stop(server)
        shutil.rmtree(tmp_db.parent, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

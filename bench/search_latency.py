"""Hybrid search latency on the synthetic organization (default 10,000 people).

Loads the org, embeds every page (timed), then runs ~200 varied queries
(names, typeahead prefixes, paraphrases, questions, type-filtered) through
kiki.search.hybrid_search with the query vectors encoded beforehand, so the
figures are the search itself: one Neo4j round trip (full text + vector
k-NN + links between candidates) plus fusion. Target: p95 < 50 ms.

    python bench/search_latency.py                       # throwaway Neo4j on a free port
    python bench/search_latency.py --uri bolt://host:7687 --password ... [--wipe]
"""
from __future__ import annotations

import random
import statistics
import time

from _search_common import base_parser, graph_server, load_synthetic, percentile

PARAPHRASES = [
    "accounting ledger", "who keeps the books", "month end close", "payroll problems",
    "deploy pipeline is broken", "kubernetes cluster", "who handles hiring", "recruiting interviews",
    "fraud detection model", "risk scoring", "card payments outage", "customer support tickets",
    "security incident response", "data warehouse", "machine learning platform", "mobile app release",
    "expense reimbursement", "travel booking rules", "how do I onboard a new hire", "laptop for new employee",
    "work from home policy", "code review rules", "on-call rotation", "api gateway", "identity and login",
    "marketing campaigns", "legal contracts", "sales pipeline", "office facilities", "compliance audit",
    "tax reporting", "treasury cash", "observability and monitoring", "search service", "notifications emails",
    "billing invoices", "partner integrations", "design system components", "data privacy requests",
    "incident postmortem",
]
QUESTIONS = ["who owns {}", "who leads {}", "what does {} do", "{} team", "problems with {}",
             "where is the documentation for {}"]
TYPES = ["Person", "Team", "System", "Department", "Process", "Topic"]


def build_queries(batch, n: int, seed: int) -> list[tuple[str, list[str] | None]]:
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for e in batch.entities:
        by_label.setdefault(e.label, []).append(e.name)
    names = [name for label in ("Team", "System", "Person", "Topic", "Process", "Department")
             for name in rng.sample(by_label.get(label, []), min(12, len(by_label.get(label, []))))]
    queries: list[tuple[str, list[str] | None]] = []
    queries += [(name, None) for name in rng.sample(names, min(40, len(names)))]
    queries += [(name[:4], None) for name in rng.sample(names, min(20, len(names)))]  # typeahead
    queries += [(p, None) for p in PARAPHRASES]
    systems_teams = by_label.get("System", [])[:200] + by_label.get("Team", [])[:200]
    queries += [(rng.choice(QUESTIONS).format(rng.choice(systems_teams)), None) for _ in range(40)]
    queries += [(rng.choice(PARAPHRASES), [rng.choice(TYPES)]) for _ in range(40)]
    queries += [(rng.choice(PARAPHRASES), rng.sample(TYPES, 2)) for _ in range(20)]
    rng.shuffle(queries)
    return queries[:n]


def main():
    p = base_parser(__doc__.splitlines()[0], people=10_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--limit", type=int, default=20, help="hits per search")
    p.add_argument("--batch", type=int, default=64, help="texts per embedding call when indexing")
    p.add_argument("--no-load", action="store_true",
                   help="with --uri: the org is already loaded; only bring embeddings up to date")
    args = p.parse_args()

    with graph_server(args):
        from graph import driver
        from kiki import search as kiki_search
        from kiki.embeddings import get_embedder
        from kiki.indexing import index_entities

        if args.no_load and args.uri:
            from ingest.synthetic import generate

            batch = generate(args.people, args.seed)  # for query names only
        else:
            batch = load_synthetic(args.people, args.seed)
        embedder = get_embedder()
        embedder.encode(["warm up"])
        last = [0.0]

        def progress(done, total, counts):
            if time.monotonic() - last[0] > 15 or done == total:
                last[0] = time.monotonic()
                print(f"  embedding: {done}/{total} entities, {counts.embedded} passages", flush=True)

        counts = index_entities(batch=args.batch, progress=progress, embedder=embedder)
        print(f"embedded everything: {counts.entities} entities -> {counts.chunks} passages in "
              f"{counts.seconds:.1f}s ({counts.embedded / max(counts.seconds, 1e-9):.0f} passages/s)", flush=True)
        kiki_search.forget_chunk_state()

        queries = build_queries(batch, args.queries, args.seed)
        t = time.perf_counter()
        vectors = embedder.encode([q for q, _ in queries])
        encode_ms = (time.perf_counter() - t) * 1000 / len(queries)

        for (q, types), v in list(zip(queries, vectors))[:20]:  # warm-up: plans, caches
            kiki_search.hybrid_search(q, types, args.limit, vector=v)
        floor = []  # a bare round trip: what the machine and driver cost before any search work
        for _ in range(len(queries)):
            t = time.perf_counter()
            driver.read("RETURN 1 AS one")
            floor.append((time.perf_counter() - t) * 1000)
        hybrid, fulltext, modes, empty = [], [], set(), 0
        for (q, types), v in zip(queries, vectors):
            t = time.perf_counter()
            result = kiki_search.hybrid_search(q, types, args.limit, vector=v)
            hybrid.append((time.perf_counter() - t) * 1000)
            modes.add(result.mode)
            empty += not result.hits
            t = time.perf_counter()
            kiki_search._fulltext(q, kiki_search._types(types), args.limit, "")
            fulltext.append((time.perf_counter() - t) * 1000)

        def line(name, xs):
            return (f"{name:<22} n={len(xs)}  p50={percentile(xs, 50):6.1f} ms  p95={percentile(xs, 95):6.1f} ms  "
                    f"p99={percentile(xs, 99):6.1f} ms  mean={statistics.mean(xs):6.1f} ms")

        print()
        print(f"graph: {counts.entities} entities, {counts.chunks} chunks; {len(queries)} queries; "
              f"modes seen: {sorted(modes)}; queries with no hits: {empty}")
        print(line("hybrid (no encoding)", hybrid))
        print(line("full-text only", fulltext))
        print(line("round trip (RETURN 1)", floor))
        print(f"query encoding (batched, per query): {encode_ms:.1f} ms")
        verdict = "PASS" if percentile(hybrid, 95) < 50 else "MISS"
        print(f"target p95 < 50 ms: {verdict}")


if __name__ == "__main__":
    main()

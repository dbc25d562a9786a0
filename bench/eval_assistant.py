"""Evaluation: Kiki's offline answers against known answers, and the same
questions through a plain vector-only RAG baseline, in one run.

    python bench/eval_assistant.py [--people 500] [--seed 42] [--k 5] [--json]

Starts a throwaway Neo4j (or uses --uri), loads the synthetic organization,
embeds it, generates the evaluation set from the same organization
(bench/eval_set.py; or reads --questions FILE), asks every question through
kiki.assistant.ask with no LLM configured, and grades it (bench/eval_grade.py).
The baseline embeds the question, takes the top-k passages from the vector
index (no full-text, no graph tools) and answers with their text, citing their
pages; it is graded by the same grader. Prints accuracy per kind, the
structured-kinds and overall accuracy, "I don't know" accuracy, citation
precision/recall and answer latency. A benchmark: it never fails on accuracy.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# Conversations go to a throwaway SQLite file, not the local Kiki database.
os.environ.setdefault("KIKI_SQLITE_PATH", str(Path(tempfile.mkdtemp(prefix="kiki-eval-")) / "eval.sqlite3"))

from _search_common import base_parser, graph_server, load_synthetic, percentile  # noqa: E402


def vector_baseline(question: str, embedder, k: int) -> tuple[str, list[str]]:
    """Plain RAG retrieval: the k passages closest in meaning; no graph."""
    from kiki.search import vector_passages
    hits = vector_passages(question, k, embedder=embedder)
    return "\n\n".join(h.text for h in hits), list(dict.fromkeys(h.key for h in hits))


def run(args) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    import eval_set
    from eval_grade import Grader
    from ingest.synthetic import generate
    from kiki.assistant import ask
    from kiki.embeddings import get_embedder
    from kiki.indexing import index_entities

    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = None  # offline answers only
    call_command("migrate", verbosity=0)
    if args.questions:
        items = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
    else:
        items = eval_set.build(args.people, args.seed)
    grader = Grader(eval_set.Org(generate(args.people, args.seed)))

    with graph_server(args):
        load_synthetic(args.people, args.seed)
        started = time.perf_counter()
        counts = index_entities()
        print(f"embedded {counts.embedded} passages of {counts.entities} pages in "
              f"{time.perf_counter() - started:.1f}s", flush=True)
        embedder = get_embedder()
        ask("warm-up: who leads Risk Data?")  # first call loads lazily cached state
        rows = []
        for item in items:
            t0 = time.perf_counter()
            result = ask(item["question"], asker=item.get("asker"))
            took = (time.perf_counter() - t0) * 1000
            cited = [s["key"] for s in result["sources"]]
            base_text, base_cited = vector_baseline(item["question"], embedder, args.k)
            rows.append({
                "id": item["id"], "kind": item["kind"], "question": item["question"], "ms": took,
                "kiki": grader.grade(item, result["answer"]), "kiki_cit": grader.citations(item, cited),
                "base": grader.grade(item, base_text), "base_cit": grader.citations(item, base_cited),
                "answer": result["answer"], "mode": result["mode"],
                "outside": grader.uncited_context(item, cited),
            })
    return summarize(rows, args)


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else float("nan")


def summarize(rows: list[dict], args) -> dict:
    import eval_set

    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    kinds = [k for k in eval_set.KINDS if k in by_kind]
    acc = {k: (_mean([r["kiki"] for r in by_kind[k]]), _mean([r["base"] for r in by_kind[k]])) for k in kinds}
    structured = [r for r in rows if r["kind"] in eval_set.STRUCTURED]
    ms = [r["ms"] for r in rows]
    report = {
        "questions": len(rows), "people": args.people, "seed": args.seed, "k": args.k,
        "modes": sorted({r["mode"] for r in rows}),
        "per_kind": {k: {"n": len(by_kind[k]), "kiki": acc[k][0], "baseline": acc[k][1]} for k in kinds},
        "structured": {"kiki": _mean([r["kiki"] for r in structured]), "baseline": _mean([r["base"] for r in structured])},
        "overall": {"kiki": _mean([r["kiki"] for r in rows]), "baseline": _mean([r["base"] for r in rows])},
        "citation_precision": {"kiki": _mean([r["kiki_cit"][0] for r in rows]),
                               "baseline": _mean([r["base_cit"][0] for r in rows])},
        "citation_recall": {"kiki": _mean([r["kiki_cit"][1] for r in rows]),
                            "baseline": _mean([r["base_cit"][1] for r in rows])},
        "latency_ms": {"p50": percentile(ms, 50), "p95": percentile(ms, 95)},
        "failures": [{k: r[k] for k in ("id", "kind", "question", "answer")} for r in rows if not r["kiki"]],
        "imprecise": [{"id": r["id"], "question": r["question"], "precision": r["kiki_cit"][0],
                       "outside": r["outside"]}
                      for r in rows if r["kiki_cit"][0] is not None and r["kiki_cit"][0] < 1],
    }
    return report


def print_report(rep: dict, verbose: bool = False) -> None:
    load = os.getloadavg()
    print(f"\n{rep['questions']} questions, {rep['people']}-person org (seed {rep['seed']}), "
          f"modes {rep['modes']}, baseline = top-{rep['k']} vector passages; 2 CPUs, load average {load[0]:.1f}")
    print(f"{'kind':<14}{'n':>4}{'Kiki':>9}{'baseline':>10}")
    for kind, v in rep["per_kind"].items():
        print(f"{kind:<14}{v['n']:>4}{v['kiki']:>9.1%}{v['baseline']:>10.1%}")
    for name in ("structured", "overall"):
        v = rep[name]
        print(f"{name:<18}{v['kiki']:>9.1%}{v['baseline']:>10.1%}")
    for name in ("citation_precision", "citation_recall"):
        v = rep[name]
        print(f"{name:<18}{v['kiki']:>9.1%}{v['baseline']:>10.1%}")
    idk = rep["per_kind"].get("unanswerable", {})
    print(f"\"I don't know\" correct on unanswerable questions: {idk.get('kiki', float('nan')):.1%}")
    print(f"offline answer latency: p50 {rep['latency_ms']['p50']:.1f} ms, p95 {rep['latency_ms']['p95']:.1f} ms")
    targets = [("structured >= 95%", rep["structured"]["kiki"] >= 0.95),
               ("overall >= 90%", rep["overall"]["kiki"] >= 0.90),
               ("I don't know >= 95%", idk.get("kiki", 0) >= 0.95)]
    print("targets: " + ", ".join(f"{t}: {'met' if ok else 'MISSED'}" for t, ok in targets))
    if rep["failures"]:
        print(f"\n{len(rep['failures'])} wrong answers:")
        for f in rep["failures"]:
            print(f"- [{f['kind']}] {f['question']}\n    {' '.join(f['answer'].split())[:300]}")
    if verbose and rep["imprecise"]:
        print(f"\n{len(rep['imprecise'])} answers citing pages more than one hop from the question's pages:")
        for f in rep["imprecise"]:
            print(f"- {f['question']} (precision {f['precision']:.0%}): {', '.join(f['outside'])}")


def main(argv=None) -> int:
    ap = base_parser(__doc__.split("\n\n")[0], people=500)
    ap.add_argument("--k", type=int, default=5, help="passages the vector-only baseline answers with")
    ap.add_argument("--questions", help="a JSONL file from bench/eval_set.py (default: generate from the org)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--verbose", action="store_true", help="also list answers with imprecise citations")
    args = ap.parse_args(argv)
    rep = run(args)
    if args.json:
        print(json.dumps(rep, indent=2))
    else:
        print_report(rep, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())

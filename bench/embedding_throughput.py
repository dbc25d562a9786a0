"""Embedding throughput: the indexing pipeline (kiki.indexing.index_entities:
read entities + facts, chunk, hash, encode, write vectors) against raw
`model.encode` on exactly the same passage texts. Prints texts/s of both and
the pipeline's overhead ratio. Target: overhead < 15%.

Rounds alternate raw and pipeline runs and the best of each is compared, so
a burst of load from other processes does not land on one side only.

    python bench/embedding_throughput.py [--people 1000] [--rounds 2]
    python bench/embedding_throughput.py --uri bolt://host:7687 --password ... [--wipe]
"""
from __future__ import annotations

import time

from _search_common import base_parser, graph_server, load_synthetic


def passage_texts() -> list[str]:
    """The texts index_entities will embed, read and chunked the same way."""
    from graph import chunks as q
    from graph import driver
    from kiki import chunking
    from kiki.indexing import PAGE, _refs

    refs = _refs(None)
    texts = []
    for start in range(0, len(refs), PAGE):
        for doc in driver.read(q.ENTITY_DOCS, refs=refs[start:start + PAGE]):
            seen = set()
            for p in chunking.passages(doc):
                if p.embed_text not in seen:  # index_entities stores a repeated passage once
                    seen.add(p.embed_text)
                    texts.append(p.embed_text)
    return texts


def main():
    p = base_parser(__doc__.splitlines()[0], people=1000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    args = p.parse_args()

    with graph_server(args):
        from graph import driver
        from kiki.embeddings import get_embedder
        from kiki.indexing import index_entities

        load_synthetic(args.people, args.seed)
        embedder = get_embedder()
        model = embedder.model
        model.encode(["warm up"] * 8)
        texts = passage_texts()
        print(f"{len(texts)} passages to embed", flush=True)

        raw, pipe = [], []
        for r in range(1, args.rounds + 1):
            t, c = time.perf_counter(), time.process_time()
            vectors = model.encode(texts, batch_size=args.batch, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
            raw.append((time.perf_counter() - t, time.process_time() - c))
            assert vectors.shape == (len(texts), 384)

            driver.write("MATCH (c:Chunk) DETACH DELETE c")
            t, c = time.perf_counter(), time.process_time()
            counts = index_entities(batch=args.batch, embedder=embedder)
            pipe.append((time.perf_counter() - t, time.process_time() - c))
            assert counts.embedded == len(texts), (counts, len(texts))
            print(f"round {r}: raw {raw[-1][0]:.1f}s, pipeline {pipe[-1][0]:.1f}s "
                  f"(this process's CPU: {raw[-1][1]:.1f}s vs {pipe[-1][1]:.1f}s)", flush=True)

        best_raw = min(x[0] for x in raw)
        best_pipe = min(x[0] for x in pipe)
        n = len(texts)
        overhead = best_pipe / best_raw - 1
        print()
        print(f"raw model.encode      : {n / best_raw:7.1f} texts/s  ({best_raw:.1f}s for {n} texts)")
        print(f"index_entities        : {n / best_pipe:7.1f} texts/s  ({best_pipe:.1f}s, incl. Neo4j reads/writes)")
        print(f"pipeline overhead     : {overhead * 100:+.1f}%  (target < 15%: {'PASS' if overhead < 0.15 else 'MISS'})")
        cpu_overhead = min(x[1] for x in pipe) / min(x[1] for x in raw) - 1
        print(f"client CPU overhead   : {cpu_overhead * 100:+.1f}%  (this process only; load-independent)")


if __name__ == "__main__":
    main()

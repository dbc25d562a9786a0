"""Search over the graph's entities, used by the wiki's search page, the
typeahead, /api/search and the assistant.

`search()` is the stable entry point. It is hybrid: Neo4j's full-text index
and the passage vector index (graph/chunks.py) each rank entities, the two
rankings are fused with reciprocal rank fusion (RRF), and entities directly
linked to other top hits get a small boost (a team whose lead and system both
match is probably what was meant). All of that is one round trip (two for a
type filter so selective that the k-NN pool holds too few of that type).

It degrades to full text only, never to an error, when no chunks exist yet
(embeddings not run) or the model cannot load.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Hashable, Sequence

from graph import chunks
from graph import search as graph_search
from graph.model import PAGE_LABELS
from graph.page_urls import page_url

from .embeddings import Embedder, EmbeddingUnavailable, get_embedder

log = logging.getLogger(__name__)

RRF_K = 60            # the usual RRF constant: damps the difference between ranks 1 and 2
DEPTH = 40            # candidates taken from each ranking
BOOST_TOP = 3         # "top hits" whose direct neighbours get the graph boost
LINK_HEADS = 5        # links are looked up from the first LINK_HEADS of each ranking
# Share of each linked top hit's score passed to a neighbour. Kept small: with
# RRF_K = 60 neighbouring ranks differ by only ~1/3600, so 0.03 (~0.0005 at the
# top) moves a neighbour up about two places, never past a clearly better hit.
GRAPH_BOOST = 0.03
HAS_CHUNKS_TTL = 30.0  # seconds a "are there any chunks?" answer is trusted


@dataclass
class Hit:
    type: str       # a page label, e.g. "Team"
    key: str
    name: str
    summary: str
    score: float
    url: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    hits: list[Hit]
    mode: str                       # "hybrid" or "fulltext"
    reason: str = ""                # why it fell back to full text
    debug: dict = field(default_factory=dict)


@dataclass
class PassageHit:
    type: str
    key: str
    name: str
    url: str
    text: str
    ordinal: int
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


def _types(types: Sequence[str] | None) -> list[str]:
    return [t for t in (types or []) if t in PAGE_LABELS] or list(PAGE_LABELS)


def rrf_fuse(rankings: Sequence[Sequence[Hashable]], k: int = RRF_K) -> dict[Hashable, float]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank),
    rank 1-based. Items missing from a ranking get nothing from it."""
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


# A cheap per-process answer to "has anything been embedded yet?", so a
# search on a fresh install does not load the model just to find no vectors.
_chunks_state = {"at": 0.0, "value": False}
_chunks_lock = threading.Lock()


def has_chunks() -> bool:
    with _chunks_lock:
        if time.monotonic() - _chunks_state["at"] < HAS_CHUNKS_TTL:
            return _chunks_state["value"]
    value = chunks.chunk_count(once=True) > 0
    with _chunks_lock:
        _chunks_state.update(at=time.monotonic(), value=value)
    return value


def forget_chunk_state() -> None:
    """Make the next search re-check for chunks (after indexing, in tests)."""
    with _chunks_lock:
        _chunks_state["at"] = 0.0


def _query_vector(query: str, embedder: Embedder | None) -> tuple[list[float] | None, str]:
    if not has_chunks():
        return None, "no passages have been embedded yet"
    try:
        return (embedder or get_embedder()).encode([query])[0], ""
    except EmbeddingUnavailable as e:
        log.warning("semantic search off, using full text only: %s", e)
        return None, str(e)


def _fulltext(query: str, types: list[str], limit: int, reason: str) -> SearchResult:
    rows = graph_search.fulltext(query, types, limit)
    hits = [Hit(r["label"], r["key"], r["name"], r.get("summary") or "", float(r["score"]),
                page_url(r["label"], r["key"])) for r in rows]
    return SearchResult(hits, "fulltext", reason)


def hybrid_search(query: str, types: Sequence[str] | None = None, limit: int = 20, *,
                  vector: list[float] | None = None, embedder: Embedder | None = None) -> SearchResult:
    """Hybrid ranking (see module doc). Pass `vector` to skip encoding the
    query (benchmarks, or a caller that already has it); `embedder` to use a
    specific one. Raises GraphError/GraphUnavailable only."""
    types = _types(types)
    limit = max(1, min(int(limit), 100))
    lucene = graph_search.lucene_query(query or "")
    if not lucene:
        return SearchResult([], "fulltext", "empty query")
    reason = ""
    if vector is None:
        vector, reason = _query_vector(query, embedder)
    if vector is None:
        return _fulltext(query, types, limit, reason)

    depth = max(DEPTH, limit)
    # Post-filtering by type needs a deeper k-NN pool when only some labels count.
    k = depth * (1 if len(types) == len(PAGE_LABELS) else 6)
    row = graph_search.hybrid_candidates(lucene, vector, types=types, depth=depth, k=k, heads=LINK_HEADS)
    ft, vec, links = row["ft"], row["vec"], row["links"]
    if len(vec) < limit and len(types) < len(PAGE_LABELS):
        # The k-NN pool had too few entities of the wanted types (post-filter):
        # rank those types' chunks exactly instead. A second round trip, only
        # for selective filters; links are not recomputed for it.
        vec = graph_search.exact_vector(vector, types=types, k=depth * 3, depth=depth)
    info = {}
    for item in ft + vec:
        info.setdefault(item["id"], item)
    scores = rrf_fuse([[x["id"] for x in ft], [x["id"] for x in vec]])

    # Graph boost: a candidate directly linked to one of the top few hits gets
    # a share of that hit's score. Proportional, so a link to a weak "top"
    # hit (in a weak result list) lifts little.
    base = dict(scores)
    top = sorted(base, key=lambda i: (-base[i], info[i]["key"]))[:BOOST_TOP]
    top_set = set(top)
    for a, b in links:
        if b in top_set:
            scores[a] += GRAPH_BOOST * base[b]
        if a in top_set:
            scores[b] += GRAPH_BOOST * base[a]

    ranked = sorted(scores, key=lambda i: (-scores[i], info[i]["key"]))[:limit]
    hits = [Hit(info[i]["label"], info[i]["key"], info[i]["name"], info[i].get("summary") or "",
                round(scores[i], 6), page_url(info[i]["label"], info[i]["key"])) for i in ranked]
    return SearchResult(hits, "hybrid", debug={"fulltext": len(ft), "vector": len(vec), "links": len(links)})


def search(query: str, types: list[str] | None = None, limit: int = 20, asker: str | None = None) -> list[Hit]:
    """Ranked entities for a free-text query, optionally limited to page labels.
    `asker` is accepted for callers that pass who is asking; ranking does not
    personalize yet."""
    return hybrid_search(query, types, limit).hits


def search_passages(query: str, limit: int = 8, types: list[str] | None = None, *,
                    vector: list[float] | None = None, embedder: Embedder | None = None) -> list[PassageHit]:
    """The best passages for the query, each with its entity, for the
    assistant to quote: passages close in meaning fused (RRF) with the facts
    passage of each full-text hit, so exact names still surface. Without
    embeddings it falls back to the full-text hits' summaries (ordinal 0)."""
    types = _types(types)
    limit = max(1, min(int(limit), 50))
    lucene = graph_search.lucene_query(query or "")
    if not lucene:
        return []
    if vector is None:
        vector, _ = _query_vector(query, embedder)
    if vector is None:
        hits = _fulltext(query, types, limit, "").hits
        return [PassageHit(h.type, h.key, h.name, h.url, h.summary or h.name, 0, h.score) for h in hits]
    depth = max(DEPTH // 2, limit * 2)
    k = depth * (2 if len(types) == len(PAGE_LABELS) else 6)
    row = graph_search.hybrid_passages(lucene, vector, types=types, depth=depth, k=k)
    info = {}
    for item in row["vec"] + row["ft"]:  # vector rows first: they carry the passage's own score
        info.setdefault(item["id"], item)
    scores = rrf_fuse([[x["id"] for x in row["ft"]], [x["id"] for x in row["vec"]]])
    ranked = sorted(scores, key=lambda i: (-scores[i], info[i]["key"], info[i]["ordinal"]))[:limit]
    return [PassageHit(info[i]["label"], info[i]["key"], info[i]["name"], page_url(info[i]["label"], info[i]["key"]),
                       info[i]["text"] or "", int(info[i]["ordinal"] or 0), round(scores[i], 6))
            for i in ranked]


def vector_passages(query: str, limit: int = 5, types: list[str] | None = None, *,
                    embedder: Embedder | None = None) -> list[PassageHit]:
    """The `limit` passages closest in meaning to the query and nothing else
    (no full text, no graph): plain RAG retrieval, which bench/eval_assistant.py
    measures Kiki against. Empty when nothing is embedded."""
    vector, _ = _query_vector(query, embedder)
    if vector is None:
        return []
    types = _types(types)
    limit = max(1, min(int(limit), 50))
    rows = graph_search.vector_passages(vector, types=types, limit=limit,
                                        k=limit * (1 if len(types) == len(PAGE_LABELS) else 6))
    return [PassageHit(r["label"], r["key"], r["name"], page_url(r["label"], r["key"]), r["text"] or "",
                       int(r["ordinal"] or 0), round(float(r["score"]), 6)) for r in rows]

"""Keeps passage chunks and their vectors in step with the graph.

`index_entities()` reads entities a page at a time (text + facts + their
current chunks in one query), splits them into passages (kiki.chunking),
embeds only passages whose hash is new, and writes them in UNWIND batches;
chunks of passages that disappeared are deleted. Running it twice in a row
embeds nothing the second time, so the Celery task that wraps it
(kiki.tasks.embed_entities) is safe to redeliver.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Callable, Iterable

from graph import chunks
from graph.model import LABEL_SLUGS, PAGE_LABELS
from graph.writes import now_iso

from . import chunking
from .embeddings import Embedder, get_embedder

log = logging.getLogger(__name__)

PAGE = 256  # entities read per round trip
ENCODE_WINDOW_BATCHES = 8  # passages per encode call = batch * this


@dataclass
class IndexCounts:
    entities: int = 0       # entities looked at
    chunks: int = 0         # passages they have now
    embedded: int = 0       # passages (re-)embedded and written
    unchanged: int = 0      # passages whose stored vector was still right
    deleted: int = 0        # chunks removed (passage gone, or entity deleted)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


Progress = Callable[[int, int, IndexCounts], None]


def chunk_key(label: str, entity_key: str, passage_hash: str) -> str:
    return f"{LABEL_SLUGS[label]}/{entity_key}#{passage_hash[:16]}"


def _refs(keys: Iterable[str] | None) -> list[dict]:
    rows = chunks.entity_refs(list(PAGE_LABELS), None if keys is None else sorted(set(keys)))
    return [r for r in rows if r["label"]]


def _plan(doc: dict, model: str, force: bool):
    """(rows to embed, ordinal updates, chunk keys to delete, passage count) for one entity."""
    existing = {c["key"]: c for c in doc["chunks"]}
    to_embed, reorder, keep = [], [], set()
    for p in chunking.passages(doc):
        h = p.hash(model)
        key = chunk_key(doc["label"], doc["key"], h)
        if key in keep:  # the same passage twice in one page: one chunk is enough
            continue
        keep.add(key)
        old = existing.get(key)
        if old is None or force or old.get("hash") != h:
            to_embed.append({"key": key, "entity_key": doc["key"], "label": doc["label"],
                             "ordinal": p.ordinal, "text": p.text, "hash": h, "embed_text": p.embed_text})
        elif old.get("ordinal") != p.ordinal:
            reorder.append({"key": key, "ordinal": p.ordinal})
    stale = [k for k in existing if k not in keep]
    return to_embed, reorder, stale, len(keep)


def index_entities(keys: Iterable[str] | None = None, batch: int = 64, progress: Progress | None = None,
                   embedder: Embedder | None = None, force: bool = False) -> IndexCounts:
    """Bring the chunks of the given entity keys (all page entities when None)
    up to date. Only passages whose text changed are embedded; `force`
    re-embeds everything. `batch` is the model's batch size and the rows per
    UNWIND write. Calls `progress(done, total, counts)` after each page.

    Raises EmbeddingUnavailable if the model cannot load, GraphError/
    GraphUnavailable from Neo4j."""
    started = time.monotonic()
    embedder = embedder or get_embedder()
    model = getattr(embedder, "name", "model")
    counts = IndexCounts()
    now = now_iso()

    key_list = None if keys is None else sorted(set(keys))
    if key_list is None:
        while True:
            deleted = chunks.delete_orphan_chunks(limit=10000)
            counts.deleted += deleted
            if deleted < 10000:
                break
    elif key_list:
        counts.deleted += chunks.delete_orphan_chunks(key_list)

    window = batch * ENCODE_WINDOW_BATCHES
    refs = _refs(key_list) if key_list != [] else []
    total = len(refs)
    pending: list[dict] = []
    # The model and Neo4j work in parallel: a batch's vectors are written on
    # one background thread while the next batch is encoded (torch releases
    # the GIL). At most one write is in flight, so memory stays bounded and a
    # failed write surfaces at the next flush.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiki-index-writer")
    in_flight: list[Future] = []

    def wait_for_write():
        while in_flight:
            in_flight.pop().result()

    def write_rows(rows: list[dict]):
        for i in range(0, len(rows), batch):
            chunks.upsert_chunks(rows[i:i + batch], now)

    def flush(rows: list[dict]):
        # One encode call per window: sentence-transformers sorts a call's
        # texts by length before batching, so short facts passages are not
        # padded to the length of long body passages (worth ~30% here).
        vectors = embedder.encode([r.pop("embed_text") for r in rows])
        for r, v in zip(rows, vectors):
            r["embedding"] = v
        wait_for_write()
        in_flight.append(writer.submit(write_rows, rows))
        counts.embedded += len(rows)

    try:
        for start in range(0, total, PAGE):
            docs = chunks.entity_docs(refs[start:start + PAGE])
            reorder, stale = [], []
            for doc in docs:
                e, r, s, n = _plan(doc, model, force)
                pending.extend(e)
                reorder.extend(r)
                stale.extend(s)
                counts.chunks += n
                counts.unchanged += n - len(e)
            counts.entities += len(docs)
            # A chunk key is derived from its content hash, so a stale key is
            # never one being written; deleting first keeps ordinals unique.
            if stale or reorder:
                wait_for_write()  # both lock entities the in-flight upsert may hold
            if stale:
                counts.deleted += chunks.delete_chunks(stale)
            if reorder:
                chunks.set_chunk_ordinals(reorder)
            while len(pending) >= window:
                flush(pending[:window])
                del pending[:window]
            if progress:
                progress(counts.entities, total, counts)
        tail = bool(pending)
        if tail:
            flush(pending)
        wait_for_write()
    finally:
        writer.shutdown(wait=True)
    if progress and tail:  # the last window was embedded after the last page's report
        progress(counts.entities, total, counts)
    counts.seconds = round(time.monotonic() - started, 3)
    log.info("indexed %s", counts)
    return counts


def chunk_count() -> int:
    return chunks.chunk_count()

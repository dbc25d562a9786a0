"""Celery tasks of the kiki app.

`embed_entities(keys)` brings the search chunks of the given entity keys (all
page entities when None) up to date. Queue it after the graph changed and the
merge committed, passing the keys that changed:

    from kiki.tasks import embed_entities
    embed_entities.delay(sorted(changed_keys))      # or .delay(None) after a bulk load

It is idempotent: passages whose text is unchanged are not re-embedded, so a
redelivered or repeated task does almost nothing.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from .indexing import index_entities

log = logging.getLogger(__name__)


@shared_task(name="kiki.embed_entities", acks_late=True, ignore_result=False)
def embed_entities(keys: list[str] | None = None) -> dict:
    """Returns the IndexCounts as a dict (entities, chunks, embedded, unchanged, deleted, seconds)."""
    return index_entities(keys).as_dict()


def queue_embeddings(keys) -> None:
    """Queue `embed_entities` for pages whose text a committed write changed.
    Never fails the caller: the write itself succeeded, and a page whose
    passages are stale is still found by full-text search until the next
    change re-queues it."""
    keys = sorted({k for k in keys or () if k})
    if not keys or not settings.KIKI_SYNC_QUEUE_EMBEDDINGS:
        return
    try:
        embed_entities.apply_async(args=[keys], retry=False)
    except Exception as e:
        log.warning("could not queue embed_entities for %d keys: %s", len(keys), e)

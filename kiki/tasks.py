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

from celery import shared_task

from .indexing import index_entities


@shared_task(name="kiki.embed_entities", acks_late=True, ignore_result=False)
def embed_entities(keys: list[str] | None = None) -> dict:
    """Returns the IndexCounts as a dict (entities, chunks, embedded, unchanged, deleted, seconds)."""
    return index_entities(keys).as_dict()

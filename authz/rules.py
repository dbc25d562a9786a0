"""Handing restriction rules to the graph after a rule changes (and on
`migrate_graph`, for a graph restored or replaced): the graph keeps them and
applies them to every page now and to each page a later write touches, in
that write's transaction. After visibility changes the neighbours' search
passages are rebuilt, since a facts passage names only unrestricted
neighbours (kiki.chunking)."""
from __future__ import annotations

import logging

from graph import access

log = logging.getLogger(__name__)


def current_rules() -> list[dict]:
    from .models import RestrictionRule

    rules = [r.as_rule() for r in RestrictionRule.objects.prefetch_related("groups")]
    return [r for r in rules if r["groups"]]  # a rule with no group left restricts nothing yet


def apply() -> list[str]:
    """Hand the graph every rule (each later write applies them itself, in
    its own transaction), re-apply them to every page and queue the changed
    pages and their neighbours for re-embedding. Returns changed keys."""
    changed = access.apply_restrictions(current_rules())
    if changed:
        log.info("restrictions changed on %d pages", len(changed))
        from kiki.tasks import queue_embeddings

        queue_embeddings(sorted(set(changed) | set(access.neighbours(changed))))
    return changed

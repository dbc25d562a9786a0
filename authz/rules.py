"""Materializing restriction rules onto the graph: all of them after a rule
changes, or only the pages a write touched. After visibility changes the
neighbours' search passages are rebuilt, since a facts passage names only
unrestricted neighbours (kiki.chunking)."""
from __future__ import annotations

import logging

from graph import access

log = logging.getLogger(__name__)


def current_rules() -> list[dict]:
    from .models import RestrictionRule

    rules = [r.as_rule() for r in RestrictionRule.objects.prefetch_related("groups")]
    return [r for r in rules if r["groups"]]  # a rule with no group left restricts nothing yet


def apply(keys: list[str] | None = None) -> list[str]:
    """Re-apply every rule (to all pages, or to `keys` only) and queue the
    changed pages and their neighbours for re-embedding. Returns changed keys."""
    changed = access.apply_restrictions(current_rules(), keys)
    if changed:
        log.info("restrictions changed on %d pages", len(changed))
        from kiki.tasks import queue_embeddings

        queue_embeddings(sorted(set(changed) | set(access.neighbours(changed))))
    return changed

"""Field priority and provenance: who may write a field and who wrote it.
The merge engine and the SCIM service decide through these functions only
(the one implementation); `ingest.actions` writes the outcome.

`prov` (stored on the node as a JSON string) is
`{"fields": {field: {"source", "source_id", "since"}},
  "sources": {source: {"source_id", "first_seen", "last_seen", "stale_since"}}}`;
`sources` (a list on the node) names every source that asserted it.
"""
from __future__ import annotations

import json
from typing import Any

from django.conf import settings

# Bookkeeping the write core maintains; never provenance-tracked fields.
BOOKKEEPING = frozenset({"prov", "sources", "stale_since", "status", "retired_at", "body_edited_by",
                         "first_seen", "last_seen", "source", "source_id", "sync_fp", "updated_at",
                         "created_at", "aliases_text", "body", "aliases"})


def rank(field_name: str, source: str) -> int:
    """Position of `source` in the field's priority list (lower wins;
    settings.KIKI_FIELD_PRIORITY, falling back to its "default" list)."""
    prio = settings.KIKI_FIELD_PRIORITY
    order = prio.get(field_name) or prio.get("default") or []
    return order.index(source) if source in order else len(order)


def wins(field_name: str, incoming: str, holder: str | None) -> bool:
    """Whether `incoming` may overwrite a field `holder` wrote: nobody holds
    it, it is the same source, or `incoming` ranks at least as high."""
    return holder is None or incoming == holder or rank(field_name, incoming) <= rank(field_name, holder)


def ranked_above(field_name: str, source: str) -> list[str]:
    """The sources that beat `source` on `field_name`."""
    prio = settings.KIKI_FIELD_PRIORITY
    order = prio.get(field_name) or prio.get("default") or []
    return order[:order.index(source)] if source in order else list(order)


def load(node: dict | None) -> dict:
    """A node's provenance. A node written before provenance existed counts
    every set field as its `source`'s, first seen on `first_seen`."""
    node = node or {}
    if node.get("_prov") is not None:  # decoded once by the identity resolver
        prov = node.pop("_prov")
    elif node.get("prov"):
        prov = json.loads(node["prov"])
    else:
        prov = {"fields": {}, "sources": {}}
        src = node.get("source")
        if src:
            since = node.get("first_seen") or ""
            sid = node.get("source_id") or ""
            for f, v in node.items():
                if v is not None and f not in BOOKKEEPING:
                    prov["fields"][f] = {"source": src, "source_id": sid, "since": since}
            prov["sources"][src] = {"source_id": sid, "first_seen": since,
                                    "last_seen": node.get("last_seen") or since, "stale_since": None}
    prov.setdefault("fields", {})
    prov.setdefault("sources", {})
    return prov


def dump(prov: dict) -> str:
    return json.dumps(prov, sort_keys=True, separators=(",", ":"), default=str)


def holder(prov: dict, field_name: str) -> str | None:
    return prov["fields"].get(field_name, {}).get("source")


def since(prov: dict, field_name: str) -> str | None:
    return prov["fields"].get(field_name, {}).get("since")


def claim(prov: dict, field_name: str, source: str, source_id: str, today: str) -> None:
    prov["fields"][field_name] = {"source": source, "source_id": source_id, "since": today}


def release(prov: dict, field_name: str) -> None:
    prov["fields"].pop(field_name, None)


def seen(prov: dict, source: str, source_id: str, today: str) -> None:
    """`source` asserted the node today (and so it is not stale for it)."""
    before = prov["sources"].get(source, {})
    prov["sources"][source] = {"source_id": source_id, "first_seen": before.get("first_seen") or today,
                               "last_seen": today, "stale_since": None}


def mark_stale(prov: dict, source: str, today: str) -> bool:
    """`source` no longer asserts the node (missing from its full snapshot);
    True when this is news (the source's stale mark was not set yet)."""
    src = prov["sources"].setdefault(source, {"source_id": "", "first_seen": "", "last_seen": ""})
    if src.get("stale_since"):
        return False
    src["stale_since"] = today
    return True


def stale_since(prov: dict) -> str | None:
    """The earliest stale mark any source left on the node."""
    dates = [s["stale_since"] for s in prov["sources"].values() if s.get("stale_since")]
    return min(dates) if dates else None


def with_source(node: dict | None, source: str) -> list[str]:
    """The node's `sources` list with `source` added."""
    node = node or {}
    return sorted(set(node.get("sources") or ([node["source"]] if node.get("source") else [])) | {source})


def revision(field_name: str, value: Any, prov: dict, node: dict, today: str) -> dict:
    """The Revision keeping `value`, the field's value until today."""
    return {"field": field_name, "value": value, "source": holder(prov, field_name) or node.get("source") or "",
            "valid_from": since(prov, field_name) or node.get("first_seen") or "", "valid_to": today}

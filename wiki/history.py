"""A page's history as readers see it: wiki revisions (paginated, newest
first) interleaved with the changes sources made to structured fields
(title, lifecycle, …, from the Revision nodes ingest keeps), each
attributed to the source that made it."""
from __future__ import annotations

import json
from collections import defaultdict

from graph import revisions


def _field_changes(rows: list[dict], prov: str | None) -> list[dict]:
    """Revision nodes store a field's *previous* value and who had set it; the
    change itself was made by whoever set the next value (the next newer
    Revision's source, or the field's current owner in `prov`)."""
    owners = {}
    if prov:
        try:
            owners = json.loads(prov).get("fields", {})
        except ValueError:  # a damaged prov must not break the history page
            owners = {}
    by_field: dict[str, list[dict]] = defaultdict(list)
    for rv in rows:
        by_field[rv["field"]].append(rv)
    out = []
    for field, items in by_field.items():
        items.sort(key=lambda r: (r.get("valid_to") or "", r.get("valid_from") or ""))
        for i, rv in enumerate(items):
            if i + 1 < len(items):
                new, by = items[i + 1]["value"], items[i + 1].get("source")
            else:
                new, by = rv.get("current"), owners.get(field, {}).get("source")
            out.append({"type": "field", "field": field, "old": rv["value"], "new": new,
                        "source": by or rv.get("source") or "a source", "at": rv.get("valid_to") or ""})
    out.sort(key=lambda e: e["at"], reverse=True)
    return out


def page_history(label: str, key: str, page: int, per_page: int) -> dict | None:
    """Revisions on `page` (1-based) and the source changes that fall between
    them; None for no such page."""
    # One revision more than shown: the size change of the page's oldest.
    data = revisions.load_history(label, key, skip=(page - 1) * per_page, limit=per_page + 1)
    if data is None:
        return None
    revs = data["revisions"]
    sizes = {r["number"]: r.get("size") or 0 for r in revs}
    revs = revs[:per_page]
    for r in revs:
        if r.get("parent") in sizes:
            r["delta"] = (r.get("size") or 0) - sizes[r["parent"]]
    changes = _field_changes(data["field_changes"], data["prov"])
    pages_total = max(1, -(-data["total"] // per_page))
    # A source change belongs on the page whose revisions surround it in time.
    newest = None if page == 1 else (revs[0]["at"] if revs else None)
    oldest = None if page >= pages_total else (revs[-1]["at"] if revs else None)
    shown = [c for c in changes if (newest is None or c["at"] < newest) and (oldest is None or c["at"] >= oldest)]
    for r in revs:
        r["type"] = "revision"
    entries = sorted(revs + shown, key=lambda e: (e["at"] or "", e.get("number", -1)), reverse=True)
    return {"name": data["name"], "rev": data["rev"], "total": data["total"], "entries": entries,
            "page": page, "pages_total": pages_total}

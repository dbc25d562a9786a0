"""Search over the graph's entities, used by the wiki's search page, the
typeahead, /api/search and the assistant.

`search()` is the stable entry point; it currently ranks with Neo4j's
full-text index only (graph.search). Hybrid ranking (vectors + full text,
fused) plugs in here without changing callers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from graph import search as graph_search
from graph.model import LABEL_SLUGS, PAGE_LABELS


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


def search(query: str, types: list[str] | None = None, limit: int = 20, asker: str | None = None) -> list[Hit]:
    """Ranked entities for a free-text query, optionally limited to page labels."""
    types = [t for t in (types or []) if t in PAGE_LABELS] or list(PAGE_LABELS)
    rows = graph_search.fulltext(query, types, limit)
    return [Hit(r["label"], r["key"], r["name"], r.get("summary") or "", float(r["score"]),
                f"/{LABEL_SLUGS[r['label']]}/{r['key']}") for r in rows]

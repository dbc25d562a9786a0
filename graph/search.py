"""Full-text search queries over the entity_text index."""
from __future__ import annotations

import re

from . import driver
from .access import Viewer, viewer_params, visible
from .model import PAGE_LABELS

FULLTEXT_SEARCH = f"""
CALL db.index.fulltext.queryNodes('entity_text', $q, {{limit: $fetch}}) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l IN $types][0] AS label
WHERE label IS NOT NULL AND {visible('node')}
RETURN label, node.key AS key, node.name AS name, node.summary AS summary, score
ORDER BY score DESC
LIMIT $limit
"""

# Lucene syntax characters; user text is escaped so a query like "C++ (beta)"
# searches for words instead of failing to parse.
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


def lucene_query(text: str) -> str:
    """Escaped terms, each also matched as a prefix, so typeahead finds 'Ris' -> 'Risk'."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    parts = []
    for w in words[:12]:
        esc = _LUCENE_SPECIAL.sub(r"\\\1", w)
        if re.fullmatch(r"[\w]+", w) and w.upper() not in ("AND", "OR", "NOT"):
            parts.append(f"({esc} OR {esc.lower()}*)")
        else:
            parts.append(esc.lower() if w.upper() in ("AND", "OR", "NOT") else esc)
    return " AND ".join(parts)


def fulltext(text: str, types: list[str] | None = None, limit: int = 20, viewer: Viewer | None = None) -> list[dict]:
    """Pages whose text matches, best first, among those `viewer` may see."""
    q = lucene_query(text)
    if not q:
        return []
    types = [t for t in (types or PAGE_LABELS) if t in PAGE_LABELS]
    return driver.read_once(FULLTEXT_SEARCH, q=q, types=types, limit=limit, fetch=limit * 4, **viewer_params(viewer))

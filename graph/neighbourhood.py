"""The graph view's read: a page and the pages it is directly related to
(current relationships only, both directions), in one round trip. The
browser asks again for a neighbour to show one more hop."""
from __future__ import annotations

from . import driver
from .access import viewer_params, visible
from .model import check_key, check_label

MAX_NEIGHBOURS = 80

NEIGHBOURS = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n) AND {visible('n')}
RETURN n {{.key, .name, label: $label}} AS node,
  COLLECT {{
    MATCH (n)-[r]-(o:Entity)
    WHERE NOT type(r) STARTS WITH 'PAST_' AND {visible('o')}
    RETURN {{rel: type(r), outgoing: startNode(r) = n,
            other: o {{.key, .name, label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0]}}}} AS link
    ORDER BY link.rel, link.other.name LIMIT {MAX_NEIGHBOURS}
  }} AS links,
  COUNT {{ MATCH (n)-[r]-(o:Entity) WHERE NOT type(r) STARTS WITH 'PAST_' }} AS total
"""


def neighbours(label: str, key: str, viewer=None) -> dict | None:
    """{node, links: [{rel, outgoing, other}], total}; None for no such page."""
    check_label(label)
    check_key(key)
    rows = driver.read_once(NEIGHBOURS, label=label, key=key, **viewer_params(viewer))
    return rows[0] if rows else None

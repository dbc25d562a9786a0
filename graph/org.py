"""The interactive org chart's reads: who sits at the top of the reporting
tree, one person's direct reports, and the chain from the top down to a
person (to open the chart on them). Each call is one round trip returning
only one level of people, so the chart works at any size: the browser loads
a node's reports when it is expanded. Every person row carries its direct
report count (the expand button) and its team (the team structure)."""
from __future__ import annotations

from . import driver
from .access import viewer_params, visible
from .model import check_key

MAX_CHILDREN = 500
MAX_SEARCH = 20

_PERSON = f"""p {{.key, .name, .title,
    reports: COUNT {{ MATCH (r:Person)-[:REPORTS_TO]->(p) WHERE {visible('r')} }},
    team: head(COLLECT {{ MATCH (p)-[:MEMBER_OF]->(t:Team) RETURN t.name ORDER BY t.name }})}}"""

# People with no manager but with reports first (the real tops), then people
# with neither (alone in the tree: shown, but last).
ROOTS = f"""
MATCH (p:Person) WHERE NOT (p)-[:REPORTS_TO]->(:Person) AND {visible('p')}
WITH p, COUNT {{ MATCH (:Person)-[:REPORTS_TO]->(p) }} AS n
WHERE n > 0 OR coalesce(p.status, 'active') = 'active'
ORDER BY n DESC, p.name LIMIT {MAX_CHILDREN}
RETURN {_PERSON} AS p
"""

CHILDREN = f"""
MATCH (r:Person)-[:REPORTS_TO]->(p:Person {{key: $key}}) WHERE {visible('r')}
WITH r AS p ORDER BY p.name LIMIT {MAX_CHILDREN}
RETURN {_PERSON} AS p
"""

# The managers above a person, top first (a tree: at most one manager each).
CHAIN = f"""
MATCH (me:Person {{key: $key}}) WHERE {visible('me')}
OPTIONAL MATCH path = (me)-[:REPORTS_TO*1..30]->(top:Person) WHERE NOT (top)-[:REPORTS_TO]->()
WITH me, path ORDER BY length(path) DESC LIMIT 1
RETURN me.key AS key, CASE WHEN path IS NULL THEN [] ELSE reverse([x IN tail(nodes(path)) | x.key]) END AS chain
"""

SEARCH = f"""
MATCH (p:Person) WHERE toLower(p.name) STARTS WITH $q AND {visible('p')}
WITH p ORDER BY p.name LIMIT {MAX_SEARCH}
RETURN {_PERSON} AS p
"""


def roots(viewer=None) -> list[dict]:
    return [r["p"] for r in driver.read_once(ROOTS, **viewer_params(viewer))]


def children(key: str, viewer=None) -> list[dict]:
    check_key(key)
    return [r["p"] for r in driver.read_once(CHILDREN, key=key, **viewer_params(viewer))]


def chain(key: str, viewer=None) -> list[str] | None:
    """Keys of the person's managers, top first; None for no such (visible) person."""
    check_key(key)
    rows = driver.read_once(CHAIN, key=key, **viewer_params(viewer))
    return rows[0]["chain"] if rows else None


def search(q: str, viewer=None) -> list[dict]:
    """People whose name starts with `q` (case-insensitive)."""
    q = " ".join(q.lower().split())[:100]
    if not q:
        return []
    return [r["p"] for r in driver.read_once(SEARCH, q=q, **viewer_params(viewer))]

"""Reads about one page whatever its type: entity linking (which pages a
name or phrase may mean) and a page's facts with its current relationships.
One round trip each, `driver.read_once`."""
from __future__ import annotations

from . import driver
from .access import Viewer, entity_projection, field_visible, in_chain, viewer_params, visible
from .cypher import label_of as _label
from .model import RELATIONSHIPS

CURRENT_REL_TYPES = [r for r in RELATIONSHIPS if not r.startswith("PAST_")]

# --- entity linking ------------------------------------------------------
# Exact key/name lookups (index-backed) first; only when none of them has an
# allowed type does the (costlier) full-text query run, over names, aliases,
# summaries and bodies. The linker re-ranks candidates in Python.
LINK_CANDIDATES = f"""
CALL () {{
  MATCH (n:Entity) WHERE n.key IN $keys RETURN n
  UNION
  MATCH (n:Entity) WHERE n.name IN $names RETURN n
  UNION
  // "who is ana@acme.com": a person by work email, only for a viewer who may see emails
  MATCH (n:Person) WHERE n.email IN $emails AND {field_visible('email', 'n')} RETURN n
}}
WITH [x IN collect(n) WHERE {_label('x')} IN $types AND {visible('x')}] AS exact
OPTIONAL CALL (exact) {{
  WITH exact WHERE size(exact) = 0
  CALL db.index.fulltext.queryNodes('entity_text', $q, {{limit: $fetch}}) YIELD node, score
  RETURN collect({{n: node, score: score}}) AS fuzzy
}}
UNWIND [x IN exact | {{n: x, score: 50.0}}] + coalesce(fuzzy, []) AS c
WITH c.n AS n, max(c.score) AS score
WITH n, score, {_label('n')} AS label
WHERE label IN $types AND {visible('n')}
RETURN label, n.key AS key, n.name AS name, coalesce(n.aliases, []) AS aliases, score,
       coalesce(n.title, n.summary) AS detail, n.kind AS kind,
       coalesce(n.email IN $emails AND {field_visible('email', 'n')}, false) AS by_email
ORDER BY score DESC
LIMIT $limit
"""

# Who is asking: their teams, department(s) and manager, so "my team",

ENTITY = f"""
MATCH (n:Entity {{key: $key}})
WHERE ($label IS NULL OR $label IN labels(n)) AND {visible('n')}
WITH n LIMIT 1
CALL (n) {{
  OPTIONAL MATCH (n)-[r]-(m:Entity)
  WHERE type(r) IN $rel_types AND {visible('m')}
  WITH r, m, startNode(r) = n AS outgoing
  ORDER BY type(r), m.name
  LIMIT $related_limit
  RETURN collect(CASE WHEN m IS NULL THEN null ELSE
    {{type: type(r), outgoing: outgoing, label: {_label('m')}, key: m.key, name: m.name}} END) AS related
}}
WITH n, related, {in_chain('n')} AS chain
RETURN {_label('n')} AS label, {entity_projection('n', 'chain')} AS props,
       left(coalesce(n.body, ''), 1200) AS body, related
"""



def link_candidates(*, keys: list[str], names: list[str], lucene: str, types: list[str],
                    limit: int = 30, viewer: Viewer | None = None, emails: list[str] = ()) -> list[dict]:
    """Pages the viewer may see whose key, name or (people, where the viewer
    may see emails) work email is exactly one of `keys`/`names`/`emails`; only
    when none has an allowed type, the full-text matches of `lucene`. Best first."""
    return driver.read_once(LINK_CANDIDATES, keys=keys, names=names, emails=list(emails), q=lucene, types=types,
                            fetch=limit, limit=limit, **viewer_params(viewer))


def entity(key: str, label: str | None = None, *, related_limit: int = 60,
           viewer: Viewer | None = None) -> dict | None:
    """{label, props, body (first 1,200 characters), related: [{type, outgoing, label, key, name}]}
    of a page the viewer may see. `props` holds only the type's allow-listed
    fields (graph.access.SHOWN_FIELDS), personal ones per the field policy,
    plus `withheld`: the personal fields that exist but are not shown. Raw
    stores (scim_doc, prov, fingerprints) never leave graph/."""
    rows = driver.read_once(ENTITY, key=key, label=label, rel_types=CURRENT_REL_TYPES,
                            related_limit=related_limit, **viewer_params(viewer))
    return rows[0] if rows else None

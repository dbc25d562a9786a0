"""What each wiki page reads from the graph: one named query per page type that
returns, in a single round trip, everything its template needs (infobox,
sections, breadcrumbs, "what links here"), plus the home page and the per-type
index. The loaders below run that one query and shape the record for the
template; they never issue a query per row. They use `driver.read_once` (no
retry loop) so a Neo4j outage becomes a 503 immediately.
"""
from __future__ import annotations

import json
from functools import lru_cache

from . import driver
from .access import SHOWN_FIELDS, Viewer, in_chain, may_see_past_value, path_visible, shown_fields, viewer_params, visible
from .model import HISTORIZED, LABEL_SLUGS, PAGE_LABELS, check_key, check_label
from .errors import InvalidInput
from .page_urls import page_url

# Long lists (members of a big team, reports of a busy manager, incoming links)
# are capped in Cypher so one huge page cannot be slow; the page shows the
# total next to a capped list.
MAX_ROWS = 200
MAX_LINKS = 300
MAX_HISTORY = 30  # ended relationships shown under "Previously"
MAX_DEPTH = 8  # PART_OF chains deeper than this are treated as data errors

# Properties that are bookkeeping rather than content: never shown in an infobox.
HIDDEN_PROPS = {"content_hash", "aliases_text", "body_edited_by", "prov", "sync_fp", "scim_doc"}

# `[l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]` turns a node's labels into its page
# type; written out in each query rather than built, so every query below reads
# as the plain Cypher that runs.

WHAT_LINKS_HERE = f"""
COLLECT {{
  MATCH (n)<-[r]-(o:Entity)
  WHERE NOT type(r) STARTS WITH 'PAST_' AND {visible('o')}
  RETURN {{rel: type(r), label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0], key: o.key, name: o.name}} AS link
  ORDER BY link.rel, link.name
  LIMIT {MAX_LINKS}
}} AS links_here
"""

# "Previously": ended relationships (re-typed PAST_* by ingest, with their
# dates) and earlier values of the page's own fields, newest first.
PAST_TYPES = "|".join(f"PAST_{t}" for t in HISTORIZED)
HISTORY = f"""
COLLECT {{
  MATCH (n)-[r:{PAST_TYPES}]-(o:Entity) WHERE {visible('o')}
  RETURN {{rel: substring(type(r), 5), outgoing: startNode(r) = n, label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0],
          key: o.key, name: o.name, valid_from: r.valid_from, valid_to: r.valid_to}} AS h
  ORDER BY h.valid_to DESC, h.name
  LIMIT {MAX_HISTORY}
}} AS past_links,
COLLECT {{
  MATCH (n)-[:HAD]->(rv:Revision)
  WHERE rv.field IN $past_fields OR (rv.field IN $past_fields_chain AND viewer_in_chain)
  RETURN rv {{.field, .valid_from, .valid_to, .source, value: left(toString(rv.value), 200)}} AS rv
  ORDER BY rv.valid_to DESC, rv.field
  LIMIT 20
}} AS revisions
"""

PERSON_PAGE = f"""
MATCH (n:Person {{key: $key}}) WHERE {visible('n')}
WITH n, {in_chain('n')} AS viewer_in_chain
RETURN properties(n) AS node, viewer_in_chain,
  COLLECT {{
    MATCH p = (n)-[:MEMBER_OF]->(:Team)-[:PART_OF*0..{MAX_DEPTH}]->(top)
    WHERE NOT (top)-[:PART_OF]->() AND {path_visible('p')}
    RETURN [x IN tail(nodes(p)) | x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}}] AS chain
    ORDER BY length(p) DESC, chain[0].name
    LIMIT 1
  }} AS chains,
  COLLECT {{
    MATCH (n)-[:MEMBER_OF]->(t) WHERE {visible('t')}
    RETURN t {{.key, .name, label: [l IN labels(t) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS t ORDER BY t.name
  }} AS memberships,
  COLLECT {{
    MATCH p = (n)-[:MEMBER_OF]->()-[:PART_OF*0..{MAX_DEPTH}]->(d:Department) WHERE {path_visible('p')}
    RETURN DISTINCT d {{.key, .name}} AS d ORDER BY d.name
  }} AS departments,
  COLLECT {{
    MATCH (n)-[:REPORTS_TO]->(m:Person) WHERE {visible('m')} RETURN m {{.key, .name, .title}} AS m ORDER BY m.name
  }} AS managers,
  COLLECT {{
    MATCH (r:Person)-[:REPORTS_TO]->(n) WHERE {visible('r')}
    RETURN r {{.key, .name, .title}} AS r ORDER BY r.name LIMIT {MAX_ROWS}
  }} AS reports,
  COUNT {{ MATCH (r:Person)-[:REPORTS_TO]->(n) WHERE {visible('r')} }} AS report_count,
  COLLECT {{
    MATCH (n)-[:LEADS]->(x) WHERE {visible('x')}
    RETURN x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS x ORDER BY x.name
  }} AS leads,
  COLLECT {{
    MATCH (n)-[:MEMBER_OF|LEADS*0..1]->(o)-[:OWNS]->(x) WHERE {visible('o')} AND {visible('x')}
    WITH DISTINCT x, o
    RETURN x {{.key, .name, .summary, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0],
               via: CASE WHEN o = n THEN null ELSE o {{.key, .name,
                    label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0]}} END}} AS x
    ORDER BY x.label, x.name LIMIT {MAX_ROWS}
  }} AS owns,
  COLLECT {{
    MATCH (n)-[:RESPONSIBLE_FOR]->(s:Step)<-[h:HAS_STEP]-(p:Process) WHERE {visible('p')}
    RETURN {{process: p {{.key, .name}}, step: s.name, order: coalesce(h.order, s.order)}} AS x
    ORDER BY x.process.name, x.order
  }} AS responsibilities,
  {HISTORY},
  {WHAT_LINKS_HERE}
"""

# Edges an inference made (graph/org_units.py) carry `inferred` and a `reason`;
# pages show them marked, with the reason.
_INFERRED_R = "inferred: coalesce(r.inferred, false), reason: r.reason"

TEAM_PAGE = f"""
MATCH (n:Team {{key: $key}}) WHERE {visible('n')}
WITH n, false AS viewer_in_chain
RETURN properties(n) AS node,
  COLLECT {{
    MATCH p = (n)-[:PART_OF*0..{MAX_DEPTH}]->(top)
    WHERE NOT (top)-[:PART_OF]->() AND {path_visible('p')}
    RETURN [x IN nodes(p) | x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}}] AS chain
    ORDER BY length(p) DESC, chain[-1].name
    LIMIT 1
  }} AS chains,
  COLLECT {{
    MATCH (n)-[r:PART_OF]->(x) WHERE {visible('x')}
    RETURN x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0], {_INFERRED_R}}} AS x ORDER BY x.name
  }} AS parents,
  COLLECT {{
    MATCH p = (n)-[:PART_OF*1..{MAX_DEPTH}]->(d:Department) WHERE {path_visible('p')}
    WITH d, collect(p) AS ps
    // a stated path wins over one through an inferred edge
    WITH d, head([q IN ps WHERE none(r IN relationships(q) WHERE r.inferred = true)] + ps) AS p
    RETURN d {{.key, .name, inferred: any(r IN relationships(p) WHERE r.inferred = true),
              reason: head([r IN relationships(p) WHERE r.inferred = true | r.reason])}} AS d ORDER BY d.name
  }} AS departments,
  COLLECT {{
    MATCH (c:Team)-[:PART_OF]->(n) WHERE {visible('c')}
    RETURN c {{.key, .name, .summary,
               headcount: COUNT {{ MATCH hp = (p:Person)-[:MEMBER_OF]->()-[:PART_OF*0..{MAX_DEPTH}]->(c)
                                  WHERE {path_visible('hp')} RETURN DISTINCT p }}}} AS c
    ORDER BY c.name
  }} AS children,
  COLLECT {{
    MATCH (l:Person)-[r:LEADS]->(n) WHERE {visible('l')} RETURN l {{.key, .name, .title, {_INFERRED_R}}} AS l ORDER BY l.name
  }} AS leads,
  COLLECT {{
    MATCH (p:Person)-[:MEMBER_OF]->(n) WHERE {visible('p')}
    RETURN p {{.key, .name, .title, leads: EXISTS {{ (p)-[:LEADS]->(n) }},
               lead_inferred: EXISTS {{ MATCH (p)-[r:LEADS]->(n) WHERE r.inferred = true }}}} AS p
    ORDER BY p.name LIMIT {MAX_ROWS}
  }} AS members,
  COUNT {{ MATCH (p:Person)-[:MEMBER_OF]->(n) WHERE {visible('p')} }} AS direct_count,
  COUNT {{ MATCH hp = (p:Person)-[:MEMBER_OF]->()-[:PART_OF*0..{MAX_DEPTH}]->(n) WHERE {path_visible('hp')}
           RETURN DISTINCT p }} AS headcount,
  COLLECT {{
    MATCH (n)-[:OWNS]->(x) WHERE {visible('x')}
    RETURN x {{.key, .name, .summary, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS x
    ORDER BY x.label, x.name LIMIT {MAX_ROWS}
  }} AS owns,
  COLLECT {{
    MATCH (n)-[:RESPONSIBLE_FOR]->(s:Step)<-[h:HAS_STEP]-(p:Process) WHERE {visible('p')}
    RETURN {{process: p {{.key, .name}}, step: s.name, order: coalesce(h.order, s.order)}} AS x
    ORDER BY x.process.name, x.order
  }} AS responsibilities,
  {HISTORY},
  {WHAT_LINKS_HERE}
"""

# A department's direct members are most of what links to it: `hidden`
# already says which of them the viewer may not see.
DEPARTMENT_LINKS_HERE = WHAT_LINKS_HERE.replace(
    visible("o"), f"CASE WHEN type(r) = 'MEMBER_OF' AND o:Person THEN NOT o IN hidden ELSE {visible('o')} END")

# A department's headcounts check each of its people once: `units` are the
# units under it (itself included) reachable through visible units only, and
# `hidden` the people in them the viewer may not see (found from the few
# restricted people through an index, usually none). Counts are everyone
# less the hidden ones (`hidden_above`: the units each hidden person counts
# toward), so no person's restriction is read once per team above them
# (see bench/page_latency.py).
DEPARTMENT_PAGE = f"""
MATCH (n:Department {{key: $key}}) WHERE {visible('n')}
CALL (n) {{
  MATCH up = (u)-[:PART_OF*0..{MAX_DEPTH}]->(n) WHERE (u:Team OR u:Department) AND {path_visible('up')}
  RETURN collect(DISTINCT u) AS units
}}
WITH n, units, COLLECT {{
  MATCH (p:Person:Restricted)-[:MEMBER_OF]->(u)
  WHERE u IN units AND NOT {visible('p')}
  RETURN DISTINCT p
}} AS hidden
WITH n, units, hidden, COLLECT {{
  UNWIND hidden AS h
  MATCH (h)-[:MEMBER_OF]->(x)-[:PART_OF*0..{MAX_DEPTH}]->(a) WHERE x IN units
  WITH h, collect(DISTINCT a) AS above
  RETURN above
}} AS hidden_above
WITH n, units, hidden, hidden_above, false AS viewer_in_chain
RETURN properties(n) AS node,
  COLLECT {{
    MATCH p = (n)-[:PART_OF*0..{MAX_DEPTH}]->(top)
    WHERE NOT (top)-[:PART_OF]->() AND {path_visible('p')}
    RETURN [x IN nodes(p) | x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}}] AS chain
    ORDER BY length(p) DESC LIMIT 1
  }} AS chains,
  COLLECT {{
    MATCH (l:Person)-[r:LEADS]->(n) WHERE {visible('l')} RETURN l {{.key, .name, .title, {_INFERRED_R}}} AS l ORDER BY l.name
  }} AS leads,
  COLLECT {{
    MATCH p = (t:Team)-[:PART_OF*1..{MAX_DEPTH}]->(n) WHERE {path_visible('p')}
    WITH t, min(length(p)) AS depth, head(collect(nodes(p)[1].key)) AS parent,
         head(collect(relationships(p)[0])) AS up
    RETURN t {{.key, .name, .summary, depth: depth, parent: parent,
               inferred: coalesce(up.inferred, false), reason: up.reason,
               lead: COLLECT {{ MATCH (l:Person)-[r:LEADS]->(t) WHERE {visible('l')}
                                RETURN l {{.key, .name, {_INFERRED_R}}} AS l ORDER BY l.name }},
               headcount: COUNT {{ MATCH (u)-[:PART_OF*0..{MAX_DEPTH}]->(t) WHERE u IN units
                                  MATCH (p:Person)-[:MEMBER_OF]->(u) RETURN DISTINCT p }}
                          - size([above IN hidden_above WHERE t IN above])
              }} AS t
    ORDER BY t.name LIMIT {MAX_ROWS}
  }} AS teams,
  COLLECT {{
    MATCH (p:Person)-[:MEMBER_OF]->(n) WHERE NOT p IN hidden
    RETURN p {{.key, .name, .title}} AS p ORDER BY p.name LIMIT {MAX_ROWS}
  }} AS members,
  COUNT {{ MATCH (p:Person)-[:MEMBER_OF]->(n) }} - size([h IN hidden WHERE (h)-[:MEMBER_OF]->(n)]) AS direct_count,
  COUNT {{ UNWIND units AS u MATCH (p:Person)-[:MEMBER_OF]->(u) RETURN DISTINCT p }} - size(hidden) AS headcount,
  COLLECT {{
    MATCH (n)-[:OWNS]->(x) WHERE {visible('x')}
    RETURN x {{.key, .name, .summary, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS x
    ORDER BY x.label, x.name LIMIT {MAX_ROWS}
  }} AS owns,
  {HISTORY},
  {DEPARTMENT_LINKS_HERE}
"""

SYSTEM_PAGE = f"""
MATCH (n:System {{key: $key}}) WHERE {visible('n')}
WITH n, false AS viewer_in_chain
RETURN properties(n) AS node,
  COLLECT {{
    MATCH p = (n)-[:PART_OF*0..{MAX_DEPTH}]->(top)
    WHERE NOT (top)-[:PART_OF]->() AND {path_visible('p')}
    RETURN [x IN nodes(p) | x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}}] AS chain
    ORDER BY length(p) DESC LIMIT 1
  }} AS chains,
  COLLECT {{
    MATCH (o)-[:OWNS]->(n) WHERE {visible('o')}
    RETURN o {{.key, .name, label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS o ORDER BY o.name
  }} AS owners,
  COLLECT {{ MATCH (n)-[:PART_OF]->(x:System) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name }} AS part_of,
  COLLECT {{ MATCH (x:System)-[:PART_OF]->(n) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name
             LIMIT {MAX_ROWS} }} AS parts,
  COLLECT {{ MATCH (n)-[:DEPENDS_ON]->(x:System) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name
             LIMIT {MAX_ROWS} }} AS depends_on,
  COLLECT {{ MATCH (x:System)-[:DEPENDS_ON]->(n) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name
             LIMIT {MAX_ROWS} }} AS used_by,
  COLLECT {{ MATCH (n)-[:PROVIDES_API]->(x:System) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name }}
    AS provides_apis,
  COLLECT {{ MATCH (n)-[:CONSUMES_API]->(x:System) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name }}
    AS consumes_apis,
  COLLECT {{ MATCH (x:System)-[:PROVIDES_API]->(n) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name }}
    AS provided_by,
  COLLECT {{ MATCH (x:System)-[:CONSUMES_API]->(n) WHERE {visible('x')} RETURN x {{.key, .name, .kind}} AS x ORDER BY x.name
             LIMIT {MAX_ROWS} }} AS consumed_by,
  {HISTORY},
  {WHAT_LINKS_HERE}
"""

PROCESS_PAGE = f"""
MATCH (n:Process {{key: $key}}) WHERE {visible('n')}
WITH n, false AS viewer_in_chain
RETURN properties(n) AS node,
  [] AS chains,
  COLLECT {{
    MATCH (o)-[:OWNS]->(n) WHERE {visible('o')}
    RETURN o {{.key, .name, label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS o ORDER BY o.name
  }} AS owners,
  COLLECT {{
    MATCH (n)-[h:HAS_STEP]->(s:Step)
    RETURN s {{.key, .name, .summary, order: coalesce(h.order, s.order),
               responsible: COLLECT {{
                 MATCH (r)-[:RESPONSIBLE_FOR]->(s) WHERE {visible('r')}
                 RETURN r {{.key, .name, label: [l IN labels(r) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS r ORDER BY r.name
               }}}} AS s
    ORDER BY s.order, s.name
  }} AS steps,
  {HISTORY},
  {WHAT_LINKS_HERE}
"""

TOPIC_PAGE = f"""
MATCH (n:Topic {{key: $key}}) WHERE {visible('n')}
WITH n, false AS viewer_in_chain
RETURN properties(n) AS node,
  [] AS chains,
  COLLECT {{
    MATCH (o)-[:OWNS]->(n) WHERE {visible('o')}
    RETURN o {{.key, .name, label: [l IN labels(o) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS o ORDER BY o.name
  }} AS owners,
  COLLECT {{
    MATCH (n)-[:MENTIONS]->(x:Entity) WHERE {visible('x')}
    RETURN x {{.key, .name, label: [l IN labels(x) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS x ORDER BY x.label, x.name
    LIMIT {MAX_ROWS}
  }} AS mentions,
  {HISTORY},
  {WHAT_LINKS_HERE}
"""

PAGE_QUERIES = {
    "Person": PERSON_PAGE,
    "Team": TEAM_PAGE,
    "Department": DEPARTMENT_PAGE,
    "System": SYSTEM_PAGE,
    "Process": PROCESS_PAGE,
    "Topic": TOPIC_PAGE,
}

# Counts include only pages the viewer may see (a label scan with one property
# check per node, a few ms at 10,000 people); the recent list walks the
# entity_updated index backwards, skipping hidden pages.
HOME_PAGE = f"""
RETURN
  COUNT {{ MATCH (n:Person) WHERE {visible('n')} }} AS Person,
  COUNT {{ MATCH (n:Team) WHERE {visible('n')} }} AS Team,
  COUNT {{ MATCH (n:Department) WHERE {visible('n')} }} AS Department,
  COUNT {{ MATCH (n:System) WHERE {visible('n')} }} AS System,
  COUNT {{ MATCH (n:Process) WHERE {visible('n')} }} AS Process,
  COUNT {{ MATCH (n:Topic) WHERE {visible('n')} }} AS Topic,
  COLLECT {{
    MATCH (n:Entity) WHERE n.updated_at IS NOT NULL AND {visible('n')}
    RETURN n {{.key, .name, .summary, .updated_at, label: [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0]}} AS n
    ORDER BY n.updated_at DESC LIMIT $limit
  }} AS recent
"""


@lru_cache(maxsize=None)
def index_page_query(label: str) -> str:
    """One page of a type's alphabetical index plus the total, in one query.
    The label comes from the allow-list (Cypher cannot parameterize labels)."""
    check_label(label)
    return f"""
MATCH (n:{label}) WHERE {visible('n')}
WITH count(n) AS total
RETURN total, COLLECT {{
  MATCH (n:{label}) WHERE {visible('n')}
  RETURN n {{.key, .name, .summary}} AS n
  ORDER BY toLower(n.name), n.key SKIP $skip LIMIT $limit
}} AS rows
"""


# --- loaders -------------------------------------------------------------

# Lists whose rows are of one known type (the query does not return a label).
_DEFAULT_LABELS = {
    "departments": "Department", "managers": "Person", "reports": "Person", "children": "Team",
    "leads": "Person", "members": "Person", "part_of": "System", "parts": "System",
    "depends_on": "System", "used_by": "System", "provides_apis": "System", "consumes_apis": "System",
    "provided_by": "System", "consumed_by": "System",
}


def _ref(x: dict | None) -> dict | None:
    """Adds the page URL to a {label, key, name} map returned by a query."""
    if x and x.get("label") in LABEL_SLUGS and x.get("key"):
        x["url"] = page_url(x["label"], x["key"])
    return x


def _refs(items, label: str | None = None) -> list[dict]:
    out = []
    for x in items or []:
        if label and not x.get("label"):
            x["label"] = label
        out.append(_ref(x))
    return out


def _group_links(links: list[dict]) -> list[dict]:
    """Incoming links grouped by relationship type, in query order."""
    groups: dict[str, list[dict]] = {}
    for link in links:
        groups.setdefault(link["rel"], []).append(_ref(link))
    return [{"rel": rel, "links": items} for rel, items in groups.items()]


def _team_tree(teams: list[dict], root_key: str) -> list[dict]:
    """Flat (team, nearest parent) rows -> depth-first ordered rows with depth,
    so a template can indent a tree without recursion."""
    children: dict[str, list[dict]] = {}
    for t in teams:
        children.setdefault(t.get("parent") or root_key, []).append(t)
    out: list[dict] = []
    seen: set[str] = set()

    def walk(parent: str, depth: int) -> None:
        for t in children.get(parent, []):
            if t["key"] in seen:  # a team under two parents is listed once
                continue
            seen.add(t["key"])
            t["depth"] = depth
            t["label"] = "Team"
            t["lead"] = _refs(t.get("lead"), "Person")
            out.append(_ref(t))
            walk(t["key"], depth + 1)

    walk(root_key, 0)
    # A team whose parent fell outside the capped list still gets a row.
    for t in teams:
        if t["key"] not in seen:
            seen.add(t["key"])
            t.update(depth=0, label="Team", lead=_refs(t.get("lead"), "Person"))
            out.append(_ref(t))
    return out


def _field_sources(prov: str | None) -> dict:
    """`prov` (JSON kept by ingest) -> {field: {source, since}} for the fields a source set."""
    if not prov:
        return {}
    try:
        fields = json.loads(prov).get("fields", {})
    except (ValueError, AttributeError):  # a damaged prov must not break the page
        return {}
    return {f: {"source": v.get("source"), "since": v.get("since")} for f, v in fields.items()
            if isinstance(v, dict) and v.get("source")}


def _past_fields(label: str, viewer: Viewer | None) -> dict:
    """Which fields' earlier values the viewer may see: always, or only when
    in the person's management chain (the query knows which)."""
    fields = SHOWN_FIELDS.get(label, ())
    always = [f for f in fields if may_see_past_value(label, f, viewer, False)]
    chain = [f for f in fields if f not in always and may_see_past_value(label, f, viewer, True)]
    return {"past_fields": always, "past_fields_chain": chain}


def load_page(label: str, key: str, viewer: Viewer | None = None) -> dict | None:
    """Everything one entity page shows that `viewer` may see, from one round
    trip; None when there is no such entity, the viewer may not see it (the
    same answer, so a restricted page's existence is not revealed) or the key
    is not a valid key. Raises GraphUnavailable if Neo4j cannot be reached."""
    if label not in PAGE_QUERIES:
        return None
    try:
        check_key(key)
    except InvalidInput:
        return None
    rows = driver.read_once(PAGE_QUERIES[label], key=key, **viewer_params(viewer), **_past_fields(label, viewer))
    if not rows:
        return None
    page = rows[0]
    raw = page.pop("node")
    # Only allow-listed fields the viewer may see leave graph/ (no scim_doc, prov, hashes).
    node = shown_fields(label, raw, viewer, bool(page.pop("viewer_in_chain", False)))
    node["key"] = key
    node["label"] = label
    page["node"] = _ref(dict(node))
    page["props"] = {k: v for k, v in node.items() if k not in HIDDEN_PROPS}
    page["prov"] = {f: v for f, v in _field_sources(raw.get("prov")).items() if f in node}
    chains = page.pop("chains", None) or []
    # Queries return the chain from this page up to the top; breadcrumbs read top-down.
    crumbs = list(reversed(chains[0])) if chains else []
    if crumbs and crumbs[-1].get("key") == key and crumbs[-1].get("label") == label:
        crumbs = crumbs[:-1]
    page["breadcrumbs"] = _refs(crumbs)
    page["links_here"] = _group_links(page.pop("links_here", []))
    for name, value in list(page.items()):
        if isinstance(value, list) and value and isinstance(value[0], dict) and "key" in value[0]:
            page[name] = _refs(value, _DEFAULT_LABELS.get(name))
    if label == "Team":
        page["parent_teams"] = [p for p in page["parents"] if p.get("label") == "Team"]
    if label == "Department":
        page["teams"] = _team_tree(page["teams"], key)
    if label == "Process":
        for step in page["steps"]:
            step["responsible"] = _refs(step.get("responsible"))
    for item in page.get("owns", []):
        _ref(item.get("via"))
    for item in page.get("responsibilities", []):
        item["process"]["label"] = "Process"
        _ref(item["process"])
    return page



def load_home(recent: int = 12, viewer: Viewer | None = None) -> dict:
    """Counts per page type and the most recently changed pages the viewer
    may see, in one round trip."""
    row = driver.read_once(HOME_PAGE, limit=recent, **viewer_params(viewer))[0]
    counts = [{"label": label, "slug": LABEL_SLUGS[label], "count": row[label]} for label in PAGE_LABELS]
    return {"counts": counts, "recent": _refs(row["recent"])}


def load_index(label: str, page: int = 1, per_page: int = 50, viewer: Viewer | None = None) -> dict:
    """One alphabetical page of a type's entities the viewer may see, and their count."""
    page = max(1, page)
    row = driver.read_once(index_page_query(label), skip=(page - 1) * per_page, limit=per_page,
                           **viewer_params(viewer))[0]
    return {"total": row["total"], "rows": _refs(row["rows"], label), "page": page, "per_page": per_page}


# --- editing ---------------------------------------------------------------------
# Saving goes through wiki.actions (graph/revisions.py): the form's version
# is the page's current revision number, which the save compares under a lock.
EDIT_FORM = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n) AND {visible('n')}
RETURN n.name AS name, coalesce(n.summary, '') AS summary, coalesce(n.body, '') AS body,
       coalesce(n.aliases, []) AS aliases, coalesce(n.links, []) AS links,
       coalesce(n.slack_channel, '') AS slack_channel, n.prov AS prov,
       coalesce(n.rev, 0) AS version, n.body_edited_by AS edited_by,
       COLLECT {{ MATCH (n)-[h:HAS_STEP]->(s:Step)
                 RETURN s.name + ' | ' + coalesce(head(COLLECT {{ MATCH (t:Team)-[:RESPONSIBLE_FOR]->(s)
                                                                RETURN t.key ORDER BY t.key }}), '') AS line
                 ORDER BY coalesce(h.order, s.order), s.name }} AS steps,
       head(COLLECT {{ MATCH (n)-[:HAS_STEP]->(s:Step) WHERE coalesce(s.source, '') <> 'wiki'
                      RETURN coalesce(s.source, 'import') }}) AS steps_source
"""


def load_edit_form(label: str, key: str, viewer: Viewer | None = None) -> dict | None:
    """What the edit form starts from, with the revision number a save is
    compared against; None for an unknown page or one the viewer may not see."""
    try:
        check_label(label)
        check_key(key)
    except InvalidInput:
        return None
    rows = driver.read_once(EDIT_FORM, label=label, key=key, **viewer_params(viewer))
    return rows[0] if rows else None


# --- wiki links ---------------------------------------------------------------
# `[[type:key]]` targets by label and key, `[[Name]]` targets by exact name
# (the entity_name index), the name tried as written and with its first
# letter capitalized, as MediaWiki does. One round trip per article.
# A target the viewer may not see resolves like a missing one (a red link), so
# the colour of a link never tells a reader that a hidden page exists.
RESOLVE_WIKI_LINKS = f"""
RETURN
  COLLECT {{
    UNWIND $keyed AS ref
    MATCH (n:Entity {{key: ref.key}}) WHERE ref.label IN labels(n) AND {visible('n')}
    RETURN {{id: ref.label + ':' + ref.key, label: ref.label, key: n.key}} AS hit
  }} AS keyed,
  COLLECT {{
    UNWIND $names AS ref
    MATCH (n:Entity) WHERE n.name IN ref.candidates AND {visible('n')}
    WITH ref, n ORDER BY n.name = ref.candidates[0] DESC, n.key LIMIT 1000
    WITH ref, head(collect(n)) AS n
    RETURN {{id: 'name:' + ref.name, label: [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0], key: n.key}} AS hit
  }} AS named
"""


def resolve_wiki_links(links, viewer: Viewer | None = None) -> dict[str, dict]:
    """Lookup id ('Team:payments' / 'name:Ana Costa') -> {label, key} for the
    wiki-link targets that exist and the viewer may see; absent ids are
    missing (or hidden) pages."""
    keyed = [{"label": ln.label, "key": ln.key} for ln in links if ln.key]
    names = []
    for ln in links:
        if ln.name:
            candidates = [ln.name]
            if ln.name[:1].upper() + ln.name[1:] != ln.name:
                candidates.append(ln.name[:1].upper() + ln.name[1:])
            names.append({"name": ln.name, "candidates": candidates})
    if not keyed and not names:
        return {}
    row = driver.read_once(RESOLVE_WIKI_LINKS, keyed=keyed, names=names, **viewer_params(viewer))[0]
    return {hit["id"]: hit for hit in row["keyed"] + row["named"] if hit.get("label") in LABEL_SLUGS}

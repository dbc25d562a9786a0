"""Reads about the organization: teams and departments (members, headcount,
leads, sub-units), the whole company, and people's managers and reports.

Each function is one round trip made with `driver.read_once` (no retry loop),
so a question asked while Neo4j is down fails at once with GraphUnavailable.
Current-state queries match only the plain relationship types; with `as_of`
('YYYY-MM-DD') the history-aware variant also matches PAST_* edges valid on
that day (graph/cypher.py). Each returns one plain dict, or None when the
subject is not found.
"""
from __future__ import annotations

from . import driver
from .access import Viewer, path_visible, viewer_params, visible
from .model import check_key
from .cypher import label_of as _label, path_valid_on, valid_on as _valid
from .queries import LOCATION_INDEX, TITLE_INDEX
from .search import lucene_escape

_TEAM_OR_DEPT = f"(t:Team OR t:Department) AND ($label IS NULL OR $label IN labels(t)) AND {visible('t')}"

MEMBERS = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
OPTIONAL MATCH path = (u)-[:PART_OF*0..10]->(t)
WHERE (u:Team OR u:Department) AND ($subteams OR u = t) AND {path_visible('path')}
OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u) WHERE {visible('p')}
WITH t, p, collect(u {{.key, .name}})[0] AS via
ORDER BY p.name
WITH t, collect(CASE WHEN p IS NULL THEN null ELSE
  p {{.key, .name, .title, team_key: via.key, team_name: via.name}} END) AS members
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, size(members) AS count, members[..$limit] AS members
"""

MEMBERS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
OPTIONAL MATCH path = (u)-[:PART_OF|PAST_PART_OF*0..10]->(t)
WHERE (u:Team OR u:Department) AND ($subteams OR u = t) AND all(r IN relationships(path) WHERE {_valid('r')})
  AND {path_visible('path')}
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF|PAST_MEMBER_OF]->(u) WHERE {_valid('m')} AND {visible('p')}
WITH t, p, collect(u {{.key, .name}})[0] AS via
ORDER BY p.name
WITH t, collect(CASE WHEN p IS NULL THEN null ELSE
  p {{.key, .name, .title, team_key: via.key, team_name: via.name}} END) AS members
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, size(members) AS count, members[..$limit] AS members
"""

HEADCOUNT = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH path = (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->(t)
  WHERE (u:Team OR u:Department) AND {path_visible('path')}
  RETURN count(DISTINCT p) AS headcount
}}
CALL (t) {{
  OPTIONAL MATCH path = (u:Team)-[:PART_OF*1..10]->(t) WHERE {path_visible('path')}
  RETURN count(DISTINCT u) AS subteams
}}
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[:LEADS]->(t) WHERE {visible('l')}
  RETURN collect(l {{.key, .name}}) AS leads
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, headcount, subteams, leads
"""

HEADCOUNT_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  MATCH path = (u)-[:PART_OF|PAST_PART_OF*0..10]->(t)
  WHERE (u:Team OR u:Department) AND all(r IN relationships(path) WHERE {_valid('r')}) AND {path_visible('path')}
  WITH DISTINCT u
  MATCH (p:Person)-[m:MEMBER_OF|PAST_MEMBER_OF]->(u) WHERE {_valid('m')} AND {visible('p')}
  RETURN count(DISTINCT p) AS headcount
}}
CALL (t) {{
  OPTIONAL MATCH path = (u:Team)-[:PART_OF|PAST_PART_OF*1..10]->(t)
  WHERE all(r IN relationships(path) WHERE {_valid('r')}) AND {path_visible('path')}
  RETURN count(DISTINCT u) AS subteams
}}
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE {_valid('r')} AND {visible('l')}
  RETURN collect(l {{.key, .name}}) AS leads
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, headcount, subteams, leads
"""

# A lead or parent Kiki inferred (graph/org_units.py) rather than read from a
# source: the answer says so, with the reason.
_INFERRED = "inferred: coalesce(r.inferred, false), reason: r.reason"

LEADER = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS]->(t) WHERE {visible('l')}
  RETURN collect(l {{.key, .name, .title, {_INFERRED}}}) AS leads
}}
CALL (t) {{
  OPTIONAL MATCH (t)-[r:PART_OF]->(parent) WHERE {visible('parent')}
  OPTIONAL MATCH (pl:Person)-[r2:LEADS]->(parent) WHERE {visible('pl')}
  RETURN collect(CASE WHEN parent IS NULL THEN null ELSE
    parent {{label: {_label('parent')}, .key, .name, {_INFERRED},
            lead: pl {{.key, .name, inferred: coalesce(r2.inferred, false), reason: r2.reason}}}} END)[..1]
         AS parents
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, t.slack_channel AS slack_channel, leads, parents
"""

LEADER_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE {_valid('r')} AND {visible('l')}
  RETURN collect(l {{.key, .name, .title, {_INFERRED}}}) AS leads
}}
CALL (t) {{
  OPTIONAL MATCH (t)-[r:PART_OF|PAST_PART_OF]->(parent) WHERE {_valid('r')} AND {visible('parent')}
  OPTIONAL MATCH (pl:Person)-[r2:LEADS|PAST_LEADS]->(parent) WHERE {_valid('r2')} AND {visible('pl')}
  RETURN collect(CASE WHEN parent IS NULL THEN null ELSE
    parent {{label: {_label('parent')}, .key, .name, {_INFERRED},
            lead: pl {{.key, .name, inferred: coalesce(r2.inferred, false), reason: r2.reason}}}} END)[..1]
         AS parents
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, t.slack_channel AS slack_channel, leads, parents
"""

# Units directly under a team or department (teams, and departments under a
# division or organization), each with its label, leads, headcount (its own
# sub-teams included) and number of sub-teams; `total` counts teams at any
# depth below.
_HEAD = "COUNT {{ MATCH hp = (p:Person)-[:MEMBER_OF]->(u)-[:PART_OF*0..10]->({v}) " \
        "WHERE (u:Team OR u:Department) AND " + path_visible("hp").replace("{", "{{").replace("}", "}}") + \
        " RETURN DISTINCT p }}"

SUBUNITS = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (c)-[:PART_OF]->(t) WHERE (c:Team OR c:Department) AND {visible('c')}
  WITH c ORDER BY c.name
  RETURN collect(c {{.key, .name, label: {_label('c')},
    leads: COLLECT {{ MATCH (l:Person)-[:LEADS]->(c) WHERE {visible('l')} RETURN l {{.key, .name}} AS l ORDER BY l.name }},
    headcount: {_HEAD.format(v='c')},
    subteams: COUNT {{ MATCH sp = (x:Team)-[:PART_OF*1..10]->(c) WHERE {path_visible('sp')} RETURN DISTINCT x }}}}) AS teams
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, teams,
       COUNT {{ MATCH sp = (u:Team)-[:PART_OF*1..10]->(t) WHERE {path_visible('sp')} RETURN DISTINCT u }} AS total
"""

_PATH_VALID = path_valid_on() + f" AND {path_visible('path')}"

SUBUNITS_AS_OF = f"""
MATCH (t:Entity {{key: $key}}) WHERE {_TEAM_OR_DEPT}
WITH t LIMIT 1
CALL (t) {{
  OPTIONAL MATCH (c)-[e:PART_OF|PAST_PART_OF]->(t) WHERE (c:Team OR c:Department) AND {_valid('e')} AND {visible('c')}
  WITH DISTINCT c ORDER BY c.name
  RETURN collect(c {{.key, .name, label: {_label('c')},
    leads: COLLECT {{ MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(c) WHERE {_valid('r')} AND {visible('l')}
                      RETURN DISTINCT l {{.key, .name}} AS l ORDER BY l.name }},
    headcount: COUNT {{ MATCH path = (p:Person)-[:MEMBER_OF|PAST_MEMBER_OF]->(u)-[:PART_OF|PAST_PART_OF*0..10]->(c)
                        WHERE (u:Team OR u:Department) AND {_PATH_VALID} RETURN DISTINCT p }},
    subteams: COUNT {{ MATCH path = (x:Team)-[:PART_OF|PAST_PART_OF*1..10]->(c) WHERE {_PATH_VALID}
                       RETURN DISTINCT x }}}}) AS teams
}}
RETURN {_label('t')} AS label, t.key AS key, t.name AS name, teams,
       COUNT {{ MATCH path = (u:Team)-[:PART_OF|PAST_PART_OF*1..10]->(t) WHERE {_PATH_VALID}
                RETURN DISTINCT u }} AS total
"""

# The whole organization today: people who are members of a team or department,
# every department that is not retired with its headcount and leads (largest
# first), and the number of teams. One pass per count; no per-department query.
# The whole organization. Restricted pages are few: `hidden` (people) and
# `closed` (units) are the ones the viewer may not see, and the counts are
# everyone less them, so no person's restriction is read once per
# department above them (bench/ask_latency.py, "organization").
ORGANIZATION = f"""
CALL () {{
  OPTIONAL MATCH (p:Person:Restricted) WHERE NOT {visible('p')}
  RETURN collect(p) AS hidden
}}
CALL () {{
  OPTIONAL MATCH (u:Restricted) WHERE (u:Team OR u:Department) AND NOT {visible('u')}
  RETURN collect(u) AS closed
}}
CALL (hidden, closed) {{
  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(u) WHERE (u:Team OR u:Department) AND NOT u IN closed
  WITH hidden, closed, count(DISTINCT p) AS everyone
  RETURN everyone - size([h IN hidden WHERE EXISTS {{
    MATCH (h)-[:MEMBER_OF]->(x) WHERE (x:Team OR x:Department) AND NOT x IN closed }}]) AS headcount
}}
CALL (hidden, closed) {{
  MATCH (d:Department) WHERE coalesce(d.status, '') <> 'retired' AND {visible('d')}
  CALL (d, closed) {{
    // the units under d the viewer reaches through open units only, found
    // once; each of their people is counted once (no path per person)
    OPTIONAL MATCH up = (u)-[:PART_OF*0..10]->(d)
    WHERE (u:Team OR u:Department) AND none(x IN nodes(up) WHERE x IN closed)
    WITH collect(DISTINCT u) AS open
    UNWIND open AS u
    MATCH (p:Person)-[:MEMBER_OF]->(u)
    RETURN open, count(DISTINCT p) AS everyone
  }}
  WITH d, everyone - size([h IN hidden WHERE EXISTS {{
         MATCH (h)-[:MEMBER_OF]->(x) WHERE x IN open }}]) AS n
  ORDER BY n DESC, d.name
  RETURN collect(d {{.key, .name, headcount: n,
    leads: COLLECT {{ MATCH (l:Person)-[:LEADS]->(d) WHERE {visible('l')}
                      RETURN l {{.key, .name}} AS l ORDER BY l.name }}}}) AS departments
}}
RETURN headcount, departments,
       COUNT {{ MATCH (t:Team) WHERE coalesce(t.status, '') <> 'retired' AND {visible('t')} }} AS teams
"""

MANAGER_CHAIN = f"""
MATCH (p:Person {{key: $key}}) WHERE {visible('p')}
CALL (p) {{
  OPTIONAL MATCH path = (p)-[:REPORTS_TO*1..15]->(:Person) WHERE {path_visible('path')}
  WITH path ORDER BY length(path) DESC LIMIT 1
  RETURN CASE WHEN path IS NULL THEN [] ELSE [n IN tail(nodes(path)) | n {{.key, .name, .title}}] END AS chain
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[:MEMBER_OF]->(t) WHERE (t:Team OR t:Department) AND {visible('t')}
  OPTIONAL MATCH (l:Person)-[:LEADS]->(t) WHERE l <> p AND {visible('l')}
  RETURN collect(DISTINCT t {{label: head([x IN labels(t) WHERE NOT x IN ['Entity', 'Restricted']]), .key, .name,
                             lead: l {{.key, .name}}}}) AS teams
}}
RETURN p {{.key, .name, .title}} AS person, chain, teams
"""

MANAGER_CHAIN_AS_OF = f"""
MATCH (p:Person {{key: $key}}) WHERE {visible('p')}
CALL (p) {{
  OPTIONAL MATCH path = (p)-[:REPORTS_TO|PAST_REPORTS_TO*1..15]->(:Person)
  WHERE all(r IN relationships(path) WHERE {_valid('r')}) AND {path_visible('path')}
  WITH path ORDER BY length(path) DESC LIMIT 1
  RETURN CASE WHEN path IS NULL THEN [] ELSE [n IN tail(nodes(path)) | n {{.key, .name, .title}}] END AS chain
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[m:MEMBER_OF|PAST_MEMBER_OF]->(t) WHERE (t:Team OR t:Department) AND {_valid('m')}
    AND {visible('t')}
  OPTIONAL MATCH (l:Person)-[r:LEADS|PAST_LEADS]->(t) WHERE l <> p AND {_valid('r')} AND {visible('l')}
  RETURN collect(DISTINCT t {{label: {_label('t')}, .key, .name, lead: l {{.key, .name}}}}) AS teams
}}
RETURN p {{.key, .name, .title}} AS person, chain, teams
"""

DIRECT_REPORTS = f"""
MATCH (p:Person {{key: $key}}) WHERE {visible('p')}
OPTIONAL MATCH (r:Person)-[:REPORTS_TO]->(p) WHERE {visible('r')}
WITH p, r ORDER BY r.name
RETURN p {{.key, .name, .title}} AS person, collect(r {{.key, .name, .title}}) AS reports
"""

DIRECT_REPORTS_AS_OF = f"""
MATCH (p:Person {{key: $key}}) WHERE {visible('p')}
OPTIONAL MATCH (r:Person)-[e:REPORTS_TO|PAST_REPORTS_TO]->(p) WHERE {_valid('e')} AND {visible('r')}
WITH p, r ORDER BY r.name
RETURN p {{.key, .name, .title}} AS person, collect(DISTINCT r {{.key, .name, .title}}) AS reports
"""

# "my department", "my manager" and "me" resolve in one round trip.
ASKER_CONTEXT = f"""
MATCH (me:Person {{key: $asker}})
CALL (me) {{
  OPTIONAL MATCH (me)-[:MEMBER_OF]->(t:Team) WHERE {visible('t')}
  // "My team" first: the one they lead, then the one their manager leads,
  // then one placed in the org (not a cross-cutting group such as a mailing
  // list), then by name.
  WITH t, EXISTS {{ (me)-[:LEADS]->(t) }} AS leads,
       EXISTS {{ (me)-[:REPORTS_TO]->(:Person)-[:LEADS]->(t) }} AS managers_team,
       EXISTS {{ (t)-[:PART_OF]->(:Entity) }} AS placed
  ORDER BY leads DESC, managers_team DESC, placed DESC, t.name
  RETURN collect(DISTINCT t {{.key, .name}}) AS teams
}}
CALL (me) {{
  OPTIONAL MATCH path = (me)-[:MEMBER_OF]->()-[:PART_OF*0..10]->(d:Department) WHERE {path_visible('path')}
  // Nearest first: "my department" is the one the person sits in, not the company above it.
  WITH d, min(length(path)) AS depth ORDER BY depth, d.name
  RETURN [x IN collect(d {{.key, .name, depth: depth}}) WHERE x.key IS NOT NULL] AS departments
}}
CALL (me) {{
  OPTIONAL MATCH (me)-[:REPORTS_TO]->(m:Person) WHERE {visible('m')}
  RETURN collect(DISTINCT m {{.key, .name}}) AS managers
}}
RETURN me {{.key, .name}} AS me, teams, departments, managers
"""



def _one(query: str, viewer: Viewer | None = None, **params) -> dict | None:
    # Every read runs as the viewer: hidden pages are neither returned nor counted.
    rows = driver.read_once(query, **params, **viewer_params(viewer))
    return rows[0] if rows else None


def members(key: str, label: str | None = None, *, subteams: bool = True, limit: int = 200,
            as_of: str | None = None, viewer: Viewer | None = None) -> dict | None:
    """People who are members of a team/department (and of its sub-teams)."""
    return _one(MEMBERS_AS_OF if as_of else MEMBERS, viewer, key=key, label=label, as_of=as_of,
                subteams=subteams, limit=limit)


def headcount(key: str, label: str | None = None, *, as_of: str | None = None,
              viewer: Viewer | None = None) -> dict | None:
    """Distinct people the viewer may see in a unit and the units under it
    (a person reached only through a hidden unit is not counted)."""
    return _one(HEADCOUNT_AS_OF if as_of else HEADCOUNT, viewer, key=key, label=label, as_of=as_of)


def leader(key: str, label: str | None = None, *, as_of: str | None = None,
           viewer: Viewer | None = None) -> dict | None:
    return _one(LEADER_AS_OF if as_of else LEADER, viewer, key=key, label=label, as_of=as_of)


def subunits(key: str, label: str | None = None, *, as_of: str | None = None,
             viewer: Viewer | None = None) -> dict | None:
    return _one(SUBUNITS_AS_OF if as_of else SUBUNITS, viewer, key=key, label=label, as_of=as_of)


def organization(viewer: Viewer | None = None) -> dict:
    return driver.read_once(ORGANIZATION, **viewer_params(viewer))[0]


def manager_chain(key: str, *, as_of: str | None = None, viewer: Viewer | None = None) -> dict | None:
    """Managers up the chain, stopping at the first one the viewer may not see."""
    return _one(MANAGER_CHAIN_AS_OF if as_of else MANAGER_CHAIN, viewer, key=key, as_of=as_of)


def direct_reports(key: str, *, as_of: str | None = None, viewer: Viewer | None = None) -> dict | None:
    return _one(DIRECT_REPORTS_AS_OF if as_of else DIRECT_REPORTS, viewer, key=key, as_of=as_of)


def asker_context(asker: str, viewer: Viewer | None = None) -> dict | None:
    """The asker's teams, departments and managers the viewer may see (for
    "my team", "my manager", "me")."""
    return _one(ASKER_CONTEXT, viewer, asker=asker)


# --- the interactive org chart (wiki /org) ------------------------------------------
# Who sits at the top of the reporting tree, one person's direct reports, the
# chain from the top down to a person, and a name search. Each call is one
# round trip returning one level of people, so the chart works at any size:
# the browser loads a node's reports when it is expanded. Every row carries
# its direct-report count (the expand hint) and its team. Reads filter with
# graph.access.visible.

CHART_MAX_CHILDREN = 500
CHART_MAX_SEARCH = 20

_CHART_PERSON = f"""p {{.key, .name, .title,
    reports: COUNT {{ MATCH (r:Person)-[:REPORTS_TO]->(p) WHERE {visible('r')} }},
    team: head(COLLECT {{ MATCH (p)-[:MEMBER_OF]->(t:Team) WHERE {visible('t')} RETURN t.name ORDER BY t.name }})}}"""

# People with no manager but with reports first (the real tops), then people
# with neither (alone in the tree: shown, but last).
CHART_ROOTS = f"""
MATCH (p:Person) WHERE NOT (p)-[:REPORTS_TO]->(:Person) AND {visible('p')}
WITH p, COUNT {{ MATCH (:Person)-[:REPORTS_TO]->(p) }} AS n
WHERE n > 0 OR coalesce(p.status, 'active') = 'active'
ORDER BY n DESC, p.name LIMIT {CHART_MAX_CHILDREN}
RETURN {_CHART_PERSON} AS p
"""

CHART_CHILDREN = f"""
MATCH (r:Person)-[:REPORTS_TO]->(p:Person {{key: $key}}) WHERE {visible('r')}
WITH r AS p ORDER BY p.name LIMIT {CHART_MAX_CHILDREN}
RETURN {_CHART_PERSON} AS p
"""

# The managers above a person, top first (a tree: at most one manager each).
CHART_CHAIN = f"""
MATCH (me:Person {{key: $key}}) WHERE {visible('me')}
OPTIONAL MATCH path = (me)-[:REPORTS_TO*1..30]->(top:Person) WHERE NOT (top)-[:REPORTS_TO]->() AND {path_visible('path')}
WITH me, path ORDER BY length(path) DESC LIMIT 1
RETURN me.key AS key, CASE WHEN path IS NULL THEN [] ELSE reverse([x IN tail(nodes(path)) | x.key]) END AS chain
"""

CHART_SEARCH = f"""
MATCH (p:Person) WHERE toLower(p.name) STARTS WITH $q AND {visible('p')}
WITH p ORDER BY p.name LIMIT {CHART_MAX_SEARCH}
RETURN {_CHART_PERSON} AS p
"""


def chart_roots(viewer=None) -> list[dict]:
    return [r["p"] for r in driver.read_once(CHART_ROOTS, **viewer_params(viewer))]


def chart_children(key: str, viewer=None) -> list[dict]:
    check_key(key)
    return [r["p"] for r in driver.read_once(CHART_CHILDREN, key=key, **viewer_params(viewer))]


def chart_chain(key: str, viewer=None) -> list[str] | None:
    """Keys of the person's managers, top first; None for no such (visible) person."""
    check_key(key)
    rows = driver.read_once(CHART_CHAIN, key=key, **viewer_params(viewer))
    return rows[0]["chain"] if rows else None


def chart_search(q: str, viewer=None) -> list[dict]:
    """People whose name starts with `q` (case-insensitive)."""
    q = " ".join(q.lower().split())[:100]
    if not q:
        return []
    return [r["p"] for r in driver.read_once(CHART_SEARCH, q=q, **viewer_params(viewer))]



# A person's property compared whole and in any case, its candidates found
# through the property's full-text index (no scan of everyone); the
# property name is allow-listed here.
_HELD_INDEX = {"title": TITLE_INDEX, "location": LOCATION_INDEX}
HELD = {prop: f"""
CALL db.index.fulltext.queryNodes('{index}', $words, {{limit: 1000}}) YIELD node AS p
WITH p WHERE p:Person AND toLower(p.{prop}) = $value AND {visible('p')}
RETURN count(p) > 0 AS held
""" for prop, index in _HELD_INDEX.items()}
# The same, for someone whose property holds all the words, anywhere in it
# ("developer" in "Backend Developer"): the index's tokens are whole words.
HELD_WORDS = {prop: f"""
CALL db.index.fulltext.queryNodes('{index}', $words, {{limit: 1000}}) YIELD node AS p
WITH p WHERE p:Person AND {visible('p')}
RETURN count(p) > 0 AS held
""" for prop, index in _HELD_INDEX.items()}


def someone_has(prop: str, value: str, viewer: Viewer | None = None, whole: bool = True) -> bool:
    """Whether someone the viewer may see has exactly this title or location
    (or, with whole=False, one with all of its words)."""
    if prop not in HELD:
        raise ValueError(f"not a person property Kiki compares: {prop!r}")
    words = str(value).lower().split()
    if not words:
        return False
    query = HELD[prop] if whole else HELD_WORDS[prop]
    row = _one(query, viewer, value=" ".join(words), words=" AND ".join(lucene_escape(w) for w in words))
    return bool(row and row["held"])

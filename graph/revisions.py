"""A page's wiki history: every save is an immutable
`(page)-[:HAS_REVISION]->(:PageRevision)` holding the whole text (summary and
body) with its number, parent, author, time, edit summary and size. The page
node carries `rev`, the number of its current revision (absent: never saved
on the wiki; its imported text becomes revision 0 at the first save).

Saving is compare-and-set under a lock: `lock_page` first takes the page
node's write lock (a SET on it), and only then, in a second statement of the
same transaction, reads the current revision. Two saves of one page therefore
run one after the other, the second one sees the first one's revision, and a
stale save can never be written as if it were current (the lost update that
a check-then-write in one auto-commit query allowed, because both queries
read the version before either took the lock).
"""
from __future__ import annotations

from . import driver
from .access import Viewer, in_chain, may_see_past_value, viewer_params, visible
from .errors import InvalidInput
from .model import check_label, check_key

# Taking the lock is its own statement: the values read below are read after
# the lock was granted, so they are the last committed ones.
LOCK_PAGE = """
MATCH (n:Entity {key: $key}) WHERE $label IN labels(n)
SET n.wiki_lock = true
REMOVE n.wiki_lock
RETURN count(n) AS found
"""

# `steps`: a process's ordered steps as "name | responsible team key" lines,
# the form they take in revisions; `steps_source`: a source other than the
# wiki that stated any of them (then the steps are that source's to change).
STEP_LINES = """
       COLLECT { MATCH (n)-[h:HAS_STEP]->(s:Step)
                 RETURN s.name + ' | ' + coalesce(head(COLLECT { MATCH (t:Team)-[:RESPONSIBLE_FOR]->(s)
                                                                RETURN t.key ORDER BY t.key }), '') AS line
                 ORDER BY coalesce(h.order, s.order), s.name } AS steps,
       head(COLLECT { MATCH (n)-[:HAS_STEP]->(s:Step) WHERE coalesce(s.source, '') <> 'wiki'
                      RETURN coalesce(s.source, 'import') }) AS steps_source
"""

CURRENT_STATE = """
MATCH (n:Entity {key: $key}) WHERE $label IN labels(n)
RETURN coalesce(n.rev, 0) AS rev, n.name AS name, coalesce(n.summary, '') AS summary,
       coalesce(n.body, '') AS body, coalesce(n.aliases, []) AS aliases, coalesce(n.links, []) AS links,
       coalesce(n.slack_channel, '') AS slack_channel, n.prov AS prov, coalesce(n.source, '') AS source,
       toString(coalesce(n.updated_at, n.first_seen, '')) AS updated_at,
       EXISTS { (n)-[:HAS_REVISION]->(:PageRevision) } AS has_revisions,""" + STEP_LINES + """
"""

REVISION_TEXT = """
MATCH (n:Entity {key: $key})-[:HAS_REVISION]->(r:PageRevision {number: $number}) WHERE $label IN labels(n)
RETURN r {.*} AS r
"""

# `$revisions`: the new revision, preceded by revision 0 (the imported text)
# at a page's first save. `$old_fields`: the fields whose previous values
# also go to the HAD history ingest keeps (as-of reads and "Previously").
APPEND_REVISION = """
MATCH (n:Entity {key: $key}) WHERE $label IN labels(n)
CALL (n) {
  UNWIND $revisions AS rv
  CREATE (n)-[:HAS_REVISION]->(r:PageRevision)
  SET r = rv
}
CALL (n) {
  UNWIND $old_fields AS f
  CREATE (n)-[:HAD]->(:Revision {field: f.field, value: f.value, valid_from: left(toString(n.updated_at), 10),
                                 valid_to: $today, source: $source})
}
SET n += $changes, n.rev = $number, n.body_edited_by = $editor, n.body_edited_at = $now, n.updated_at = $now
RETURN n.rev AS rev
"""


def _check(label: str, key: str) -> None:
    check_label(label)
    check_key(key)


def revision_id(label: str, key: str, number: int) -> str:
    return f"{label}:{key}:{number}"


def lock_page(tx, label: str, key: str) -> dict | None:
    """Take the page's write lock for the rest of `tx`, then read its current
    revision number and text; None when there is no such page."""
    _check(label, key)
    if not tx.run(LOCK_PAGE, label=label, key=key)[0]["found"]:
        return None
    return tx.run(CURRENT_STATE, label=label, key=key)[0]


def revision_in(tx, label: str, key: str, number: int) -> dict | None:
    """One revision of a page, read inside a transaction; None if absent."""
    _check(label, key)
    rows = tx.run(REVISION_TEXT, label=label, key=key, number=number)
    return rows[0]["r"] if rows else None


def append_revision(tx, label: str, key: str, *, revisions: list[dict], changes: dict, editor: str, now: str,
                    old_fields: list[dict]) -> int:
    """Store `revisions` (the last is the new current one) and set the page's
    changed fields (`changes`: property -> value, names from the caller's
    allow-list); call only while holding the lock from `lock_page` in `tx`."""
    number = revisions[-1]["number"]
    for rv in revisions:
        rv["id"] = revision_id(label, key, rv["number"])
    rows = tx.run(APPEND_REVISION, label=label, key=key, revisions=revisions, changes=changes, number=number, editor=editor, now=now, today=now[:10], source=f"wiki:{editor}",
                  old_fields=old_fields)
    if not rows:
        raise InvalidInput(f"no {label} page {key!r}")
    return rows[0]["rev"]


# --- reads: history, revisions, diffs ------------------------------------------

# Field changes ingest recorded (Revision nodes) that were not wiki edits;
# bookkeeping fields are not history a reader wants.
NOT_SHOWN_FIELDS = ["body", "prov", "sources", "aliases_text", "updated_at", "last_seen", "content_hash",
                    "sync_fp", "scim_doc"]
MAX_FIELD_CHANGES = 500

HISTORY_PAGE = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n) AND {visible('n')}
RETURN n.name AS name, coalesce(n.rev, 0) AS rev, n.prov AS prov, {in_chain('n')} AS viewer_in_chain,
  COUNT {{ MATCH (n)-[:HAS_REVISION]->(:PageRevision) }} AS total,
  COLLECT {{
    MATCH (n)-[:HAS_REVISION]->(r:PageRevision)
    RETURN r {{.number, .parent, .author, .source, .kind, .at, .comment, .size, .restored, .base}} AS r
    ORDER BY r.number DESC SKIP $skip LIMIT $limit
  }} AS revisions,
  COLLECT {{
    MATCH (n)-[:HAD]->(rv:Revision)
    WHERE NOT coalesce(rv.source, '') STARTS WITH 'wiki:' AND NOT rv.field IN $hidden
    RETURN rv {{.field, .valid_from, .valid_to, .source, value: toString(rv.value),
               current: toString(n[rv.field])}} AS rv
    ORDER BY rv.valid_to DESC, rv.valid_from DESC LIMIT {MAX_FIELD_CHANGES}
  }} AS field_changes
"""

REVISIONS = f"""
MATCH (n:Entity {{key: $key}})-[:HAS_REVISION]->(r:PageRevision)
WHERE $label IN labels(n) AND r.number IN $numbers AND {visible('n')}
RETURN n.name AS name, r {{.*}} AS r
"""

PAGE_NAME = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n) AND {visible('n')}
RETURN n.name AS name, coalesce(n.rev, 0) AS rev
"""


def load_history(label: str, key: str, *, skip: int, limit: int, viewer: Viewer | None = None) -> dict | None:
    """One page of a page's revisions (newest first) with the total, plus the
    field changes sources made (newest first, capped) that the viewer may see
    (graph.access field policy for past values); None for no such page or one
    the viewer may not see."""
    _check(label, key)
    rows = driver.read_once(HISTORY_PAGE, label=label, key=key, skip=skip, limit=limit,
                            hidden=NOT_SHOWN_FIELDS, **viewer_params(viewer))
    if not rows:
        return None
    row = rows[0]
    chain = bool(row.pop("viewer_in_chain", False))
    row["field_changes"] = [rv for rv in row["field_changes"]
                            if may_see_past_value(label, rv["field"], viewer, chain)]
    return row


def load_revisions(label: str, key: str, numbers: list[int], viewer: Viewer | None = None) -> dict | None:
    """The page's name and the requested revisions by number (missing ones
    absent); None for no such page or one the viewer may not see."""
    _check(label, key)
    rows = driver.read_once(REVISIONS, label=label, key=key, numbers=numbers, **viewer_params(viewer))
    if not rows:
        page = driver.read_once(PAGE_NAME, label=label, key=key, **viewer_params(viewer))
        return {"name": page[0]["name"], "rev": page[0]["rev"], "revisions": {}} if page else None
    return {"name": rows[0]["name"], "revisions": {row["r"]["number"]: row["r"] for row in rows}}


# --- creating pages -------------------------------------------------------------
# Editors create Topic and Process pages; a page a person created is `source:
# 'wiki'` and starts at revision 1 (no parent). Labels are interpolated only
# from this allow-list.
CREATABLE = ("Topic", "Process")

_CREATE_PAGE = """
CREATE (n:Entity:{label} {{key: $key}})
SET n += $props, n.rev = 1, n.created_at = $now, n.updated_at = $now, n.first_seen = $today, n.last_seen = $today,
    n.source = 'wiki', n.source_id = $key, n.sources = ['wiki'], n.body_edited_by = $editor, n.body_edited_at = $now
CREATE (n)-[:HAS_REVISION]->(r:PageRevision)
SET r = $revision
RETURN n.key AS key
"""
CREATE_PAGE = {label: _CREATE_PAGE.format(label=label) for label in CREATABLE}

PAGE_EXISTS = f"""
MATCH (n:Entity {{key: $key}}) WHERE $label IN labels(n)
RETURN n.name AS name, {visible('n')} AS visible
"""

# A process's steps, replaced as a whole (they are ordered): old Step nodes of
# this process go, new ones are created with HAS_STEP {order} and the team
# RESPONSIBLE_FOR each.
REPLACE_STEPS = """
MATCH (p:Process {key: $key})
OPTIONAL MATCH (p)-[:HAS_STEP]->(old:Step)
DETACH DELETE old
WITH DISTINCT p
UNWIND $steps AS st
CREATE (p)-[:HAS_STEP {order: st.order, source: 'wiki'}]->(s:Step {key: st.key, name: st.name, order: st.order,
                                                                   summary: '', source: 'wiki'})
WITH s, st
OPTIONAL MATCH (t:Team {key: st.team})
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (t)-[:RESPONSIBLE_FOR {source: 'wiki'}]->(s))
RETURN count(s) AS steps
"""

TEAMS_BY_KEY_OR_NAME = f"""
UNWIND $refs AS ref
OPTIONAL MATCH (t:Team) WHERE (t.key = ref OR t.name = ref) AND {visible('t')}
WITH ref, head(collect(t {{.key, .name}})) AS t
RETURN ref, t
"""

PROCESS_STEPS = """
MATCH (p:Process {key: $key})-[h:HAS_STEP]->(s:Step)
RETURN s.name AS name, coalesce(h.order, s.order) AS order,
       head(COLLECT { MATCH (t:Team)-[:RESPONSIBLE_FOR]->(s) RETURN t.key ORDER BY t.key }) AS team
ORDER BY order, name
"""


def page_exists(tx, label: str, key: str, viewer: Viewer | None = None) -> dict | None:
    """{name, visible} of the page with this label and key, or None."""
    _check(label, key)
    rows = tx.run(PAGE_EXISTS, label=label, key=key, **viewer_params(viewer))
    return rows[0] if rows else None


def create_page(tx, label: str, key: str, *, props: dict, revision: dict, editor: str, now: str) -> str:
    """Create a wiki page with its first revision. The key's uniqueness
    constraint makes a concurrent create of the same key fail, not duplicate."""
    if label not in CREATABLE:
        raise InvalidInput(f"{label} pages cannot be created on the wiki (only {', '.join(CREATABLE)})")
    _check(label, key)
    revision = dict(revision, id=revision_id(label, key, revision["number"]))
    return tx.run(CREATE_PAGE[label], key=key, props=props, revision=revision, editor=editor, now=now,
                  today=now[:10])[0]["key"]


def replace_steps(tx, key: str, steps: list[dict]) -> int:
    """Replace a process's ordered steps: [{key, name, order, team}]."""
    check_key(key)
    return tx.run(REPLACE_STEPS, key=key, steps=steps)[0]["steps"]


def find_teams(refs: list[str], viewer: Viewer | None = None) -> dict[str, dict | None]:
    """Team key or exact name -> {key, name}, None for no such team (or one
    the viewer may not see)."""
    if not refs:
        return {}
    return {r["ref"]: r["t"] for r in driver.read_once(TEAMS_BY_KEY_OR_NAME, refs=refs, **viewer_params(viewer))}


def process_steps(key: str) -> list[dict]:
    check_key(key)
    return driver.read_once(PROCESS_STEPS, key=key)


# --- recent changes, random page ------------------------------------------------
RECENT_CHANGES = f"""
CALL () {{
  MATCH (n:Entity)-[:HAS_REVISION]->(r:PageRevision)
  WHERE $human AND r.kind <> 'import' AND ($user IS NULL OR r.author = $user)
    AND ($label IS NULL OR $label IN labels(n)) AND {visible('n')}
  RETURN {{type: 'revision', at: r.at, number: r.number, parent: r.parent, author: r.author, kind: r.kind,
          comment: r.comment, size: r.size,
          page: n {{.key, .name, label: [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0]}}}} AS e
  ORDER BY r.at DESC LIMIT $limit
  UNION ALL
  MATCH (n:Entity)-[:HAD]->(rv:Revision)
  WHERE $sync AND $user IS NULL AND NOT coalesce(rv.source, '') STARTS WITH 'wiki:' AND NOT rv.field IN $hidden
    AND ($label IS NULL OR $label IN labels(n)) AND {visible('n')}
  RETURN {{type: 'field', at: rv.valid_to, field: rv.field, old: left(toString(rv.value), 120),
          new: left(toString(n[rv.field]), 120), old_source: rv.source, prov: n.prov,
          page: n {{.key, .name, label: [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0]}}}} AS e
  ORDER BY rv.valid_to DESC LIMIT $limit
}}
RETURN e ORDER BY e.at DESC LIMIT $limit
"""

COUNT_PAGES = "MATCH (n:Entity) RETURN count(n) AS n"


RANDOM_PAGE = f"""
MATCH (n:Entity) WHERE {visible('n')}
WITH n SKIP $skip LIMIT 1
RETURN n.key AS key, [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0] AS label
"""


def recent_changes(*, label: str | None, user: str | None, human: bool, sync: bool, limit: int,
                   viewer=None) -> list[dict]:
    """Wiki revisions and source changes to fields, newest first, across the
    wiki; filtered by page label, wiki user and kind of source."""
    if label is not None:
        check_label(label)
    rows = [r["e"] for r in driver.read_once(RECENT_CHANGES, label=label, user=user, human=human,
                                             sync=sync, limit=limit, hidden=NOT_SHOWN_FIELDS,
                                             **viewer_params(viewer))]
    # Source changes to fields follow the field policy for past values (the
    # management-chain level counts as not met here: the list spans everyone).
    return [e for e in rows if e["type"] != "field"
            or may_see_past_value(e["page"]["label"], e["field"], viewer, False)]


def random_page(rand, viewer=None) -> dict | None:
    """A page picked uniformly (`rand(n)` -> 0..n-1) among the visible ones, or None."""
    total = driver.read_once(COUNT_PAGES)[0]["n"]
    if not total:
        return None
    for _ in range(3):  # a restricted pick is retried; the count includes pages this viewer cannot see
        rows = driver.read_once(RANDOM_PAGE, skip=rand(total), **viewer_params(viewer))
        if rows:
            return rows[0]
    rows = driver.read_once(RANDOM_PAGE, skip=0, **viewer_params(viewer))
    return rows[0] if rows else None

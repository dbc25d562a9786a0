"""Wiki write actions: saving a page's text (with a three-way merge of a stale
save) and restoring an old revision. Each action is one Neo4j write
transaction: lock the page, compare its current revision with the one the
editor started from, merge if needed, append the new revision; side effects
(re-embedding for search) are queued only after it committed.

Transactions run through the write core's runner (`graph.writes.in_transaction`)
and side effects through its after-commit helper (`ingest.actions`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from graph import access, revisions, writes
from graph.access import Viewer
from graph.errors import GraphError, InvalidInput, NotFound
from graph.model import check_key
from graph.page_urls import page_url
from ingest.actions import refresh_embeddings
from kiki import md

from .merging import Merged, merge_field, merge_text

MAX_SUMMARY = 500
MAX_BODY = 200_000
MAX_COMMENT = 300


@dataclass
class SaveResult:
    """`status`: 'saved' (written on the version the editor had), 'merged'
    (written after merging a newer version), 'unchanged' (nothing to save) or
    'conflict' (nothing written; `summary`/`body` hold the merge hunks and
    `current` the page's current revision number and text)."""
    status: str
    rev: int
    current: dict | None = None
    summary: Merged | None = None
    body: Merged | None = None
    merges: dict | None = None  # field -> Merged, for every field of a stale save

    @property
    def written(self) -> bool:
        return self.status in ("saved", "merged")


def normalize_text(body: str) -> str:
    """Browsers send CRLF from a textarea; history and merges compare lines."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def normalize_summary(summary: str) -> str:
    return " ".join(summary.split())


# The fields a person may edit, with how they are stored. A field a source
# owns (graph `prov`) is read-only on the wiki: the next sync would overwrite
# it. Aliases are always editable: ingest adds its aliases to the page's.
TEXT_FIELDS = ("summary", "body", "slack_channel")
LIST_FIELDS = ("aliases", "links", "steps")
# `steps`: a process's ordered steps, "name | responsible team key" a line (as
# revisions keep them); saved as Step nodes, not as a page property.
EDITABLE = ("summary", "body", "aliases", "links", "slack_channel", "steps")
NEVER_OWNED = ("body", "aliases")
LABELS = {"summary": "The short description", "body": "The article", "comment": "The edit summary",
          "aliases": "The aliases", "links": "The links", "slack_channel": "The chat channel",
          "steps": "The list of steps"}
MAX_ALIASES = 50
MAX_LINKS = 50
MAX_LINE = 500


def owners(prov: str | None) -> dict[str, dict]:
    """Field -> {source, since} for the fields sources own (from the page's `prov`)."""
    import json
    if not prov:
        return {}
    try:
        return {f: v for f, v in json.loads(prov).get("fields", {}).items() if v.get("source")}
    except (ValueError, AttributeError):  # a damaged prov must not block editing
        return {}


def check_edit(summary: str, body: str, comment: str, extra: dict | None = None) -> dict[str, str]:
    """Field errors of an edit, each naming the field and its limit; empty if valid."""
    errors = {}
    values = {"summary": summary, "body": body, "comment": comment, **(extra or {})}
    bad_links = [ln for ln in md.wiki_links(body) if ln.error] if "[[" in body else []
    if bad_links:
        errors["body"] = "; ".join(f"Invalid wiki link [[{ln.raw}]]: {ln.error}" for ln in bad_links[:5]) + "."
    limits = {"summary": MAX_SUMMARY, "body": MAX_BODY, "comment": MAX_COMMENT, "slack_channel": 80}
    for name, value in values.items():
        if name in errors:
            continue
        what = LABELS[name]
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list):
            cap = {"aliases": MAX_ALIASES, "steps": MAX_STEPS}.get(name, MAX_LINKS)
            if len(value) > cap:
                errors[name] = f"{what}: {len(value)} entries; at most {cap}."
                continue
        for item in items:
            limit = limits.get(name, MAX_LINE)
            if len(item) > limit:
                errors[name] = f"{what} is {len(item):,} characters; at most {limit:,}." if not isinstance(value, list) \
                    else f"{what}: {item[:40]!r}… is {len(item):,} characters; at most {limit:,}."
            elif "\x00" in item:
                errors[name] = f"{what} contains a NUL character, which cannot be stored."
            elif "\ufffd" in item:
                errors[name] = (f"{what} contains bytes that are not valid UTF-8 (shown as \N{REPLACEMENT CHARACTER}); "
                                "re-paste it from the original.")
            elif name == "links" and not item.lower().startswith(("https://", "http://")):
                errors[name] = f"{what}: {item[:80]!r} is not a web address (one https:// or http:// URL a line)."
            if name in errors:
                break
    return errors


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _merge(name: str, base, theirs, yours) -> Merged:
    if name in LIST_FIELDS:
        m = merge_text("\n".join(base or []), "\n".join(theirs), "\n".join(yours))
        m.text = [x for x in m.text.split("\n") if x] if m.clean else theirs
        return m
    if name == "body":
        return merge_text(base or "", theirs, yours)
    return merge_field(base or "", theirs, yours)


def _snapshot(state: dict) -> dict:
    return {f: state.get(f) if state.get(f) is not None else ([] if f in LIST_FIELDS else "") for f in EDITABLE}


def _save(tx, label, key, fields, base_rev, editor, comment, kind, now, extra, base_body=None):
    cur = revisions.lock_page(tx, label, key)
    if cur is None:
        raise NotFound(f"no {label} page {key!r}")
    owned = owners(cur["prov"])
    if cur.get("steps_source"):
        owned["steps"] = {"source": cur["steps_source"]}
    current = _snapshot(cur)
    for name, value in fields.items():
        if name in owned and name not in NEVER_OWNED and value != current[name]:
            raise InvalidInput(f"{LABELS[name]} of {label} {key!r} comes from {owned[name]['source']}; "
                               f"change it there (the next sync would overwrite it here)")
        if name == "steps" and value != current[name] and label != "Process":
            raise InvalidInput(f"only processes have steps, not {label} {key!r}")
    wanted = {**current, **fields}
    status, merges = "saved", {}
    base = None
    if base_rev == cur["rev"] == 0 and not cur["has_revisions"] and base_body is not None \
            and "body" in fields and normalize_text(base_body) != current["body"]:
        # A page never saved on the wiki has no revision to compare with, but a
        # sync may have changed its article since the form was opened: the text
        # the form was opened on is the base, so the sync's change is merged,
        # not silently replaced.
        base = {**current, "body": normalize_text(base_body)}
    elif base_rev != cur["rev"]:
        if not 0 <= base_rev < cur["rev"]:
            raise InvalidInput(f"version {base_rev} of {label} {key!r} does not exist (current: {cur['rev']})")
        base = revisions.revision_in(tx, label, key, base_rev)
        if base is None:
            raise InvalidInput(f"revision {base_rev} of {label} {key!r} is not in its history")
    if base is not None:
        merges = {f: _merge(f, base.get(f), current[f], wanted[f]) for f in fields}
        if not all(m.clean for m in merges.values()):
            empty = Merged(True, "", [])
            return SaveResult("conflict", cur["rev"], current=cur, summary=merges.get("summary", empty),
                              body=merges.get("body", empty), merges=merges)
        wanted.update({f: m.text for f, m in merges.items()})
        status = "merged"
    changes = {f: v for f, v in wanted.items() if v != current[f]}
    if not changes:
        return SaveResult("unchanged", cur["rev"])
    if "aliases" in changes:
        changes["aliases_text"] = "".join(a + " " for a in changes["aliases"])
    new_steps = changes.pop("steps", None)
    new_revisions = []
    if cur["rev"] == 0 and not cur["has_revisions"]:
        # The text as ingest left it becomes revision 0, so the first edit has
        # a parent to diff against and to restore.
        source = cur["source"] or "import"
        new_revisions.append({"number": 0, "parent": None, "author": source, "source": source, "kind": "import",
                              "at": cur["updated_at"] or now, "comment": f"Imported from {source}",
                              **current, "size": _size(current["body"])})
    number = cur["rev"] + 1
    if status == "merged" and not comment:
        comment = f"merged with revision {cur['rev']}"
    new_revisions.append({"number": number, "parent": cur["rev"], "author": editor, "source": f"wiki:{editor}",
                          "kind": kind, "at": now, "comment": comment, **{f: wanted[f] for f in EDITABLE},
                          "size": _size(wanted["body"]), "base": base_rev, **extra})
    old_fields = [{"field": f, "value": current[f]} for f in changes if f in TEXT_FIELDS and current[f]]
    revisions.append_revision(tx, label, key, revisions=new_revisions, changes=changes, editor=editor, now=now,
                              old_fields=old_fields)
    if new_steps is not None:
        revisions.replace_steps(tx, key, _step_rows(key, [_step_of_line(line) for line in new_steps]))
    return SaveResult(status, number)


def _after_commit(result: SaveResult, key: str) -> None:
    if result.written:
        refresh_embeddings([key])  # search passages follow the new text


def do_save_page(label: str, key: str, *, summary: str, body: str, base_rev: int, editor: str,
                 comment: str = "", extra: dict | None = None, now: str | None = None,
                 base_body: str | None = None) -> SaveResult:
    """Save an edit made on revision `base_rev`. If the page moved on since,
    the edit is merged three-way into the current text and saved when the
    changes do not overlap; otherwise nothing is written and the result is a
    conflict. `base_body` is the article the form was opened on: for a page
    with no wiki revision yet it is what a sync's change since is merged
    against. Raises InvalidInput (bad field, unknown version) or NotFound."""
    summary, body, comment = normalize_summary(summary), normalize_text(body), normalize_summary(comment)
    extra = dict(extra or {})
    errors = check_edit(summary, body, comment, extra)
    if errors:
        raise InvalidInput(" ".join(errors.values()))
    fields = {"summary": summary, "body": body, **extra}
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"not an editable field: {', '.join(sorted(unknown))}")
    now = now or _now()
    result = writes.in_transaction(lambda tx: _save(tx, label, key, fields, base_rev, editor, comment, "edit",
                                                    now, {}, base_body), "wiki save")
    _after_commit(result, key)
    return result


def do_restore_revision(label: str, key: str, *, number: int, editor: str, now: str | None = None) -> SaveResult:
    """Make revision `number`'s text current again, as a new revision (history
    is never rewritten). Raises NotFound for an unknown page or revision."""
    def work(tx):
        old = revisions.revision_in(tx, label, key, number)
        if old is None:
            raise NotFound(f"{label} {key!r} has no revision {number}")
        cur = revisions.lock_page(tx, label, key)
        owned = owners(cur["prov"])
        if cur.get("steps_source"):
            owned["steps"] = {"source": cur["steps_source"]}
        # Fields sources own now are not the wiki's to restore.
        fields = {f: old[f] for f in EDITABLE if f in old and (f in NEVER_OWNED or f not in owned)}
        return _save(tx, label, key, fields, cur["rev"], editor, f"Restored revision {number}", "restore",
                     now or _now(), {"restored": number})
    result = writes.in_transaction(work, "wiki restore")
    _after_commit(result, key)
    return result


# --- creating pages ----------------------------------------------------------------
MAX_NAME = 200
MAX_STEPS = 100
RESERVED_KEYS = {"new"}  # /<type>/new is the create form


def key_for(name: str) -> str:
    """The URL key a new page of this name gets ('Quarterly planning' -> 'quarterly-planning')."""
    from slugify import slugify
    key = slugify(name, max_length=120, word_boundary=True) or "page"
    return f"{key}-page" if key in RESERVED_KEYS else key


def check_steps(steps: list[dict], viewer: Viewer | None = None) -> dict[str, str]:
    """Errors of a process's steps ([{name, team}]), naming the step; teams
    must exist and be visible to the editor."""
    if len(steps) > MAX_STEPS:
        return {"steps": f"{len(steps)} steps; at most {MAX_STEPS}."}
    for i, st in enumerate(steps, 1):
        if not st["name"]:
            return {"steps": f"Step {i} has a responsible team but no name."}
        if len(st["name"]) > MAX_NAME:
            return {"steps": f"Step {i}'s name is {len(st['name'])} characters; at most {MAX_NAME}."}
    teams = revisions.find_teams(sorted({st["team"] for st in steps if st["team"]}), viewer)
    for i, st in enumerate(steps, 1):
        if st["team"] and not teams.get(st["team"]):
            return {"steps": f"Step {i} ({st['name']!r}): no team {st['team']!r}; use a team's name or key."}
        st["team_key"] = teams[st["team"]]["key"] if st["team"] else None
    return {}


def step_lines(steps: list[dict]) -> list[str]:
    """Checked steps ([{name, team_key}]) as the lines revisions keep."""
    return [f"{st['name']} | {st.get('team_key') or ''}" for st in steps]


def _step_of_line(line: str) -> dict:
    name, _, team = line.rpartition(" | ") if " | " in line else (line, "", "")
    return {"name": name.strip(), "team_key": team.strip() or None}


def _step_rows(key: str, steps: list[dict]) -> list[dict]:
    return [{"key": f"{key}-step-{i}", "name": st["name"], "order": i, "team": st.get("team_key")}
            for i, st in enumerate(steps, 1)]


def do_create_page(label: str, *, name: str, summary: str, body: str, editor: str, steps: list[dict] | None = None,
                   key: str | None = None, now: str | None = None, viewer: Viewer | None = None) -> str:
    """Create a Topic or Process page (revision 1) and, for a process, its
    ordered steps with the team responsible for each; returns the key.
    Raises InvalidInput naming the bad field (an existing page with that key
    included: nothing is written then). `viewer` is the editor's: a page or
    team they may not see is never named to them."""
    name, summary, body = normalize_summary(name), normalize_summary(summary), normalize_text(body)
    errors = check_edit(summary, body, "")
    if not name:
        errors["name"] = "A page needs a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"The name is {len(name)} characters; at most {MAX_NAME}."
    if label not in revisions.CREATABLE:
        errors["label"] = f"{label} pages cannot be created on the wiki (only {', '.join(revisions.CREATABLE)})."
    steps = [st for st in (steps or []) if st["name"] or st["team"]] if label == "Process" else []
    errors.update(check_steps(steps, viewer))
    key = key or key_for(name)
    try:
        check_key(key)
    except InvalidInput as e:
        errors["key"] = str(e)
    if errors:
        raise InvalidInput(" ".join(errors.values()))
    now = now or _now()
    step_text = step_lines(steps)

    def work(tx):
        existing = revisions.page_exists(tx, label, key, viewer)
        if existing is not None and not existing["visible"]:
            # Neither its name nor that it is a page: the editor may not see it.
            raise InvalidInput(f"the key {key!r} is not available for a new {label} page; choose another name")
        if existing is not None:
            raise InvalidInput(f"a {label} page with key {key!r} already exists ({existing['name']!r}): "
                               f"{page_url(label, key)}")
        revisions.create_page(tx, label, key, props={"name": name, "summary": summary, "body": body,
                                                     "aliases": [], "aliases_text": ""},
                              revision={"number": 1, "parent": None, "author": editor, "source": f"wiki:{editor}",
                                        "kind": "create", "at": now, "comment": f"Created {label} page",
                                        "summary": summary, "body": body, "aliases": [], "links": [],
                                        "slack_channel": "", "steps": step_text, "size": _size(body)},
                              editor=editor, now=now)
        if label == "Process":
            revisions.replace_steps(tx, key, _step_rows(key, steps))
        query, params = access.restriction_step([key])  # a restricted type is never readable unrestricted
        return [r["key"] for r in tx.run(query, **params)]

    try:
        restricted = writes.in_transaction(work, "wiki page creation")
    except GraphError as e:
        if "ConstraintValidationFailed" in str(e):  # created by someone else a moment ago
            raise InvalidInput(f"the key {key!r} was taken a moment ago; choose another name") from e
        raise
    refresh_embeddings([key], restricted=restricted)
    return key

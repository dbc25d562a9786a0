"""Wiki write actions: saving a page's text (with a three-way merge of a stale
save) and restoring an old revision. Each action is one Neo4j write
transaction: lock the page, compare its current revision with the one the
editor started from, merge if needed, append the new revision; side effects
(re-embedding for search) are queued only after it committed.

TODO(issue 11): move into the write core once it lands; the transaction body
(`_save`) is the part to carry over unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from graph import driver, revisions
from graph.errors import InvalidInput, NotFound

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

    @property
    def written(self) -> bool:
        return self.status in ("saved", "merged")


def normalize_text(body: str) -> str:
    """Browsers send CRLF from a textarea; history and merges compare lines."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def normalize_summary(summary: str) -> str:
    return " ".join(summary.split())


def check_edit(summary: str, body: str, comment: str) -> dict[str, str]:
    """Field errors of an edit, each naming the field and its limit; empty if valid."""
    errors = {}
    for name, value, limit, what in (("summary", summary, MAX_SUMMARY, "The short description"),
                                     ("body", body, MAX_BODY, "The article"),
                                     ("comment", comment, MAX_COMMENT, "The edit summary")):
        if len(value) > limit:
            errors[name] = f"{what} is {len(value):,} characters; at most {limit:,}."
        elif "\x00" in value:
            errors[name] = f"{what} contains a NUL character, which cannot be stored."
        elif "\ufffd" in value:
            errors[name] = (f"{what} contains bytes that are not valid UTF-8 (shown as \N{REPLACEMENT CHARACTER}); "
                            "re-paste it from the original.")
    return errors


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _save(tx, label, key, summary, body, base_rev, editor, comment, kind, now, extra):
    cur = revisions.lock_page(tx, label, key)
    if cur is None:
        raise NotFound(f"no {label} page {key!r}")
    status = "saved"
    if base_rev != cur["rev"]:
        if not 0 <= base_rev < cur["rev"]:
            raise InvalidInput(f"version {base_rev} of {label} {key!r} does not exist (current: {cur['rev']})")
        base = revisions.revision_in(tx, label, key, base_rev)
        if base is None:
            raise InvalidInput(f"revision {base_rev} of {label} {key!r} is not in its history")
        merged_summary = merge_field(base.get("summary") or "", cur["summary"], summary)
        merged_body = merge_text(base.get("body") or "", cur["body"], body)
        if not (merged_summary.clean and merged_body.clean):
            return SaveResult("conflict", cur["rev"], current=cur, summary=merged_summary, body=merged_body)
        summary, body, status = merged_summary.text, merged_body.text, "merged"
    if summary == cur["summary"] and body == cur["body"]:
        return SaveResult("unchanged", cur["rev"])
    new_revisions = []
    if cur["rev"] == 0 and not cur["has_revisions"]:
        # The text as ingest left it becomes revision 0, so the first edit has
        # a parent to diff against and to restore.
        source = cur["source"] or "import"
        new_revisions.append({"number": 0, "parent": None, "author": source, "source": source, "kind": "import",
                              "at": cur["updated_at"] or now, "comment": f"Imported from {source}",
                              "summary": cur["summary"], "body": cur["body"], "size": _size(cur["body"])})
    number = cur["rev"] + 1
    if status == "merged" and not comment:
        comment = f"merged with revision {cur['rev']}"
    new_revisions.append({"number": number, "parent": cur["rev"], "author": editor, "source": f"wiki:{editor}",
                          "kind": kind, "at": now, "comment": comment, "summary": summary, "body": body,
                          "size": _size(body), "base": base_rev, **extra})
    old_fields = [{"field": f, "value": cur[f]} for f, new in (("summary", summary), ("body", body))
                  if cur[f] != new]
    revisions.append_revision(tx, label, key, revisions=new_revisions, summary=summary, body=body,
                              editor=editor, now=now, old_fields=old_fields)
    return SaveResult(status, number)


def _after_commit(result: SaveResult, key: str) -> None:
    if result.written:
        from kiki.tasks import queue_embeddings
        queue_embeddings([key])  # search passages follow the new text


def do_save_page(label: str, key: str, *, summary: str, body: str, base_rev: int, editor: str,
                 comment: str = "", now: str | None = None) -> SaveResult:
    """Save an edit made on revision `base_rev`. If the page moved on since,
    the edit is merged three-way into the current text and saved when the
    changes do not overlap; otherwise nothing is written and the result is a
    conflict. Raises InvalidInput (bad field, unknown version) or NotFound."""
    summary, body, comment = normalize_summary(summary), normalize_text(body), normalize_summary(comment)
    errors = check_edit(summary, body, comment)
    if errors:
        raise InvalidInput(" ".join(errors.values()))
    result = driver.write_transaction(_save, label, key, summary, body, base_rev, editor, comment, "edit",
                                      now or _now(), {})
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
        return _save(tx, label, key, old.get("summary") or "", old.get("body") or "", cur["rev"], editor,
                     f"Restored revision {number}", "restore", now or _now(), {"restored": number})
    result = driver.write_transaction(work)
    _after_commit(result, key)
    return result

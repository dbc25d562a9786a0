"""The regression question file (`settings.KIKI_REGRESSIONS_FILE`, by default
bench/eval/regressions.jsonl): one JSON object per line, in the shape the
evaluation runner grades (see TEAM.md / bench/README):

  {"id": str, "org": "synthetic"|"backstage"|"scim", "question": str,
   "asker": str|null, "expected_keys": [str], "expected_number": int|null,
   "unanswerable": bool, "note": str, "recorded_by": str, "recorded_at": "YYYY-MM-DD"}

Lines are merged by `id`: writing a question again replaces its line, lines
written by anyone else are kept as they are, in their order.
"""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path

from graph.model import check_key
from kiki.errors import InvalidInput

ORG_NAMES = ("synthetic", "backstage", "scim")
FIELDS = ("id", "org", "question", "asker", "expected_keys", "expected_number", "unanswerable", "note",
          "recorded_by", "recorded_at")


def check_line(line: dict) -> dict:
    """The line itself when it matches the contract; raises InvalidInput naming the bad field."""
    where = f"regression {line.get('id')!r}"
    if sorted(line) != sorted(FIELDS):
        raise InvalidInput(f"{where}: fields must be exactly {', '.join(FIELDS)}", code="bad_regression")
    if not isinstance(line["id"], str) or not line["id"]:
        raise InvalidInput(f"{where}: id must be a non-empty string", code="bad_regression")
    if line["org"] not in ORG_NAMES:
        raise InvalidInput(f"{where}: org must be one of {', '.join(ORG_NAMES)}, not {line['org']!r}",
                           code="bad_regression")
    if not isinstance(line["question"], str) or not line["question"].strip():
        raise InvalidInput(f"{where}: question is empty", code="bad_regression")
    if line["asker"] is not None and not isinstance(line["asker"], str):
        raise InvalidInput(f"{where}: asker must be a person key or null", code="bad_regression")
    keys = line["expected_keys"]
    if not isinstance(keys, list):
        raise InvalidInput(f"{where}: expected_keys must be a list", code="bad_regression")
    for key in keys:
        try:
            check_key(key)
        except Exception as e:
            raise InvalidInput(f"{where}: expected_keys: {e}", code="bad_regression") from None
    number = line["expected_number"]
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 0):
        raise InvalidInput(f"{where}: expected_number must be a whole number ≥ 0 or null", code="bad_regression")
    if not isinstance(line["unanswerable"], bool):
        raise InvalidInput(f"{where}: unanswerable must be true or false", code="bad_regression")
    if line["unanswerable"] and (keys or number is not None):
        raise InvalidInput(f"{where}: an unanswerable question has no expected pages or number",
                           code="bad_regression")
    if not line["unanswerable"] and not keys and number is None:
        raise InvalidInput(f"{where}: give the expected page keys, the expected number, or mark it "
                           "unanswerable", code="bad_regression")
    for f in ("note", "recorded_by", "recorded_at"):
        if not isinstance(line[f], str):
            raise InvalidInput(f"{where}: {f} must be text", code="bad_regression")
    return line


def read(path: Path) -> list[dict]:
    """The file's lines; a line that is not a JSON object stops the read, naming its number."""
    path = Path(path)
    if not path.exists():
        return []
    out = []
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"{path}: line {n} is not JSON ({e.msg}); nothing was written",
                               code="bad_regression_file") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InvalidInput(f"{path}: line {n} is not a regression question (no id); nothing was written",
                               code="bad_regression_file")
        out.append(obj)
    return out


def merge(path: Path, lines: list[dict]) -> int:
    """Write `lines` into the file (replacing lines with the same id, appending
    new ones) atomically, under a lock so two exports never lose each other's
    lines. Every line is checked first; a bad one writes nothing. Returns the
    number of lines given."""
    path = Path(path)
    for line in lines:
        check_line(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = read(path)
        new = {line["id"]: line for line in lines}
        kept = [new.pop(obj["id"]) if obj["id"] in new else obj for obj in existing]
        kept += list(new.values())
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for obj in kept:
                    f.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    return len(lines)

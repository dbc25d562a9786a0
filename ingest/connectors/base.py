"""The Connector interface every ingest source implements.

A connector reads one source (an HR export, a service catalog, SCIM pushes, …)
and returns a normalized `graph.model.Batch`; it never writes to the graph.
The merge engine (`ingest.merge.sync`) resolves identities, applies field
priorities, keeps provenance and history, and writes.

Contract:
- `source`: a short stable name ("hris", "workday", "csv", "catalog",
  "codeowners", "docs", "scim"). It is the provenance tag written on every
  property and edge and the key of field priorities in `KIKI_FIELD_PRIORITY`.
- `full`: True when `read()` returns a full snapshot of the source (records
  missing from it become stale, then retired after a grace period); False for
  incremental feeds (missing records are left alone).
- `read()`: returns the Batch. Person entities carry identity props used for
  entity resolution when the source has them: `email` (work email),
  `employee_id`, `slack_id`; every entity carries `source_id` (the record's id
  in the source). A malformed record becomes a `Problem(where=source_id,
  item=..., message=reason)` and is left out of the batch, so the rest applies.
  An unreachable or failing source raises `kiki.errors.IngestError` with a
  clear message *before* anything is returned, so nothing is written.
- Entity keys: the connector proposes a key (e.g. `slugify_key(name)` or the
  email's local part); the merge may map the record to an existing node with
  another key when its identity props match, and rewrites edges accordingly.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from graph.model import Batch


class Connector(ABC):
    """Base class: subclasses set `source` (and `full`) and implement `read`.

    Configuration comes from `KIKI_INGEST_SOURCES[name]["options"]` and is
    passed as keyword arguments to the constructor by `ingest.registry`; keep
    constructors cheap and do all I/O in `read()`.
    """

    source: ClassVar[str] = ""
    full: bool = True

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def read(self) -> Batch:
        """Fetch and normalize the source; raise `IngestError` if it cannot be read."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} source={self.source!r} full={self.full}>"

"""Resolving references found in sources (`@risk-data`, `@org/risk-data`,
`ana@example.com`, `/team/risk-data`) to entities, against the graph and the
batch being read, so connectors can report unknown references as Problems
instead of writing dangling edges."""
from __future__ import annotations

from collections import defaultdict

from graph.errors import GraphError
from graph.model import PAGE_LABELS, Batch, slugify_key

from .people import key_of
from kiki.errors import IngestError


class Directory:
    """Known entities by key, alias/name slug and email."""

    def __init__(self):
        self.by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.by_alias: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.by_email: dict[str, tuple[str, str]] = {}

    def add(self, label: str, key: str, name: str = "", aliases=(), email: str | None = None,
            github: str | None = None) -> None:
        ident = (label, key)
        self.by_key[key].add(ident)
        for text in (name, github, *(aliases or ())):
            for slug in {slugify_key(text or ""), key_of(text or "")}:
                if slug:
                    self.by_alias[slug].add(ident)
        if email:
            self.by_email[email.strip().lower()] = ident

    def add_batch(self, batch: Batch) -> None:
        for e in batch.entities:
            if e.label not in PAGE_LABELS:
                continue
            email = e.props.get("email")
            known = self.by_email.get(email.strip().lower()) if email else None
            if known and known[0] == e.label:
                # The sync resolves this record to that entity by its email
                # (ingest.identity): one entity, known by both keys.
                self.add(*known, e.name, [e.key, *e.aliases], None, e.props.get("github"))
            else:
                self.add(e.label, e.key, e.name, e.aliases, email, e.props.get("github"))

    @classmethod
    def from_graph(cls, what: str) -> "Directory":
        """All page entities now in the graph; IngestError if it cannot be read,
        because resolving against a partial view would report false Problems."""
        from graph.directory import entity_directory
        directory = cls()
        try:
            rows = entity_directory()
        except GraphError as e:
            raise IngestError(f"{what}: cannot read existing entities to resolve references: {e}",
                              code="source_unreachable") from e
        for r in rows:
            directory.add(r["label"], r["key"], r["name"] or "", r["aliases"], r["email"], r["github"])
        return directory

    def resolve(self, ref: str, labels=PAGE_LABELS) -> tuple[str, str]:
        """(label, key) for a reference: an email, or a key, or an alias/name.
        Raises LookupError saying why (unknown, or ambiguous between entities)."""
        ref = ref.strip()
        if "@" in ref.strip("@"):
            hit = self.by_email.get(ref.lower().lstrip("@"))
            if hit and hit[0] in labels:
                return hit
            raise LookupError(f"no {'/'.join(labels)} with email {ref!r}")
        slug = key_of(ref.lstrip("@"))
        for table in (self.by_key, self.by_alias):
            hits = sorted(h for h in table.get(slug, ()) if h[0] in labels)
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise LookupError(f"{ref!r} is ambiguous: " + ", ".join(f"{l} {k!r}" for l, k in hits))
        raise LookupError(f"no {'/'.join(labels)} known as {ref!r}")

    def has(self, label: str, key: str) -> bool:
        return (label, key) in self.by_key.get(key, ())

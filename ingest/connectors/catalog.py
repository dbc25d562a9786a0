"""Catalog connector: Backstage `catalog-info.yaml` files in a directory or a
repository checkout, as Person/Team/Department/System/Topic pages and their
relations.

Parsing is `ingest.backstage.CatalogReader` (the demo loader's reader: kinds ->
labels, keys, refs -> edges, multi-document files, Location entities followed
within the directory, problems for malformed files and unknown refs; see its
docstring for the mapping). This module adds what a checkout needs:

  - roots: every file named like `patterns` (default `catalog-info.yaml`,
    `catalog-info.yml`) under `path`, skipping `.git`, `node_modules` and
    other vendored folders, unless `roots` (paths relative to `path`) are
    given. Other YAML files (CI configs, manifests) are read only when a
    Location points at them, so they do not produce noise;
  - provenance: source `catalog` (the Batch, entities and edges), source_id
    the entity ref (`component:default/petstore`);
  - identity for other connectors: a User's `github.com/user-login`
    annotation becomes the Person's `github` prop, a Group's
    `github.com/team-slug` (`org/slug`) annotation adds `slug` as an alias,
    so CODEOWNERS owners (`@user`, `@org/slug`) resolve to them;
  - `component_paths()`: which repository folder each system lives in (the
    folder of its catalog file, or its `backstage.io/source-location`), used
    by the CODEOWNERS connector.

A missing directory, or one without any catalog file, raises IngestError.

Options: path (required), roots, patterns, full (True).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from graph.model import Batch
from kiki.errors import IngestError

from ..backstage import SYSTEM_KINDS, BadReference, CatalogReader, parse_ref, ref_string
from .base import Connector

PATTERNS = ("catalog-info.yaml", "catalog-info.yml")
SKIP_DIRS = {".git", "node_modules", "vendor", ".venv", "venv", "__pycache__", "dist", "build", "target"}
SOURCE_LOCATION = "backstage.io/source-location"


def find_catalog_files(root: Path, patterns=PATTERNS) -> list[str]:
    """Paths (relative to root, sorted) of catalog files, not descending into vendored folders."""
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if path.is_file() and any(path.match(p) for p in patterns):
            found.append(rel.as_posix())
    return found


def _annotation(entity, name: str) -> str | None:
    for pair in entity.props.get("annotations") or []:
        k, _, v = pair.partition("=")
        if k == name and v:
            return v
    return None


def read_catalog(root: Path, roots: list[str] | None = None, patterns=PATTERNS,
                 source: str = "catalog") -> tuple[Batch, list[str]]:
    """The Batch for a catalog directory and the files it read (relative paths)."""
    root = Path(root)
    if not root.is_dir():
        raise IngestError(f"catalog directory {root} does not exist", code="source_unreachable")
    roots = list(roots) if roots else find_catalog_files(root, patterns)
    if not roots:
        raise IngestError(f"no catalog files ({', '.join(patterns)}) under {root}", code="source_unreachable")
    reader = CatalogReader(root, tuple(roots))
    batch = reader.read()
    batch.source = source
    for e in batch.entities:
        e.source = source
        if e.label == "Person" and _annotation(e, "github.com/user-login"):
            e.props["github"] = _annotation(e, "github.com/user-login")
        slug = _annotation(e, "github.com/team-slug")
        if e.label in ("Team", "Department") and slug:
            slug = slug.rsplit("/", 1)[-1]
            if slug not in e.aliases and slug != e.key:
                e.aliases.append(slug)
    for ed in batch.edges:
        ed.source = source
    return batch, list(reader.files_read)


def _source_location_path(value: str, repo_url: str | None) -> str | None:
    """The repository folder a source-location URL points at, or None when it
    points elsewhere (another repository, or a URL shape we do not know)."""
    url = value[4:] if value.startswith("url:") else value
    if repo_url:
        if not url.startswith(repo_url.rstrip("/") + "/"):
            return None
        url = url[len(repo_url.rstrip("/")):]
    m = re.search(r"/(?:-/)?(?:tree|blob)/[^/]+/?(.*)$", url)
    if not m:
        return None
    return m.group(1).strip("/")


def component_paths(root: Path, repo_url: str | None = None, patterns=PATTERNS) -> tuple[Batch, dict[str, str]]:
    """The checkout's catalog Batch and {repository folder: System key} for its
    components, systems, APIs and resources."""
    root = Path(root)
    batch, files = read_catalog(root, patterns=patterns)
    by_ref = {e.source_id: e for e in batch.entities if e.label == "System"}
    paths: dict[str, str] = {}
    for rel in files:
        try:
            docs = list(yaml.safe_load_all((root / rel).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue    # already reported by the reader
        for doc in docs:
            if not isinstance(doc, dict) or str(doc.get("kind", "")).lower() not in SYSTEM_KINDS:
                continue
            meta = doc.get("metadata") or {}
            try:
                ref = ref_string(*parse_ref({"kind": doc["kind"], "namespace": meta.get("namespace"),
                                             "name": meta.get("name")}, None, "default"))
            except BadReference:
                continue
            entity = by_ref.get(ref)
            if entity is None:
                continue
            location = (meta.get("annotations") or {}).get(SOURCE_LOCATION)
            path = _source_location_path(str(location), repo_url) if location else None
            if path is None:
                parent = Path(rel).parent.as_posix()
                path = "" if parent == "." else parent
            paths.setdefault(path, entity.key)
    return batch, paths


class CatalogConnector(Connector):
    source = "catalog"

    def __init__(self, *, path: str, roots: list[str] | None = None, patterns: list[str] | None = None,
                 full: bool = True, **options):
        super().__init__(path=path, roots=roots, patterns=patterns, **options)
        self.root = Path(path)
        self.roots = roots
        self.patterns = tuple(patterns or PATTERNS)
        self.full = full

    def read(self) -> Batch:
        batch, _ = read_catalog(self.root, self.roots, self.patterns, self.source)
        return batch

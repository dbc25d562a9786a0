"""Backstage software-catalog loader: reads catalog YAML files (following
`Location` entities from a few root files) and normalizes them into a
`graph.model.Batch` for `ingest.merge.sync`. It never writes itself.

Mapping (Backstage kind -> Kiki label):
  User -> Person; Group -> Department when `spec.type` is one of
  organization / department / business-unit / division (the units that hold
  other groups in Backstage's examples), otherwise Team (team, sub-department,
  squad, ...); Component / System / API / Resource / Domain -> System with the
  Backstage kind kept in `kind` and `spec.type` / `spec.lifecycle` in `type` /
  `lifecycle`; AiResource (skills and rules for coding agents: short documents)
  -> Topic; Location is followed, not stored. Other kinds (Template, ...) are
  reported as Problems and skipped.

Keys (unique per Kiki label, URL-safe): the lowercased entity name, prefixed
with `<namespace>.` when the namespace is not `default`. Because five
Backstage kinds share the System label and names are only unique per kind
(`component:petstore` and `api:petstore` both exist in the examples), every
System-label kind except Component also gets a kind prefix:
  component:default/petstore  -> System `petstore`
  api:default/petstore        -> System `api.petstore`
  system:default/podcast      -> System `system.podcast`
  domain:default/artists      -> System `domain.artists`
  resource:default/artists-db -> System `resource.artists-db`
  user:development/guest      -> Person `development.guest`
Backstage names cannot contain two separators in a row, but they may contain a
dot, so `ns.name` could in theory meet a default-namespace name with a dot: such
a clash is reported as a Problem and the second entity is skipped, never merged.

Relations (reference default kinds as in Backstage; the default namespace is
the referring entity's own; refs compare case-insensitively):
  spec.owner (group)            -> owner OWNS entity (Person/Team/Department -> System/Topic)
  spec.memberOf (group)         -> Person MEMBER_OF Team/Department
  spec.parent / spec.children (group) -> child PART_OF parent (deduplicated)
  spec.system (system), spec.domain (domain), spec.subcomponentOf (component),
  spec.subdomainOf (domain)     -> System PART_OF System
  spec.dependsOn (kind required) -> DEPENDS_ON;  spec.dependencyOf -> reverse
  spec.providesApis / spec.consumesApis (api) -> PROVIDES_API / CONSUMES_API
  spec.apiConsumedBy (component, non-standard but used in the examples) ->
                                   consumer CONSUMES_API entity
An AiResource's `spec.system` is kept as the `backstage_system` property, since
a Topic cannot be PART_OF a System in our model.

Everything that cannot be used becomes a `Problem(where=<file>, item=<entity
ref>, message)` and the rest still loads: unreadable or invalid YAML, a
document without `kind` or `metadata.name`, an unknown kind, a duplicate
entity, a Location target that is missing, remote (a `scheme://` URL) or
outside the catalog directory (Location loops are followed once; a relative
target is resolved against the Location's own file whatever its `type`, as
Backstage resolves it against the Location's own URL), and references to entities that
are not in the catalog (the edge is not created).

Page text: name = metadata.title, else profile.displayName, else metadata.name
(which is kept as an alias when the name differs); summary = the first paragraph of metadata.description
(at most 300 characters); body = the whole description, the links and, for an
API, its definition (inline, or a local `$text` file; remote ones are linked).
Tags, links (URLs), scalar annotations and labels (`key=value` lists), profile
email and picture are kept as properties.

Provenance: source `backstage`, source_id the entity ref (`component:default/petstore`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.model import Batch, Edge, Entity, Problem, RELATIONSHIPS, slugify_key
from kiki.errors import IngestError

from .connectors.base import Connector

SOURCE = "backstage"

# The files a full load starts from, relative to the catalog directory: the
# two roots that reach all of backstage/backstage's examples through Location
# entities, and the demo repository's three files, which its app-config lists
# directly (see the dataset's README).
DEFAULT_ROOTS = (
    "backstage/packages/catalog-model/examples/all.yaml",
    "backstage/packages/catalog-model/examples/acme-corp.yaml",
    "demo/catalog-info.yaml",
    "demo/examples/ai-resources.yaml",
    "demo/examples/mcp-server-api.yaml",
)

DEPARTMENT_GROUP_TYPES = {"organization", "organisation", "department", "business-unit", "division"}
SYSTEM_KINDS = {"component": "Component", "system": "System", "api": "API", "resource": "Resource",
                "domain": "Domain"}
KEY_PREFIX = {"component": "", "system": "system.", "api": "api.", "resource": "resource.",
              "domain": "domain."}

# spec field -> (default kind or None when a kind is required, relationship,
# direction: "out" = this entity -> referenced one, "in" = referenced -> this)
FIELD_RULES: dict[str, tuple[str | None, str, str]] = {
    "owner": ("group", "OWNS", "in"),
    "memberOf": ("group", "MEMBER_OF", "out"),
    "parent": ("group", "PART_OF", "out"),
    "children": ("group", "PART_OF", "in"),
    "system": ("system", "PART_OF", "out"),
    "domain": ("domain", "PART_OF", "out"),
    "subcomponentOf": ("component", "PART_OF", "out"),
    "subdomainOf": ("domain", "PART_OF", "out"),
    "dependsOn": (None, "DEPENDS_ON", "out"),
    "dependencyOf": (None, "DEPENDS_ON", "in"),
    "providesApis": ("api", "PROVIDES_API", "out"),
    "consumesApis": ("api", "CONSUMES_API", "out"),
    "apiConsumedBy": ("component", "CONSUMES_API", "in"),
}


class BadReference(ValueError):
    pass


def parse_ref(ref: Any, default_kind: str | None, default_namespace: str) -> tuple[str, str, str]:
    """`[kind:][namespace/]name` (or the {kind, namespace, name} mapping form)
    -> lowercased (kind, namespace, name). Raises BadReference."""
    if isinstance(ref, dict):
        kind, ns, name = ref.get("kind"), ref.get("namespace"), ref.get("name")
    elif isinstance(ref, str) and ref.strip():
        text = ref.strip()
        kind = ns = None
        if ":" in text:
            kind, text = text.split(":", 1)
        if "/" in text:
            ns, text = text.split("/", 1)
        name = text
    else:
        raise BadReference(f"not an entity reference: {ref!r}")
    kind = kind or default_kind
    if not kind:
        raise BadReference(f"reference {ref!r} needs a kind (e.g. component:{name})")
    if not isinstance(name, str) or not name.strip():
        raise BadReference(f"reference {ref!r} has no name")
    return str(kind).strip().lower(), str(ns or default_namespace).strip().lower(), name.strip().lower()


def ref_string(kind: str, ns: str, name: str) -> str:
    return f"{kind}:{ns}/{name}"


@dataclass
class _Parsed:
    kind: str            # lowercased Backstage kind
    namespace: str
    name: str            # lowercased
    doc: dict
    file: str            # relative to the catalog directory
    label: str = ""
    key: str = ""

    @property
    def ref(self) -> str:
        return ref_string(self.kind, self.namespace, self.name)


@dataclass
class CatalogReader:
    """One read of a catalog directory; `read()` returns the Batch."""
    directory: Path
    roots: tuple[str, ...] | None = None
    batch: Batch = field(default_factory=lambda: Batch(SOURCE))

    def __post_init__(self):
        self.directory = Path(self.directory).resolve()
        self._entities: dict[str, _Parsed] = {}        # ref -> parsed
        self._keys: dict[tuple[str, str], str] = {}    # (label, key) -> ref
        self.files_read: list[str] = []

    # -- files ---------------------------------------------------------
    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.directory))
        except ValueError:
            return str(path)

    def _root_paths(self) -> list[Path]:
        if self.roots is not None:
            return [self.directory / r for r in self.roots]
        defaults = [self.directory / r for r in DEFAULT_ROOTS]
        if any(p.exists() for p in defaults):
            return defaults
        # Not the example dataset: every YAML file is a root (files reached
        # through a Location are read once anyway).
        return sorted(p for p in self.directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())

    def read(self) -> Batch:
        if not self.directory.is_dir():
            raise IngestError(f"Backstage catalog directory {self.directory} does not exist",
                              code="catalog_missing")
        queue: list[tuple[Path, str, str]] = [(p, "(root)", "root file") for p in self._root_paths()]
        seen: set[Path] = set()
        while queue:
            path, via_file, via_item = queue.pop(0)
            resolved = path.resolve()
            if resolved in seen:
                continue   # a Location loop or a file listed twice
            seen.add(resolved)
            if not resolved.is_file():
                self._problem(via_file, via_item, f"catalog file {self._rel(resolved)} does not exist")
                continue
            queue.extend(self._read_file(resolved))
        self._emit()
        return self.batch

    def _read_file(self, path: Path) -> list[tuple[Path, str, str]]:
        """Parse one file; returns the Location targets found in it."""
        rel = self._rel(path)
        self.files_read.append(rel)
        targets: list[tuple[Path, str, str]] = []
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self._problem(rel, "(file)", f"cannot read file: {e}")
            return targets
        index = 0
        try:
            for doc in yaml.safe_load_all(text):
                index += 1
                if doc is None:
                    continue
                parsed = self._parse_doc(doc, rel, index)
                if parsed is None:
                    continue
                if parsed.kind == "location":
                    targets.extend(self._location_targets(parsed, path))
                else:
                    self._add(parsed)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            self._problem(rel, f"document {index + 1}",
                          f"invalid YAML{where}: {getattr(e, 'problem', None) or e}; "
                          f"the rest of this file was skipped")
        return targets

    def _parse_doc(self, doc: Any, rel: str, index: int) -> _Parsed | None:
        if not isinstance(doc, dict):
            self._problem(rel, f"document {index}", "not a catalog entity (expected a mapping)")
            return None
        kind = doc.get("kind")
        meta = doc.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        described = " ".join(str(x) for x in (kind, name) if x)
        label = f"document {index}" + (f" ({described})" if described else "")
        if not isinstance(kind, str) or not kind.strip():
            self._problem(rel, label, "entity has no kind; skipped")
            return None
        if not isinstance(name, str) or not name.strip():
            self._problem(rel, label, "entity has no metadata.name; skipped")
            return None
        ns = meta.get("namespace") or "default"
        if not isinstance(doc.get("spec", {}), dict):
            self._problem(rel, f"{kind.lower()}:{ns}/{name}", "spec must be a mapping; skipped")
            return None
        return _Parsed(kind.strip().lower(), str(ns).strip().lower(), name.strip().lower(), doc, rel)

    def _location_targets(self, loc: _Parsed, path: Path) -> list[tuple[Path, str, str]]:
        spec = loc.doc.get("spec") or {}
        raw = list(spec.get("targets") or [])
        if spec.get("target"):
            raw.insert(0, spec["target"])
        out = []
        for target in raw:
            if not isinstance(target, str) or not target.strip():
                self._problem(loc.file, loc.ref, f"Location target {target!r} is not a path")
                continue
            loc_type = str(spec.get("type") or "file").lower()
            if _is_remote(target):
                self._problem(loc.file, loc.ref, f"Location target {target} is remote ({loc_type}); "
                                                 f"only files in the checkout are loaded")
                continue
            if target.startswith("/") and loc_type != "file":
                # Against the location's URL a leading slash means the host's
                # root, which a checkout does not have.
                self._problem(loc.file, loc.ref, f"Location target {target} is an absolute path in a "
                                                 f"{loc_type} Location; it cannot be found in the checkout")
                continue
            # Backstage resolves a relative target against the Location's own
            # place (its file, or the URL it was read from), so `type: url`
            # with `./catalog/all.yaml` means the file next to this one.
            candidate = (path.parent / target).resolve()
            if "*" in target:
                matches = sorted(path.parent.glob(target))
                if not matches:
                    self._problem(loc.file, loc.ref, f"Location target {target} matches no file")
                out.extend((m, loc.file, loc.ref) for m in matches if self._inside(m, loc, target))
                continue
            if self._inside(candidate, loc, target):
                out.append((candidate, loc.file, loc.ref))
        return out

    def _inside(self, candidate: Path, loc: _Parsed, target: str) -> bool:
        if not candidate.resolve().is_relative_to(self.directory):
            self._problem(loc.file, loc.ref, f"Location target {target} is outside the catalog directory")
            return False
        return True

    # -- entities ------------------------------------------------------
    def _add(self, p: _Parsed) -> None:
        spec = p.doc.get("spec") or {}
        if p.kind == "user":
            p.label, prefix = "Person", ""
        elif p.kind == "group":
            gtype = str(spec.get("type") or "").lower()
            p.label, prefix = ("Department" if gtype in DEPARTMENT_GROUP_TYPES else "Team"), ""
        elif p.kind in SYSTEM_KINDS:
            p.label, prefix = "System", KEY_PREFIX[p.kind]
        elif p.kind == "airesource":
            p.label, prefix = "Topic", ""
        else:
            self._problem(p.file, p.ref, f"kind {p.doc.get('kind')} is not mapped to a Kiki page; skipped")
            return
        if p.ref in self._entities:
            self._problem(p.file, p.ref, f"defined again (first in {self._entities[p.ref].file}); "
                                         f"this copy is skipped")
            return
        ns_part = "" if p.namespace == "default" else f"{p.namespace}."
        p.key = slugify_key(f"{prefix}{ns_part}{p.name}")
        clash = self._keys.get((p.label, p.key))
        if clash:
            self._problem(p.file, p.ref, f"its {p.label} key {p.key!r} is already used by {clash}; skipped")
            return
        self._keys[(p.label, p.key)] = p.ref
        self._entities[p.ref] = p

    def _emit(self) -> None:
        edges_seen: set[tuple] = set()
        for p in self._entities.values():
            self.batch.entities.append(self._entity(p))
            spec = p.doc.get("spec") or {}
            for fname, (default_kind, rel, direction) in FIELD_RULES.items():
                if fname not in spec or spec[fname] is None:
                    continue
                values = spec[fname] if isinstance(spec[fname], list) else [spec[fname]]
                for value in values:
                    target = self._resolve(p, fname, value, default_kind)
                    if target is None:
                        continue
                    if p.label == "Topic" and fname == "system":
                        continue    # kept as the backstage_system property
                    src, dst = (p, target) if direction == "out" else (target, p)
                    srcs, dsts = RELATIONSHIPS[rel]
                    if src.label not in srcs or dst.label not in dsts:
                        self._problem(p.file, p.ref, f"spec.{fname}: {target.ref} is a {target.kind}; "
                                                     f"{rel} cannot link {src.label} to {dst.label}")
                        continue
                    ident = (rel, src.label, src.key, dst.label, dst.key)
                    if ident in edges_seen:
                        continue    # e.g. the same group edge stated by parent and by children
                    edges_seen.add(ident)
                    self.batch.edges.append(Edge(rel, src.label, src.key, dst.label, dst.key, source=SOURCE))

    def _resolve(self, p: _Parsed, fname: str, value: Any, default_kind: str | None) -> _Parsed | None:
        try:
            ref = ref_string(*parse_ref(value, default_kind, p.namespace))
        except BadReference as e:
            self._problem(p.file, p.ref, f"spec.{fname}: {e}")
            return None
        target = self._entities.get(ref)
        if target is None:
            self._problem(p.file, p.ref, f"spec.{fname}: unknown reference {ref}; edge not created")
        return target

    def _entity(self, p: _Parsed) -> Entity:
        meta = p.doc.get("metadata") or {}
        spec = p.doc.get("spec") or {}
        profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
        raw_name = str(meta.get("name"))
        name = _text(meta.get("title")) or _text(profile.get("displayName")) or raw_name
        description = _text(meta.get("description")).strip()
        props: dict[str, Any] = {}
        if p.label == "System":
            props["kind"] = SYSTEM_KINDS[p.kind]
        elif p.label == "Topic":
            props["kind"] = "AiResource"
        for prop, value in (("type", spec.get("type")), ("lifecycle", spec.get("lifecycle"))):
            if isinstance(value, str) and p.label in ("System", "Topic"):
                props[prop] = value
        if p.label in ("Team", "Department") and isinstance(spec.get("type"), str):
            props["group_type"] = spec["type"]
        if _text(profile.get("email")):
            props["email"] = profile["email"]
        if _text(profile.get("picture")):
            props["picture"] = profile["picture"]
        if p.namespace != "default":
            props["namespace"] = p.namespace
        tags = [t for t in (meta.get("tags") or []) if isinstance(t, str)]
        if tags:
            props["tags"] = tags
        links = [ln for ln in (meta.get("links") or []) if isinstance(ln, dict) and isinstance(ln.get("url"), str)]
        if links:
            props["links"] = [ln["url"] for ln in links]
        for src_key, prop in (("annotations", "annotations"), ("labels", "backstage_labels")):
            pairs = meta.get(src_key)
            if isinstance(pairs, dict):
                scalar = [f"{k}={v}" for k, v in pairs.items() if isinstance(v, (str, int, float, bool))]
                if scalar:
                    props[prop] = scalar
        if p.label == "Topic" and spec.get("system"):
            props["backstage_system"] = str(spec["system"])
        for extra in ("disciplines", "categories", "agents"):
            vals = spec.get(extra)
            if isinstance(vals, list) and all(isinstance(v, str) for v in vals):
                props[extra] = vals
        body = self._body(p, name, description, links, spec)
        aliases = [raw_name] if raw_name.lower() != name.lower() else []
        return Entity(p.label, p.key, name, summary=_first_paragraph(description), body=body,
                      aliases=aliases, props=props, source=SOURCE, source_id=p.ref)

    def _body(self, p: _Parsed, name: str, description: str, links: list, spec: dict) -> str:
        parts = [f"# {name}"]
        if description:
            parts.append(description)
        parts.append(f"From the Backstage catalog: `{p.ref}` in `{p.file}`.")
        if links:
            parts.append("## Links\n\n" + "\n".join(
                f"- [{ln.get('title') or ln['url']}]({ln['url']})" for ln in links))
        definition = spec.get("definition") if p.kind == "api" else None
        if isinstance(definition, str) and definition.strip():
            parts.append(f"## Definition ({spec.get('type', 'text')})\n\n```\n{definition.rstrip()}\n```")
        elif isinstance(definition, dict) and isinstance(definition.get("$text"), str):
            ref = definition["$text"]
            if "://" in ref:
                parts.append(f"## Definition\n\nLoaded from <{ref}>.")
            else:
                target = (self.directory / Path(p.file).parent / ref).resolve()
                if target.is_relative_to(self.directory) and target.is_file():
                    parts.append(f"## Definition ({spec.get('type', 'text')})\n\n```\n"
                                 f"{target.read_text(encoding='utf-8').rstrip()}\n```")
                else:
                    self._problem(p.file, p.ref, f"spec.definition: $text file {ref} not found")
        return "\n\n".join(parts)

    def _problem(self, where: str, item: str, message: str) -> None:
        self.batch.problems.append(Problem(where, item, message))


def _is_remote(target: str) -> bool:
    """A target with a URL scheme (`https://…`) lives outside the checkout;
    anything else is a path relative to the Location."""
    return "://" in target


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _first_paragraph(text: str, limit: int = 300) -> str:
    para = text.strip().split("\n\n", 1)[0].replace("\n", " ").strip()
    return para if len(para) <= limit else para[:limit - 1].rstrip() + "…"


def load_catalog(directory: Path | str, roots: tuple[str, ...] | list[str] | None = None) -> Batch:
    """Read a Backstage catalog directory into a Batch (entities, edges and
    problems). `roots` are paths relative to `directory`; by default the
    example dataset's roots, or every YAML file when those are absent.
    Raises IngestError only when the directory itself does not exist."""
    return CatalogReader(Path(directory), tuple(roots) if roots is not None else None).read()


class BackstageConnector(Connector):
    """The catalog as an ingest connector (options: `directory`, `roots`)."""
    source = SOURCE
    full = True

    def read(self) -> Batch:
        from django.conf import settings

        return load_catalog(self.options.get("directory") or settings.KIKI_BACKSTAGE_DIR,
                            self.options.get("roots"))

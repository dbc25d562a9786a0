"""The evaluation's organisations as plain Python facts, built from the source
records themselves — never from Kiki's graph, its loaders' internals or its
answer engine — so that an expected answer is what the data says, not what
Kiki happens to compute.

- `synthetic_org(people, seed)`: the records `ingest.synthetic.generate` emits
  (the data generator, which the demo loads; the records are read directly).
- `backstage_org(directory)`: our own walk of the Backstage catalog YAML
  (following `Location` entities from the demo's root files), with the page keys
  Kiki documents for catalog entities (docs/connectors.md, ingest/backstage.py
  module docstring: `component:default/x` -> `x`, `api:…/x` -> `api.x`, ...).
- `scim_org(seed)` lives in bench/eval_scim_org.py (it is generated here, then
  pushed over HTTP).

Every organisation is an `Org`: nodes (label, key, name, props) and typed edges,
with the small set of graph walks the question builder needs.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_SLUG_STRIP = re.compile(r"[^a-z0-9._-]+")


def slug(text: str) -> str:
    """The URL-safe page key Kiki derives from a name (documented in
    docs/architecture.md: lowercase, anything else becomes '-')."""
    return _SLUG_STRIP.sub("-", text.strip().lower()).strip("-._")[:200]


LABEL_SLUGS = {"Person": "person", "Team": "team", "Department": "department", "System": "system",
               "Process": "process", "Topic": "topic"}


def page_id(label: str, key: str) -> str:
    """A page's identity as its wiki URL path without the leading slash
    (`team/ledger`): keys are unique per label only."""
    return f"{LABEL_SLUGS[label]}/{key}"


@dataclass
class Node:
    label: str
    key: str
    name: str
    props: dict = field(default_factory=dict)
    aliases: tuple = ()

    @property
    def id(self) -> str:
        return page_id(self.label, self.key)


class Org:
    """One organisation's facts. Nodes are addressed by page id
    (`person/ana-costa`); edges are (type, src id, dst id)."""

    def __init__(self, name: str):
        self.name = name
        self.nodes: dict[str, Node] = {}
        self.out: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.inn: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.dropped: list[str] = []

    # -- building ---------------------------------------------------------
    def add(self, label, key, name, props=None, aliases=()) -> Node | None:
        ident = page_id(label, key)
        if ident in self.nodes:
            self.dropped.append(f"{ident} (defined twice)")
            return None
        node = self.nodes[ident] = Node(label, key, name, dict(props or {}), tuple(aliases))
        return node

    def link(self, rel, src, dst) -> None:
        if src not in self.nodes or dst not in self.nodes:
            return
        if dst not in self.out[(rel, src)]:
            self.out[(rel, src)].append(dst)
            self.inn[(rel, dst)].append(src)

    # -- reading ----------------------------------------------------------
    def of(self, *labels) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.label in labels), key=lambda n: n.id)

    def label(self, key) -> str:
        return self.nodes[key].label

    def nm(self, key) -> str:
        return self.nodes[key].name

    def targets(self, rel, key) -> list[str]:
        return sorted(self.out.get((rel, key), ()))

    def sources(self, rel, key, *labels) -> list[str]:
        found = self.inn.get((rel, key), ())
        return sorted(k for k in found if not labels or self.nodes[k].label in labels)

    def active(self, key) -> bool:
        return self.nodes[key].props.get("status", "active") == "active"

    # people
    def manager(self, key) -> str | None:
        m = self.targets("REPORTS_TO", key)
        return m[0] if m else None

    def chain(self, key) -> list[str]:
        out, cur = [], self.manager(key)
        while cur and cur not in out:
            out.append(cur)
            cur = self.manager(cur)
        return out

    def reports(self, key) -> list[str]:
        return [k for k in self.sources("REPORTS_TO", key) if self.active(k)]

    def units_of(self, person) -> list[str]:
        return self.targets("MEMBER_OF", person)

    # units
    def children(self, key) -> list[str]:
        return self.sources("PART_OF", key, "Team", "Department")

    def parents(self, key) -> list[str]:
        return [k for k in self.targets("PART_OF", key) if self.label(k) in ("Team", "Department")]

    def subtree(self, key) -> list[str]:
        seen, todo = [], [key]
        while todo:
            k = todo.pop()
            if k not in seen:
                seen.append(k)
                todo.extend(self.children(k))
        return seen

    def direct_members(self, unit) -> list[str]:
        return [k for k in self.sources("MEMBER_OF", unit, "Person") if self.active(k)]

    def people_in(self, unit) -> list[str]:
        """Everyone currently in the unit or any unit below it."""
        return sorted({p for u in self.subtree(unit) for p in self.direct_members(u)})

    def leads(self, unit) -> list[str]:
        return self.sources("LEADS", unit, "Person")

    def ancestors(self, unit) -> list[str]:
        out, todo = [], list(self.parents(unit))
        while todo:
            k = todo.pop(0)
            if k not in out:
                out.append(k)
                todo.extend(self.parents(k))
        return out

    def department_of_person(self, person) -> str | None:
        for unit in self.units_of(person):
            for k in [unit, *self.ancestors(unit)]:
                if self.label(k) == "Department":
                    return k
        return None

    # systems
    def owners(self, key) -> list[str]:
        return self.sources("OWNS", key)

    def names(self) -> dict[str, list[str]]:
        """lowercased name or alias -> keys bearing it."""
        out = defaultdict(list)
        for n in self.nodes.values():
            for text in {n.name, *n.aliases}:
                if text:
                    out[text.lower()].append(n.id)
        return out

    def unique_names(self) -> set[str]:
        """Keys whose name no other page bears (a question naming them has one subject)."""
        names = self.names()
        return {n.id for n in self.nodes.values() if len(names[n.name.lower()]) == 1}


def merge(name: str, *orgs: Org) -> Org:
    """Several sources loaded into one graph (the demo: synthetic + catalog)."""
    world = Org(name)
    for org in orgs:
        for n in org.nodes.values():
            world.add(n.label, n.key, n.name, n.props, n.aliases)
        world.dropped.extend(org.dropped)
        for (rel, src), dsts in org.out.items():
            for dst in dsts:
                world.link(rel, src, dst)
    return world


# -- the synthetic org ----------------------------------------------------
def synthetic_org(people: int = 500, seed: int = 42) -> Org:
    from ingest.synthetic import generate   # the data generator, not the engine

    batch = generate(people, seed)
    org = Org("synthetic")
    for e in batch.entities:
        if e.label == "Step":
            continue
        org.add(e.label, e.key, e.name, {**e.props, "summary": e.summary, "source": "synthetic"}, e.aliases)
    for e in batch.edges:
        if e.dst_label != "Step" and e.src_label != "Step":
            org.link(e.type, page_id(e.src_label, e.src_key), page_id(e.dst_label, e.dst_key))
    return org


# -- the Backstage catalog ------------------------------------------------
BACKSTAGE_ROOTS = (
    "backstage/packages/catalog-model/examples/all.yaml",
    "backstage/packages/catalog-model/examples/acme-corp.yaml",
    "demo/catalog-info.yaml",
    "demo/examples/ai-resources.yaml",
    "demo/examples/mcp-server-api.yaml",
)
_DEPT_TYPES = {"organization", "organisation", "department", "business-unit", "division"}
_SYSTEM_KINDS = {"component": "Component", "system": "System", "api": "API", "resource": "Resource",
                 "domain": "Domain"}
_PREFIX = {"component": "", "system": "system.", "api": "api.", "resource": "resource.", "domain": "domain."}
# spec field -> (default kind, our relation, direction)
_FIELDS = {
    "owner": ("group", "OWNS", "in"), "memberOf": ("group", "MEMBER_OF", "out"),
    "parent": ("group", "PART_OF", "out"), "children": ("group", "PART_OF", "in"),
    "system": ("system", "IN_SYSTEM", "out"), "domain": ("domain", "IN_DOMAIN", "out"),
    "subcomponentOf": ("component", "SUBCOMPONENT_OF", "out"),
    "subdomainOf": ("domain", "SUBDOMAIN_OF", "out"),
    "dependsOn": (None, "DEPENDS_ON", "out"), "dependencyOf": (None, "DEPENDS_ON", "in"),
    "providesApis": ("api", "PROVIDES_API", "out"), "consumesApis": ("api", "CONSUMES_API", "out"),
    "apiConsumedBy": ("component", "CONSUMES_API", "in"),
}


def _ref(value, default_kind, ns):
    if isinstance(value, dict):
        kind, rns, name = value.get("kind"), value.get("namespace"), value.get("name")
    else:
        text, kind, rns = str(value).strip(), None, None
        if ":" in text:
            kind, text = text.split(":", 1)
        if "/" in text:
            rns, text = text.split("/", 1)
        name = text
    kind = kind or default_kind
    if not kind or not name:
        return None
    return f"{kind.lower()}:{(rns or ns).lower()}/{name.lower()}"


def backstage_docs(directory: Path) -> list[dict]:
    """Every catalog entity reachable from the root files through Locations."""
    directory = Path(directory).resolve()
    queue = [directory / r for r in BACKSTAGE_ROOTS]
    if not any(p.is_file() for p in queue):
        # An evaluation that silently loses a whole organisation would report nonsense.
        raise FileNotFoundError(f"no Backstage catalog root files under {directory} "
                                f"(set KIKI_BACKSTAGE_DIR): expected {', '.join(BACKSTAGE_ROOTS)}")
    seen, docs = set(), []
    while queue:
        path = queue.pop(0).resolve()
        if path in seen or not path.is_file() or not path.is_relative_to(directory):
            continue
        seen.add(path)
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
                continue
            if doc["kind"].lower() == "location":
                spec = doc.get("spec") or {}
                targets = ([spec["target"]] if spec.get("target") else []) + list(spec.get("targets") or [])
                for t in targets:
                    if isinstance(t, str) and "://" not in t:
                        queue.append(path.parent / t)
            else:
                docs.append(doc)
    return docs


def backstage_org(directory: Path) -> Org:
    org = Org("backstage")
    refs: dict[str, str] = {}          # entity ref -> key
    parsed = []
    for doc in backstage_docs(directory):
        kind = doc["kind"].lower()
        meta = doc.get("metadata") or {}
        spec = doc.get("spec") or {}
        if not meta.get("name"):
            continue
        ns = str(meta.get("namespace") or "default").lower()
        raw = str(meta["name"])
        if kind == "user":
            label, prefix = "Person", ""
        elif kind == "group":
            label = "Department" if str(spec.get("type") or "").lower() in _DEPT_TYPES else "Team"
            prefix = ""
        elif kind in _SYSTEM_KINDS:
            label, prefix = "System", _PREFIX[kind]
        else:
            continue   # AiResource (Topic) and other kinds: not asked about
        ref = f"{kind}:{ns}/{raw.lower()}"
        if ref in refs:
            continue
        key = slug(prefix + ("" if ns == "default" else ns + ".") + raw)
        profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
        name = str(meta.get("title") or profile.get("displayName") or raw)
        props = {"bs_kind": _SYSTEM_KINDS.get(kind, kind.title()), "source": "backstage",
                 "summary": str(meta.get("description") or "").strip()}
        for f in ("type", "lifecycle"):
            if isinstance(spec.get(f), str):
                props[f] = spec[f]
        if profile.get("email"):
            props["email"] = profile["email"]
        node = org.add(label, key, name, props, (raw,) if raw.lower() != name.lower() else ())
        if node:
            refs[ref] = node.id
            parsed.append((node.id, ns, spec))
    for key, ns, spec in parsed:
        for fname, (default_kind, rel, direction) in _FIELDS.items():
            values = spec.get(fname)
            if values is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                target = refs.get(_ref(value, default_kind, ns) or "")
                if target is None:
                    continue
                src, dst = (key, target) if direction == "out" else (target, key)
                org.link(rel, src, dst)
    return org


def demo_world(people: int, seed: int, backstage_dir: Path) -> tuple[Org, Org, Org]:
    """(synthetic, backstage, the graph both are loaded into). As the demo does,
    a catalog entity whose (label, key) the synthetic org already uses is not loaded."""
    syn = synthetic_org(people, seed)
    bs = backstage_org(backstage_dir)
    for key in [k for k in bs.nodes if k in syn.nodes]:
        bs.dropped.append(f"{key} (clashes with the synthetic org)")
        del bs.nodes[key]
    for table in (bs.out, bs.inn):
        for ident in list(table):
            table[ident] = [k for k in table[ident] if k in bs.nodes]
            if ident[1] not in bs.nodes:
                del table[ident]
    return syn, bs, merge("demo", syn, bs)

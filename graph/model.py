"""The graph's vocabulary: the allow-list of labels and relationship types,
and the normalized records every source (demo generator, Backstage, ingest
connectors) produces before they are merged into Neo4j.

Labels and relationship types are only ever taken from these allow-lists,
never from a request or from LLM output, because Cypher cannot parameterize them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from .errors import InvalidInput

# Page types, in the order the wiki lists them.
PAGE_LABELS = ("Person", "Team", "Department", "System", "Process", "Topic")
LABELS = PAGE_LABELS + ("Step",)

# type -> (allowed source labels, allowed target labels)
RELATIONSHIPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "MEMBER_OF": (("Person",), ("Team", "Department")),
    "LEADS": (("Person",), ("Team", "Department")),
    "REPORTS_TO": (("Person",), ("Person",)),
    "PART_OF": (("Team", "Department", "System"), ("Team", "Department", "System")),
    "OWNS": (("Team", "Department", "Person"), ("System", "Process", "Topic")),
    "DEPENDS_ON": (("System",), ("System",)),
    "PROVIDES_API": (("System",), ("System",)),
    "CONSUMES_API": (("System",), ("System",)),
    "HAS_STEP": (("Process",), ("Step",)),
    "RESPONSIBLE_FOR": (("Team", "Person", "Department"), ("Step",)),
    "MENTIONS": (PAGE_LABELS, PAGE_LABELS),
}

# History: when a current edge of one of these types ends, ingest re-types it
# to its PAST_ counterpart, keeping valid_from/valid_to. Current-state queries
# therefore match only the plain types and stay as fast as without history;
# as-of queries match both (e.g. [:MEMBER_OF|PAST_MEMBER_OF]) and filter on
# valid_from <= date < valid_to (valid_to null = still current).
HISTORIZED = ("MEMBER_OF", "LEADS", "REPORTS_TO", "PART_OF", "OWNS")
for _rel in HISTORIZED:
    RELATIONSHIPS["PAST_" + _rel] = RELATIONSHIPS[_rel]

# Type-specific page properties that reads (the assistant's questions) may
# name; anything else a source sends is stored but never named by a question.
PAGE_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Person": ("title", "email", "phone", "location", "start_date", "employee_id", "slack_id", "status"),
    "Team": ("slack_channel", "status"),
    "Department": ("slack_channel", "status"),
    "System": ("kind", "type", "lifecycle", "status"),
    "Process": ("status",),
    "Topic": ("status",),
}

# Wiki history: every save of a page is an immutable PageRevision node
# (graph/revisions.py), reached from its page by HAS_REVISION. Not a page label.
PAGE_REVISION = "PageRevision"
HAS_REVISION = "HAS_REVISION"

# URL path segment per page label and back.
LABEL_SLUGS = {"Person": "person", "Team": "team", "Department": "department",
               "System": "system", "Process": "process", "Topic": "topic"}
SLUG_LABELS = {v: k for k, v in LABEL_SLUGS.items()}

# Properties every entity carries and the merge owns; everything else from a
# source goes into `props` and is stored as-is (scalars or lists of scalars).
CORE_FIELDS = ("key", "name", "summary", "body", "aliases")

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
_SLUG_STRIP = re.compile(r"[^a-z0-9._-]+")


def slugify_key(text: str) -> str:
    """A stable, URL-safe key from arbitrary text ("Risk Data" -> "risk-data")."""
    key = _SLUG_STRIP.sub("-", text.strip().lower()).strip("-._")
    return key[:200]


def name_key(text: str) -> str:
    """A key from a display name, accents and other letters folded to ASCII
    ("José Núñez" -> "jose-nunez", "Paweł Wiśniewski" -> "pawel-wisniewski",
    "O'Brien" -> "obrien"); the one key function for names from any source."""
    return slugify(text or "", max_length=200, regex_pattern=_SLUG_STRIP,
                   replacements=[["'", ""], ["’", ""]]).strip("-._")


def check_label(label: str) -> str:
    if label not in LABELS:
        raise InvalidInput(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise InvalidInput(f"invalid key {key!r}: use lowercase letters, digits, '.', '_' or '-'")
    return key


def check_relationship(rel: str, src_label: str, dst_label: str) -> str:
    if rel not in RELATIONSHIPS:
        raise InvalidInput(f"unknown relationship type {rel!r}")
    srcs, dsts = RELATIONSHIPS[rel]
    if src_label not in srcs or dst_label not in dsts:
        raise InvalidInput(f"{rel} cannot link {src_label} to {dst_label}")
    return rel


_SCALARS = (str, int, float, bool)
_PROP_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # compiled once: a sync validates ~50,000 names


def clean_props(props: dict[str, Any], where: str) -> dict[str, Any]:
    """Neo4j stores scalars and homogeneous lists of scalars only; None drops the key."""
    out = {}
    for k, v in props.items():
        if not _PROP_NAME_RE.match(k):
            raise InvalidInput(f"{where}: invalid property name {k!r}")
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            v = [x for x in v if x is not None]
            if not all(isinstance(x, _SCALARS) for x in v):
                raise InvalidInput(f"{where}: property {k!r} must be a list of scalars")
            v = list(v)
        elif not isinstance(v, _SCALARS):
            raise InvalidInput(f"{where}: property {k!r} has unsupported type {type(v).__name__}")
        out[k] = v
    return out


@dataclass
class Entity:
    label: str
    key: str
    name: str
    summary: str = ""
    body: str = ""
    aliases: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    source_id: str = ""

    def validate(self) -> "Entity":
        check_label(self.label)
        check_key(self.key)
        where = f"{self.label} {self.key!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput(f"{where}: name is required")
        for fname in ("summary", "body"):
            if not isinstance(getattr(self, fname), str):
                raise InvalidInput(f"{where}: {fname} must be text")
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise InvalidInput(f"{where}: aliases must be a list of strings")
        self.props = clean_props(self.props, where)
        clash = set(self.props) & set(CORE_FIELDS + ("source", "source_id", "first_seen", "last_seen",
                                                      "content_hash", "updated_at", "created_at"))
        if clash:
            raise InvalidInput(f"{where}: reserved property names in props: {sorted(clash)}")
        return self


@dataclass
class Edge:
    type: str
    src_label: str
    src_key: str
    dst_label: str
    dst_key: str
    props: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def validate(self) -> "Edge":
        check_relationship(self.type, self.src_label, self.dst_label)
        check_key(self.src_key)
        check_key(self.dst_key)
        self.props = clean_props(self.props, f"{self.type} {self.src_key}->{self.dst_key}")
        return self


@dataclass
class Problem:
    """Something a loader could not use, reported rather than silently dropped."""
    where: str      # file name, URL or source id
    item: str       # entity or reference
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.item}: {self.message}"


@dataclass
class Batch:
    """What one source contributes: entities, edges and the problems found."""
    source: str
    entities: list[Entity] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

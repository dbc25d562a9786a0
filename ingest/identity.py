"""Entity resolution for the merge engine: map an incoming record to the key
of the node it describes, in memory, over the state read in one query per
label (so a batch costs no per-record round trips).

Order of evidence, strongest first: the record's own source id seen before
("hris:w-1001"), then for people employee id, work email (case-insensitive)
and Slack id; then the proposed key itself unless that node's identity
clearly belongs to someone else; then a unique match of the name or an alias
(compared as slugs, so "Risk Data" finds "risk-data"; a Department's also
without unit words, so "Finance Dept" finds "Finance"). People carrying an
employee id or email are never matched by name alone: two "Alex Kim"s are
common. Two different records of one batch never land on one node. A
proposed key taken by a different person gets a numeric suffix.
Records resolved within the same batch are indexed as they go, so two records
of one person in one batch land on one node.
"""
from __future__ import annotations

import json
from collections import defaultdict

from graph.model import Entity, slugify_key

from .orgunits import match_key

IDENTITY_PROPS = ("employee_id", "email", "slack_id")
UNIT = "~unit"  # by_alias namespace of Departments' unit-word-free names (no label starts with ~)


def _norm(prop: str, value) -> str | None:
    if value is None or value == "":
        return None
    value = str(value).strip()
    return value.lower() if prop == "email" else value


def _source_keys(cur: dict) -> list[str]:
    """"source:source_id" for every source record the merge kept in `prov`."""
    if not cur.get("prov"):
        return [f"{cur['source']}:{cur.get('source_id') or ''}"] if cur.get("source") else []
    # Parsed once here and kept on the state row: the merge reuses it (`_prov`)
    # instead of decoding every node's provenance a second time.
    prov = cur["_prov"] = json.loads(cur["prov"])
    sources = prov.get("sources", {})
    return [f"{s}:{info.get('source_id') or ''}" for s, info in sources.items()]


class Resolver:
    def __init__(self, state: dict[tuple[str, str], dict]):
        self.state = state
        self.by_source_key: dict[tuple[str, str], str] = {}
        self.by_identity: dict[tuple[str, str, str], str] = {}
        self.by_alias: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.batch_records: dict[tuple[str, str], set[str]] = defaultdict(set)  # node -> this batch's records
        self.identity_of: dict[tuple[str, str], dict[str, str]] = {}
        self.taken: set[tuple[str, str]] = set(state)
        self.sources_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        for (label, key), cur in state.items():
            self._index(label, key, _source_keys(cur),
                        {p: cur.get(p) for p in IDENTITY_PROPS}, [cur.get("name")] + list(cur.get("aliases") or []))

    def _index(self, label: str, key: str, source_keys, identity: dict, names) -> None:
        for sk in source_keys:
            self.by_source_key.setdefault((label, sk), key)
            self.sources_of[(label, key)].add(sk.split(":", 1)[0])
        ident = self.identity_of.setdefault((label, key), {})
        for prop in IDENTITY_PROPS:
            v = _norm(prop, identity.get(prop))
            if v:
                self.by_identity.setdefault((label, prop, v), key)
                ident.setdefault(prop, v)
        for name in names:
            if name:
                slug = slugify_key(str(name))
                if slug:
                    self.by_alias[(label, slug)].add(key)
                if label == "Department":
                    self.by_alias[(UNIT, match_key(str(name)))].add(key)
        self.by_alias[(label, key)].add(key)

    def _clashes(self, label: str, key: str, identity: dict[str, str]) -> bool:
        known = self.identity_of.get((label, key), {})
        return any(p in known and v and known[p] != v for p, v in identity.items())

    def resolve(self, e: Entity, source: str) -> str:
        """The key of the node `e` describes (existing or new) — and remember it."""
        label = e.label
        identity = {p: _norm(p, e.props.get(p)) for p in IDENTITY_PROPS}
        identity = {p: v for p, v in identity.items() if v}
        sk = f"{source}:{e.source_id or e.key}"
        key = self.by_source_key.get((label, sk))
        if key is None:
            for prop in IDENTITY_PROPS:
                if prop in identity:
                    key = self.by_identity.get((label, prop, identity[prop]))
                    if key and self._other_record(label, key, sk):
                        key = None
                    if key:
                        break
        if key is None and (label, e.key) in self.taken and not self._clashes(label, e.key, identity):
            key = e.key
        if key is None and not (label == "Person" and identity):
            key = self._unique_alias(label, [e.name] + list(e.aliases) + [e.key], identity, sk)
        if key is None:
            key = e.key
            n = 2
            while (label, key) in self.taken:
                key = f"{e.key}-{n}"[:200]
                n += 1
        self.taken.add((label, key))
        self.batch_records[(label, key)].add(sk)
        self._index(label, key, [sk], identity, [e.name] + list(e.aliases))
        return key

    def _other_record(self, label: str, key: str, sk: str) -> bool:
        """Whether another record of this batch already resolved to the node:
        two records of one source are two things (Backstage's API "petstore"
        is not its component "petstore", two users may share an email), and
        merging them made every sync flip the node between the two."""
        return any(other != sk for other in self.batch_records.get((label, key), ()))

    def _unique_alias(self, label: str, names, identity: dict, sk: str) -> str | None:
        found: set[str] = set()
        for name in names:
            slug = slugify_key(str(name or ""))
            if slug:
                found |= self.by_alias.get((label, slug), set())
        if not found and label == "Department":
            # A unit this source already knows under another id is another
            # unit: it listed both ("Sales" and "Sales Department").
            source = sk.split(":", 1)[0]
            for name in names:
                if name:
                    found |= {k for k in self.by_alias.get((UNIT, match_key(str(name))), set())
                              if source not in self.sources_of[(label, k)]}
        found = {k for k in found if not self._clashes(label, k, identity) and not self._other_record(label, k, sk)}
        return found.pop() if len(found) == 1 else None

    def lookup_reference(self, label: str, ref: str) -> str | None:
        """An edge endpoint not in the batch: a known key, or a unique alias."""
        if (label, ref) in self.taken:
            return ref
        keys = self.by_alias.get((label, slugify_key(ref)), set())
        if not keys and label == "Department":
            keys = self.by_alias.get((UNIT, match_key(ref)), set())
        return next(iter(keys)) if len(keys) == 1 else None

"""Org units from people's attributes, and the inferences drawn from membership.

Identity providers (and HR exports) name a person's `department`, `division`
and `organization` as plain values. Each value is a Department page: an
existing one when a Department's name or alias matches (case-, accent- and
unit-word-insensitive: "Finance Dept", "the finance department" and "Finance"
are one unit), otherwise a new page, with the source's provenance either way.
The person is MEMBER_OF the department; the division and the organization are
its parent units (department PART_OF division PART_OF organization).

Inferences (graph.org_units has the rules and the Cypher): a team with no
stated parent whose current members all sit in one department is PART_OF it;
a team with no stated lead in which every other member reports to one member
is LEADS by that member. Both are edges marked `inferred: true` with a
`reason`; they are recomputed in the same transaction as any write that
changes the facts under them, and a stated fact always replaces them.
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from graph import org_units as q
from graph.model import slugify_key

from . import provenance as pv

log = logging.getLogger(__name__)

ATTRIBUTES = ("department", "division", "organization")
# Words that say what kind of unit a name is rather than which one; "the
# Finance division" and "Finance" name the same unit.
UNIT_WORDS = frozenset({
    "the", "of", "department", "departments", "dept", "depts", "dep", "division", "div", "organization",
    "organisation", "org", "unit", "units", "business", "bu", "group", "team", "office", "function",
})

Step = tuple[str, dict]


def match_key(name: str) -> str:
    """The part of a unit name that identifies it: folded, lowercased, unit
    words dropped ("Finance Dept." -> "finance"); a name made only of unit
    words keeps them ("Organization" -> "organization")."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode() or (name or "")
    words = [w for w in slugify_key(folded.replace(".", " ")).split("-") if w]
    core = [w for w in words if w not in UNIT_WORDS]
    return "-".join(core or words)


def attribute_chain(department: str | None, division: str | None, organization: str | None) -> list[tuple[str, str]]:
    """[(attribute, name)] from the person's unit up to the organization,
    empty values and repeats ("Finance" as department and division) left out."""
    chain: list[tuple[str, str]] = []
    for attr, value in zip(ATTRIBUTES, (department, division, organization)):
        name = " ".join(str(value or "").split())
        if name and match_key(name) and all(match_key(name) != match_key(n) for _, n in chain):
            chain.append((attr, name))
    return chain


@dataclass
class _Unit:
    key: str
    name: str
    node: dict | None      # the stored Department (None: created by this request)


class UnitIndex:
    """The Departments, indexed by match key of their name and aliases."""

    def __init__(self, rows: list[dict]):
        self.rows = {r["key"]: r for r in rows}
        self.by_name: dict[str, set[str]] = {}
        self.by_match: dict[str, set[str]] = {}
        for r in rows:
            self._index(r["key"], [r["name"]] + list(r.get("aliases") or []))

    @classmethod
    def load(cls) -> "UnitIndex":
        return cls(q.department_names())

    def _index(self, key: str, names: list[str]) -> None:
        for n in names:
            if n:
                self.by_name.setdefault(" ".join(n.lower().split()), set()).add(key)
                self.by_match.setdefault(match_key(n), set()).add(key)
        self.by_match.setdefault(match_key(key), set()).add(key)

    def find(self, name: str) -> tuple[str | None, list[str]]:
        """(key, []) for the one Department `name` names; (None, []) when none
        does; (None, candidates) when several do and none by its exact name."""
        exact = self.by_name.get(" ".join(name.lower().split()), set())
        if len(exact) == 1:
            return next(iter(exact)), []
        found = self.by_match.get(match_key(name), set())
        if len(found) == 1:
            return next(iter(found)), []
        return None, sorted(found)

    def add(self, name: str) -> str:
        """A free key for a new unit called `name`, remembered for the rest of the request."""
        base = slugify_key(unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()) \
            or slugify_key(name) or "department"
        key, n = base, 2
        while key in self.rows:
            key = f"{base}-{n}"[:200]
            n += 1
        self.rows[key] = {"key": key, "name": name}
        self._index(key, [name])
        return key


def _provenance(node: dict | None, source: str, source_id: str, today: str, *, created: bool) -> tuple[str, list]:
    """The unit's `prov` and `sources` once `source` asserted it (the name is
    the source's only on a unit it created)."""
    prov = pv.load({k: v for k, v in (node or {}).items() if k != "key"})
    if created:
        pv.claim(prov, "name", source, source_id, today)
    pv.seen(prov, source, prov["sources"].get(source, {}).get("source_id") or source_id, today)
    return pv.dump(prov), pv.with_source(node, source)


def unit_steps(person_key: str, chain: list[tuple[str, str]], *, source: str, now: str,
               index: UnitIndex | None = None) -> list[Step]:
    """Write steps placing the person in their attribute units: each unit
    found or created with provenance, MEMBER_OF the first, each PART_OF the
    next. An empty chain ends the person's attribute-made membership. A name
    several Departments answer to equally is not guessed: that unit and the
    ones above it are left out (logged)."""
    today = now[:10]
    index = index or UnitIndex.load()
    units: list[tuple[str, _Unit]] = []
    steps: list[Step] = []
    for attr, name in chain:
        key, candidates = index.find(name)
        if candidates:
            log.warning("%s %r of %s matches several departments (%s); not linked",
                        attr, name, person_key, ", ".join(candidates))
            break
        node = index.rows.get(key) if key else None
        created = key is None
        if created:
            key = index.add(name)
        source_id = f"{attr}:{name}"
        if created or source not in (node.get("sources") or []) or node.get("last_seen") != today:
            prov, sources = _provenance(node, source, source_id, today, created=created)
            steps.append(q.ensure_unit_step(key, name, source=source, source_id=source_id, prov=prov,
                                            sources=sources, now=now))
            index.rows[key] = dict(index.rows[key], sources=sources, last_seen=today, prov=prov)
        units.append((attr, _Unit(key, name, node)))
    steps.append(q.person_unit_step(person_key, units[0][1].key if units else None, source=source, now=now))
    for (_, child), (attr, parent) in zip(units, units[1:]):
        steps.append(q.unit_parent_step(child.key, parent.key, via=attr, source=source, now=now))
    return steps


def inference_steps(*, keys=(), scim_ids=(), people=(), everything: bool = False,
                    now: str | None = None) -> list[Step]:
    """Steps recomputing the inferred department and lead of the given teams
    (by key or SCIM id), and the inferred lead of the departments above them
    and of those the `people` are in, or all of them. Meant to run last in
    the transaction that changed their members, reporting lines or stated facts."""
    now = now or datetime.now(timezone.utc).isoformat(timespec="seconds")
    keys, scim_ids = sorted({k for k in keys if k}), sorted({i for i in scim_ids if i})
    people = sorted({k for k in people if k})
    if not everything and not keys and not scim_ids and not people:
        return []
    params = {"all": everything, "keys": keys, "scim_ids": scim_ids, "people": people, "now": now,
              "today": now[:10]}
    return q.inference_steps(params)


def teams_of(person_key: str, today: str) -> list[str]:
    """The teams whose inferences a change to this person can move."""
    return q.teams_of_person(person_key, today)

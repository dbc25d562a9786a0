"""The assistant's evaluation set: questions with known answers over three
differently built organisations, phrased from data files, in two splits.

    python bench/eval_set.py [--split tuned] [--org synthetic] [--kind manager] > questions.jsonl

Organisations (facts from the source records, bench/eval_orgs.py and
bench/eval_scim_org.py — never from Kiki's graph or its answer engine):
  synthetic  ingest.synthetic's records (loaded as the demo loads them, with the catalog)
  backstage  our own parse of the Backstage example catalog
  scim       an IdP-only organisation pushed through /scim/v2/

Phrasings: bench/eval/phrasings/*.yaml (the tuned split) and
bench/eval/untuned/phrasings/*.yaml (the untuned split: other templates, other
role words, and other subjects — a subject is in the untuned split when a
hash of its page id says so). Engine developers must not read the untuned
files or their questions (bench/eval/README.md).

Each question (one JSON object): id, org, split, kind, style, question, asker,
subject, answer (what a right answer states, see bench/eval_grade.py), cite (the
pages a right answer may cite). Everything is deterministic for a seed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from eval_orgs import Org, demo_world  # noqa: E402

PHRASINGS = {"tuned": HERE / "eval" / "phrasings", "untuned": HERE / "eval" / "untuned" / "phrasings"}
# The catalog the demo loads (settings.KIKI_BACKSTAGE_DIR's default, same variable).
BACKSTAGE_DIR = Path(os.environ.get("KIKI_BACKSTAGE_DIR", ROOT.parent / "shared" / "datasets" / "backstage-examples"))
ORGS = ("synthetic", "backstage", "scim")
SPLITS = ("tuned", "untuned")
UNTUNED_SHARE = 4   # one subject in four is held out for the untuned split

PEOPLE, UNITS = ("Person",), ("Team", "Department")
TEAM_WORDS = ("team", "squad", "group", "crew")
DEPT_WORDS = ("department", "division", "dept", "org", "unit")
# Words too generic to be a near-miss name anyone would ask about.
GENERIC_WORDS = {"team", "api", "core", "services", "service", "leadership", "management", "systems"}


def load_phrasings(split: str) -> tuple[dict, dict]:
    """(kind -> style -> [templates], vocabulary) of a split's data files."""
    kinds, vocab = {}, {}
    for path in sorted(PHRASINGS[split].glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind, styles in data.items():
            if kind == "vocabulary":
                vocab.update(styles)
                continue
            if kind in kinds:
                raise ValueError(f"{path.name}: kind {kind!r} is defined twice in the {split} phrasings")
            kinds[kind] = {style: list(ts) for style, ts in styles.items()}
    return kinds, vocab


def in_untuned(org: str, subject: str) -> bool:
    return int(hashlib.sha1(f"{org}|{subject}".encode()).hexdigest()[:8], 16) % UNTUNED_SHARE == 0


def typo(name: str, rng: random.Random) -> str:
    """One adjacent transposition inside the longest word (a slip of the keyboard)."""
    words = name.split(" ")
    i = max(range(len(words)), key=lambda j: len(words[j]))
    w = words[i]
    if len(w) < 5:
        return name
    k = rng.randrange(1, len(w) - 2)
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    return " ".join(words)


# --- facts -----------------------------------------------------------------
# A fact: (kind, subject id, slots, answer, cite ids, asker id). The answer
# types and how they are graded are described in bench/eval_grade.py.
_PAGE_ID = re.compile(r"[a-z]+/[^|:/]+")


def fact(kind, subject, slots, answer, cite=(), asker=None, label=None):
    """`subject` identifies the fact (and decides its split): a page id, or
    `<page id>|<filter>`, `role:…`, `made-up:…`, `near:…`. `about` is the page
    the question names, when there is one."""
    page = subject.split("|", 1)[0] if subject else None
    about = page if page and _PAGE_ID.fullmatch(page) else None
    return {"kind": kind, "subject": subject, "about": about, "slots": slots, "answer": answer,
            "cite": sorted({c for c in (about, asker, *cite) if c}), "asker": asker, "label": label}


def entity(ids, labels, allow=()):
    return {"type": "entity", "ids": sorted(ids), "labels": list(labels), "allow": sorted(set(allow) - set(ids))}


def listing(ids, labels, allow=(), ordered=False):
    return {"type": "list", "ids": list(ids) if ordered else sorted(ids), "labels": list(labels),
            "ordered": ordered, "allow": sorted(set(allow) - set(ids))}


def number(n):
    return {"type": "number", "value": n}


def value(values, vocab):
    return {"type": "value", "values": list(values), "vocab": sorted(set(vocab))}


def yesno(yes):
    return {"type": "yesno", "value": bool(yes)}


def idk(forbid=(), forbid_number=False):
    return {"type": "idk", "forbid": sorted(forbid), "forbid_number": forbid_number}


class Facts:
    """The facts one organisation offers, per kind. `org` holds this source's
    pages; `world` is everything loaded into the same graph (for names)."""

    def __init__(self, name: str, org: Org, world: Org, vocab: dict):
        self.name, self.org, self.world, self.vocab = name, org, world, vocab
        self.unique = world.unique_names() & set(org.nodes)
        self.names = world.names()

    def ok(self, ident) -> bool:
        return ident in self.unique

    def people(self):
        return [n for n in self.org.of("Person") if self.ok(n.id) and self.org.active(n.id)]

    def units(self, *labels):
        return [n for n in self.org.of(*(labels or UNITS)) if self.ok(n.id)]

    def systems(self, *bs_kinds):
        return [n for n in self.org.of("System") if self.ok(n.id)
                and (not bs_kinds or self.kind_of(n) in bs_kinds)]

    @staticmethod
    def kind_of(n):
        return n.props.get("bs_kind") or n.props.get("kind")

    def n(self, ident):
        return self.org.nm(ident)

    # -- people ---------------------------------------------------------
    def f_manager(self):
        o = self.org
        for p in self.people():
            m = o.manager(p.id)
            if m:
                yield fact("manager", p.id, {"person": p.name}, entity([m], PEOPLE, o.chain(p.id)),
                           o.chain(p.id) + o.units_of(p.id))

    def f_skip_manager(self):
        o = self.org
        for p in self.people():
            chain = o.chain(p.id)
            if len(chain) >= 2:
                yield fact("skip_manager", p.id, {"person": p.name}, entity([chain[1]], PEOPLE, chain), chain)

    def f_chain(self):
        o = self.org
        for p in self.people():
            chain = o.chain(p.id)
            if 2 <= len(chain) <= 6:
                yield fact("chain", p.id, {"person": p.name}, listing(chain, PEOPLE, ordered=True), chain)

    def f_reports(self):
        o = self.org
        for p in self.people():
            r = o.reports(p.id)
            if 1 <= len(r) <= 20:
                yield fact("reports", p.id, {"person": p.name}, listing(r, PEOPLE), r + o.units_of(p.id))

    def f_report_count(self):
        o = self.org
        for p in self.people():
            r = o.reports(p.id)
            if len(r) >= 1 or in_untuned("zero-reports", p.id):  # some people who manage nobody
                yield fact("report_count", p.id, {"person": p.name}, number(len(r)), r)

    def f_manages_anyone(self):
        o = self.org
        for p in self.people():
            yield fact("manages_anyone", p.id, {"person": p.name}, yesno(o.reports(p.id)), o.reports(p.id))

    def f_person_team(self):
        o = self.org
        for p in self.people():
            teams = [u for u in o.units_of(p.id) if o.label(u) == "Team"]
            if len(teams) == 1 and self.ok(teams[0]):
                yield fact("person_team", p.id, {"person": p.name}, entity(teams, ("Team",), o.ancestors(teams[0])),
                           teams + o.ancestors(teams[0]))

    def f_person_department(self):
        o = self.org
        for p in self.people():
            d = o.department_of_person(p.id)
            if d and self.ok(d) and o.nodes[d].props.get("unit_level", "department") == "department":
                path = [u for u in o.units_of(p.id)] + [a for u in o.units_of(p.id) for a in o.ancestors(u)]
                yield fact("person_department", p.id, {"person": p.name},
                           entity([d], ("Department",), path), path)

    def _attr(self, kind, prop):
        vocab = {n.props.get(prop) for n in self.org.of("Person") if n.props.get(prop)}
        for p in self.people():
            v = p.props.get(prop)
            if v:
                yield fact(kind, p.id, {"person": p.name}, value([v], vocab))

    def f_person_title(self):
        yield from self._attr("person_title", "title")

    def f_person_location(self):
        yield from self._attr("person_location", "location")

    def f_person_email(self):
        yield from self._attr("person_email", "email")

    def f_email_lookup(self):
        for p in self.people():
            if p.props.get("email"):
                yield fact("email_lookup", p.id, {"email": p.props["email"]}, entity([p.id], PEOPLE))

    def f_start_date(self):
        for p in self.people():
            d = p.props.get("start_date")
            if d:
                yield fact("start_date", p.id, {"person": p.name}, value(date_renderings(d), []))

    def f_role_holder(self):
        titles = {}
        for n in self.org.of("Person"):
            if self.org.active(n.id):
                titles.setdefault(n.props.get("title"), []).append(n.id)
        for word, wanted in (self.vocab.get("role_titles") or {}).items():
            wanted = [wanted] if isinstance(wanted, str) else wanted
            holders = sorted({h for t in wanted for h in titles.get(t, [])})
            if len(holders) == 1 and self.ok(holders[0]):
                yield fact("role_holder", f"role:{word}", {"role": word}, entity(holders, PEOPLE), holders)

    # "my ..." asked as a person
    def f_my_manager(self):
        o = self.org
        for p in self.people():
            m = o.manager(p.id)
            if m:
                yield fact("my_manager", p.id, {}, entity([m], PEOPLE, o.chain(p.id)), o.chain(p.id), asker=p.id)

    def _my_team(self, p):
        teams = [u for u in self.org.units_of(p.id) if self.org.label(u) == "Team"]
        return teams[0] if len(teams) == 1 else None

    def f_my_team_members(self):
        o = self.org
        for p in self.people():
            t = self._my_team(p)
            if t and not o.children(t) and 2 <= len(o.direct_members(t)) <= 20:
                yield fact("my_team_members", t, {}, listing(o.direct_members(t), PEOPLE, o.leads(t)),
                           o.direct_members(t) + o.leads(t), asker=p.id)

    def f_my_headcount(self):
        o = self.org
        for p in self.people():
            t = self._my_team(p)
            if t:
                yield fact("my_headcount", t, {}, number(len(o.people_in(t))), o.subtree(t), asker=p.id)

    def f_my_department_headcount(self):
        o = self.org
        for p in self.people():
            d = o.department_of_person(p.id)
            if d and o.nodes[d].props.get("unit_level", "department") == "department":
                yield fact("my_department_headcount", d, {}, number(len(o.people_in(d))), o.subtree(d),
                           asker=p.id)

    def f_my_reports(self):
        o = self.org
        for p in self.people():
            r = o.reports(p.id)
            if 1 <= len(r) <= 20:
                yield fact("my_reports", p.id, {}, listing(r, PEOPLE), r, asker=p.id)

    # -- units ----------------------------------------------------------
    def f_headcount(self):
        o = self.org
        for u in self.units():
            n = len(o.people_in(u.id))
            if n:
                yield fact("headcount", u.id, {"unit": u.name}, number(n), o.subtree(u.id) + o.leads(u.id),
                           label=u.label)

    def f_members(self):
        o = self.org
        for u in self.units():
            m = o.direct_members(u.id)
            if not o.children(u.id) and 1 <= len(m) <= 20:
                yield fact("members", u.id, {"unit": u.name}, listing(m, PEOPLE, o.leads(u.id)),
                           m + o.leads(u.id), label=u.label)

    def f_lead(self):
        o = self.org
        for u in self.units():
            leads = o.leads(u.id)
            if leads and u.props.get("unit_level") != "organization":
                yield fact("lead", u.id, {"unit": u.name}, entity(leads, PEOPLE), leads, label=u.label)

    def f_subteams(self):
        o = self.org
        for u in self.units():
            kids = o.children(u.id)
            if 1 <= len(kids) <= 20:
                # each sub-team is named with its size and lead
                yield fact("subteams", u.id, {"unit": u.name}, listing(kids, UNITS, o.ancestors(u.id)),
                           kids + o.ancestors(u.id) + [p for k in kids for p in o.leads(k)], label=u.label)

    def f_unit_parent(self):
        o = self.org
        for u in self.units():
            ps = o.parents(u.id)
            if len(ps) == 1 and self.ok(ps[0]):
                yield fact("unit_parent", u.id, {"unit": u.name},
                           entity(ps, UNITS, o.ancestors(u.id)), o.ancestors(u.id), label=u.label)

    def f_member_yesno(self):
        o = self.org
        rng = random.Random(f"{self.name}-member-yesno")
        teams = [u for u in self.units("Team") if o.direct_members(u.id)]
        for p in self.people():
            mine = [u for u in o.units_of(p.id) if o.label(u) == "Team"]
            if not mine or not teams:
                continue
            if rng.random() < 0.5 and self.ok(mine[0]):
                t = mine[0]
            else:
                t = teams[rng.randrange(len(teams))].id
            inside = p.id in o.people_in(t)
            # a "no" names the units the person is in, directly or through a sub-team
            theirs = [x for u in o.units_of(p.id) for x in (u, *o.ancestors(u))]
            yield fact("member_yesno", p.id, {"person": p.name, "unit": o.nm(t)}, yesno(inside), [t] + mine + theirs,
                       label="Team")

    def _role_matches(self, unit):
        o = self.org
        people = o.people_in(unit)
        for word, pattern in (self.vocab.get("role_filters") or {}).items():
            rx = re.compile(pattern)
            hits = [p for p in people if rx.search(o.nodes[p].props.get("title") or "")]
            if 1 <= len(hits) < len(people):
                yield word, hits, people

    def f_role_count(self):
        for u in self.units():
            for word, hits, _ in self._role_matches(u.id):
                # the people counted are what a count answer stands on, as for role_list
                yield fact("role_count", f"{u.id}|{word}", {"unit": u.name, "role": word}, number(len(hits)),
                           [u.id, *hits, *self.org.subtree(u.id)], label=u.label)

    def f_role_list(self):
        for u in self.units():
            for word, hits, _ in self._role_matches(u.id):
                if len(hits) <= 12:
                    yield fact("role_list", f"{u.id}|{word}", {"unit": u.name, "role": word},
                               listing(hits, PEOPLE), [u.id, *hits, *self.org.subtree(u.id)], label=u.label)

    def _located(self, unit):
        o = self.org
        people = o.people_in(unit)
        # "based in Remote (Europe)" is no one's phrasing: offices only.
        cities = sorted(c for c in {o.nodes[p].props.get("location") for p in people} - {None}
                        if not c.startswith("Remote"))
        for city in cities:
            hits = [p for p in people if o.nodes[p].props.get("location") == city]
            if 1 <= len(hits) < len(people):
                yield city, hits

    def f_located_members(self):
        for u in self.units():
            for city, hits in self._located(u.id):
                if len(hits) <= 12:
                    yield fact("located_members", f"{u.id}|{city}", {"unit": u.name, "city": city},
                               listing(hits, PEOPLE), [u.id, *hits, *self.org.subtree(u.id)], label=u.label)

    def f_located_count(self):
        for u in self.units():
            for city, hits in self._located(u.id):
                yield fact("located_count", f"{u.id}|{city}", {"unit": u.name, "city": city},
                           number(len(hits)), [u.id, *hits, *self.org.subtree(u.id)], label=u.label)

    def f_unit_leads(self):
        o = self.org
        for d in self.units("Department"):
            teams = [t for t in o.subtree(d.id) if o.label(t) == "Team"]
            leads = sorted({p for t in teams for p in o.leads(t)})
            if 1 <= len(leads) <= 15:
                yield fact("unit_leads", d.id, {"unit": d.name}, listing(leads, PEOPLE, o.leads(d.id)),
                           leads + teams + o.leads(d.id), label=d.label)

    # -- systems --------------------------------------------------------
    def f_owner(self):
        o = self.org
        for s in self.systems():
            owners = o.owners(s.id)
            if owners:
                # Naming the owning team's lead or department is context, not a wrong owner.
                context = [k for w in owners for k in o.leads(w) + o.ancestors(w)]
                yield fact("owner", s.id, {"system": s.name},
                           entity(owners, ("Team", "Department", "Person"), context), owners + context)

    def _sys_attr(self, kind, prop):
        vocab = {n.props.get(prop) for n in self.org.of("System") if n.props.get(prop)}
        for s in self.systems():
            if s.props.get(prop):
                yield fact(kind, s.id, {"system": s.name}, value([s.props[prop]], vocab))

    def f_lifecycle(self):
        yield from self._sys_attr("lifecycle", "lifecycle")

    def f_system_type(self):
        yield from self._sys_attr("system_type", "type")

    def _rel_list(self, kind, rel, direction, lo=1, hi=20, subjects=None, also=None):
        """`also`: a relation whose pages an answer may name besides (an API
        a component consumes is something it depends on, though not stated so)."""
        o = self.org
        for s in subjects if subjects is not None else self.systems():
            ids = o.targets(rel, s.id) if direction == "out" else o.sources(rel, s.id)
            extra = [] if also is None else (o.targets(also, s.id) if direction == "out" else o.sources(also, s.id))
            if lo <= len(ids) <= hi:
                yield fact(kind, s.id, {"system": s.name}, listing(ids, ("System",), extra), ids + extra)

    def f_deps_out(self):
        yield from self._rel_list("deps_out", "DEPENDS_ON", "out", also="CONSUMES_API")

    def f_deps_in(self):
        yield from self._rel_list("deps_in", "DEPENDS_ON", "in", also="CONSUMES_API")

    def f_provides_apis(self):
        yield from self._rel_list("provides_apis", "PROVIDES_API", "out")

    def f_consumes_apis(self):
        yield from self._rel_list("consumes_apis", "CONSUMES_API", "out")

    def f_api_providers(self):
        yield from self._rel_list("api_providers", "PROVIDES_API", "in", subjects=self.systems("API"))

    def f_api_consumers(self):
        yield from self._rel_list("api_consumers", "CONSUMES_API", "in", subjects=self.systems("API"))

    def f_subcomponents(self):
        yield from self._rel_list("subcomponents", "SUBCOMPONENT_OF", "in")

    def f_system_parts(self):
        yield from self._rel_list("system_parts", "IN_SYSTEM", "in", subjects=self.systems("System"))

    def f_domain_systems(self):
        yield from self._rel_list("domain_systems", "IN_DOMAIN", "in", subjects=self.systems("Domain"))

    def f_belongs_to(self):
        o = self.org
        rel = "IN_SYSTEM" if self.name == "backstage" else "PART_OF"
        for s in self.systems("Component", "API", "Resource"):
            ps = o.targets(rel, s.id)
            if len(ps) == 1 and self.ok(ps[0]):
                domain = o.targets("IN_DOMAIN", ps[0])   # the system's own domain: context
                yield fact("belongs_to", s.id, {"system": s.name}, entity(ps, ("System",), domain), ps + domain)

    def f_system_domain(self):
        o = self.org
        for s in self.systems("System"):
            ps = o.targets("IN_DOMAIN", s.id)
            if len(ps) == 1 and self.ok(ps[0]):
                yield fact("system_domain", s.id, {"system": s.name}, entity(ps, ("System",)), ps)

    KIND_WORDS = {"Component": "components", "API": "APIs", "Resource": "resources"}

    def f_filtered_systems(self):
        """Systems of one kind and lifecycle, owned by one owner (or anywhere in
        the catalog, for the small Backstage one)."""
        o = self.org
        systems = [s for s in self.org.of("System") if s.props.get("lifecycle")]
        owners = sorted({w for s in systems for w in o.owners(s.id)})
        scopes = [(w, [s for s in systems if w in o.owners(s.id)]) for w in owners if self.ok(w)]
        if self.name == "backstage":
            # "which APIs are deprecated?" names no owner: the whole graph it is asked of.
            scopes.append((None, [s for s in self.world.of("System") if s.props.get("lifecycle")]))
        for owner, pool in scopes:
            for kind, word in self.KIND_WORDS.items():
                for lc in sorted({s.props["lifecycle"] for s in pool}):
                    hits = [s.id for s in pool if self.kind_of(s) == kind and s.props["lifecycle"] == lc]
                    if 1 <= len(hits) <= 12 and all(self.ok(h) for h in hits):
                        slots = {"lifecycle": lc, "kind_word": word}
                        if owner:
                            slots["owner"] = o.nm(owner)
                        k = "filtered_systems" if owner else "filtered_catalog"
                        yield fact(k, f"{owner}|{kind}|{lc}", slots, listing(hits, ("System",)),
                                   hits + ([owner] if owner else []))

    def f_owned_count(self):
        o = self.org
        owners = sorted({w for s in o.of("System") for w in o.owners(s.id)})
        for w in owners:
            if self.ok(w) and o.label(w) != "Person":
                owned = [k for k in o.targets("OWNS", w) if o.label(k) == "System"]
                yield fact("owned_count", w, {"owner": o.nm(w)}, number(len(owned)), owned)

    def f_owns_yesno(self):
        o = self.org
        rng = random.Random(f"{self.name}-owns")
        teams = sorted({w for s in o.of("System") for w in o.owners(s.id) if self.ok(w)})
        for s in self.systems():
            owners = o.owners(s.id)
            if not owners or not teams:
                continue
            w = owners[0] if rng.random() < 0.5 else teams[rng.randrange(len(teams))]
            if self.ok(w):
                # a "no" names what the owner asked about does own
                yield fact("owns_yesno", s.id, {"system": s.name, "owner": o.nm(w)}, yesno(w in owners),
                           [w] + owners + o.targets("OWNS", w))

    def f_lifecycle_yesno(self):
        rng = random.Random(f"{self.name}-lc")
        cycles = sorted({s.props["lifecycle"] for s in self.org.of("System") if s.props.get("lifecycle")})
        for s in self.systems():
            if s.props.get("lifecycle") and cycles:
                lc = s.props["lifecycle"] if rng.random() < 0.5 else cycles[rng.randrange(len(cycles))]
                yield fact("lifecycle_yesno", s.id, {"system": s.name, "lifecycle": lc},
                           yesno(lc == s.props["lifecycle"]))

    # -- unanswerable ---------------------------------------------------
    def f_unknown_person_fact(self):
        for p in self.people():
            yield fact("unknown_person_fact", p.id, {"person": p.name}, idk(), [p.id])

    def f_unknown_unit_fact(self):
        for u in self.units():
            yield fact("unknown_unit_fact", u.id, {"unit": u.name}, idk(), [u.id], label=u.label)

    def f_unknown_system_fact(self):
        for s in self.systems():
            yield fact("unknown_system_fact", s.id, {"system": s.name}, idk(), [s.id])

    def _absent(self, name: str) -> bool:
        low = name.lower()
        return low not in self.names and not any(low == n for n in self.names)

    def f_made_up(self):
        for slot in ("unit", "system", "person"):
            for name in (self.vocab.get("made_up") or {}).get(slot, []):
                if self._absent(name):
                    yield fact(f"made_up_{slot}", f"made-up:{name}", {slot: name}, idk(forbid_number=True),
                               label="Team" if slot == "unit" else None)

    def f_near_miss(self):
        """A real page's name without its first or last word, naming no page
        ("Platform" when only "Data Platform" exists): answering about the
        real page is wrong, "did you mean Data Platform?" is right."""
        seen = set()
        for u in self.units() + self.systems():
            words = u.name.split()
            if len(words) < 2:
                continue
            variants = [" ".join(words[1:]), " ".join(words[:-1])]
            for near in variants:
                low = near.lower()
                ends = {low.split()[0], low.split()[-1]} if low.split() else set()
                if len(near) < 4 or low in seen or not self._absent(near) or low in GENERIC_WORDS \
                        or ends & {"and", "of", "the", "&", "for"} or len(set(low.split())) < len(low.split()):
                    continue
                seen.add(low)
                slot = "system" if u.label == "System" else "unit"
                if slot == "system" and len(near.split()) < 2:
                    continue   # "who owns Engine?" is not a question anyone asks
                # Offering the near pages ("did you mean Data Platform?") is right;
                # stating their lead, owner, members or size is answering them.
                close = sorted({i for n, ids in self.names.items() if low in n for i in ids})
                w = self.world
                answers = sorted({p for i in close
                                  for p in w.leads(i) + w.owners(i) + w.direct_members(i) + w.targets("OWNS", i)})
                yield fact(f"near_miss_{slot}", f"near:{near}", {slot: near},
                           idk(answers, forbid_number=True), close,
                           label="Department" if u.label == "Team" else "Team")


def date_renderings(iso: str) -> list[str]:
    import datetime as dt
    d = dt.date.fromisoformat(iso)
    month = d.strftime("%B")
    return [iso, f"{d.day} {month} {d.year}", f"{month} {d.day}, {d.year}", f"{month} {d.day} {d.year}"]


KINDS_BY_ORG = {
    "synthetic": ("manager skip_manager chain reports report_count manages_anyone person_team person_department "
                  "person_title person_location person_email email_lookup start_date role_holder my_manager "
                  "my_team_members my_headcount my_department_headcount my_reports headcount members lead "
                  "subteams unit_parent member_yesno role_count role_list located_members located_count "
                  "unit_leads owner lifecycle system_type deps_out deps_in provides_apis consumes_apis "
                  "api_providers belongs_to filtered_systems owned_count owns_yesno lifecycle_yesno "
                  "unknown_person_fact unknown_unit_fact unknown_system_fact made_up near_miss").split(),
    "backstage": ("headcount members subteams unit_parent person_team member_yesno owner lifecycle system_type "
                  "deps_out deps_in provides_apis consumes_apis api_providers api_consumers subcomponents "
                  "system_parts domain_systems belongs_to system_domain filtered_catalog owned_count "
                  "owns_yesno lifecycle_yesno unknown_system_fact unknown_unit_fact made_up near_miss").split(),
    "scim": ("manager skip_manager chain reports report_count manages_anyone person_team person_department "
             "person_title person_location person_email email_lookup role_holder my_manager my_team_members "
             "my_headcount my_department_headcount my_reports headcount members lead unit_parent member_yesno "
             "role_count role_list located_members located_count unit_leads unknown_person_fact "
             "unknown_unit_fact made_up near_miss").split(),
}
# facts a generator method yields under another kind name
GENERATOR = {"filtered_catalog": "filtered_systems", "made_up": "made_up", "near_miss": "near_miss"}
# questions per kind per org: (tuned, untuned) and phrasings per fact
QUOTA = {"synthetic": (8, 4, 1), "backstage": (6, 4, 2), "scim": (8, 4, 1)}


def _fill(template: str, slots: dict, label: str | None, rng: random.Random) -> str:
    def sub(m):
        name, mod = m.group(1), m.group(2)
        if name == "unit_word":
            words = DEPT_WORDS if label == "Department" else TEAM_WORDS
            unit = (slots.get("unit") or "").lower()
            free = [w for w in words if w not in unit.split()]
            return free[rng.randrange(len(free))]
        if name not in slots:
            raise KeyError(name)
        text = str(slots[name])
        return typo(text, rng) if mod == "~" else text
    return re.sub(r"\{(\w+)(~?)\}", sub, template)


def build(seed: int = 42, people: int = 500, scim_seed: int = 11, orgs=ORGS, splits=SPLITS) -> list[dict]:
    """Every question of the chosen orgs and splits, deterministic for the seeds."""
    from eval_scim_org import generate as scim_generate, to_org

    syn, bs, demo = demo_world(people, seed, BACKSTAGE_DIR)
    scim = to_org(*scim_generate(scim_seed))
    sources = {"synthetic": (syn, demo), "backstage": (bs, demo), "scim": (scim, scim)}
    items = []
    for split in splits:
        phrasings, vocab = load_phrasings(split)
        for org_name in orgs:
            org, world = sources[org_name]
            facts = Facts(org_name, org, world, vocab)
            tuned_n, untuned_n, per_fact = QUOTA[org_name]
            quota = tuned_n if split == "tuned" else untuned_n
            for kind in KINDS_BY_ORG[org_name]:
                gen = getattr(facts, "f_" + GENERATOR.get(kind, kind))
                pool = [f for f in gen() if f["kind"] == kind or kind in ("made_up", "near_miss")]
                # Made-up names and role words differ per split in the data files themselves.
                pool = [f for f in pool if f["subject"].startswith(("made-up:", "role:"))
                        or in_untuned(org_name, f["subject"]) == (split == "untuned")]
                rng = random.Random(f"{seed}|{org_name}|{split}|{kind}")
                rng.shuffle(pool)
                cap = quota * (2 if kind in ("made_up", "near_miss") else 1)
                picked = pool[:cap]
                turn = 0
                for f in picked:
                    templates = phrasings.get(f["kind"])
                    if not templates:
                        raise ValueError(f"no {split} phrasings for kind {f['kind']!r}")
                    # Styles are dealt in turn (from a shuffled order), so every style of a kind is used.
                    styles = sorted(templates)
                    order = random.Random(f"{seed}|{org_name}|{split}|{f['kind']}|styles").sample(styles, len(styles))
                    for _ in range(min(per_fact, len(styles))):
                        style = order[turn % len(order)]
                        turn += 1
                        template = templates[style][rng.randrange(len(templates[style]))]
                        q = _fill(template, f["slots"], f["label"], rng)
                        if style == "lowercase":
                            q = q.lower()
                        items.append({"org": org_name, "split": split, "kind": f["kind"], "style": style,
                                      "question": q, "asker": f["asker"], "subject": f["about"],
                                      "fact": f["subject"],
                                      "answer": f["answer"], "cite": f["cite"]})
    counters: dict = {}
    for item in items:
        k = (item["org"], item["split"])
        counters[k] = counters.get(k, 0) + 1
        item["id"] = f"{item['org'][:3]}-{item['split'][0]}{counters[k]:04d}"
    return items


def load_regressions(path: Path) -> list[dict]:
    """bench/eval/regressions.jsonl (the admin feedback loop; may be absent):
    each line becomes a question of the `regression` split."""
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            if r["org"] not in ORGS or not isinstance(r["question"], str) or not r["question"].strip():
                raise ValueError(f"org must be one of {ORGS} and question non-empty")
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path.name} line {n}: not a regression record ({e})") from e
        if r.get("unanswerable"):
            answer = idk()
        else:   # the pages a right answer names or cites, and/or the number it states
            answer = {"type": "keys", "ids": list(r.get("expected_keys") or []),
                      "number": None if r.get("expected_number") is None else int(r["expected_number"])}
        out.append({"id": f"reg-{r.get('id') or n}", "org": r["org"], "split": "regression", "kind": "regression",
                    "style": "recorded", "question": r["question"], "asker": r.get("asker"), "subject": None, "fact": None,
                    "answer": answer, "cite": sorted(set(r.get("expected_keys") or []) | (
                        {r["asker"]} if r.get("asker") else set())), "key_only": True})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--scim-seed", type=int, default=11)
    ap.add_argument("--split", choices=SPLITS, default="tuned",
                    help="engine developers: only ever 'tuned' (see bench/eval/README.md)")
    ap.add_argument("--org", choices=ORGS)
    ap.add_argument("--kind")
    args = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
    import django
    django.setup()
    for item in build(args.seed, args.people, args.scim_seed, [args.org] if args.org else ORGS, [args.split]):
        if not args.kind or item["kind"] == args.kind:
            print(json.dumps(item, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The assistant's evaluation set: questions with known answers, generated from
the synthetic organization (ingest.synthetic.generate) — never from the graph
or from Kiki — so an answer is right only if Kiki read the graph correctly.

    python bench/eval_set.py --people 500 --seed 42 > bench/eval/questions.jsonl

Each line: {"id", "kind", "question", "asker", "subject", "expected", "sources"}
where `expected` depends on the kind (see bench/eval_grade.py) and `sources`
are the keys a correct answer must cite (the subject and the pages named in
the answer). Kinds: count, manager, chain, reports, members, lead, owner,
deps_out, deps_in, steps, subteams (the teams under a unit), organization (the
whole company's headcount), compound ("who owns X and what depends on it?"),
description, who_to_ask, unanswerable. Phrasings are
varied on purpose (templates picked by a seeded random), including "my team"
questions asked as a given person.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STRUCTURED = ("count", "manager", "chain", "reports", "members", "lead", "owner", "deps_out", "deps_in", "steps",
              "subteams", "organization", "compound")
KINDS = STRUCTURED + ("description", "who_to_ask", "unanswerable")

PHRASINGS = {
    "count": ["number of people in {x}", "How many folks are on {x}?", "size of {x}?", "How many people are in {x}?", "how many employees does {x} have", "What's the headcount of {x}?",
              "How big is {x}?", "headcount for {x}?", "How many people work in {x}?"],
    "count_my": ["How many people are in my {unit}?", "how big is my {unit}?", "what's the headcount of my {unit}"],
    "manager": ["{x}'s manager?", "who manages {x}?", "Who does {x} report to?", "who is {x}'s manager?", "Who's the manager of {x}?",
                "who is {x}'s boss", "Who does {x} report to"],
    "manager_my": ["Who is my manager?", "who's my boss?", "who do I report to?"],
    "chain": ["who is above {x} in the org chart?", "show {x}'s chain of command", "What is the management chain of {x}?", "Show me the reporting line for {x}",
              "what's {x}'s management chain?", "Reporting chain of {x}?"],
    "reports": ["who are the people reporting to {x}", "Who reports directly to {x}?", "Who reports to {x}?", "Who are {x}'s direct reports?", "list the direct reports of {x}",
                "who works for {x}?"],
    "members": ["members of {x}", "who belongs to {x}?", "Who is in {x}?", "List the members of {x}", "who's on {x}?", "Who works in {x}?",
                "show me the people in {x}"],
    "lead": ["{x} team lead?", "who heads up {x}?", "Who leads {x}?", "who is the lead of {x}?", "Who runs {x}?", "who's the head of {x}",
             "Who is in charge of {x}?"],
    "owner": ["{x} owner?", "which team is responsible for {x}?", "who looks after {x}", "Who owns {x}?", "which team owns {x}?", "Who is responsible for {x}?", "who maintains {x}",
              "Who's the owner of {x}?"],
    "deps_out": ["what are the upstream dependencies of {x}", "which services does {x} call?", "What does {x} depend on?", "What are the dependencies of {x}?", "list {x}'s dependencies",
                 "what does {x} rely on?"],
    "deps_in": ["who calls {x}?", "what are the consumers of {x}", "what relies on {x}?", "What depends on {x}?", "Which systems use {x}?", "what would break if {x} went down?",
                "Which services depend on {x}?"],
    "steps": ["walk me through how to {x}", "what's the procedure to {x}?", "What are the steps to {x}?", "How do I {x}?", "what's the process for {x}?",
              "Steps for {x}?"],
    "description": ["what's {x}?", "What is {x} responsible for?", "explain {x}", "What does {x} do?", "Tell me about {x}", "what is {x}?", "Describe {x}."],
    "subteams": ["Which teams are in {x}?", "what teams does {x} have?", "list the teams in {x}", "{x}'s teams",
                 "which sub-teams are under {x}?", "show me the teams under {x}"],
    "organization": ["How many people work at the company?", "how many employees do we have?",
                     "what's the total headcount?", "How many people are in the organization?",
                     "How big is the company?", "what is the headcount of the whole company?",
                     "how many staff do we have in total?", "How many people work here?"],
    "compound": ["Who owns {x} and what depends on it?", "who maintains {x}, and what relies on it?",
                 "Which team owns {x} and which systems use it?", "who is responsible for {x} and what calls it?"],
    "who_to_ask": ["who is the contact for {x}?", "who's the expert on {x}?", "Who should I ask about {x}?", "who can help me with {x}?", "Who do I talk to about {x}?",
                   "who knows about {x}?"],
}

# Facts no source gives Kiki: the right answer is "I don't know" and who would.
UNKNOWN_PERSON_FACTS = ["What is {x}'s salary?", "What's {x}'s home address?", "When is {x}'s birthday?",
                        "What is {x}'s phone number?", "How many vacation days does {x} have left?",
                        "What was {x}'s last performance rating?"]
UNKNOWN_UNIT_FACTS = ["What is the budget of {x}?", "What is {x}'s hiring plan for next year?",
                      "How much does {x} spend on cloud?"]
UNKNOWN_SYSTEM_FACTS = ["What is the uptime SLA of {x}?", "How much does {x} cost to run per month?",
                        "What is the on-call phone number for {x}?"]
MADE_UP = ["Zephyr Gateway", "Quantum Billing Hub", "Nimbus Archive Service", "Orchid Data Lake",
           "Pelican Routing Engine", "Tundra Auth Proxy", "Marigold Metrics Store", "Kestrel Batch Runner"]
MADE_UP_QUESTIONS = ["Who owns the {x}?", "What does the {x} depend on?", "Who leads the {x} team?",
                     "How many people are in the {x} team?"]


class Org:
    """The generated organization, indexed for computing expected answers."""

    def __init__(self, batch):
        self.by_key = {(e.label, e.key): e for e in batch.entities}
        self.out = defaultdict(list)   # (type, src_key) -> [dst_key]
        self.inn = defaultdict(list)   # (type, dst_key) -> [src_key]
        self.edges = batch.edges
        for e in batch.edges:
            self.out[(e.type, e.src_key)].append((e.dst_label, e.dst_key, e.props))
            self.inn[(e.type, e.dst_key)].append((e.src_label, e.src_key, e.props))
        self.labels = defaultdict(list)
        for e in batch.entities:
            self.labels[e.label].append(e)
        self.name = {e.key: e.name for e in batch.entities}
        names = defaultdict(int)
        for e in batch.entities:
            names[(e.label, e.name.lower())] += 1
        # Asking about "Anastasia Hansen" when two people bear that name has no
        # single right answer: questions name pages whose name is unique.
        self.unique = {e.key for e in batch.entities if names[(e.label, e.name.lower())] == 1}

    def of(self, label):
        return sorted((e for e in self.labels[label] if e.key in self.unique), key=lambda e: e.key)

    def child_teams(self, key):
        return sorted(k for lab, k, _ in self.inn[("PART_OF", key)] if lab == "Team")

    def children(self, key):
        return [k for lab, k, _ in self.inn[("PART_OF", key)] if lab in ("Team", "Department")]

    def subtree(self, key):
        seen, todo = [], [key]
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.append(k)
            todo.extend(self.children(k))
        return seen

    def headcount(self, key) -> int:
        people = set()
        for unit in self.subtree(key):
            people.update(k for lab, k, _ in self.inn[("MEMBER_OF", unit)] if lab == "Person")
        return len(people)

    def direct_members(self, key):
        return sorted(k for lab, k, _ in self.inn[("MEMBER_OF", key)] if lab == "Person")

    def manager(self, key):
        out = self.out[("REPORTS_TO", key)]
        return out[0][1] if out else None

    def chain(self, key):
        chain, cur = [], self.manager(key)
        while cur and cur not in chain:
            chain.append(cur)
            cur = self.manager(cur)
        return chain

    def reports(self, key):
        return sorted(k for _, k, _ in self.inn[("REPORTS_TO", key)])

    def leads(self, key):
        return sorted(k for lab, k, _ in self.inn[("LEADS", key)] if lab == "Person")

    def owners(self, key):
        return sorted(k for _, k, _ in self.inn[("OWNS", key)])

    # Consuming another system's API is depending on it.
    def deps_out(self, key):
        return sorted({k for t in ("DEPENDS_ON", "CONSUMES_API") for _, k, _ in self.out[(t, key)]})

    def deps_in(self, key):
        return sorted({k for t in ("DEPENDS_ON", "CONSUMES_API") for _, k, _ in self.inn[(t, key)]})

    def steps(self, key):
        steps = sorted(self.out[("HAS_STEP", key)], key=lambda s: s[2].get("order", 0))
        return [k for _, k, _ in steps]

    def team_of(self, person):
        out = self.out[("MEMBER_OF", person)]
        return out[0][1] if out else None

    def department_of(self, unit):
        for k in self.subtree_up(unit):
            if ("Department", k) in self.by_key:
                return k
        return None

    def subtree_up(self, key):
        chain, cur = [key], key
        while True:
            parents = [k for lab, k, _ in self.out[("PART_OF", cur)] if lab in ("Team", "Department")]
            if not parents or parents[0] in chain:
                return chain
            cur = parents[0]
            chain.append(cur)


def _item(kind, question, subject, expected, sources, asker=None, context=()):
    """`sources`: pages a correct answer must cite; `context`: further pages it
    may cite because it uses them (a manager's own chain, the teams responsible
    for a process's steps) — for citation precision."""
    return {"kind": kind, "question": question, "asker": asker, "subject": subject,
            "expected": expected, "sources": sorted(set(sources)), "context": sorted(set(context) - set(sources))}


def build(people: int = 500, seed: int = 42, per_kind: int = 24) -> list[dict]:
    from ingest.synthetic import generate

    org = Org(generate(people, seed))
    rnd = random.Random(seed * 7919 + people)
    items: list[dict] = []

    def phr(kind, **kw):
        return rnd.choice(PHRASINGS[kind]).format(**kw)

    def sample(seq, n):
        seq = list(seq)
        return rnd.sample(seq, min(n, len(seq)))

    persons = org.of("Person")
    teams = org.of("Team")
    depts = org.of("Department")
    systems = org.of("System")
    processes = org.of("Process")
    topics = org.of("Topic")

    # counts: teams (including sub-teams) and departments; some asked as "my team/department".
    for u in sample(teams, per_kind // 2) + sample(depts, per_kind // 4):
        items.append(_item("count", phr("count", x=u.name), u.key, org.headcount(u.key), [u.key]))
    for p in sample(persons, per_kind // 4):
        unit = rnd.choice(["team", "department"])
        key = org.team_of(p.key) if unit == "team" else org.department_of(org.team_of(p.key))
        if key:
            items.append(_item("count", phr("count_my", unit=unit), key, org.headcount(key), [key], asker=p.key))

    with_manager = [p for p in persons if org.manager(p.key)]
    for p in sample(with_manager, per_kind - 4):
        m = org.manager(p.key)
        items.append(_item("manager", phr("manager", x=p.name), p.key, m, [p.key, m], context=org.chain(p.key)))
    for p in sample(with_manager, 4):
        m = org.manager(p.key)
        items.append(_item("manager", phr("manager_my"), p.key, m, [p.key, m], asker=p.key,
                           context=org.chain(p.key)))

    deep = [p for p in with_manager if len(org.chain(p.key)) >= 2]
    for p in sample(deep, per_kind // 2):
        chain = org.chain(p.key)
        items.append(_item("chain", phr("chain", x=p.name), p.key, chain, [p.key, *chain]))

    managers = [p for p in persons if 1 <= len(org.reports(p.key)) <= 25]
    for p in sample(managers, per_kind // 2):
        r = org.reports(p.key)
        items.append(_item("reports", phr("reports", x=p.name), p.key, r, [p.key, *r]))

    # members of leaf teams (no sub-teams), so the list is the team's direct members.
    leaves = [t for t in teams if not org.children(t.key) and 1 <= len(org.direct_members(t.key)) <= 25]
    for t in sample(leaves, per_kind // 2):
        m = org.direct_members(t.key)
        items.append(_item("members", phr("members", x=t.name), t.key, m, [t.key, *m]))

    led = [u for u in teams + depts if org.leads(u.key)]
    for u in sample(led, per_kind // 2):
        lead = org.leads(u.key)
        items.append(_item("lead", phr("lead", x=u.name), u.key, lead, [u.key, *lead]))

    owned = [s for s in systems + processes + topics if org.owners(s.key)]
    for s in sample([s for s in owned if s.label == "System"], per_kind - 4) + \
            sample([s for s in owned if s.label != "System"], 4):
        o = org.owners(s.key)
        items.append(_item("owner", phr("owner", x=s.name), s.key, o, [s.key, *o]))

    for s in sample([s for s in systems if 1 <= len(org.deps_out(s.key)) <= 20], per_kind // 2):
        d = org.deps_out(s.key)
        items.append(_item("deps_out", phr("deps_out", x=s.name), s.key, d, [s.key, *d]))
    for s in sample([s for s in systems if 1 <= len(org.deps_in(s.key)) <= 20], per_kind // 2):
        d = org.deps_in(s.key)
        items.append(_item("deps_in", phr("deps_in", x=s.name), s.key, d, [s.key, *d]))

    for p in processes:
        steps = org.steps(p.key)
        if steps:
            x = p.name[0].lower() + p.name[1:]
            responsible = [k for st in steps for _, k, _ in org.inn[("RESPONSIBLE_FOR", st)]]
            owners = org.owners(p.key)
            leads = [lead for unit in responsible + owners for lead in org.leads(unit)]
            items.append(_item("steps", phr("steps", x=x), p.key, [org.name[s] for s in steps], [p.key],
                               context=responsible + owners + leads))

    for e in sample(teams, per_kind // 3) + sample(systems, per_kind // 3) + sample(processes + topics, 4):
        items.append(_item("description", phr("description", x=e.name), e.key, e.summary, [e.key]))

    for t in sample([t for t in topics + processes + systems if org.owners(t.key)], per_kind // 2):
        owners = org.owners(t.key)
        leads = [k for o in owners for k in org.leads(o)]
        x = t.name[0].lower() + t.name[1:] if t.label != "System" else t.name
        items.append(_item("who_to_ask", phr("who_to_ask", x=x), t.key, {"any_of": owners + leads},
                           [t.key, *owners]))

    # Unanswerable: facts the graph does not hold about real pages (who would know:
    # a person's manager, a team's lead, a system's owning team) and pages that do not exist.
    for p in sample(with_manager, per_kind // 3):
        q = rnd.choice(UNKNOWN_PERSON_FACTS).format(x=p.name)
        m = org.manager(p.key)
        items.append(_item("unanswerable", q, p.key, {"idk": True, "who": [m]}, [p.key, m]))
    for u in sample(led, per_kind // 6):
        q = rnd.choice(UNKNOWN_UNIT_FACTS).format(x=u.name)
        items.append(_item("unanswerable", q, u.key, {"idk": True, "who": org.leads(u.key)},
                           [u.key, *org.leads(u.key)]))
    for s in sample([s for s in systems if org.owners(s.key)], per_kind // 6):
        q = rnd.choice(UNKNOWN_SYSTEM_FACTS).format(x=s.name)
        items.append(_item("unanswerable", q, s.key, {"idk": True, "who": org.owners(s.key)},
                           [s.key, *org.owners(s.key)]))
    for name in MADE_UP:
        q = rnd.choice(MADE_UP_QUESTIONS).format(x=name)
        items.append(_item("unanswerable", q, None, {"idk": True, "who": []}, []))

    # Kinds added later come last, so the questions above keep their ids and draws.
    for u in sample([u for u in teams + depts if org.child_teams(u.key)], per_kind // 2):
        children = org.child_teams(u.key)
        items.append(_item("subteams", phr("subteams", x=u.name), u.key, children, [u.key, *children]))
    members = len({k for lab, k, _ in (x for (t, _), xs in org.inn.items() if t == "MEMBER_OF" for x in xs)
                   if lab == "Person"})
    for q in PHRASINGS["organization"]:
        items.append(_item("organization", q, None, members, [d.key for d in org.labels["Department"]]))
    for s in sample([s for s in systems if org.owners(s.key) and 1 <= len(org.deps_in(s.key)) <= 20],
                    per_kind // 2):
        o, d = org.owners(s.key), org.deps_in(s.key)
        items.append(_item("compound", phr("compound", x=s.name), s.key, {"owners": o, "deps_in": d},
                           [s.key, *o, *d]))

    for n, item in enumerate(items, 1):
        item["id"] = f"q{n:03d}"
    return items


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-kind", type=int, default=24, help="questions per kind (about)")
    args = ap.parse_args(argv)
    import os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
    import django
    django.setup()
    for item in build(args.people, args.seed, args.per_kind):
        print(json.dumps({"id": item.pop("id"), **item}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

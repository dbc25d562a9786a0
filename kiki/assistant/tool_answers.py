"""Answers from the assistant's named tool queries (kiki/assistant/tools.py):
the readings whose path is exactly one tool's shape (a unit's headcount,
members, lead and sub-units, a person's manager, chain and reports, an
owner, dependencies, process steps, who to ask, a description, changes, the
whole organization, one property). Each is one round trip and answers with
"who would know" when the graph has no fact. Every page written goes
through the Composer, so the sources are exactly the pages linked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import fallback, linking, tools
from .fallback import search_pages
from .answer import Composer, join_names, md_escape
from .tools import Page, ToolResult, page


@dataclass
class When:
    """The dates a tool answer is about."""
    as_of: str | None = None
    since: str | None = None


def _p(item: dict | None, label: str) -> Page | None:
    return page(label, item.get("key"), item.get("name")) if item else None


def _lead_text(c: Composer, leads: list[dict]) -> str:
    # A lead Kiki inferred (graph/org_units.py) says so, with the reason.
    return join_names([c.link(_p(l, "Person")) + (f" (inferred: {md_escape(l.get('reason') or 'not stated by a source')})"
                                                  if l.get("inferred") else "") for l in leads])


def _contact_text(c: Composer, o: dict) -> str:
    """'[Team](..) (led by [Lead](..), Slack #chan)'."""
    extras = []
    if o.get("leads"):
        extras.append(f"led by {_lead_text(c, o['leads'])}")
    if o.get("slack_channel"):
        extras.append(f"Slack {md_escape(o['slack_channel'])}")
    text = c.link(_p(o, o.get("label") or "Team"))
    return f"{text} ({', '.join(extras)})" if extras else text


class Missing(Exception):
    """A tool found no page for a subject that linking had resolved (e.g. a
    conversation's last entity that has since been deleted)."""


class ToolAnswers:
    """Writes one tool-backed answer into `self.c`; `viewer` filters every read."""

    def __init__(self, asker: str | None, when: When, viewer=None):
        self.asker = asker
        self.viewer = viewer
        self.plan = when
        self.c = Composer()
        self.results: list[ToolResult] = []
        self.entity: linking.Linked | None = None
        self.answered: linking.Linked | None = None
    def named(self, label: str, items: list[dict]):
        """Remember the page the answer named, when it named exactly one."""
        if len(items) == 1:
            self.answered = linking.Linked(label, items[0]["key"], items[0]["name"], via="answer")

    def run(self, name: str, fn, *args, **kwargs) -> ToolResult:
        result = fn(*args, asker=self.asker, viewer=self.viewer, **kwargs)
        self.results.append(result)
        if result.data is None:
            raise Missing(name)
        return result

    @property
    def when(self) -> str:
        return f" on {self.plan.as_of}" if self.plan.as_of else ""

    # each handler writes into self.c ------------------------------------------
    def headcount(self, s: linking.Linked):
        if s.type == "Person":
            # "how many people does Ana manage": her direct reports, counted and listed.
            return self.reports(s)
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "a headcount")
        r = self.run("headcount", tools.headcount, s.key, as_of=self.plan.as_of, type=s.type)
        d = r.data
        n = d["headcount"]
        people = "person" if n == 1 else "people"
        sub = f", including its {d['subteams']} sub-team{'s' if d['subteams'] != 1 else ''}" if d["subteams"] else ""
        self.c.add(f"{self.c.link(_p(d, d['label']))} has **{n}** {people}{sub}{self.when}.")

    def subteams(self, s: linking.Linked):
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "teams")
        d = self.run("subunits", tools.subunits, s.key, as_of=self.plan.as_of, type=s.type).data
        head = self.c.link(_p(d, d["label"]))
        teams = d["teams"]
        if not teams:
            self.c.add(f"The graph records no teams under {head}{self.when}.")
            return
        n = len(teams)
        deeper = f" ({d['total']} counting their sub-teams)" if d["total"] > n else ""
        # an organization or division holds departments, a department teams
        kinds = {t["label"] for t in teams}
        word = "team" if kinds == {"Team"} else "department" if kinds == {"Department"} else "unit"
        self.c.add(f"{head} has {n} {word}{'s' if n != 1 else ''} directly under it{deeper}{self.when}:")
        items = []
        for t in teams:
            bits = [f"{t['headcount']} {'person' if t['headcount'] == 1 else 'people'}"]
            if t["leads"]:
                bits.append(f"led by {_lead_text(self.c, t['leads'])}")
            if t["subteams"]:
                bits.append(f"{t['subteams']} sub-team{'s' if t['subteams'] != 1 else ''}")
            items.append(f"{self.c.link(page(t['label'], t['key'], t['name']))} ({', '.join(bits)})")
        self.c.bullets(items, limit=30)

    def org(self):
        d = self.run("organization", tools.organization).data
        depts = d["departments"]
        if self.plan.as_of:
            self.c.add(f"I can only describe the whole organization as it is today, not on {self.plan.as_of}.")
        n = d["headcount"]
        self.c.add(f"The organization has **{n}** {'person' if n == 1 else 'people'} in a team or department, "
                   f"across {len(depts)} department{'s' if len(depts) != 1 else ''} and {d['teams']} "
                   f"team{'s' if d['teams'] != 1 else ''}:")
        items = []
        for dep in depts:
            lead = f", led by {_lead_text(self.c, dep['leads'])}" if dep["leads"] else ""
            items.append(f"{self.c.link(page('Department', dep['key'], dep['name']))}: {dep['headcount']} "
                         f"{'person' if dep['headcount'] == 1 else 'people'}{lead}")
        self.c.bullets(items, limit=40)

    def members(self, s: linking.Linked):
        if s.type == "Person":
            return self.reports(s)
        if s.type not in ("Team", "Department"):
            return self.not_applicable(s, "members")
        r = self.run("members", tools.members, s.key, True, as_of=self.plan.as_of, type=s.type)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if not d["members"]:
            self.c.add(f"I don't know of any members of {head}{self.when}: the graph lists nobody in it.")
            return
        self.c.add(f"{head} has {d['count']} member{'s' if d['count'] != 1 else ''}{self.when}:")
        items = []
        for m in d["members"]:
            extra = f", {md_escape(m['title'])}" if m.get("title") else ""
            via = f" ({self.c.link(page('Team', m['team_key'], m['team_name']))})" \
                if m.get("team_key") and m["team_key"] != d["key"] else ""
            items.append(f"{self.c.link(_p(m, 'Person'))}{extra}{via}")
        self.c.bullets(items, limit=30)

    def leader(self, s: linking.Linked):
        if s.type in ("System", "Process", "Topic"):
            return self.owner(s)
        if s.type == "Person":
            return self.manager(s)
        r = self.run("leader", tools.leader, s.key, as_of=self.plan.as_of, type=s.type)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if d["leads"]:
            self.named("Person", d["leads"])
            verb = "is led by" if len(d["leads"]) == 1 else "is co-led by"
            self.c.add(f"{head} {verb} {_lead_text(self.c, d['leads'])}{self.when}.")
            return
        self.c.add(f"I don't know who leads {head}{self.when}: the graph records no lead for it.")
        parent = d["parents"][0] if d["parents"] else None
        if parent:
            ptext = self.c.link(_p(parent, parent["label"]))
            if parent.get("lead"):
                self.c.add(f"It is part of {ptext}, led by {self.c.link(_p(parent['lead'], 'Person'))}, "
                           "who would know.")
            else:
                self.c.add(f"It is part of {ptext}.")

    def owner(self, s: linking.Linked):
        if s.type in ("Team", "Department"):
            return self.leader(s)
        if s.type == "Person":
            return self.what_is(s)
        r = self.run("owner", tools.owner, s.key, s.type, as_of=self.plan.as_of)
        d = r.data
        head = self.c.link(_p(d, d["label"]))
        if d["owners"]:
            self.named(d["owners"][0].get("label") or "Team", d["owners"])
            owners = join_names([_contact_text(self.c, o) for o in d["owners"]])
            self.c.add(f"{head} is owned by {owners}{self.when}.")
            return
        self.c.add(f"I don't know who owns {head}{self.when}: the graph records no owner for it.")
        inh = d.get("inherited")
        if inh:
            self.c.add(f"It is part of {self.c.link(_p(inh['system'], 'System'))}, which is owned by "
                       f"{_contact_text(self.c, inh['owner'])}; they would know.")

    def manager(self, s: linking.Linked, full: bool = False):
        if s.type != "Person":
            return self.leader(s) if s.type in ("Team", "Department") else self.not_applicable(s, "a manager")
        r = self.run("manager_chain", tools.manager_chain, s.key, as_of=self.plan.as_of)
        d = r.data
        who = self.c.link(_p(d["person"], "Person"))
        chain = d["chain"]
        if not chain:
            self.c.add(f"I don't know who {who} reports to{self.when}: the graph records no manager.")
            teams = sorted(d["teams"], key=lambda t: (t.get("lead") is None, t["name"]))
            if teams:
                team = teams[0]
                where = self.c.link(_p(team, team.get("label") or "Team"))
                if team.get("lead"):
                    self.c.add(f"{who} is in {where}, led by {self.c.link(_p(team['lead'], 'Person'))}, "
                               "who would know.")
                else:
                    self.c.add(f"{who} is in {where}.")
            return
        mgr = chain[0]
        self.named("Person", [mgr])
        title = f" ({md_escape(mgr['title'])})" if mgr.get("title") else ""
        self.c.add(f"{who} reports to {self.c.link(_p(mgr, 'Person'))}{title}{self.when}.")
        if full or len(chain) > 1:
            path = " → ".join([who] + [self.c.link(_p(m, "Person")) for m in chain])
            self.c.add("")
            self.c.add(f"Management chain: {path}")

    def chain(self, s: linking.Linked):
        return self.manager(s, full=True)

    def reports(self, s: linking.Linked):
        if s.type in ("Team", "Department"):
            return self.members(s)
        if s.type != "Person":
            return self.not_applicable(s, "direct reports")
        r = self.run("direct_reports", tools.direct_reports, s.key, as_of=self.plan.as_of)
        d = r.data
        who = self.c.link(_p(d["person"], "Person"))
        if not d["reports"]:
            self.c.add(f"Nobody reports directly to {who}{self.when}, as far as the graph knows.")
            return
        n = len(d["reports"])
        self.c.add(f"{n} {'person reports' if n == 1 else 'people report'} directly to {who}{self.when}:")
        self.c.bullets([self.c.link(_p(m, "Person")) + (f", {md_escape(m['title'])}" if m.get("title") else "")
                        for m in d["reports"]], limit=30)

    def _deps(self, s: linking.Linked, direction: str):
        if s.type != "System":
            return self.not_applicable(s, "dependencies")
        r = self.run("dependencies", tools.dependencies, s.key, direction)
        d = r.data
        head = self.c.link(_p(d["system"], "System"))
        items = d["uses"] if direction == "out" else d["used_by"]

        def fmt(x):
            via = " (consumes its API)" if x["via"] == ["CONSUMES_API"] else ""
            return self.c.link(_p(x, "System")) + via
        if direction == "out":
            if not items:
                self.c.add(f"The graph records no dependencies of {head}.")
            else:
                self.c.add(f"{head} depends on:")
                self.c.bullets([fmt(x) for x in items])
        else:
            if not items:
                self.c.add(f"The graph records nothing that depends on {head}.")
            else:
                self.c.add(f"These depend on {head}:")
                self.c.bullets([fmt(x) for x in items])

    def deps_out(self, s):
        return self._deps(s, "out")

    def deps_in(self, s):
        return self._deps(s, "in")

    def steps(self, s: linking.Linked):
        if s.type != "Process":
            return self.what_is(s)
        r = self.run("process_steps", tools.process_steps, s.key)
        d = r.data
        head = self.c.link(_p(d["process"], "Process"))
        if not d["steps"]:
            self.c.add(f"I don't know the steps of {head}: the graph records none.")
            if d["owners"]:
                self.c.add(f"Ask its owner, {join_names([_contact_text(self.c, o) for o in d['owners']])}.")
            return
        self.c.add(f"Steps of {head}:")
        for i, st in enumerate(d["steps"], 1):
            resp = join_names([self.c.link(page(x["label"], x["key"], x["name"])) for x in st["responsible"]])
            line = f"{st.get('order') or i}. **{md_escape(st['name'])}**"
            if st.get("summary"):
                line += f": {md_escape(st['summary'])}"
            if resp:
                line += f" (responsible: {resp})"
            self.c.add(line)
        if d["owners"]:
            self.c.add("")
            self.c.add(f"Process owner: {join_names([_contact_text(self.c, o) for o in d['owners']])}.")

    def who_to_ask(self, s: linking.Linked):
        r = self.run("who_to_ask", tools.who_to_ask, s.name, key=s.key, type=s.type)
        self._render_contacts(r.data)

    def _render_contacts(self, d: dict):
        head = self.c.link(_p(d, d["label"]))
        contacts = d["contacts"]
        if d["label"] == "Person" and d["relation"] in (None, "team"):
            self.c.add(f"Ask {head} directly.")
            if contacts:
                self.c.add(f"They are in {join_names([_contact_text(self.c, t) for t in contacts])}.")
            return
        if not contacts:
            self.c.add(f"I don't know who to ask about {head}: the graph records no owning team for it.")
            return
        text = join_names([_contact_text(self.c, t) for t in contacts])
        if d["relation"] == "self":
            self.c.add(f"Ask {text}.")
        elif d["relation"] == "parent_owner":
            self.c.add(f"{head} has no owner of its own; its parent system is owned by {text}. Ask them.")
        else:
            self.c.add(f"For {head}, ask {text}, who own{'s' if len(contacts) == 1 else ''} it.")

    def what_is(self, s: linking.Linked):
        r = self.run("entity", tools.entity, s.key, s.type)
        d = r.data
        props = d["props"]
        head = self.c.link(page(d["type"], d["key"], d["name"]))
        kind = {"Person": "a person", "Team": "a team", "Department": "a department", "System": "a system",
                "Process": "a process", "Topic": "a topic"}[d["type"]]
        if d["type"] == "System" and props.get("kind"):
            kind = f"a {md_escape(str(props['kind']).lower())}"
        first = f"{head} is {kind}"
        if d["type"] == "Person" and props.get("title"):
            first = f"{head} ({md_escape(props['title'])}) is a person"
        if s.via == "email":
            # "who is ana@acme.com": whose address it is, and no one else
            title = f" ({md_escape(props['title'])})" if props.get("title") else ""
            self.c.add(f"{md_escape(props.get('email') or 'That address')} is the work email of {head}{title}.")
            return
        summary = (props.get("summary") or "").strip()
        self.c.add(f"{first}: {md_escape(summary)}" if summary else f"{first}.")
        # A few relationship facts, each linked (and so cited).
        groups: dict[str, list[str]] = {}
        for rel in d["related"]:
            p = page(rel["label"], rel["key"], rel["name"])
            if p is None:
                continue
            phrase = _RELATED.get((rel["type"], rel["outgoing"]))
            if phrase:
                groups.setdefault(phrase, []).append(rel_link(self.c, p))
        facts = [f"{phrase} {join_names(items[:8])}" + (f" and {len(items) - 8} more" if len(items) > 8 else "")
                 for phrase, items in groups.items()]
        if facts:
            self.c.add("")
            self.c.bullets([f[0].upper() + f[1:] for f in facts], limit=8)

    def changes(self, s: linking.Linked):
        d = self.run("changes", tools.changes, s.key, self.plan.since, self.plan.as_of, s.type).data
        head = self.c.link(_p(d["scope"], d["scope"]["label"]))
        window = f"between {d['since']} and {d['until']}"
        if not d["events"]:
            self.c.add(f"No changes are recorded for {head} {window}.")
            return
        n = len(d["events"])
        self.c.add(f"{n} change{'s' if n != 1 else ''} recorded for {head} {window}, newest first:")
        self.c.bullets([f"{e['date']}: {self._event(e)}" for e in d["events"]], limit=40)

    def _event(self, e: dict) -> str:
        me = self.c.link(_p(e["page"], e["page"]["label"]))
        if e["kind"] == "changed":
            field = e["field"].replace("_", " ")
            return f"{me}'s {md_escape(field)} changed from “{md_escape(e['old'])}” to “{md_escape(e['new'])}”"
        other = self.c.link(_p(e["other"], e["other"]["label"]))
        started = e["kind"] == "started"
        phrases = _EVENT_PHRASES[(e["rel"], e["outgoing"])]
        subject, verb, obj = (me, phrases[0 if started else 1], other) if e["outgoing"] else \
            (other, phrases[0 if started else 1], me)
        return f"{subject} {verb} {obj}"

    def property(self, s: linking.Linked, prop: str):
        return self._property(s, prop, _PROP_NAMES.get(prop, prop))

    def _property(self, s: linking.Linked, prop: str, attr: str):
        head = self.c.link(page(s.type, s.key, s.name))
        if self.plan.as_of:
            value = self.run("property_as_of", tools.property_as_of, s.key, prop, self.plan.as_of, s.type).data["value"]
        else:
            value = self.run("entity", tools.entity, s.key, s.type).data["props"].get(prop)
        if prop == "status" and s.type == "Person" and not self.plan.as_of:
            # A person's record is current unless a source says they left (the
            # graph's rule: no status is active), so "is Gina still here" has an answer.
            if str(value or "active").lower() == "former":
                self.c.add(f"No: {head} has left; the graph records them as a former employee.")
            else:
                self.c.add(f"Yes: {head} is a current employee, as far as the graph knows.")
            return
        if value in (None, "", []):
            return self._unknown(s, attr, head)
        verb = "was" if self.plan.as_of else "is"
        self.c.add(f"{head}'s {_PROP_NAMES.get(prop, prop.replace('_', ' '))} {verb} **{md_escape(str(value))}**"
                   f"{self.when}.")

    def _unknown(self, s: linking.Linked, attr: str, head: str | None = None):
        """The graph has no such fact: say so, and name who would know."""
        head = head or self.c.link(page(s.type, s.key, s.name))
        if re.match(r"(?:have|has|spend|cost|earn|make|pay|get|charge|need|take|owe|weigh)", attr):
            self.c.add(f"I don't know that: Kiki's graph does not record it for {head}.")
        else:
            self.c.add(f"I don't know {head}'s {md_escape(attr)}: Kiki's graph does not record it.")
        if s.type == "Person":
            chain = self.run("manager_chain", tools.manager_chain, s.key).data["chain"]
            if chain:
                self.c.add(f"Their manager, {self.c.link(_p(chain[0], 'Person'))}, would know; or ask "
                           f"{self.c.link(page(s.type, s.key, s.name))} directly.")
            else:
                self.c.add(f"Ask {self.c.link(page(s.type, s.key, s.name))} directly.")
        elif s.type in ("Team", "Department"):
            leads = self.run("leader", tools.leader, s.key, type=s.type).data["leads"]
            if leads:
                self.c.add(f"{_lead_text(self.c, leads)}, who lead{'s' if len(leads) == 1 else ''} it, would know.")
        else:
            owners = self.run("owner", tools.owner, s.key, s.type).data["owners"]
            if owners:
                text = join_names([_contact_text(self.c, o) for o in owners])
                self.c.add(f"Its owner{'s' if len(owners) > 1 else ''}, {text}, would know.")

    def not_applicable(self, s: linking.Linked, what: str):
        p = page(s.type, s.key, s.name)
        self.c.add(f"I don't know {what} for {self.c.link(p)}: it is a {s.type.lower()} page, "
                   f"and the graph records {what} only for other kinds of pages.")


# (relationship, seen from its start node?) -> (verb when it started, when it ended);
# the sentence always reads start node -> verb -> end node.
_EVENT_PHRASES = {
    ("MEMBER_OF", True): ("joined", "left"), ("MEMBER_OF", False): ("joined", "left"),
    ("LEADS", True): ("became a lead of", "stopped leading"), ("LEADS", False): ("became a lead of", "stopped leading"),
    ("REPORTS_TO", True): ("started reporting to", "stopped reporting to"),
    ("REPORTS_TO", False): ("started reporting to", "stopped reporting to"),
    ("PART_OF", True): ("became part of", "stopped being part of"),
    ("PART_OF", False): ("became part of", "stopped being part of"),
    ("OWNS", True): ("took ownership of", "handed over"), ("OWNS", False): ("took ownership of", "handed over"),
}

_PROP_NAMES = {"title": "title", "email": "work email", "location": "location", "start_date": "start date",
               "slack_id": "Slack id", "employee_id": "employee id", "slack_channel": "Slack channel",
               "lifecycle": "lifecycle", "kind": "kind"}


def rel_link(c: Composer, p: Page) -> str:
    return c.link(p)


# (relationship type, outgoing from the subject?) -> phrase
_RELATED = {
    ("MEMBER_OF", True): "member of", ("MEMBER_OF", False): "members:",
    ("LEADS", True): "leads", ("LEADS", False): "led by",
    ("REPORTS_TO", True): "reports to", ("REPORTS_TO", False): "direct reports:",
    ("PART_OF", True): "part of", ("PART_OF", False): "includes",
    ("OWNS", True): "owns", ("OWNS", False): "owned by",
    ("DEPENDS_ON", True): "depends on", ("DEPENDS_ON", False): "used by",
    ("PROVIDES_API", True): "provides", ("CONSUMES_API", True): "consumes",
}


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def search_answer(off: ToolAnswers, text: str):
    hits = search_pages(search_words(text), lambda q, n: off.run("search", tools.search, q, limit=n).data)
    if not hits:
        off.c.add("I don't know. Nothing in Kiki matches that question; try naming a person, team, "
                  "system, process or topic.")
        return
    off.c.add("I don't know a direct answer to that, but these pages look relevant:")
    items = []
    for h in hits:
        p = page(h["type"], h["key"], h["name"])
        # Page text is quoted as such, never presented as Kiki's own words.
        snippet = " ".join((h.get("passage") or h.get("summary") or "").split())
        if len(snippet) > 200:
            snippet = snippet[:200].rsplit(" ", 1)[0] + " …"
        items.append(off.c.link(p) + (f": “{md_escape(snippet)}”" if snippet else ""))
    off.c.bullets(items)


def search_words(text: str) -> str:
    """The question's content words; a word longer than any real word is noise
    (and too large for Lucene's fuzzy terms)."""
    return fallback.search_words(" ".join(w for w in (text or "").split() if len(w) <= 40))

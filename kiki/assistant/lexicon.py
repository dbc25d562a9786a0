"""The words of questions, mapped onto the graph's schema: each relation
sense is one relationship type of `graph.model.RELATIONSHIPS` walked in one
direction (or a short chain of them), with the words people use for it as a
noun ("Ana's manager"), as a verb with the known page as subject ("Ana reports
to …") or as object ("who manages Ana"), and as a preposition ("people in X").

The senses are checked against the model at import, so a sense can never name
a relationship or label the graph does not have. A word nobody wrote down is
mapped by embedding similarity to the senses' descriptions (`nearest`).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from graph.model import PAGE_LABELS, PAGE_PROPERTIES, RELATIONSHIPS

UNITS = ("Team", "Department")
THINGS = ("System", "Process", "Topic")


@dataclass(frozen=True)
class Segment:
    """One stretch of a path: `rel` walked `direction` ("out" = along the
    arrow), min..max times."""
    rel: str
    direction: str
    min: int = 1
    max: int = 1
    end: str = ""      # the label the stretch must end on, when another follows ("teams" in "team leads")


@dataclass(frozen=True)
class Sense:
    name: str
    segments: tuple[Segment, ...]
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    phrase: str                    # "the manager of {x}"
    nouns: tuple[str, ...] = ()    # "X's manager", "the manager of X"
    subj_verbs: tuple[str, ...] = ()  # X is the subject: "X reports to", "X manages"
    obj_verbs: tuple[str, ...] = ()   # X is the object: "who manages X"
    preps: tuple[str, ...] = ()    # "<label word> in X"
    plural: bool = True            # may have several results
    repeatable: bool = False       # "second-level manager" repeats the one step
    description: str = ""          # for embedding similarity

    def __post_init__(self):
        for s in self.segments:
            if any(r not in RELATIONSHIPS for r in s.rel.split("|")) or s.direction not in ("in", "out") or \
                    not 0 <= s.min <= s.max <= 20:
                raise ValueError(f"sense {self.name}: bad segment {s}")
        for label in self.from_labels + self.to_labels:
            if label not in PAGE_LABELS:
                raise ValueError(f"sense {self.name}: unknown label {label}")
        last = self.segments[-1]
        for rel in last.rel.split("|"):
            srcs, dsts = RELATIONSHIPS[rel]
            ends = dsts if last.direction == "out" else srcs
            if not set(self.to_labels) <= set(ends):
                raise ValueError(f"sense {self.name}: {rel} cannot reach {self.to_labels}")


S = Segment
SENSES: tuple[Sense, ...] = (
    Sense("manager", (S("REPORTS_TO", "out"),), ("Person",), ("Person",), "the manager of {x}",
          nouns=("manager", "boss", "supervisor", "line manager", "direct manager", "reporting manager",
                 "superior", "manager's", "boss's", "higher-up", "immediate manager", "immediate supervisor",
                 "immediate boss", "direct supervisor", "direct boss", "mgr", "people manager",
                 "line mgr", "reporting line manager", "direct line manager", "current manager", "current boss"),
          subj_verbs=("report to", "reports to", "reporting to", "report", "is under", "answer to", "answers to",
                      "work for",
                      "works for", "working for", "work under", "works under", "working under", "is managed by",
                      "managed by",
                      "supervised by", "report into", "reports into"),
          obj_verbs=("manage", "manages", "managing", "supervise", "supervises", "oversee", "oversees",
                     "is the manager of", "is the boss of", "responsible for", "is responsible for",
                     "look after", "looks after", "looking after"),
          preps=("over",),
          plural=False, repeatable=True,
          description="manager boss supervisor the person someone reports to"),
    Sense("chain", (S("REPORTS_TO", "out", 1, 15),), ("Person",), ("Person",),
          "everyone above {x} in the management chain",
          nouns=("management chain", "reporting chain", "reporting line", "chain of command", "manager chain",
                 "management line", "managers", "bosses", "hierarchy above", "line of managers",
                 "line of management", "chain of managers", "chain of bosses", "upward chain", "leadership chain",
                 "management hierarchy", "reporting hierarchy", "reporting structure", "chain of management",
                 "managers above", "line of command", "escalation chain", "escalation path", "superiors", "chain",
                 "upline", "up-line", "line managers", "managers up the chain"),
          subj_verbs=("report up to", "reports up to", "reporting up to", "roll up to", "rolls up to",
                      "report up into", "reports up into", "roll up into", "rolls up into"),
          preps=("above",),
          description="management chain reporting line all managers above someone up to the top"),
    Sense("reports", (S("REPORTS_TO", "in"),), ("Person",), ("Person",), "the people who report to {x}",
          nouns=("direct reports", "reports", "subordinates", "underlings", "reportees", "span of control",
                 "directs", "direct staff", "people managed", "staff managed", "employees managed",
                 "direct reportees"),
          subj_verbs=("manage", "manages", "managing", "supervise", "supervises", "oversee", "oversees",
                      "look after", "looks after", "looking after"),
          obj_verbs=("report to", "reports to", "reporting to", "answer to", "answers to", "work for",
                     "works for", "working for", "work under", "works under", "working under", "managed by",
                     "supervised by", "is managed by", "are managed by", "is supervised by", "report into",
                     "reports into"),
          description="direct reports subordinates the people someone manages"),
    Sense("below", (S("REPORTS_TO", "in", 1, 15),), ("Person",), ("Person",),
          "everyone below {x} in the management chain",
          nouns=("org", "organization", "whole org", "indirect reports", "all reports", "reporting tree",
                 "everyone under"),
          preps=("below", "beneath", "under"),
          description="everyone below someone in the hierarchy, direct and indirect reports"),
    Sense("lead", (S("LEADS", "in"),), UNITS, ("Person",), "the lead of {x}",
          nouns=("lead", "leader", "head", "manager", "boss", "director", "team lead", "tech lead", "chief",
                 "person in charge", "engineering manager", "owner", "captain", "vp"),
          obj_verbs=("lead", "leads", "leading", "head", "heads", "heads up", "runs", "run", "running",
                     "manage", "manages", "managing", "is in charge of", "in charge of", "is the head of",
                     "is the lead of"),
          subj_verbs=("led by", "is led by", "headed by", "run by", "managed by"),
          plural=False, description="team lead leader head of a team or department"),
    Sense("unit_leads", (S("PART_OF", "in", 1, 10, "Team"), S("LEADS", "in")), UNITS, ("Person",),
          "the leads of the teams under {x}",
          nouns=("team leads", "team leaders", "team heads", "squad leads", "leads of the teams",
                 "heads of the teams", "team managers"),
          description="the people who lead the teams inside a department or team"),
    Sense("led", (S("LEADS", "out"),), ("Person",), UNITS, "the teams and departments {x} leads",
          subj_verbs=("lead", "leads", "leading", "head", "heads", "run", "runs", "is in charge of"),
          obj_verbs=("led by", "headed by", "run by"),
          description="the teams or departments a person leads"),
    Sense("members", (S("PART_OF", "in", 0, 10), S("MEMBER_OF", "in")), UNITS, ("Person",),
          "the people in {x}",
          nouns=("members", "people", "staff", "employees", "folks", "headcount", "head count", "size",
                 "membership", "team members", "personnel", "workforce", "crew", "roster", "lineup", "line-up"),
          subj_verbs=("have", "has", "employ", "employs", "include", "includes", "contain", "contains"),
          obj_verbs=("work in", "works in", "work on", "works on", "work at", "works at", "belong to",
                     "belongs to", "is in", "are in", "is on", "are on", "sit in", "sits in", "is part of",
                     "are part of", "is a member of", "are members of", "member of", "members of"),
          preps=("in", "on", "of", "within", "inside", "at", "from", "under", "are there in", "is there in"),
          description="members people who work in a team or department, its staff and headcount"),
    # Two MEMBER_OF hops: the people in the same teams (and departments) as someone.
    # Through teams only: everyone in someone's department is not their teammate.
    Sense("teammates", (S("MEMBER_OF", "out", 1, 1, "Team"), S("MEMBER_OF", "in")), ("Person",), ("Person",),
          "the people in the teams of {x}",
          nouns=("teammates", "team mates", "team-mates", "team members", "colleagues", "coworkers", "co-workers",
                 "peers"),
          subj_verbs=("work with", "works with", "working with", "work alongside", "works alongside", "sit with",
                      "sits with"),
          obj_verbs=("work with", "works with", "working with", "work alongside", "works alongside", "sit with",
                     "sits with"),
          description="the people in the same team as someone, their colleagues"),
    Sense("unit", (S("MEMBER_OF", "out"),), ("Person",), UNITS, "the team or department of {x}",
          nouns=("team", "teams", "squad", "group", "unit", "org unit"),
          subj_verbs=("work in", "works in", "work on", "works on", "belong to", "belongs to", "is in", "sit in",
                      "sits in", "is part of", "is a member of", "member of", "is on", "work for", "works for"),
          preps=("in", "on", "of"),
          description="which team a person is in"),
    # No words of its own: "unit" read from a team word, where only teams fit
    # ("how big is Lidia's team" counts her team, not her department too).
    Sense("team", (S("MEMBER_OF", "out"),), ("Person",), ("Team",), "the team of {x}"),
    Sense("department", (S("MEMBER_OF", "out"), S("PART_OF", "out", 0, 10)), ("Person",), ("Department",),
          "the department of {x}",
          nouns=("department", "dept", "division", "departments", "business unit", "org"),
          subj_verbs=("work for", "works for", "working for"),
          preps=("in", "of"),
          description="which department a person belongs to"),
    Sense("within", (S("MEMBER_OF", "out"), S("PART_OF", "out", 0, 10)), ("Person",), UNITS,
          "the teams and departments {x} is in, directly or through a sub-team",
          description="the units a person belongs to, directly or through a sub-team"),
    Sense("subunits", (S("PART_OF", "in"),), UNITS, UNITS, "the teams directly under {x}",
          nouns=("teams", "sub-teams", "subteams", "squads", "groups", "units", "sub-units", "child teams"),
          subj_verbs=("contain", "contains", "include", "includes", "have", "has", "consist of", "consists of",
                      "made up of", "is made up of", "composed of", "comprise", "comprises"),
          preps=("in", "under", "within", "inside", "of", "part of", "below", "are in", "is in", "are under",
                 "sit in", "sit under", "are part of", "exist in", "are there in", "roll up into", "roll up to",
                 "rolls up into", "rolls up to", "report into", "reports into", "fall under", "falls under",
                 "make up", "makes up", "form", "constitute", "belong to", "belongs to", "are within"),
          description="teams and sub-teams inside a department or team"),
    Sense("parent_unit", (S("PART_OF", "out"),), UNITS, UNITS, "the unit {x} is part of",
          nouns=("parent", "parent team", "parent unit"),
          subj_verbs=("is part of", "part of", "belong to", "belongs to", "sit in", "sits in", "is in",
                      "is under", "report into", "reports into", "roll up to", "rolls up to", "roll up into",
                      "rolls up into", "sits under",
                      "sit under", "sitting under", "falls under", "fall under"),
          preps=("of", "above", "over"), plural=False, description="the department a team belongs to"),
    Sense("parent_department", (S("PART_OF", "out", 1, 10),), UNITS, ("Department",),
          "the department {x} is part of",
          nouns=("department", "division", "parent department", "dept"),
          subj_verbs=("is part of", "part of", "belong to", "belongs to", "sit in", "sits in", "is in",
                      "is under", "report into", "reports into", "roll up to", "rolls up to", "roll up into",
                      "rolls up into", "sits under",
                      "sit under", "sitting under", "falls under", "fall under"),
          plural=False, description="the department a team belongs to"),
    Sense("owner", (S("OWNS", "in"),), THINGS, ("Team", "Department", "Person"), "the owner of {x}",
          nouns=("owner", "owners", "owning team", "maintainer", "maintainers", "team", "responsible team",
                 "custodian", "steward"),
          obj_verbs=("own", "owns", "owning", "maintain", "maintains", "is responsible for", "responsible for",
                     "look after", "looks after", "take care of", "takes care of", "support", "supports", "run",
                     "runs"),
          subj_verbs=("owned by", "maintained by", "run by", "looked after by", "belong to", "belongs to"),
          plural=False, description="the team that owns or maintains a system, process or topic"),
    Sense("owned", (S("OWNS", "out"),), ("Team", "Department", "Person"), THINGS, "what {x} owns",
          nouns=("systems", "services", "components", "apis", "ownership", "things", "assets", "resources",
                 "processes", "topics", "websites", "libraries", "owned"),
          subj_verbs=("own", "owns", "owning", "maintain", "maintains", "is responsible for", "responsible for",
                      "are responsible for", "in charge of", "look after",
                      "looks after", "take care of", "run", "runs"),
          obj_verbs=("owned by", "maintained by", "run by", "looked after by", "belong to", "belongs to"),
          preps=("of",), description="the systems, services, processes a team owns"),
    # Consuming an API is depending on it (Backstage keeps the two apart).
    Sense("dependencies", (S("DEPENDS_ON|CONSUMES_API", "out"),), ("System",), ("System",), "what {x} depends on",
          nouns=("dependencies", "dependency", "upstreams", "upstream dependencies", "deps", "prerequisites"),
          subj_verbs=("depend on", "depends on", "rely on", "relies on", "use", "uses", "call", "calls",
                      "need", "needs", "talk to", "talks to", "built on", "is built on", "built upon", "is built upon"),
          obj_verbs=("used by", "relied on by", "called by"),
          description="the systems a system depends on"),
    Sense("dependents", (S("DEPENDS_ON|CONSUMES_API", "in"),), ("System",), ("System",), "what depends on {x}",
          nouns=("dependents", "downstreams", "downstream", "downstream systems", "users", "callers",
                 "clients"),
          obj_verbs=("depend on", "depends on", "rely on", "relies on", "use", "uses", "call", "calls", "need",
                     "needs", "talk to", "talks to", "break"),
          subj_verbs=("used by", "relied on by", "called by", "needed by"),
          description="the systems that depend on a system and would break without it"),
    Sense("provides", (S("PROVIDES_API", "out"),), ("System",), ("System",), "the APIs {x} provides",
          nouns=("provided apis", "apis", "api", "interfaces", "endpoints"),
          subj_verbs=("provide", "provides", "providing", "expose", "exposes", "offer", "offers", "serve",
                      "serves", "implement", "implements", "publish", "publishes"),
          obj_verbs=("provided by", "exposed by", "implemented by", "served by", "offered by"),
          description="the APIs a component provides or exposes"),
    Sense("provider", (S("PROVIDES_API", "in"),), ("System",), ("System",), "what provides {x}",
          nouns=("provider", "providers", "implementation", "implementer"),
          obj_verbs=("provide", "provides", "expose", "exposes", "implement", "implements", "serve", "serves",
                     "offer", "offers", "publish", "publishes"),
          subj_verbs=("provided by", "exposed by", "implemented by", "served by", "offered by"),
          description="the component that provides an API"),
    Sense("consumes", (S("CONSUMES_API", "out"),), ("System",), ("System",), "the APIs {x} consumes",
          nouns=("consumed apis",),
          subj_verbs=("consume", "consumes", "consuming"),
          obj_verbs=("consumed by",),
          description="the APIs a component consumes"),
    Sense("consumers", (S("CONSUMES_API|DEPENDS_ON", "in"),), ("System",), ("System",), "what consumes {x}",
          nouns=("consumers", "api consumers"),
          obj_verbs=("consume", "consumes", "consuming"),
          subj_verbs=("consumed by",),
          description="the components that consume an API"),
    Sense("parent_system", (S("PART_OF", "out", 1, 3),), ("System",), ("System",), "what {x} is part of",
          nouns=("system", "parent system", "parent", "domain", "parent component", "part of"),
          subj_verbs=("belong to", "belongs to", "is part of", "part of", "sit in", "sits in", "is in",
                      "live in", "lives in", "fall under", "falls under"),
          obj_verbs=("contain", "contains", "include", "includes", "encompass", "encompasses"),  # "what contains X"
          plural=False, description="the system or domain a component or API belongs to"),
    Sense("parts", (S("PART_OF", "in"),), ("System",), ("System",), "the parts of {x}",
          nouns=("subcomponents", "sub-components", "components", "parts", "children", "pieces", "modules",
                 "systems", "members", "contents", "subsystems", "subdomains"),
          subj_verbs=("contain", "contains", "include", "includes", "have", "has", "consist of", "consists of",
                      "comprise", "comprises", "group", "groups", "made up of", "is made up of", "made of",
                      "composed of", "is composed of"),
          obj_verbs=("part of", "belong to", "belongs to", "make up", "makes up", "form", "forms", "constitute",
                     "constitutes"),
          preps=("in", "of", "under", "within", "inside"),
          description="the components, subcomponents or systems a system or domain contains"),
)
SENSE_BY_NAME = {s.name: s for s in SENSES}

# When a word's sense does not start from the page's label, the sense people
# mean for that label: a team's "owner" or "manager" is its lead, a system's
# "lead" is its owner, a person's "members" are their reports.
EQUIVALENT = {"owner": ("lead",), "lead": ("owner", "manager"), "manager": ("lead", "owner"),
              "members": ("reports", "parts"), "reports": ("members",), "owned": ("led",), "led": ("owned",),
              "unit": ("parent_unit", "parent_system"), "parent_unit": ("unit", "parent_system"),
              "parent_system": ("parent_unit", "unit"), "parts": ("subunits", "members"),
              "subunits": ("parts", "below"), "department": ("parent_unit",), "chain": (), "below": ("members",)}

# Words for a page label (and, for systems, a catalog kind or type) used as
# the thing asked about ("which teams", "the retired APIs", "production services").
LABEL_WORDS: dict[str, tuple[str, dict]] = {}
for _w in ("person", "people", "persons", "employee", "employees", "who", "whom", "someone", "anyone", "anybody",
           "somebody", "everyone", "everybody", "colleague", "colleagues", "folks", "staff", "member", "members",
           "individuals", "humans", "human beings", "workers", "fte", "ftes", "full-time employees",
           "staffers", "personnel"):
    LABEL_WORDS[_w] = ("Person", {})
for _w in ("team", "teams", "squad", "squads", "group", "groups", "crew", "crews", "sub-team", "sub-teams",
           "subteam", "subteams", "unit", "units"):
    LABEL_WORDS[_w] = ("Team", {})
for _w in ("department", "departments", "dept", "depts", "division", "divisions", "business unit",
           "business units", "org unit", "org units"):
    LABEL_WORDS[_w] = ("Department", {})
for _w in ("system", "systems"):
    # The catalog kind only where it picks a level ("which system is X part of");
    # elsewhere any System page (interpret.py drops it).
    LABEL_WORDS[_w] = ("System", {"kind": "system"})
for _w in ("component", "components"):
    LABEL_WORDS[_w] = ("System", {"kind": "component"})
for _w in ("api", "apis"):
    LABEL_WORDS[_w] = ("System", {"kind": "api"})
for _w in ("domain", "domains"):
    LABEL_WORDS[_w] = ("System", {"kind": "domain"})
for _w in ("resource", "resources", "database", "databases"):
    LABEL_WORDS[_w] = ("System", {"kind": "resource"})
for _w in ("service", "services", "microservice", "microservices"):
    LABEL_WORDS[_w] = ("System", {"type": "service"})
for _w in ("website", "websites", "web site", "web sites", "site", "sites"):
    LABEL_WORDS[_w] = ("System", {"type": "website"})
for _w in ("library", "libraries", "lib", "libs"):
    LABEL_WORDS[_w] = ("System", {"type": "library"})
for _w in ("process", "processes", "procedure", "procedures", "workflow", "workflows"):
    LABEL_WORDS[_w] = ("Process", {})
for _w in ("topic", "topics", "subject", "subjects"):
    LABEL_WORDS[_w] = ("Topic", {})
for _w in ("thing", "things", "what", "which"):
    LABEL_WORDS[_w] = ("", {})

# A unit word after a name says which kind of page it is, and is not part of
# the name unless the page's name has it ("the Finance division").
UNIT_HINTS = {w: lab for w, (lab, extra) in LABEL_WORDS.items()
              if lab in ("Team", "Department", "Process", "Topic") or (lab == "System")}

LIFECYCLES = {"production": "production", "prod": "production", "live": "production",
              "experimental": "experimental", "experiment": "experimental", "beta": "experimental",
              "deprecated": "deprecated", "retired": "retired", "sunset": "deprecated", "legacy": "deprecated",
              "decommissioned": "retired", "production-ready": "production", "ready for production": "production",
              "production ready": "production", "ga": "production",
              "generally available": "production", "in production": "production", "alpha": "experimental",
              "preview": "experimental", "pilot": "experimental", "prototype": "experimental",
              "experimenting": "experimental", "in development": "experimental", "obsolete": "deprecated",
              "phased out": "deprecated", "being phased out": "deprecated", "sunsetted": "deprecated",
              "sunsetting": "deprecated", "end of life": "retired", "eol": "retired", "end-of-life": "retired",
              "archived": "retired", "shut down": "retired", "turned off": "retired", "deprecation": "deprecated",
              "shipped": "production", "launched": "production", "released": "production", "gone live": "production",
              "went live": "production", "stable": "production"}

# Role words: people whose title has the word ("engineers", "developers").
# A synonym names the title words it stands for; any other plural noun in the
# role position is looked up as itself.
ROLE_SYNONYMS = {
    "engineer": ("engineer",), "developer": ("developer", "engineer"), "dev": ("developer", "engineer"),
    "programmer": ("developer", "engineer"), "coder": ("developer", "engineer"),
    "manager": ("manager",), "analyst": ("analyst",), "accountant": ("accountant",),
    "scientist": ("scientist",), "designer": ("designer",), "recruiter": ("recruiter",),
    "director": ("director",), "lead": ("lead",), "architect": ("architect",), "intern": ("intern",),
    "contractor": ("contractor",), "consultant": ("consultant",), "specialist": ("specialist",),
    "investigator": ("investigator",), "controller": ("controller",), "partner": ("partner",),
    "generalist": ("generalist",), "assistant": ("assistant",), "principal": ("principal",),
    "sre": ("reliability", "sre"), "vp": ("vp",), "executive": ("executive",),
}

# Title abbreviations people type for a person's title.
TITLE_ABBREVIATIONS = {
    "ceo": "chief executive officer", "cto": "chief technology officer", "cfo": "chief financial officer",
    "coo": "chief operating officer", "cpo": "chief product officer", "cio": "chief information officer",
    "ciso": "chief information security officer", "cmo": "chief marketing officer", "cro": "chief revenue officer",
    "chro": "chief human resources officer", "cso": "chief security officer", "gc": "general counsel",
    "vp": "vp", "hr": "people", "chief executive":
    "chief executive officer",
}

# Properties a question may read, with their words. Only names listed in
# graph.model.PAGE_PROPERTIES are allowed.
PROPERTY_WORDS = {
    "title": ("title", "job title", "role", "position", "job", "for a living", "job role", "designation",
              "job function", "capacity", "work as", "works as", "working as", "employed as", "job description",
              "function", "kind of work", "line of work", "type of work", "do for work", "sort of work"),
    "email": ("email", "e-mail", "email address", "mail", "mail address", "email id", "e-mail id", "email addr",
              "work email", "work e-mail", "contact email", "mail id", "e-mail addr", "e-mail address"),
    "location": ("location", "office", "city", "based", "located", "where"),
    "start_date": ("start date", "joining date", "hire date", "first day", "join date", "start", "started",
                   "join", "joined", "hired", "hire", "start working", "date of joining", "joining", "onboarded",
                   "employment date", "start day", "date of hire", "hiring date", "tenure", "came on board",
                   "been here since", "been with us since", "been with the company since", "begin", "began"),
    "phone": ("phone", "phone number", "telephone", "mobile", "mobile number", "cell", "number to call"),
    "slack_id": ("slack id", "slack handle", "slack user"),
    "employee_id": ("employee id", "employee number"),
    "slack_channel": ("slack channel", "channel"),
    "lifecycle": ("lifecycle", "life cycle", "lifecycle stage", "stage", "maturity", "status", "lifecycle status",
                  "lifecycle state", "state", "phase", "release stage", "maturity level",
                  # whether it may still be used: its lifecycle says
                  "still supported", "supported", "still maintained", "maintained", "still in use", "still use",
                  "still be used", "ok to use", "okay to use", "safe to use", "still usable", "still alive",
                  "still around", "phase of development", "stage of development", "development stage",
                  "development phase", "release status", "release state", "release phase"),
    "type": ("type", "component type", "kind of component", "sort", "sort of", "kind of system",
             "kind of service", "type of component", "component kind", "category", "kind of api", "type of api",
             "api type", "kind of an api", "spec type", "api spec type", "specification type", "kind of resource",
             "resource type"),
    "kind": ("kind", "catalog kind", "entity kind", "kind of entity", "entity type", "kind of catalog entity",
             "catalog entity kind"),
}
for _prop in PROPERTY_WORDS:
    assert any(_prop in props for props in PAGE_PROPERTIES.values()), _prop
PROPERTY_NAMES = {"title": "title", "email": "work email", "location": "location", "start_date": "start date",
                  "phone": "phone number",
                  "slack_id": "Slack id", "employee_id": "employee id", "slack_channel": "Slack channel",
                  "lifecycle": "lifecycle", "kind": "kind", "type": "type"}

# Ordinals that repeat a step: "second-level manager", "skip-level manager".
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5, "skip": 2, "grand": 2}


def cue_table() -> dict[str, list[tuple[str, Sense]]]:
    """phrase -> [(role, sense)] with role noun | subj | obj | prep."""
    table: dict[str, list[tuple[str, Sense]]] = {}
    for sense in SENSES:
        for role, words in (("noun", sense.nouns), ("subj", sense.subj_verbs), ("obj", sense.obj_verbs),
                            ("prep", sense.preps)):
            for w in words:
                table.setdefault(w, []).append((role, sense))
    return table


CUES = cue_table()


def senses_for(word: str, role: str | None = None, from_label: str | None = None,
               to_label: str | None = None) -> list[Sense]:
    out = []
    for r, sense in CUES.get(word, []):
        if role and r != role:
            continue
        if from_label and from_label not in sense.from_labels:
            continue
        if to_label and to_label not in sense.to_labels:
            continue
        if sense not in out:
            out.append(sense)
    return out


def inverse(sense: Sense) -> Sense | None:
    """The sense that walks `sense`'s path backwards ("manager" <-> "reports",
    "dependencies" <-> "dependents"): the same segments, reversed, each in
    the other direction, between the same labels the other way round."""
    flipped = tuple(Segment(s.rel, "in" if s.direction == "out" else "out", s.min, s.max)
                    for s in reversed(sense.segments))
    for other in SENSES:
        if other.segments == flipped and set(other.from_labels) >= set(sense.to_labels) \
                and set(other.to_labels) >= set(sense.from_labels):
            return other
    return None


# --- unwritten synonyms: embedding similarity ------------------------------------

_vectors = None
_vectors_lock = threading.Lock()
SIMILARITY_MIN = 0.5      # below this a word is not read as a relation
SIMILARITY_MARGIN = 0.04  # the best sense must beat the next by this much


def _sense_vectors():
    global _vectors
    with _vectors_lock:
        if _vectors is None:
            from kiki.embeddings import get_embedder

            texts = [s.description for s in SENSES]
            _vectors = get_embedder().encode(texts)
        return _vectors


def nearest(word: str, from_label: str | None = None) -> tuple[Sense, float] | None:
    """The sense a word nobody listed most likely means, when the shipped
    MiniLM model puts it clearly closest; None when unsure or the model is missing."""
    from kiki.embeddings import EmbeddingUnavailable, get_embedder

    word = " ".join(word.split())
    if not re.search(r"[a-z]", word or ""):
        return None
    try:
        vectors = _sense_vectors()
        (vec,) = get_embedder().encode([word])
    except EmbeddingUnavailable:
        return None
    scored = []
    for sense, sv in zip(SENSES, vectors):
        if not sense.description or from_label and from_label not in sense.from_labels:
            continue
        scored.append((sum(a * b for a, b in zip(vec, sv)), sense))
    scored.sort(key=lambda x: x[0], reverse=True)
    if not scored or scored[0][0] < SIMILARITY_MIN:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < SIMILARITY_MARGIN:
        return None
    return scored[0][1], scored[0][0]

"""An organisation that exists only in an identity provider: SCIM users with
attributes (enterprise extension department / division / organization,
title, manager, emails, work addresses) and groups with members but no lead,
generated from a seed and pushed into Kiki over HTTP through `/scim/v2/` the
way Okta and Entra ID push (POST users, manager set at creation or PATCHed
afterwards as a bare id, POST groups then PATCH members in, PATCH active=false
to deactivate).

`generate(seed)` returns the users and groups as plain records; `to_org()`
turns them into the facts the questions are computed from (bench/eval_orgs.Org):
who is in which department/division (active users only), who reports to whom,
which group is inside one department (all its active members sit there), and
which member a group's other members report to (its inferred lead).
`push(base_url, token, users, groups)` sends them; nothing here reads Kiki.
"""
from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from eval_orgs import Org, page_id, slug

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DOMAIN = "northwind.example"
ORGANIZATION = "Northwind"

FIRST = """Aaron Abigail Adrian Alicia Amir Andrea Angela Anton Arturo Audrey Barbara Benedikt Bianca
Boris Brenda Caleb Camille Carmen Cecilia Clara Colin Damian Dana Dominik Dorothy Edgar Elena Elias
Elise Emil Erin Esther Fabian Felicity Flora Frederik Gemma Gideon Greta Harvey Hazel Hector Holly
Igor Irene Isaac Ivy Jakob Jana Jasper Joanna Jonah Josephine Julian Karen Keith Klara Konrad Lara
Leo Lidia Linus Lorna Lucas Lydia Magnus Marco Marina Martin Melanie Milan Mira Nadia Nathan Nina
Noah Norma Olaf Olive Oscar Paula Petra Philip Quentin Rebecca Robin Rosa Ruben Sabine Samuel Selma
Simon Stella Stefan Tessa Theo Tobias Ursula Valerie Victor Vera Walter Wendy Xavier Yvonne Zach Zora""".split()
LAST = """Abbott Acker Albrecht Alvarez Arnold Bauer Becker Bishop Blake Brandt Brooks Burke Carlsen
Castro Chandler Conrad Crane Dalton Dekker Dixon Drummond Eastwood Ellis Engel Farrell Fischer Fleming
Foster Frost Gallagher Garner Graves Hale Hartmann Hayes Holm Horvat Ingram Jansen Jensen Kaiser
Keller Kowalski Kruger Lambert Lang Larsen Lindqvist Lorenz Mahler Marsh Meyer Mercer Novak Nyberg
Olsen Osborne Palmer Pearce Porter Quinn Ramsey Reyes Richter Rojas Sauer Schulz Sherwood Sommer
Stark Strand Sutton Thorne Tran Ulrich Vance Vogel Wagner Walsh Weber Winter Wolff Yates Zimmer""".split()

CITIES = (("Berlin", "DE"), ("Lisbon", "PT"), ("London", "GB"), ("Toronto", "CA"), ("Austin", "US"),
          ("Singapore", "SG"))

# department -> (division, head title, member titles, groups: (name, lead title, size range))
DEPARTMENTS = {
    "Finance": ("Corporate Services", "Chief Financial Officer",
                ("Accountant", "Senior Accountant", "Financial Analyst", "Payroll Specialist"),
                (("Payroll", "Payroll Manager", (4, 6)), ("Accounts Payable", "AP Manager", (4, 6)),
                 ("FP&A", "Finance Manager", (3, 5)))),
    "People Operations": ("Corporate Services", "Head of People",
                          ("Recruiter", "HR Generalist", "People Partner", "Benefits Specialist"),
                          (("Recruiting", "Recruiting Manager", (4, 7)), ("Benefits", "Benefits Manager", (3, 4)))),
    "Legal": ("Corporate Services", "General Counsel",
              ("Legal Counsel", "Paralegal", "Compliance Analyst"),
              (("Contracts", "Legal Manager", (3, 5)),)),
    "Engineering": ("Technology", "VP of Engineering",
                    ("Software Engineer", "Senior Software Engineer", "Backend Developer", "Frontend Developer",
                     "Site Reliability Engineer", "Data Engineer", "QA Analyst"),
                    (("Data Platform", "Engineering Manager", (5, 8)), ("Mobile Apps", "Engineering Manager", (5, 8)),
                     ("Web Experience", "Engineering Manager", (5, 8)),
                     ("Cloud Infrastructure", "Engineering Manager", (5, 8)),
                     ("Identity Services", "Engineering Manager", (4, 6)))),
    "Product Design": ("Technology", "Head of Design",
                       ("Product Designer", "UX Researcher", "Content Designer"),
                       (("UX Research", "Research Manager", (3, 5)), ("Design Systems", "Design Manager", (3, 5)))),
    "IT Operations": ("Technology", "IT Director",
                      ("IT Support Specialist", "Systems Administrator", "Network Engineer"),
                      (("Service Desk", "Service Desk Manager", (4, 6)), ("Endpoint Management", "IT Manager", (3, 5)))),
    "Sales": ("Revenue", "VP of Sales",
              ("Account Executive", "Sales Development Representative", "Solutions Consultant"),
              (("EMEA Sales", "Sales Manager", (5, 7)), ("Americas Sales", "Sales Manager", (5, 7)),
               ("Sales Engineering", "Sales Engineering Manager", (3, 5)))),
    "Marketing": ("Revenue", "Chief Marketing Officer",
                  ("Marketing Specialist", "Content Strategist", "Marketing Analyst"),
                  (("Brand Studio", "Brand Manager", (3, 5)), ("Demand Generation", "Marketing Manager", (4, 6)))),
    "Customer Care": ("Revenue", "Head of Customer Care",
                      ("Support Agent", "Senior Support Agent", "Customer Success Manager"),
                      (("Tier 1 Support", "Support Manager", (5, 8)), ("Onboarding Success", "Support Manager", (3, 5)))),
}
EXECUTIVE = "Executive Office"
# Groups that cut across departments (an IdP's mailing-list style groups):
# members but no department of their own and no lead to infer.
CROSS_GROUPS = (("Incident Responders", ("Engineering", "IT Operations")),
                ("Mentors Circle", ("Finance", "Sales", "Marketing", "Engineering")))


@dataclass
class User:
    key: str                 # the page key Kiki derives from the display name
    first: str
    last: str
    title: str
    department: str
    division: str
    city: str
    country: str
    manager: "User | None" = None
    active: bool = True
    groups: list = field(default_factory=list)
    number: str = ""
    scim_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.first}.{self.last}@{DOMAIN}".lower()

    def body(self, with_manager: bool) -> dict:
        ext = {"employeeNumber": self.number, "department": self.department, "division": self.division,
               "organization": ORGANIZATION, "costCenter": f"CC-{slug(self.department)[:6].upper()}"}
        if with_manager and self.manager is not None:
            ext["manager"] = {"value": self.manager.scim_id}
        return {
            "schemas": [USER, ENTERPRISE], "userName": self.email, "externalId": self.number,
            "active": True, "displayName": self.name, "title": self.title,
            "name": {"givenName": self.first, "familyName": self.last, "formatted": self.name},
            "emails": [{"value": self.email, "type": "work", "primary": True}],
            "addresses": [{"type": "work", "locality": self.city, "country": self.country, "primary": True}],
            ENTERPRISE: ext,
        }


@dataclass
class Group:
    key: str
    name: str
    department: str | None          # the department all its members sit in (None: cross-cutting)
    members: list = field(default_factory=list)
    manager: "User | None" = None   # the member the others report to (never sent: SCIM groups have no lead)
    scim_id: str = ""


def generate(seed: int = 11) -> tuple[list[User], list[Group]]:
    """A deterministic IdP directory: about 230 users in 10 departments, 3
    divisions and one organisation, 25 groups, a few deactivated users."""
    rng = random.Random(seed)
    names = [(f, la) for f in FIRST for la in LAST]
    rng.shuffle(names)
    taken: set[str] = set()
    users: list[User] = []

    def person(title, dept, division, manager, city=None):
        while True:
            first, last = names.pop()
            if slug(f"{first} {last}") not in taken and first.lower() != last.lower():
                break
        key = slug(f"{first} {last}")
        taken.add(key)
        c = city or CITIES[rng.randrange(len(CITIES))]
        u = User(key, first, last, title, dept, division, c[0], c[1], manager, number=f"NW{len(users) + 1:04d}")
        users.append(u)
        return u

    ceo = person("Chief Executive Officer", EXECUTIVE, EXECUTIVE, None, CITIES[2])
    person("Chief of Staff", EXECUTIVE, EXECUTIVE, ceo, CITIES[2])
    person("Executive Assistant", EXECUTIVE, EXECUTIVE, ceo, CITIES[2])
    groups: list[Group] = []
    for dept, (division, head_title, roles, team_specs) in DEPARTMENTS.items():
        home = CITIES[rng.randrange(len(CITIES))]
        head = person(head_title, dept, division, ceo, home)
        for _ in range(rng.randint(1, 2)):     # staff outside any group, reporting to the head
            person(roles[rng.randrange(len(roles))], dept, division, head)
        for gname, lead_title, (lo, hi) in team_specs:
            g = Group(slug(gname), gname, dept)
            lead = person(lead_title, dept, division, head)
            g.members.append(lead)
            g.manager = lead
            for _ in range(rng.randint(lo, hi)):
                city = home if rng.random() < 0.5 else None
                g.members.append(person(roles[rng.randrange(len(roles))], dept, division, lead, city))
            groups.append(g)
    for gname, depts in CROSS_GROUPS:
        pool = [u for u in users if u.department in depts and u.manager is not None]
        g = Group(slug(gname), gname, None, sorted(rng.sample(pool, 6), key=lambda u: u.number))
        groups.append(g)
    for g in groups:
        for u in g.members:
            u.groups.append(g)
    # People who left: plain members with no reports, deactivated after the push.
    leavers = [u for u in users if u.title not in {s[1] for d in DEPARTMENTS.values() for s in d[3]}
               and u.manager is not None and u.manager.manager is not None
               and not any(v.manager is u for v in users) and len(u.groups) == 1]
    for u in rng.sample(leavers, 6):
        u.active = False
    return users, groups


def to_org(users: list[User], groups: list[Group]) -> Org:
    """The facts a question may ask about. Department, division and the
    organisation are units made of the users' attribute values; a group is part
    of a department when all its active members sit in it."""
    org = Org("scim")
    units: dict[str, str] = {}
    for value in [ORGANIZATION, *dict.fromkeys(u.division for u in users),
                  *dict.fromkeys(u.department for u in users)]:
        if value not in units:
            node = org.add("Department", slug(value), value, {"unit_level": (
                "organization" if value == ORGANIZATION else
                "division" if value in {u.division for u in users} else "department"), "source": "scim"})
            units[value] = node.id
    for u in users:
        org.add("Person", u.key, u.name, {"title": u.title, "email": u.email, "location": u.city,
                                            "department": u.department, "division": u.division,
                                            "status": "active" if u.active else "former",
                                            "employee_id": u.number, "source": "scim"})
    for u in users:
        me = page_id("Person", u.key)
        if u.manager is not None:
            org.link("REPORTS_TO", me, page_id("Person", u.manager.key))
        if u.active:
            org.link("MEMBER_OF", me, units[u.department])
    for value, uid in units.items():
        level = org.nodes[uid].props["unit_level"]
        if level == "department":
            division = next(u.division for u in users if u.department == value)
            if division != value:
                org.link("PART_OF", uid, units[division])
        if level == "division":
            org.link("PART_OF", uid, units[ORGANIZATION])
    for g in groups:
        gid = org.add("Team", g.key, g.name, {"source": "scim"}).id
        active = [u for u in g.members if u.active]
        for u in active:
            org.link("MEMBER_OF", page_id("Person", u.key), gid)
        depts = {u.department for u in active}
        if len(depts) == 1:
            org.link("PART_OF", gid, units[depts.pop()])
        lead = [m for m in active if all(o is m or o.manager is m for o in active)]
        if len(lead) == 1:
            org.link("LEADS", page_id("Person", lead[0].key), gid)
    # Department heads: the one member whose manager sits outside the unit.
    for value, uid in units.items():
        inside = [u for u in users if u.active and value in (u.department, u.division, ORGANIZATION)]
        tops = [u for u in inside if u.manager is None or u.manager not in inside]
        if len(tops) == 1:
            org.link("LEADS", page_id("Person", tops[0].key), uid)
    return org


# -- pushing over HTTP ----------------------------------------------------
class ScimClient:
    """A minimal IdP: JSON over HTTP with a bearer token, as Okta/Entra send it."""

    def __init__(self, base_url: str, token: str):
        self.base = base_url.rstrip("/") + "/scim/v2"
        self.token = token
        self.requests = 0

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/scim+json",
            "Accept": "application/scim+json"})
        self.requests += 1
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"SCIM {method} {path} -> {e.code}: {e.read()[:500]!r}") from e
        return json.loads(raw) if raw else None


def push(base_url: str, token: str, users: list[User], groups: list[Group]) -> dict:
    """Create every user (managers first), set the rest of the managers with
    Entra-style PATCHes, create the groups and PATCH their members in (Okta
    style), then deactivate the leavers. Returns request counts."""
    api = ScimClient(base_url, token)
    later = []
    for i, u in enumerate(users):   # users are generated manager-first
        okta_style = i % 2 == 0
        created = api.call("POST", "/Users", u.body(with_manager=okta_style))
        u.scim_id = created["id"]
        if not okta_style and u.manager is not None:
            later.append(u)
    for u in later:
        api.call("PATCH", f"/Users/{u.scim_id}", {"schemas": [PATCH], "Operations": [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": u.manager.scim_id}]})
    for g in groups:
        created = api.call("POST", "/Groups", {"schemas": [GROUP], "displayName": g.name,
                                               "externalId": f"grp-{g.key}", "members": []})
        g.scim_id = created["id"]
        api.call("PATCH", f"/Groups/{g.scim_id}", {"schemas": [PATCH], "Operations": [
            {"op": "add", "path": "members",
             "value": [{"value": m.scim_id, "display": m.name} for m in g.members]}]})
    for u in users:
        if not u.active:
            api.call("PATCH", f"/Users/{u.scim_id}", {"schemas": [PATCH], "Operations": [
                {"op": "replace", "value": {"active": False}}]})
    return {"users": len(users), "groups": len(groups), "requests": api.requests}

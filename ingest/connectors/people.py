"""Shared normalization for HR-style people records (HRIS API, Workday report,
generic CSV): one flat record per person in canonical field names in, Person /
Team / Department entities and MEMBER_OF / PART_OF / REPORTS_TO edges out.

Canonical fields (all strings; empty means absent):
  employee_id, name, first_name, last_name, preferred_name, email, title,
  manager_id (the manager's employee_id), manager_email, department, division,
  organization, team, start_date, location, status, slack_id

Org units: the department, division and organization values are Department
pages (one per unit: "Finance" and "Finance Dept" in one export are one unit,
compared as ingest.orgunits.match_key does; the merge attaches them to an
existing page the same way). A person in a team is MEMBER_OF the team and the
team PART_OF the department; a person without a team is MEMBER_OF the
department; the department is PART_OF the division, the division PART_OF the
organization (when a level is missing, the next one up is the parent).

Rules (each broken rule is a Problem naming the record; the record is left out):
  - a name (`name`, or `first_name` + `last_name`) is required;
  - an identity is required: `employee_id` or `email`;
  - `email` must look like an address; `start_date` must be a date we can read
    (ISO `2024-03-01`, an ISO timestamp, `2024/03/01`, US `03/01/2024`);
  - `status` must be a known word (active/former or an HR synonym);
  - a second record with the same employee_id or email is a duplicate.
A manager that is not in the same batch is reported and only the REPORTS_TO
edge is dropped, since the person record itself is fine.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from graph.model import Batch, Edge, Entity, Problem, name_key, slugify_key

from ..orgunits import attribute_chain, match_key

FIELDS = ("employee_id", "name", "first_name", "last_name", "preferred_name", "email", "title",
          "manager_id", "manager_email", "department", "division", "organization", "team", "start_date",
          "location", "status", "slack_id")

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# People on leave are still employees: they keep their team and reports.
_ACTIVE = {"active", "employed", "hired", "current", "onboarding", "on leave", "leave", "leave of absence",
           "sabbatical", "parental leave", "true", "yes", "1"}
_FORMER = {"former", "inactive", "terminated", "offboarded", "offboarding", "left", "resigned",
           "false", "no", "0"}


@dataclass
class PersonRecord:
    """One raw person from a source, already mapped to canonical field names."""
    where: str                 # file:line or URL#index, for Problems
    fields: dict[str, str]


def clean(value) -> str:
    """Sources send numbers, None and padded strings; everything becomes a trimmed str."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def key_of(text: str) -> str:
    """A key from a name, folding accents first so "José Núñez" -> "jose-nunez"
    rather than losing the letters (graph.model.name_key)."""
    return name_key(text) or slugify_key(text or "")


def parse_date(text: str) -> str:
    """An ISO date string from the few date shapes HR exports use; raises ValueError."""
    text = text.strip()
    # Workday writes dates with a zone offset ("2021-04-01-07:00").
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*|[+-]\d{2}:\d{2}|Z)?$", text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    # Any other shape (2021/04/01, 04/01/2021 month first, 1 Apr 2021, April 1,
    # 2021) through dateutil; parsed against two different defaults so that a
    # date missing its day, month or year is refused instead of completed.
    try:
        first = dateutil_parser.parse(text, default=datetime(2000, 1, 1))
        second = dateutil_parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        raise ValueError(f"unreadable date {text!r} (use YYYY-MM-DD)") from None
    if first.date() != second.date():
        raise ValueError(f"incomplete date {text!r} (use YYYY-MM-DD)")
    return first.date().isoformat()


def parse_status(text: str) -> str:
    word = text.strip().lower()
    if not word or word in _ACTIVE:
        return "active"
    if word in _FORMER:
        return "former"
    raise ValueError(f"unknown status {text!r} (expected active or former)")


def _validated(rec: PersonRecord) -> tuple[dict, str]:
    """Checked and normalized fields, and the record's source id; raises ValueError."""
    f = {k: clean(rec.fields.get(k)) for k in FIELDS}
    name = f["name"] or " ".join(p for p in (f["first_name"], f["last_name"]) if p)
    if not name:
        raise ValueError("missing name")
    f["name"] = name
    f["email"] = f["email"].lower()
    f["manager_email"] = f["manager_email"].lower()
    if not f["employee_id"] and not f["email"]:
        raise ValueError("missing identity: needs employee_id or email")
    if f["email"] and not _EMAIL_RE.match(f["email"]):
        raise ValueError(f"invalid email {f['email']!r}")
    if f["start_date"]:
        f["start_date"] = parse_date(f["start_date"])
    f["status"] = parse_status(f["status"])
    return f, f["employee_id"] or f["email"]


def people_batch(source: str, records: list[PersonRecord], problems: list[Problem] | None = None) -> Batch:
    """Normalize people records into a Batch (see the module docstring for the rules)."""
    batch = Batch(source, problems=list(problems or []))
    people: list[tuple[dict, str, str]] = []   # (fields, source_id, where)
    seen_ids: dict[str, str] = {}
    seen_emails: dict[str, str] = {}
    for rec in records:
        try:
            f, sid = _validated(rec)
        except ValueError as err:
            ident = clean(rec.fields.get("employee_id")) or clean(rec.fields.get("email")) or rec.where
            batch.problems.append(Problem(rec.where, ident, str(err)))
            continue
        dup = (f["employee_id"] and seen_ids.get(f["employee_id"])) or (f["email"] and seen_emails.get(f["email"]))
        if dup:
            batch.problems.append(Problem(rec.where, sid, f"duplicate of the record at {dup}; left out"))
            continue
        if f["employee_id"]:
            seen_ids[f["employee_id"]] = rec.where
        if f["email"]:
            seen_emails[f["email"]] = rec.where
        people.append((f, sid, rec.where))

    keys = _person_keys(people)
    by_id = {f["employee_id"]: keys[i] for i, (f, _, _) in enumerate(people) if f["employee_id"]}
    by_email = {f["email"]: keys[i] for i, (f, _, _) in enumerate(people) if f["email"]}

    teams: dict[str, str] = {}            # key -> display name
    departments: dict[str, str] = {}      # key -> display name (departments, divisions, organizations)
    unit_keys: dict[str, str] = {}        # match key -> key, so name variants are one unit
    team_depts: dict[str, Counter] = defaultdict(Counter)
    unit_parents: dict[str, Counter] = defaultdict(Counter)

    def unit_key(name: str) -> str:
        mk = match_key(name)
        if mk not in unit_keys:
            unit_keys[mk] = key_of(name)
            departments.setdefault(unit_keys[mk], name)
        return unit_keys[mk]
    for i, (f, sid, where) in enumerate(people):
        key = keys[i]
        aliases = [f["preferred_name"]] if f["preferred_name"] and f["preferred_name"] != f["name"] else []
        batch.entities.append(Entity(
            "Person", key, f["name"], summary=f["title"], aliases=aliases, source=source, source_id=sid,
            props={k: f[k] for k in ("email", "employee_id", "slack_id", "title", "location",
                                       "start_date", "status") if f[k]}))
        team_key = key_of(f["team"]) if f["team"] else ""
        chain = [unit_key(name) for _, name in attribute_chain(f["department"], f["division"], f["organization"])]
        dept_key = chain[0] if chain else ""
        for child, parent in zip(chain, chain[1:]):
            unit_parents[child][parent] += 1
        if team_key:
            teams.setdefault(team_key, f["team"])
            batch.edges.append(Edge("MEMBER_OF", "Person", key, "Team", team_key, source=source))
            if dept_key:
                team_depts[team_key][dept_key] += 1
        elif dept_key:
            batch.edges.append(Edge("MEMBER_OF", "Person", key, "Department", dept_key, source=source))

        manager_key, manager_ref = None, f["manager_id"] or f["manager_email"]
        if f["manager_id"]:
            manager_key = by_id.get(f["manager_id"])
        if manager_key is None and f["manager_email"]:
            manager_key = by_email.get(f["manager_email"])
        if manager_ref and manager_key is None:
            batch.problems.append(Problem(where, sid, f"manager {manager_ref!r} is not in this source; "
                                                      "REPORTS_TO left out"))
        elif manager_key == key:
            batch.problems.append(Problem(where, sid, "reports to themselves; REPORTS_TO left out"))
        elif manager_key:
            batch.edges.append(Edge("REPORTS_TO", "Person", key, "Person", manager_key, source=source))

    for dept_key, name in departments.items():
        batch.entities.append(Entity("Department", dept_key, name, source=source, source_id=f"department:{name}"))
        if unit_parents[dept_key]:
            (parent, _), *others = unit_parents[dept_key].most_common()
            batch.edges.append(Edge("PART_OF", "Department", dept_key, "Department", parent, source=source))
            if others:
                batch.problems.append(Problem(f"department:{name}", dept_key,
                                              "people list several parent units: "
                                              + ", ".join(d for d, _ in unit_parents[dept_key].most_common())
                                              + f"; using {parent}"))
    for team_key, name in teams.items():
        batch.entities.append(Entity("Team", team_key, name, source=source, source_id=f"team:{name}"))
        if team_depts[team_key]:
            # HR rows can disagree (a transfer half-entered); the majority department wins.
            (dept_key, _), *others = team_depts[team_key].most_common()
            batch.edges.append(Edge("PART_OF", "Team", team_key, "Department", dept_key, source=source))
            if others:
                batch.problems.append(Problem(f"team:{name}", team_key,
                                              "members list several departments: "
                                              + ", ".join(d for d, _ in team_depts[team_key].most_common())
                                              + f"; using {dept_key}"))
    return batch


def _person_keys(people: list[tuple[dict, str, str]]) -> list[str]:
    """Keys from names ("Ana Costa" -> "ana-costa"). Namesakes get a suffix from
    their employee id (or email local part); the one with the lowest id keeps the
    plain key so keys stay stable between runs."""
    slugs = [key_of(f["name"]) or key_of(sid) for f, sid, _ in people]
    counts = Counter(slugs)
    keys = list(slugs)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(slugs):
        if counts[s] > 1:
            groups[s].append(i)
    for slug, idxs in groups.items():
        idxs.sort(key=lambda i: people[i][1])
        for i in idxs[1:]:
            f = people[i][0]
            suffix = key_of(f["employee_id"] or f["email"].split("@")[0])
            keys[i] = f"{slug}-{suffix}"[:200]
    return keys

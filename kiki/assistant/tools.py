"""The assistant's read-only graph tools. Both the offline engine and the LLM
path call these and nothing else, so an answer can only contain what a tool
returned, and the pages a tool used are known exactly (for citations).

Each tool takes the asking user (`asker`, a Person key or None) and the
`viewer` (graph.access.Viewer; None is the internal see-everything view):
every graph read filters with graph.access.visible, so a page the viewer may
not see is neither returned, linked nor counted, and personal fields follow
the field policy. Most take an optional `as_of` date ('YYYY-MM-DD') that
switches to the history-aware query.
Each tool is one call into the graph API (graph/org.py, catalog.py,
entities.py, history.py): one round trip with no retry loop, so a question
asked while Neo4j is down fails at once with GraphUnavailable.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from graph import catalog, entities, history, org
from graph.access import Viewer
from graph.model import LABEL_SLUGS, PAGE_LABELS
from graph.page_urls import page_url
from kiki.errors import InvalidInput

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Page:
    type: str
    key: str
    title: str

    @property
    def url(self) -> str:
        return page_url(self.type, self.key)

    def as_source(self) -> dict:
        return {"type": self.type, "key": self.key, "title": self.title, "url": self.url}


@dataclass
class ToolResult:
    tool: str
    args: dict
    data: Any                      # JSON-able; None when the subject was not found
    pages: list[Page] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.data is not None

    def summary(self) -> dict:
        """What we store with the conversation: the call, and which pages it used."""
        return {"tool": self.tool, "args": self.args, "found": self.found,
                "pages": [f"{p.type}:{p.key}" for p in self.pages]}


def page(label: str | None, key: str | None, name: str | None) -> Page | None:
    if label in LABEL_SLUGS and key:
        return Page(label, key, name or key)
    return None


def _pages(*candidates) -> list[Page]:
    out, seen = [], set()
    for c in candidates:
        if c is not None and (c.type, c.key) not in seen:
            seen.add((c.type, c.key))
            out.append(c)
    return out


def _as_of(as_of: str | None) -> str | None:
    if as_of in (None, ""):
        return None
    if not isinstance(as_of, str) or not _DATE.match(as_of):
        raise InvalidInput(f"as_of must be a date like 2024-01-31, not {as_of!r}", code="bad_as_of")
    return as_of


def _label_arg(label: str | None, allowed: tuple[str, ...]) -> str | None:
    if label in (None, ""):
        return None
    if label not in allowed:
        raise InvalidInput(f"type must be one of {', '.join(allowed)}, not {label!r}", code="bad_type")
    return label


def _key_arg(key) -> str:
    if not isinstance(key, str) or not key.strip():
        raise InvalidInput("key must be a non-empty page key", code="bad_key")
    return key.strip()


# --- tools ---------------------------------------------------------------------

def search(query: str, type: str | None = None,
           *, asker: str | None = None, viewer: Viewer | None = None, limit: int = 5) -> ToolResult:
    """Best matching pages for free text (hybrid when kiki.search offers passages)."""
    from kiki import search as kiki_search

    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("query must be non-empty text", code="bad_query")
    label = _label_arg(type, PAGE_LABELS)
    args = {"query": query, "type": label}
    hits = []
    passages = getattr(kiki_search, "search_passages", None)
    if passages is not None:
        try:
            for h in passages(query, limit=limit, types=[label] if label else None, viewer=viewer):
                d = h.as_dict() if hasattr(h, "as_dict") else dict(h)
                hits.append({"type": d.get("type"), "key": d.get("key"), "name": d.get("name") or d.get("title"),
                             "summary": d.get("summary") or "", "passage": d.get("passage") or d.get("text") or ""})
        except TypeError:  # a different signature: fall back to plain search below
            hits = []
    if not hits:
        for h in kiki_search.search(query, types=[label] if label else None, limit=limit, asker=asker,
                                    viewer=viewer):
            hits.append({"type": h.type, "key": h.key, "name": h.name, "summary": h.summary, "passage": ""})
    hits = [h for h in hits if h["type"] in LABEL_SLUGS][:limit]
    result = ToolResult("search", args, hits,
                        _pages(*(page(h["type"], h["key"], h["name"]) for h in hits)))
    return result


def entity(key: str, type: str | None = None,
           *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """A page's properties, a short body excerpt and its current relationships."""
    key = _key_arg(key)
    label = _label_arg(type, PAGE_LABELS)
    row = entities.entity(key, label, viewer=viewer)
    args = {"key": key, "type": label}
    if row is None:
        return ToolResult("entity", args, None)
    # graph.entities returns only allow-listed fields, personal ones per the field policy.
    props = dict(row["props"])
    withheld = props.pop("withheld", None) or []
    props = {k: (v.iso_format() if hasattr(v, "iso_format") else v) for k, v in props.items()
             if v is not None and k != "body_edited_by"}
    data = {"type": row["label"], "key": key, "name": props.get("name", key), "props": props,
            "withheld": withheld, "body": row["body"], "related": row["related"]}
    pages = [Page(row["label"], key, data["name"])]
    return ToolResult("entity", args, data, pages)


def property_as_of(key: str, field: str, as_of: str, type: str,
                   *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """One property of a page as it was on a date (ingest keeps earlier values
    as Revision nodes), e.g. a person's title last year."""
    key = _key_arg(key)
    label = _label_arg(type, PAGE_LABELS) or "Person"
    args = {"key": key, "field": field, "as_of": _as_of(as_of), "type": label}
    row = history.property_as_of(label, key, field, args["as_of"], viewer=viewer)
    if row is None:
        return ToolResult("property_as_of", args, None)
    data = {"type": label, "key": key, "field": field, "as_of": args["as_of"], "value": row["value"]}
    return ToolResult("property_as_of", args, data)


def changes(key: str, since: str, until: str, type: str | None = None,
            *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """What changed around a page between two dates (inclusive): relationships
    that started or ended (for a team or department: across its sub-teams) and
    fields that changed, including its members' (graph/history.py)."""
    key = _key_arg(key)
    label = _label_arg(type, PAGE_LABELS)
    since, until = _as_of(since), _as_of(until)
    if not since or not until or since > until:
        raise InvalidInput(f"since and until must be dates with since <= until, not {since!r}..{until!r}",
                           code="bad_window")
    args = {"key": key, "type": label, "since": since, "until": until}
    row = history.changes(key, label, since, until, viewer=viewer)
    if row is None:
        return ToolResult("changes", args, None)
    events, seen = [], set()
    for kind in ("started", "ended"):
        for e in row[kind]:
            # An edge between two pages of the scope is seen from both ends: once is enough.
            ident = (kind, e["rel"], e["date"], *sorted([e["page"]["key"], e["other"]["key"]]))
            if ident not in seen:
                seen.add(ident)
                events.append({"kind": kind, **e})
    events += [{"kind": "changed", **e} for e in row["changed"]]
    events.sort(key=lambda e: (e["date"], e["kind"]), reverse=True)
    scope = row["scope"]
    refs = [scope] + [x for e in events for x in (e["page"], e.get("other")) if x]
    data = {"scope": scope, "since": since, "until": until, "events": events}
    return ToolResult("changes", args, data,
                      _pages(*(page(x["label"], x["key"], x["name"]) for x in refs)))


_UNITS = ("Team", "Department")


def _unit_tool(tool: str, team: str, type: str | None, as_of: str | None, read: Callable[..., dict | None],
               pages_of: Callable[[dict], Any], viewer: Viewer | None, extra_args: dict | None = None,
               **params) -> ToolResult:
    """The shape every team/department tool shares: validate the arguments, one
    graph read (history-aware when a date is given), the unit's page plus
    the pages `pages_of(row)` names."""
    key = _key_arg(team)
    as_of = _as_of(as_of)
    label = _label_arg(type, _UNITS)
    args = {"team": key, **(extra_args or {}), "as_of": as_of}
    row = read(key, label, as_of=as_of, viewer=viewer, **params)
    if row is None:
        return ToolResult(tool, args, None)
    return ToolResult(tool, args, row,
                      _pages(Page(row["label"], row["key"], row["name"]), *pages_of(row)))


def _people(items: list[dict]) -> list[Page]:
    return [Page("Person", p["key"], p["name"]) for p in items]


def members(team: str, include_subteams: bool = True, *, asker: str | None = None, viewer: Viewer | None = None,
            as_of: str | None = None, type: str | None = None, limit: int = 200) -> ToolResult:
    """People who are members of a team/department (and of its sub-teams)."""
    return _unit_tool("members", team, type, as_of, org.members,
                      lambda row: _people(row["members"]), viewer,
                      {"include_subteams": bool(include_subteams)}, subteams=bool(include_subteams), limit=limit)


def headcount(team: str, *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None,
              type: str | None = None) -> ToolResult:
    """Distinct people in a team or department, sub-teams included."""
    return _unit_tool("headcount", team, type, as_of, org.headcount, lambda row: (), viewer)


def leader(team: str, *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None,
           type: str | None = None) -> ToolResult:
    """Who leads a team or department (and the parent's lead, for when nobody does)."""
    return _unit_tool("leader", team, type, as_of, org.leader,
                      lambda row: _people(row["leads"]), viewer)


def subunits(team: str, *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None,
             type: str | None = None) -> ToolResult:
    """The teams (and departments) directly under a team or department, with their leads and headcounts."""
    return _unit_tool("subunits", team, type, as_of, org.subunits,
                      lambda row: [p for t in row["teams"]
                                   for p in [Page(t["label"], t["key"], t["name"]), *_people(t["leads"])]], viewer)


def organization(*, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """The whole organization today: headcount, departments (headcount, leads), number of teams."""
    row = org.organization(viewer)
    pages = _pages(*(p for d in row["departments"]
                     for p in [Page("Department", d["key"], d["name"]), *_people(d["leads"])]))
    return ToolResult("organization", {}, row, pages)


def manager_chain(person: str,
                  *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None) -> ToolResult:
    """A person's managers, nearest first, up to the top of the org."""
    key = _key_arg(person)
    as_of = _as_of(as_of)
    args = {"person": key, "as_of": as_of}
    row = org.manager_chain(key, as_of=as_of, viewer=viewer)
    if row is None:
        return ToolResult("manager_chain", args, None)
    pages = _pages(Page("Person", key, row["person"]["name"]),
                   *(Page("Person", m["key"], m["name"]) for m in row["chain"]))
    return ToolResult("manager_chain", args, row, pages)


def direct_reports(person: str,
                   *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None) -> ToolResult:
    """People who report directly to a person."""
    key = _key_arg(person)
    as_of = _as_of(as_of)
    args = {"person": key, "as_of": as_of}
    row = org.direct_reports(key, as_of=as_of, viewer=viewer)
    if row is None:
        return ToolResult("direct_reports", args, None)
    pages = _pages(Page("Person", key, row["person"]["name"]),
                   *(Page("Person", m["key"], m["name"]) for m in row["reports"]))
    return ToolResult("direct_reports", args, row, pages)


def owner(key: str, type: str | None = None,
          *, asker: str | None = None, viewer: Viewer | None = None, as_of: str | None = None) -> ToolResult:
    """The team (or person) owning a system, process or topic, with its leads;
    for an unowned sub-system, the owner of the nearest owned parent."""
    key = _key_arg(key)
    as_of = _as_of(as_of)
    label = _label_arg(type, ("System", "Process", "Topic"))
    args = {"key": key, "type": label, "as_of": as_of}
    row = catalog.owner(key, label, as_of=as_of, viewer=viewer)
    if row is None:
        return ToolResult("owner", args, None)
    pages = [Page(row["label"], row["key"], row["name"])]
    for o in row["owners"]:
        pages.append(page(o["label"], o["key"], o["name"]))
        pages.extend(Page("Person", l["key"], l["name"]) for l in o["leads"])
    return ToolResult("owner", args, row, _pages(*pages))


def dependencies(system: str, direction: str = "out",
                 *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """What a system depends on ('out'), what depends on it ('in'), or both."""
    key = _key_arg(system)
    if direction not in ("out", "in", "both"):
        raise InvalidInput(f"direction must be out, in or both, not {direction!r}", code="bad_direction")
    args = {"system": key, "direction": direction}
    row = catalog.dependencies(key, direction, viewer)
    if row is None:
        return ToolResult("dependencies", args, None)
    pages = [Page("System", key, row["system"]["name"])]
    pages += [Page("System", d["key"], d["name"]) for d in row["uses"] + row["used_by"]]
    return ToolResult("dependencies", args, row, _pages(*pages))


def process_steps(process: str, *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """A process's steps in order, who is responsible for each, and its owner."""
    key = _key_arg(process)
    args = {"process": key}
    row = catalog.process_steps(key, viewer)
    if row is None:
        return ToolResult("process_steps", args, None)
    pages = [Page("Process", key, row["process"]["name"])]
    for s in row["steps"]:
        pages.extend(p for p in (page(r["label"], r["key"], r["name"]) for r in s["responsible"]) if p)
    for o in row["owners"]:
        pages.append(page(o["label"], o["key"], o["name"]))
    return ToolResult("process_steps", args, row, _pages(*pages))


def who_to_ask(topic: str, *, asker: str | None = None, viewer: Viewer | None = None, key: str | None = None,
               type: str | None = None) -> ToolResult:
    """Who to ask about a topic: the best matching page's owning team (or the
    team itself), its lead and Slack channel. `key`/`type` skip the text match
    when the caller already linked the entity."""
    from .linking import lucene_terms

    label = _label_arg(type, PAGE_LABELS)
    args = {"topic": topic, "key": key, "type": label}
    if key:
        row = catalog.contacts_for(_key_arg(key), label, viewer)
    else:
        if not isinstance(topic, str) or not topic.strip():
            raise InvalidInput("topic must be non-empty text", code="bad_topic")
        row = catalog.contacts_for_text(lucene_terms(topic), viewer)
    if row is None:
        return ToolResult("who_to_ask", args, None)
    pages = [Page(row["label"], row["key"], row["name"])]
    for c in row["contacts"]:
        pages.append(page(c["label"], c["key"], c["name"]))
        pages.extend(Page("Person", l["key"], l["name"]) for l in c["leads"])
    return ToolResult("who_to_ask", args, row, _pages(*pages))


# --- registry (the LLM path's function-calling schema) -----------------------------

_AS_OF_PARAM = {"type": "string", "description": "optional date YYYY-MM-DD to answer as of that day"}
_KEY = {"type": "string", "description": "the page key, e.g. 'ana-costa' (use search to find keys)"}

TOOLS: dict[str, tuple[Callable[..., ToolResult], dict]] = {
    "search": (search, {
        "description": "Find wiki pages (people, teams, departments, systems, processes, topics) matching text.",
        "properties": {"query": {"type": "string"},
                       "type": {"type": "string", "enum": list(PAGE_LABELS)}},
        "required": ["query"]}),
    "entity": (entity, {
        "description": "A page's facts, summary, body excerpt and relationships.",
        "properties": {"key": _KEY, "type": {"type": "string", "enum": list(PAGE_LABELS)}},
        "required": ["key"]}),
    "members": (members, {
        "description": "Members of a team or department.",
        "properties": {"team": _KEY, "include_subteams": {"type": "boolean"}, "as_of": _AS_OF_PARAM},
        "required": ["team"]}),
    "headcount": (headcount, {
        "description": "Number of distinct people in a team or department, sub-teams included.",
        "properties": {"team": _KEY, "as_of": _AS_OF_PARAM}, "required": ["team"]}),
    "leader": (leader, {
        "description": "Who leads a team or department.",
        "properties": {"team": _KEY, "as_of": _AS_OF_PARAM}, "required": ["team"]}),
    "subunits": (subunits, {
        "description": "The teams directly under a team or department, with their leads and headcounts.",
        "properties": {"team": _KEY, "as_of": _AS_OF_PARAM}, "required": ["team"]}),
    "organization": (organization, {
        "description": "The whole company today: total headcount, every department with its headcount and "
                       "leads, and the number of teams.",
        "properties": {}, "required": []}),
    "manager_chain": (manager_chain, {
        "description": "A person's manager and management chain up to the top.",
        "properties": {"person": _KEY, "as_of": _AS_OF_PARAM}, "required": ["person"]}),
    "direct_reports": (direct_reports, {
        "description": "People reporting directly to a person.",
        "properties": {"person": _KEY, "as_of": _AS_OF_PARAM}, "required": ["person"]}),
    "owner": (owner, {
        "description": "The team owning a system, process or topic, and its lead.",
        "properties": {"key": _KEY, "type": {"type": "string", "enum": ["System", "Process", "Topic"]},
                       "as_of": _AS_OF_PARAM},
        "required": ["key"]}),
    "dependencies": (dependencies, {
        "description": "What a system depends on (out), what depends on it (in), or both.",
        "properties": {"system": _KEY, "direction": {"type": "string", "enum": ["out", "in", "both"]}},
        "required": ["system"]}),
    "process_steps": (process_steps, {
        "description": "The ordered steps of a process and who is responsible for each.",
        "properties": {"process": _KEY}, "required": ["process"]}),
    "who_to_ask": (who_to_ask, {
        "description": "Who to ask about a topic: the owning team, its lead and Slack channel.",
        "properties": {"topic": {"type": "string"}}, "required": ["topic"]}),
    "changes": (changes, {
        "description": "What changed around a page between two dates: people who joined or left (a team or "
                       "department includes its sub-teams), lead, manager and ownership changes, changed fields.",
        "properties": {"key": _KEY, "since": _AS_OF_PARAM, "until": _AS_OF_PARAM,
                       "type": {"type": "string", "enum": list(PAGE_LABELS)}},
        "required": ["key", "since", "until"]}),
    "property_as_of": (property_as_of, {
        "description": "One field of a page (e.g. a person's title) as it was on a date.",
        "properties": {"key": _KEY, "field": {"type": "string"}, "as_of": _AS_OF_PARAM,
                       "type": {"type": "string", "enum": list(PAGE_LABELS)}},
        "required": ["key", "field", "as_of", "type"]}),
}


def openai_tool_specs() -> list[dict]:
    return [{"type": "function",
             "function": {"name": name, "description": spec["description"],
                          "parameters": {"type": "object", "properties": spec["properties"],
                                         "required": spec["required"], "additionalProperties": False}}}
            for name, (_, spec) in TOOLS.items()]


def call(name: str, args: dict, *, asker: str | None = None, viewer: Viewer | None = None) -> ToolResult:
    """Run a tool by name with arguments from the LLM; unknown names or
    arguments raise InvalidInput (the caller decides what to do)."""
    if name not in TOOLS:
        raise InvalidInput(f"unknown tool {name!r}", code="bad_tool")
    fn, spec = TOOLS[name]
    if not isinstance(args, dict):
        raise InvalidInput(f"arguments for {name} must be an object", code="bad_arguments")
    unknown = set(args) - set(spec["properties"])
    missing = [r for r in spec["required"] if r not in args]
    if unknown or missing:
        raise InvalidInput(f"bad arguments for {name}: unknown {sorted(unknown)}, missing {missing}",
                           code="bad_arguments")
    return fn(**args, asker=asker, viewer=viewer)


def result_json(result: ToolResult) -> dict:
    return {"tool": result.tool, "found": result.found, "data": result.data,
            "pages": [asdict(p) | {"url": p.url} for p in result.pages]}

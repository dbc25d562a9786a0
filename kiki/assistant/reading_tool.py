"""The LLM's way into the answer engine: one tool, `answer_question`, whose
arguments are the same Reading the offline interpreter builds (subject,
path of relations, aggregate, filters). The reading is validated against the
schema before it runs; an invalid one is refused with the reason (the model
may call again), never run."""
from __future__ import annotations

from .reading import InvalidReading, Subject, from_dict, json_schema
from .tools import Page, ToolResult

NAME = "answer_question"
DESCRIPTION = ("Answer a question about the organization or the catalog from the knowledge graph in one query: "
               "give the page it starts from (a key from search, or a name; {\"me\": true} for the asker), the "
               "relations to walk in order (e.g. ['manager', 'manager'] for someone's manager's manager), the "
               "aggregate (list, count, yesno, exists, value) and filters. Returns the answer with its reading; "
               "an invalid reading is refused with the reason.")


def spec() -> dict:
    params = json_schema()
    params["properties"]["subject"]["properties"]["me"] = {"type": "boolean",
                                                           "description": "the person asking"}
    return {"type": "function", "function": {"name": NAME, "description": DESCRIPTION, "parameters": params}}


def _link(name: str, label: str | None, viewer=None) -> Subject:
    from .engine import link_phrase

    cand = link_phrase(name, (label,) if label else (), viewer)
    if cand.status == "page" and (not label or cand.pages[0].type == label or label in ("Team", "Department")):
        p = cand.pages[0]
        return Subject("page", p.type, p.key, p.name)
    if cand.status in ("partial", "ambiguous"):
        raise InvalidReading(f"the name {name!r} fits several pages or only part of one: "
                             + ", ".join(f"{p.name} ({p.type} {p.key})" for p in cand.pages)
                             + "; use one page's key")
    raise InvalidReading(f"no page is called {name!r}; search for it first")


def call(args: dict, asker: str | None = None, viewer=None) -> ToolResult:
    """Run a reading from the model. Raises InvalidReading with the reason."""
    from .engine import execute
    from .linking import asker_context

    if not isinstance(args, dict):
        raise InvalidReading("the arguments must be a JSON object")
    args = dict(args)
    subj = args.get("subject")
    if isinstance(subj, dict) and subj.get("me"):
        me = asker_context(asker) if asker else None
        if me is None:
            raise InvalidReading("the asker is unknown; name the person instead of 'me'")
        args["subject"] = {"key": me["me"]["key"], "label": "Person", "name": me["me"]["name"]}
    reading = from_dict(args, link=lambda name, label: _link(name, label, viewer))
    out = execute(reading, asker, viewer)
    pages = [Page(s["type"], s["key"], s["title"]) for s in out.sources]
    return ToolResult(NAME, args, {"reading": out.reading, "answer": out.answer}, pages)

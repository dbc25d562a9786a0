"""A Reading compiled to the one query that answers it: its relation senses
become `graph.question_query` segments (relationship types and directions
from the lexicon, which is checked against graph.model), its filters and
subject become parameters. Also the routing: a reading whose path is exactly
one of the named tools' shapes is answered by that tool (one round trip, with
its "who would know" fallbacks); every other reading by the compiled query.
"""
from __future__ import annotations

from graph import question_query as QQ

from .reading import Reading

# (sense, aggregate) -> the ToolAnswers handler whose answer it is.
_TOOL_SHAPES = {
    ("members", "count"): "headcount", ("members", "list"): "members",
    ("lead", "list"): "leader", ("lead", "count"): "leader",
    ("owner", "list"): "owner",
    ("manager", "list"): "manager", ("chain", "list"): "chain",
    ("reports", "list"): "reports", ("reports", "count"): "reports",
    ("dependencies", "list"): "deps_out", ("dependents", "list"): "deps_in",
    ("subunits", "list"): "subteams", ("subunits", "count"): "subteams",
    # "does anyone own X?", "does Dan manage anyone?" go to the compiled query:
    # its answer starts with Yes or No and then names them.
}


# Followed by another step, these senses mean one page of those they reach:
# a person's department is the nearest (not everything above it), a person's
# team their own (see graph.question_query._PREFER).
_PREFER = {"department": "nearest", "team": "own_team"}


def tool_for(reading: Reading, namesakes: int = 1) -> str | None:
    """The ToolAnswers handler for a reading, or None for the compiled query."""
    if reading.op != "path":
        return {"describe": "what_is", "steps": "steps", "who_to_ask": "who_to_ask", "changes": "changes",
                "org": "org"}[reading.op]
    s = reading.subject
    if s is None or s.kind != "page" or namesakes > 1:
        return None
    if reading.attribute and not reading.path:
        return "attribute"
    if reading.aggregate == "value" and reading.prop and not reading.path and not reading.filters:
        return "property"
    if len(reading.path) != 1 or reading.filters or reading.path[0].repeat != 1:
        return None
    return _TOOL_SHAPES.get((reading.path[0].sense, reading.aggregate))


def compile_reading(reading: Reading) -> QQ.QuestionQuery:
    """The query shape of a reading (raises graph.errors.InvalidInput for a
    part outside the allow-lists)."""
    s = reading.subject
    steps = []
    for i, step in enumerate(reading.path):
        sense = step.spec
        segs = tuple(QQ.Segment(x.rel, x.direction, x.min, x.max, x.end) for x in sense.segments)
        # "the people in Victor's department": his own department, not also the
        # division and the organization above it
        prefer = _PREFER.get(sense.name, "") if i < len(reading.path) - 1 else ""
        for _ in range(step.repeat):
            steps.append(QQ.PathStep(segs, sense.to_labels, prefer))
    filters = tuple(f.field for f in reading.filters)
    prop = reading.prop if reading.aggregate in ("value", "yesno") else None
    return QQ.QuestionQuery(start=s.kind, start_label=s.label, steps=tuple(steps), filters=filters, prop=prop,
                            as_of=bool(reading.as_of))


def run(reading: Reading, viewer=None, start_keys: list[str] | None = None, limit: int = 50) -> list[dict]:
    """Run a reading's one query (one round trip; namesakes are several start
    keys of the same query); rows as graph.question_query.run returns them."""
    q = compile_reading(reading)
    s = reading.subject
    keys = start_keys or ([s.key] if s.kind == "page" else [])
    return QQ.run(q, start_keys=keys, title_words=list(s.title_words),
                  filters={f.field: list(f.values) for f in reading.filters},
                  prop=q.prop, target_key=reading.target.key if reading.target else None,
                  as_of=reading.as_of, limit=limit, viewer=viewer)

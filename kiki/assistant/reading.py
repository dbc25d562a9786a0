"""The interpretation of a question as a small typed structure (a Reading):
who or what it starts from, the path of relation senses it walks, the
aggregate it wants and the filters it sets. Both the offline interpreter
and the LLM (through the `answer_question` tool) produce one; `validate`
checks it against the schema before anything runs, and `describe` says it
back in words ("the manager of the manager of Ana Costa").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from graph.model import PAGE_LABELS, PAGE_PROPERTIES

from .lexicon import LIFECYCLES, PROPERTY_NAMES, SENSE_BY_NAME, Sense

AGGREGATES = ("list", "count", "yesno", "exists", "value")
OPERATIONS = ("path", "describe", "steps", "who_to_ask", "changes", "org")
FILTER_FIELDS = ("title", "location", "lifecycle", "type", "kind", "label", "within")


class InvalidReading(ValueError):
    """A reading the schema does not allow; the message names the bad part."""


@dataclass
class Subject:
    """Where a reading starts: one page, the asker, a pronoun from the
    conversation, people by title ("our chief executive"), or every page of a label."""
    kind: str                   # page | title | all
    label: str | None = None
    key: str | None = None
    name: str | None = None
    title_words: tuple[str, ...] = ()
    via: str = "name"           # name | self | context | answer | inferred

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}

    def text(self) -> str:
        if self.kind == "page":
            return self.name or self.key or "?"
        if self.kind == "title":
            return "the people whose title is " + " or ".join(self.title_words)
        return {"Person": "people", None: "everything"}.get(self.label, f"{(self.label or '').lower()}s")


@dataclass
class Step:
    sense: str
    repeat: int = 1             # "second-level manager": the manager step twice

    @property
    def spec(self) -> Sense:
        return SENSE_BY_NAME[self.sense]


@dataclass
class Filter:
    field: str
    values: tuple[str, ...]
    names: tuple[str, ...] = ()     # what the values are called, where they are keys ("within")

    def text(self) -> str:
        vals = " or ".join(self.names or self.values)
        return {"title": f"whose title says {vals}", "location": f"based in {vals}",
                "lifecycle": f"in lifecycle {vals}", "type": f"of type {vals}", "kind": f"of kind {vals}",
                "label": f"({vals.lower()} pages only)", "within": f"in {vals}"}[self.field]


@dataclass
class Reading:
    op: str = "path"
    subject: Subject | None = None
    path: list[Step] = field(default_factory=list)
    aggregate: str = "list"
    filters: list[Filter] = field(default_factory=list)
    prop: str | None = None        # aggregate "value": the property read
    target: Subject | None = None  # yes/no: is this page among the results?
    target_value: str | None = None  # yes/no on a property ("is X in production")
    target_label: str | None = None  # the label the results must have ("which teams ...")
    as_of: str | None = None
    since: str | None = None
    attribute: str | None = None   # a property the graph does not model ("budget")
    confidence: float = 1.0
    notes: list[str] = field(default_factory=list)  # how words were read ("'superior' as manager")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["subject"] = self.subject.as_dict() if self.subject else None
        d["target"] = self.target.as_dict() if self.target else None
        d["filters"] = [{"field": f.field, "values": list(f.values)} for f in self.filters]
        return d

    def describe(self, subject_text: str | None = None) -> str:
        """The reading in words, for the quiet line under an answer
        (`subject_text` replaces the subject's name, e.g. with a link)."""
        if self.op == "describe":
            return f"what Kiki knows about {self.subject.text()}" if self.subject else "a description"
        if self.op == "steps":
            return f"the steps of {self.subject.text()}" if self.subject else "the steps of a process"
        if self.op == "who_to_ask":
            return f"who to ask about {self.subject.text() if self.subject else 'it'}"
        if self.op == "changes":
            return f"what changed around {self.subject.text() if self.subject else 'it'}" + \
                (f" between {self.since} and {self.as_of}" if self.since else "")
        if self.op == "org":
            return "the whole organization: its headcount, departments and teams"
        text = subject_text or (self.subject.text() if self.subject else "?")
        for step in self.path:
            phrase = step.spec.phrase
            for _ in range(step.repeat):
                text = phrase.format(x=text)
        narrowed = [f.values[0] for f in self.filters if f.field == "label" and len(f.values) == 1]
        if narrowed and self.path:
            word = narrowed[0].lower()
            text = text.replace("team or department", word, 1).replace("teams and departments", word + "s", 1)
            text = text.replace("what ", f"the {word}s ", 1) if text.startswith("what ") else text
        kinds = [f.values[0] for f in self.filters if f.field == "kind" and len(f.values) == 1]
        if kinds and self.path and self.path[-1].sense in ("parent_system", "parts"):
            # "the system artist-lookup is part of", "the components of podcast"
            word = kinds[0].lower()
            base = self.subject.text() if not subject_text else subject_text
            inner = Reading(op=self.op, subject=self.subject, path=self.path[:-1]).describe(subject_text) \
                if len(self.path) > 1 else base
            text = (f"the {word} {inner} is part of" if self.path[-1].sense == "parent_system"
                    else f"the {word}s in {inner}")
        filters = [f for f in self.filters if not (f.field == "label" and narrowed) and
                   not (f.field == "kind" and kinds and self.path and self.path[-1].sense in ("parent_system",
                                                                                             "parts"))]
        if self.path and self.path[-1].sense in ("members",) and filters:
            text = text.replace("the people in", "the people", 1)
            text = text.replace("the people", "the people " + " and ".join(f.text() for f in filters) +
                                " in", 1) if text.startswith("the people") else text
        elif filters:
            text += " " + " and ".join(f.text() for f in filters)
        if self.aggregate == "value" and self.prop:
            text = f"the {PROPERTY_NAMES.get(self.prop, self.prop)} of {text}"
        if self.attribute:
            text = f"the {self.attribute} of {text}"
        if self.aggregate == "count":
            text = "the number of " + (("people " + text.removeprefix("everyone ")) if text.startswith("everyone ")
                                       else text.removeprefix("the "))
        elif self.aggregate == "yesno" and self.target is not None:
            text = f"whether {self.target.text()} is {text.removeprefix('the ')}" if self.path else text
        elif self.aggregate == "yesno" and self.target_value is not None:
            text = f"whether {text} is {self.target_value}"
        elif self.aggregate == "exists":
            text = f"whether there are any {text.removeprefix('the ')}"
        if self.as_of:
            text += f", on {self.as_of}"
        return text


def validate(reading: Reading) -> Reading:
    """Raise InvalidReading unless every part fits the schema: senses exist and
    chain label to label, filters and properties are allowed names."""
    if reading.op not in OPERATIONS:
        raise InvalidReading(f"unknown operation {reading.op!r}; expected one of {', '.join(OPERATIONS)}")
    if reading.aggregate not in AGGREGATES:
        raise InvalidReading(f"unknown aggregate {reading.aggregate!r}; expected one of {', '.join(AGGREGATES)}")
    s = reading.subject
    if reading.op != "org":
        if s is None:
            raise InvalidReading("the reading has no subject")
        if s.kind not in ("page", "title", "all"):
            raise InvalidReading(f"unknown subject kind {s.kind!r}")
        if s.kind == "page" and (s.label not in PAGE_LABELS or not s.key):
            raise InvalidReading("a page subject needs a page label and key")
        if s.kind == "all" and s.label not in PAGE_LABELS:
            raise InvalidReading(f"unknown label {s.label!r}")
        if s.kind == "title" and not s.title_words:
            raise InvalidReading("a title subject needs title words")
    labels = {s.label} if s and s.label else {"Person"} if s and s.kind == "title" else set(PAGE_LABELS)
    if len(reading.path) > 6:
        raise InvalidReading("a path may have at most 6 steps")
    for step in reading.path:
        sense = SENSE_BY_NAME.get(step.sense)
        if sense is None:
            raise InvalidReading(f"unknown relation {step.sense!r}; expected one of {', '.join(SENSE_BY_NAME)}")
        if not 1 <= step.repeat <= 6:
            raise InvalidReading(f"step {step.sense!r}: repeat must be 1..6")
        if not labels & set(sense.from_labels):
            raise InvalidReading(f"relation {step.sense!r} starts from {'/'.join(sense.from_labels)}, "
                                 f"not from {'/'.join(sorted(l for l in labels if l))}")
        if step.repeat > 1 and not (set(sense.to_labels) & set(sense.from_labels)):
            raise InvalidReading(f"relation {step.sense!r} cannot be repeated")
        labels = set(sense.to_labels)
    for f in reading.filters:
        if f.field not in FILTER_FIELDS:
            raise InvalidReading(f"unknown filter {f.field!r}; expected one of {', '.join(FILTER_FIELDS)}")
        if not f.values or not all(isinstance(v, str) and v.strip() for v in f.values):
            raise InvalidReading(f"filter {f.field!r} needs non-empty text values")
        if f.field == "label" and not set(f.values) <= set(PAGE_LABELS):
            raise InvalidReading(f"filter label: unknown label in {list(f.values)}")
        if f.field == "lifecycle" and not set(v.lower() for v in f.values) <= set(LIFECYCLES.values()):
            raise InvalidReading(f"filter lifecycle: expected one of {', '.join(sorted(set(LIFECYCLES.values())))}")
    if reading.aggregate == "value":
        if not reading.prop:
            raise InvalidReading("aggregate 'value' needs a property")
        if not any(reading.prop in PAGE_PROPERTIES.get(l, ()) for l in labels):
            raise InvalidReading(f"property {reading.prop!r} is not recorded for {'/'.join(sorted(labels))}")
    if reading.target is not None and (reading.target.kind != "page" or not reading.target.key):
        raise InvalidReading("a yes/no target must be a page")
    return reading


def from_dict(data: dict, link=None) -> Reading:
    """A Reading from JSON (the LLM's tool arguments). `link(name, label)`
    resolves a page named by the model to a Subject. Raises InvalidReading."""
    if not isinstance(data, dict):
        raise InvalidReading("the reading must be a JSON object")

    def subject(d, what):
        if d is None:
            return None
        if not isinstance(d, dict):
            raise InvalidReading(f"{what} must be an object")
        if d.get("title"):
            return Subject("title", "Person", title_words=tuple(str(d["title"]).lower().split()))
        if d.get("all"):
            return Subject("all", str(d["all"]))
        key, label, name = d.get("key"), d.get("label"), d.get("name")
        if not key and name and link is not None:
            found = link(str(name), label)
            if found is None:
                raise InvalidReading(f"{what}: no page is called {name!r}; search for it first")
            return found
        if not key:
            raise InvalidReading(f"{what} needs a page key (from search) or a name")
        return Subject("page", label, str(key), str(name or key))

    try:
        reading = Reading(
            op=str(data.get("operation") or "path"),
            subject=subject(data.get("subject"), "subject"),
            path=[Step(str(p["relation"]) if isinstance(p, dict) else str(p),
                       int(p.get("repeat", 1)) if isinstance(p, dict) else 1) for p in data.get("path") or []],
            aggregate=str(data.get("aggregate") or "list"),
            filters=[Filter(str(f["field"]), tuple(str(v) for v in (f["values"] if isinstance(f["values"], list)
                                                                       else [f["values"]])))
                     for f in data.get("filters") or []],
            prop=data.get("property") or None,
            target=subject(data.get("target"), "target"),
            target_value=data.get("target_value") or None,
            as_of=data.get("as_of") or None,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidReading(f"malformed reading: {e}") from e
    return validate(reading)


def json_schema() -> dict:
    """The tool parameters the LLM fills: the same structure, as JSON Schema."""
    page = {"type": "object", "properties": {
        "key": {"type": "string", "description": "page key from search"},
        "label": {"type": "string", "enum": list(PAGE_LABELS)},
        "name": {"type": "string"},
        "title": {"type": "string", "description": "people by job title instead of a page"},
        "all": {"type": "string", "enum": list(PAGE_LABELS), "description": "every page of this label"}}}
    return {"type": "object", "properties": {
        "operation": {"type": "string", "enum": list(OPERATIONS)},
        "subject": page,
        "path": {"type": "array", "items": {"type": "object", "properties": {
            "relation": {"type": "string", "enum": list(SENSE_BY_NAME)},
            "repeat": {"type": "integer", "minimum": 1, "maximum": 6}}, "required": ["relation"]},
            "description": "relations walked from the subject, in order: "
                           + "; ".join(f"{s.name}: {s.phrase.format(x='X')}" for s in SENSE_BY_NAME.values())},
        "aggregate": {"type": "string", "enum": list(AGGREGATES)},
        "filters": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string", "enum": list(FILTER_FIELDS),
                      "description": "within: the keys of teams or departments the results are members of"},
            "values": {"type": "array", "items": {"type": "string"}}}, "required": ["field", "values"]}},
        "property": {"type": "string", "enum": sorted({p for ps in PAGE_PROPERTIES.values() for p in ps})},
        "target": page,
        "target_value": {"type": "string"},
        "as_of": {"type": "string", "description": "YYYY-MM-DD"}},
        "required": ["subject"]}

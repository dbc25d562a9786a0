"""What a conversation remembers between questions: the page discussed
(for "it", "they"), the one page the last answer named (a lead, a manager:
"who leads Payments? … who does she report to?") and the last reading, so
"what about Risk Data?" asks the same thing about another page."""
from __future__ import annotations

import re

from .reading import Filter, Reading, Step, Subject

_FOLLOWUP = re.compile(r"^(?:and what about |and how about |and for |what about |how about |same for |what of |"
                       r"and )(?P<x>.+)$", re.I)


def reading_from_state(d: dict) -> Reading:
    return Reading(op=d.get("op", "path"), subject=Subject(**{k: (tuple(v) if k == "title_words" else v)
                                                                for k, v in d["subject"].items()}),
                   path=[Step(p["sense"], p.get("repeat", 1)) for p in d.get("path", [])],
                   aggregate=d.get("aggregate", "list"),
                   filters=[Filter(f["field"], tuple(f["values"])) for f in d.get("filters", [])],
                   prop=d.get("prop"), target_value=d.get("target_value"), attribute=d.get("attribute"))


def followup_subject(question: str, state: dict | None) -> tuple[str, dict] | None:
    """("Risk Data", last reading) for "what about Risk Data?" when the
    conversation has a reading to repeat; None otherwise."""
    m = _FOLLOWUP.match(question.strip())
    last = (state or {}).get("last_reading")
    if not m or not last:
        return None
    phrase = m.group("x").strip()
    if re.match(r"^(?:who|what|which|how|where|when|is|does|do)\b", phrase, re.I):
        return None  # "and who leads it?" is a question of its own
    return phrase, last


def next_state(state: dict | None, out) -> dict:
    """The conversation state after an answer (`out` is an engine Outcome)."""
    new = dict(state or {})
    if out.entity:
        new["last_entity"] = out.entity
    new.pop("last_answer", None)
    if out.answered:
        new["last_answer"] = out.answered
    plan = out.plan or {}
    if plan.get("intent") == "compound":
        plan = plan["parts"][-1]
    reading = plan.get("interpretation")
    if reading and reading.get("subject") and reading.get("op") not in ("org",) and \
            reading["subject"].get("kind") == "page":
        new["last_reading"] = {k: v for k, v in reading.items() if k not in ("as_of", "since", "notes", "target",
                                                                              "confidence")}
    return new

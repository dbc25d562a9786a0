"""Kiki's answer engine. The contract other apps call:

    ask(question, asker=None, conversation=None, channel="web", viewer=None, owner=None) -> dict
    ask_stream(...) -> iterator of {"type": "delta", "text"} ... {"type": "done", **result}
    rate(message_id, score, user=None, comment="")

The result dict: answer (markdown with links to wiki pages), sources (the pages
the answer cites), reading (how the question was understood, in words; None
for greetings), mode ("llm" | "offline"), conversation, message_id, note
(always set: every answer is labelled AI-generated and names its mode), label.
`viewer` (graph.access.Viewer) is what the reader may see: every graph read
runs as it, and links in the answer point only at pages the answer cites;
None is the internal see-everything view (jobs, benchmarks, tests).
`ask` never raises for ordinary failures (LLM down -> offline with a note);
it raises InvalidInput for an empty question or unknown conversation, and
GraphUnavailable if Neo4j is down.
"""
from __future__ import annotations

import logging
import time
from typing import Iterator

from kiki.errors import InvalidInput

from . import conversations, engine, llm, llm_slots
from .answer import AI_LABEL, FALLBACK_NOTE, LLM_NOTE, OFFLINE_NOTE, neutralize_links

log = logging.getLogger(__name__)

MAX_QUESTION = 2000

__all__ = ["ask", "ask_stream", "rate"]


def _check(question, channel) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidInput("question must be non-empty text", code="missing_question")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(f"question is longer than {MAX_QUESTION} characters", code="question_too_long")
    if not isinstance(channel, str) or not channel:
        raise InvalidInput("channel must be text", code="bad_channel")
    return question.strip()


def _offline(question, asker, state, note, viewer=None):
    out = engine.answer(question, asker, state, viewer)
    calls = [r.summary() for r in out.tools]
    return {"answer": neutralize_links(out.answer, out.sources), "sources": out.sources, "mode": "offline",
            "note": note, "reading": out.reading}, {**out.plan, "reading": out.reading}, calls, \
        engine.next_state(state, out)


def ask_stream(question: str, asker: str | None = None, conversation: str | None = None,
               channel: str = "web", viewer=None, owner: str | None = None) -> Iterator[dict]:
    """Like ask(), streaming the answer as it is written. Events: delta (text
    to append), reset (discard the text so far: the model failed mid-answer and
    the offline answer follows), done (the full result, as ask() returns)."""
    question = _check(question, channel)
    conv = conversations.load(conversation, asker, channel, owner)
    asker = asker or None
    started = time.perf_counter()
    state = dict(conv.state or {})
    result = None
    if llm.configured():
        streamed = False
        try:
            for kind, value in llm_slots.limited(llm.run(question, asker, conversations.history(conv), viewer=viewer)):
                if kind == "delta":
                    streamed = True
                    yield {"type": "delta", "text": value}
                elif kind == "reset":
                    streamed = False
                    yield {"type": "reset"}
                else:
                    out = value
                    result = {"answer": neutralize_links(out.answer, out.sources), "sources": out.sources,
                              "mode": "llm", "note": LLM_NOTE, "reading": out.reading or _llm_reading(out)}
                    plan = {"engine": "llm", "rounds": out.rounds, "reading": result["reading"]}
                    calls = out.calls
                    if out.entity:
                        state["last_entity"] = out.entity
                    state.pop("last_answer", None)  # only the offline engine knows what it named
        except llm.LLMUnavailable as e:
            log.warning("LLM unavailable, answering offline: %s", e)
            if streamed:
                yield {"type": "reset"}
            result = None
            fallback_reason = str(e)
        else:
            fallback_reason = None
        if result is None:
            result, plan, calls, state = _offline(question, asker, state, FALLBACK_NOTE, viewer)
            plan["llm_error"] = fallback_reason
            yield from _deltas(result["answer"])
    else:
        result, plan, calls, state = _offline(question, asker, state, OFFLINE_NOTE, viewer)
        yield from _deltas(result["answer"])
    latency = int((time.perf_counter() - started) * 1000)
    message = conversations.record(conv, question=question, result=result, plan=plan, tools_called=calls,
                                   latency_ms=latency, asker=asker, channel=channel, state=state)
    yield {"type": "done", **result, "label": AI_LABEL, "conversation": str(conv.pk),
           "message_id": str(message.pk), "latency_ms": latency}


def _llm_reading(out) -> str:
    used = sorted({c["tool"] for c in out.calls if c.get("found", True)})
    return "read by the language model" + (f", using {', '.join(used)}" if used else ", without tools")


def _deltas(text: str) -> Iterator[dict]:
    for line in text.splitlines(keepends=True):
        yield {"type": "delta", "text": line}


def ask(question: str, asker: str | None = None, conversation: str | None = None, channel: str = "web",
        viewer=None, owner: str | None = None) -> dict:
    """Answer a question (see the module docstring for the result shape).
    `owner` (kiki.identity.principal_for) is who the conversation belongs to:
    continuing someone else's raises InvalidInput; None is an internal caller."""
    done = None
    for event in ask_stream(question, asker, conversation, channel, viewer=viewer, owner=owner):
        if event["type"] == "done":
            done = event
    result = dict(done)
    result.pop("type")
    return result


def rate(message_id: str, score: int, user: str | None = None, comment: str = "", owner: str | None = None) -> dict:
    """Record a rating (+1/-1) for an answer; raises InvalidInput for an unknown id, a bad score,
    or (with `owner`) an answer given to someone else."""
    r = conversations.rate(message_id, score, user, comment, owner=owner)
    return {"message_id": str(r.message_id), "score": r.score}

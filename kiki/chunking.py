"""Turns one entity (its text plus a few facts from the graph) into passages
for embedding: a first "facts" passage (name, kind, summary, who/what it is
connected to), then the markdown body split on headings and paragraphs into
passages of roughly MIN_WORDS..MAX_WORDS words.

Pure functions over the dicts `graph.chunks.ENTITY_DOCS` returns, so they are
cheap to test and deterministic: the same entity always yields the same
passages, which is what lets indexing skip unchanged ones by hash.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kiki import md

MIN_WORDS = 100
MAX_WORDS = 200
SHORT_BODY_WORDS = 60  # a body this short joins the facts passage instead of getting its own
MAX_LISTED = 8  # names listed per fact ("owns A, B, C ... and 12 more")


@dataclass(frozen=True)
class Passage:
    ordinal: int      # 0 = facts, then body passages in reading order
    text: str         # what a reader (or the assistant) sees
    embed_text: str   # what is embedded: the text with the entity's name and section for context

    def hash(self, model: str) -> str:
        return hashlib.sha1(f"{model}\n{self.embed_text}".encode()).hexdigest()


def _names(values, limit: int = MAX_LISTED) -> str:
    values = [v for v in (values or []) if v]
    if not values:
        return ""
    shown = ", ".join(values[:limit])
    more = len(values) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def _sentence(prefix: str, values) -> str:
    listed = _names(values)
    return f"{prefix} {listed}." if listed else ""


def facts_text(doc: dict) -> str:
    """One paragraph saying what the entity is and how it sits in the graph."""
    label, name = doc["label"], doc["name"]
    props = doc.get("props") or {}
    parts: list[str] = []
    if label == "Person":
        title = props.get("title")
        teams = _names(doc.get("member_of"))
        head = f"{name} is {title}" if title else f"{name} is a person"
        parts.append(f"{head} in {teams}." if teams else f"{head}.")
        parts.append(_sentence("Reports to", doc.get("reports_to")))
        parts.append(_sentence("Leads", doc.get("leads")))
        if props.get("location"):
            parts.append(f"Based in {props['location']}.")
        if props.get("status") == "former":
            parts.append("Former employee.")
    elif label in ("Team", "Department"):
        parent = _names(doc.get("part_of"))
        parts.append(f"{name} is a {label.lower()}" + (f" in {parent}." if parent else "."))
        parts.append(_sentence("Led by", doc.get("led_by")))
        parts.append(_sentence("Teams:", doc.get("parts")))
        parts.append(_sentence("Owns", doc.get("owns")))
        if props.get("slack_channel"):
            parts.append(f"Slack channel {props['slack_channel']}.")
    elif label == "System":
        kind = " ".join(str(props[k]) for k in ("lifecycle", "type", "kind") if props.get(k)) or "system"
        parts.append(f"{name} is a {kind}.")
        parts.append(_sentence("Owned by", doc.get("owned_by")))
        parts.append(_sentence("Part of", doc.get("part_of")))
        parts.append(_sentence("Depends on", doc.get("depends_on")))
        parts.append(_sentence("Provides APIs", doc.get("provides_api")))
        parts.append(_sentence("Consumes APIs", doc.get("consumes_api")))
    else:  # Process, Topic
        parts.append(f"{name} is a {label.lower()}.")
        parts.append(_sentence("Owned by", doc.get("owned_by")))
    aliases = [a for a in (doc.get("aliases") or []) if a and a != name]
    if aliases:
        parts.append(f"Also known as {_names(aliases)}.")
    if doc.get("summary"):
        parts.append(doc["summary"].strip())
    return " ".join(p for p in parts if p)


def _steps_blocks(doc: dict) -> list[str]:
    steps = sorted(doc.get("steps") or [], key=lambda s: (s.get("order") or 0))
    blocks = []
    for s in steps:
        line = f"Step {s.get('order')}: {s.get('name') or ''}"
        if s.get("summary"):
            line += f" - {s['summary']}"
        if s.get("responsible"):
            line += f" (responsible: {_names(s['responsible'])})"
        blocks.append(line)
    return blocks


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def plain(text: str) -> str:
    """Markdown reduced to its words for embedding: link targets and emphasis
    marks only add noise tokens (and a 256-token model has few to spare)."""
    return md.plain_text(text)


def split_sections(body: str) -> list[tuple[str, list[str]]]:
    """[(heading path, [paragraph, ...])]; fenced code stays one paragraph."""
    sections: list[tuple[str, list[str]]] = []
    headings: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    current: list[str] = []
    in_fence = False

    def end_paragraph():
        if current:
            text = "\n".join(current).strip()
            if text:
                paragraphs.append(text)
            current.clear()

    def end_section():
        end_paragraph()
        if paragraphs:
            sections.append((" > ".join(h for _, h in headings), list(paragraphs)))
            paragraphs.clear()

    for line in (body or "").splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            current.append(line)
            continue
        if in_fence:
            current.append(line)
            continue
        h = md.heading(line)
        if h:
            end_section()
            level, title = h
            headings[:] = [x for x in headings if x[0] < level] + [(level, title)]
            continue
        if not line.strip():
            end_paragraph()
        else:
            current.append(line)
    end_section()
    return sections


def _split_long(paragraph: str) -> list[str]:
    """A paragraph over MAX_WORDS, cut at sentence ends (or at words if it must)."""
    pieces: list[str] = []
    buf: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        words = sentence.split()
        while len(words) > MAX_WORDS:  # one giant "sentence", e.g. a list without stops
            if buf:
                pieces.append(" ".join(buf))
                buf = []
            pieces.append(" ".join(words[:MAX_WORDS]))
            words = words[MAX_WORDS:]
        if buf and len(buf) + len(words) > MAX_WORDS:
            pieces.append(" ".join(buf))
            buf = []
        buf.extend(words)
    if buf:
        pieces.append(" ".join(buf))
    return pieces


def pack(paragraphs: list[str]) -> list[str]:
    """Greedily join paragraphs into passages: a passage closes once it holds
    MIN_WORDS or the next paragraph would push it past MAX_WORDS."""
    out: list[str] = []
    buf: list[str] = []
    count = 0
    for para in paragraphs:
        n = len(para.split())
        pieces = _split_long(para) if n > MAX_WORDS else [para]
        for piece in pieces:
            n = len(piece.split())
            if buf and (count >= MIN_WORDS or count + n > MAX_WORDS):
                out.append("\n\n".join(buf))
                buf, count = [], 0
            buf.append(piece)
            count += n
    if buf:
        out.append("\n\n".join(buf))
    return out


def passages(doc: dict) -> list[Passage]:
    """The entity's passages: facts first, then process steps, then the body."""
    name = doc["name"]
    facts = facts_text(doc)  # already opens with the name and what it is
    body = (doc.get("body") or "").strip()
    if body and len(body.split()) <= SHORT_BODY_WORDS and not md.heading(body.splitlines()[0]):
        # A short note reads best with its facts, and it halves the passages
        # (and embedding time) of a typical person page.
        facts, body = f"{facts}\n\n{body}", ""
    result = [Passage(0, facts, plain(facts))]
    for text in pack(_steps_blocks(doc)):
        result.append(Passage(len(result), text, f"{name} steps: {text}"))
    for heading, paras in split_sections(body):
        context = f"{name} - {heading}" if heading else name
        for text in pack(paras):
            result.append(Passage(len(result), text, f"{context}: {plain(text)}"))
    return result

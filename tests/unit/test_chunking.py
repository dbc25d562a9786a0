"""Chunking of page text into passages (pure functions, no server)."""
from __future__ import annotations

from kiki import chunking


def _para(topic: str, n: int = 60) -> str:
    words = f"{topic} notes about how the {topic} work is planned reviewed and shipped".split()
    return " ".join(words[i % len(words)] for i in range(n)) + "."


RUNBOOK = "\n\n".join([
    "# Runbook", _para("oncall", 120),
    "## Clusters", _para("cluster", 150),
    "## Deploys", _para("deploy", 150),
])


def test_body_splits_on_headings_into_bounded_passages():
    doc = {"label": "Team", "key": "platform", "name": "Platform", "summary": "S", "body": RUNBOOK}
    passages = chunking.passages(doc)
    assert passages[0].ordinal == 0 and passages[0].text.startswith("Platform is a team")
    body = passages[1:]
    assert [p.ordinal for p in body] == list(range(1, len(body) + 1))
    assert all(len(p.text.split()) <= chunking.MAX_WORDS for p in body)
    assert any(p.embed_text.startswith("Platform - Runbook > Clusters:") for p in body)
    assert any(p.embed_text.startswith("Platform - Runbook > Deploys:") for p in body)
    # Deterministic: same doc, same passages (hence same hashes).
    assert [p.hash("m") for p in chunking.passages(doc)] == [p.hash("m") for p in passages]


def test_short_paragraphs_are_packed_and_long_ones_cut_at_sentences():
    short = ["one two three"] * 50          # 150 words in tiny paragraphs
    packed = chunking.pack(short)
    assert all(chunking.MIN_WORDS <= len(p.split()) <= chunking.MAX_WORDS for p in packed[:-1])
    long = " ".join(f"Sentence number {i} has six words." for i in range(100))  # 600 words
    pieces = chunking.pack([long])
    assert len(pieces) >= 3 and all(len(p.split()) <= chunking.MAX_WORDS for p in pieces)
    assert all(p.endswith(".") for p in pieces)


def test_fenced_code_is_not_split_on_blank_lines_or_headings():
    body = "Intro.\n\n```\n# not a heading\n\nstill code\n```\n\nAfter."
    sections = chunking.split_sections(body)
    assert sections == [("", ["Intro.", "```\n# not a heading\n\nstill code\n```", "After."])]

"""Slack rendering and text handling that needs no server: Markdown to
mrkdwn, Slack's <...> tokens in questions, channel references, and splitting
long answers within Slack's limits."""
from __future__ import annotations

from slackbot import blocks
from tests.slack_standin import BOT_USER

BASE = "https://kiki.example.test"


def test_markdown_becomes_slack_mrkdwn(settings):
    settings.KIKI_BASE_URL = BASE
    md = ("## Owners\n**[Ana\\_Costa](/person/ana-costa)** leads [Payments](/team/payments) & *more* <b>\n"
          "- first\n* second `a*b*`\n\n```\n**kept**\n```")
    out = blocks.to_mrkdwn(md)
    assert out.splitlines()[0] == "*Owners*"
    assert f"*<{BASE}/person/ana-costa|Ana_Costa>* leads <{BASE}/team/payments|Payments> &amp; _more_ &lt;b&gt;" in out
    assert "• first\n• second `a*b*`" in out
    assert "```\n**kept**\n```" in out


def test_slack_tokens_in_questions_are_made_readable():
    from slackbot.answering import clean_text

    text = (f"<@{BOT_USER}> who owns <#C0123ABCD|payments-team> and "
            "<https://kiki.example.test/system/billing-api|Billing API>? &lt;urgent&gt; <!here>")
    assert clean_text(text, BOT_USER) == "who owns #payments-team and Billing API? <urgent>"


def test_channel_references():
    assert blocks.channel_ref("C0123ABCD") == "<#C0123ABCD>"
    assert blocks.channel_ref("#payments-team") == "*#payments-team*"
    assert blocks.channel_ref("a<b") == "*#a&lt;b*"


def test_long_answers_are_split_within_slack_limits(settings):
    settings.KIKI_BASE_URL = BASE
    para = " ".join(f"[Person {i}](/person/p-{i}) works on things." for i in range(40))
    long_md = "\n\n".join([para] * 60)          # ~150,000 characters
    result = {"answer": long_md, "mode": "offline", "message_id": "m-1", "note": None,
              "sources": [{"type": "Person", "key": f"p-{i}", "title": f"Person {i}", "url": f"/person/p-{i}"}
                          for i in range(300)]}
    messages = blocks.answer_messages(result)
    assert len(messages) > 1
    for msg in messages:
        assert 1 <= len(msg) <= blocks.MAX_BLOCKS
        for b in msg:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= blocks.SECTION_LIMIT
                # a cut never leaves a half link
                assert b["text"]["text"].count("<") == b["text"]["text"].count(">")
    assert messages[-1][-1]["type"] == "actions"
    assert sum(1 for m in messages for b in m if b["type"] == "actions") == 1
    joined = "".join(b["text"]["text"] for m in messages for b in m if b["type"] == "section")
    assert joined.count(f"<{BASE}/person/p-39|Person 39>") == 60 + 1   # 60 in the answer, 1 source

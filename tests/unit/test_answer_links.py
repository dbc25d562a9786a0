"""Links in answers, without Neo4j: the server rebuilds links from the cited
pages only (kiki.assistant.answer.neutralize_links), Slack mrkdwn keeps only
wiki page links and escapes Slack's special syntax (slackbot/blocks.py), and
the chat panel's script renders a link only to a cited page (run in node).
Each test asserts the planted link or mention is absent from the output."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kiki.assistant.answer import neutralize_links
from slackbot import blocks


def test_links_are_rebuilt_only_from_cited_pages_on_the_server():
    sources = [{"url": "/system/risk-engine"}]
    text = ("[Risk Engine](/system/risk-engine) [Reset your password here](//evil.example) "
            "[x](/person/not-cited) ![p](https://evil.example/p.png) <!here> <https://evil.example|click>")
    out = neutralize_links(text, sources)
    assert "[Risk Engine](/system/risk-engine)" in out
    assert "//evil.example)" not in out and "(/person/not-cited)" not in out and "![p]" not in out
    mrkdwn = blocks.to_mrkdwn(out)
    assert "<https://kiki" in mrkdwn or "<http" in mrkdwn       # the cited page stays a link
    assert "<!here>" not in mrkdwn and "<https://evil" not in mrkdwn and "&lt;!here&gt;" in mrkdwn


def test_slack_mrkdwn_neutralises_links_and_specials_even_in_raw_markdown():
    raw = ("See [Reset your password here](//evil.example) and [Risk](/system/risk-engine); "
           "`<!channel>` <!here> <https://evil.example|click> ![i](https://evil.example/i.png)")
    out = blocks.to_mrkdwn(raw)
    assert "<!here>" not in out and "<!channel>" not in out and "<https://evil" not in out
    assert "<//evil" not in out and "evil.example/i.png|" not in out
    assert "/system/risk-engine|Risk>" in out
    section = blocks.answer_messages({"answer": raw, "sources": [{"url": "//evil.example", "title": "x"}]})[0]
    assert all(b["text"].get("verbatim") for b in section if b.get("type") == "section")
    assert "//evil.example" not in json.dumps([b for b in section if "Sources" in json.dumps(b)])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the chat panel's script")
def test_chat_panel_script_renders_only_cited_page_links():
    script = Path(__file__).resolve().parents[2] / "static" / "assistant.js"
    md = ("[Ana](/person/ana-costa) [Reset your password here](//evil.example) \\[esc\\](//evil.example) "
          "![p](/person/ana-costa) [uncited](/team/payments) <img src=x onerror=alert(1)> **b**")
    js = (f"global.window={{}};global.document={{readyState:'complete',querySelectorAll:()=>[]}};"
          f"require({json.dumps(str(script))});"
          f"process.stdout.write(window.KikiChat.renderMarkdown({json.dumps(md)}, [{{url:'/person/ana-costa'}}]));")
    html = subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=30, check=True).stdout
    assert '<a href="/person/ana-costa">Ana</a>' in html
    assert html.count("<a ") == 1, html                     # no evil, no uncited, no image link
    assert "<img" not in html and "evil.example\"" not in html and 'href="//' not in html
    assert "Reset your password here" in html and "<strong>b</strong>" in html

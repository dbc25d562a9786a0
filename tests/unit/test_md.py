"""kiki.md: links, headings and plain text from markdown-it-py's tokens."""
from __future__ import annotations

from kiki import md


def test_links_with_their_spans_labels_and_destinations():
    text = 'Ask [Ana\\_Costa **now**](/person/ana-costa "title") or [docs](<../Other Doc.md>).'
    a, b = md.links(text)
    assert (a.text, a.label, a.href) == ("Ana_Costa now", "Ana\\_Costa **now**", "/person/ana-costa")
    assert text[a.start:a.end] == '[Ana\\_Costa **now**](/person/ana-costa "title")'
    assert (b.href, b.dest) == ("../Other%20Doc.md", "../Other Doc.md")


def test_code_and_images_hold_no_links():
    text = "`[no](/a)` and\n```\n[nor](/b)\n```\n![diagram](/c.png) but [yes](/d)"
    assert [l.href for l in md.links(text)] == ["/d"]
    assert [(l.href, l.image) for l in md.links(text, images=True)] == [("/c.png", True), ("/d", False)]


def test_replace_links_keeps_everything_else_byte_for_byte():
    text = "A \\*literal\\* [one](/x), [two [nested]](/y)\n\n- item [three](/z)\n"
    out = md.replace_links(text, lambda l: f"<{l.label}>")
    assert out == "A \\*literal\\* <one>, <two [nested]>\n\n- item <three>\n"
    assert md.replace_links("no links here", lambda l: "x") == "no links here"


def test_headings():
    assert md.heading("## Setup ##") == (2, "Setup")
    assert md.heading("   # Indented") == (1, "Indented")
    assert md.heading("    # four spaces is code") is None
    assert md.heading("#hashtag") is None and md.heading("####### seven") is None
    assert md.heading("plain text") is None


def test_plain_text():
    assert md.plain_text("**Bold**, *it*, `code`, [link](/x), ![alt](/p.png), snake_case\nnext") == \
        "Bold, it, code, link, alt, snake_case\nnext"


def test_an_autolink_is_text_not_a_link_and_does_not_break_reading():
    text = "[Ana](/person/ana-costa) <https://evil.example|click> <https://evil.example/x>"
    assert [link.dest for link in md.links(text, images=True)] == ["/person/ana-costa"]
    assert md.replace_links(text, lambda link: link.text) == "Ana <https://evil.example|click> <https://evil.example/x>"


def test_wiki_links_read_as_their_text_and_code_holds_none():
    text = "Ask [[team:payments|the payments team]] or [[Ana Costa]].\n\n    [[In Code]]\n\n`[[span]]`"
    assert md.plain_text("Ask [[team:payments|the payments team]] or [[Ana Costa]].") == \
        "Ask the payments team or Ana Costa."
    links = md.wiki_links(text)
    assert [(ln.label, ln.key, ln.name) for ln in links] == [("Team", "payments", None), (None, None, "Ana Costa")]
    assert md.wiki_links("[[nope:x]]")[0].error.startswith("unknown page type 'nope'")

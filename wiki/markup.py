"""Article Markdown -> sanitized HTML, on markdown-it-py tokens: CommonMark
with tables and strikethrough, headings with anchors (one level down, since
the page title is the only <h1>) and a table of contents, and wiki links:

- `[[Page name]]` links the page of that name (first letter either case);
- `[[type:key]]` / `[[type:key|label]]` links a page by type and key.

Targets are resolved in one graph round trip per article. A missing target
is a red link offering to create a Topic page; a malformed one (unknown
type, bad key, empty) is shown as text marked invalid. The HTML always goes
through nh3 with an allow-list, whatever the article contains.

What a wiki link is (its syntax and parsing) is the shared Markdown
reading's, kiki.md; this module renders articles to HTML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from slugify import slugify

from graph.page_urls import index_url, page_url
from kiki.md import WikiLink, wikilink_rule

MAX_WIKI_LINKS = 500  # resolved per article; the rest render as plain links to search
TOC_MIN_HEADINGS = 3

_ALLOWED_ATTRS = {**{k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()},
                  "a": {"href", "hreflang", "title"}, "abbr": {"title"},
                  **{f"h{i}": {"id"} for i in range(2, 7)},
                  "th": {"style"}, "td": {"style"}}
_ALLOWED_CLASSES = {"a": {"wikilink", "new"}, "span": {"invalid-link"}}
_CLEAN_STYLES = {"text-align"}


def _render_wikilink(self, tokens, idx, options, env) -> str:
    from django.utils.html import escape
    link: WikiLink = tokens[idx].meta["link"]
    text = escape(link.text)
    if link.error:
        return f'<span class="invalid-link" title="{escape("Invalid wiki link: " + link.error)}">[[{escape(link.raw)}]]</span>'
    target = env.get("resolved", {}).get(_lookup_id(link))
    if target:
        return f'<a class="wikilink" href="{escape(page_url(target["label"], target["key"]))}">{text}</a>'
    name = link.name or link.text
    query = {"name": name}
    if link.key:
        query["key"] = link.key
    return (f'<a class="wikilink new" href="{index_url("Topic")}new?{escape(urlencode(query))}" '
            f'title="{escape(name)} (no such page yet: create it)">{text}</a>')


def _lookup_id(link: WikiLink) -> str:
    return f"{link.label}:{link.key}" if link.key else f"name:{link.name}"


def _slug(text: str) -> str:
    return slugify(text, max_length=80) or "section"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    anchors_plugin(md, min_level=1, max_level=4, slug_func=_slug)
    return md


_MD = _parser()


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)  # {level, id, text}
    invalid_links: list[WikiLink] = field(default_factory=list)


def render(text: str, resolve=None) -> Rendered:
    """Render an article; `resolve(links)` maps lookup ids to {label, key} for
    the targets that exist (graph.pages.resolve_wiki_links)."""
    if not text:
        return Rendered("")
    env: dict = {}
    tokens = _MD.parse(text, env)
    links, toc = [], []
    for i, tok in enumerate(tokens):
        if tok.type in ("heading_open", "heading_close"):
            level = int(tok.tag[1])
            tok.tag = f"h{min(6, level + 1)}"
            if tok.type == "heading_open" and tok.attrs.get("id"):
                inline = tokens[i + 1]
                toc.append({"level": level, "id": tok.attrs["id"], "text": inline.content})
        for child in tok.children or []:
            if child.type == "wikilink":
                links.append(child.meta["link"])
    good = [ln for ln in links if not ln.error][:MAX_WIKI_LINKS]
    env["resolved"] = resolve(good) if (resolve and good) else {}
    html = _MD.renderer.render(tokens, _MD.options, env)
    html = nh3.clean(html, attributes=_ALLOWED_ATTRS, allowed_classes=_ALLOWED_CLASSES,
                     filter_style_properties=_CLEAN_STYLES, link_rel="noopener noreferrer nofollow")
    return Rendered(html, toc if len(toc) >= TOC_MIN_HEADINGS else [], [ln for ln in links if ln.error])

"""Kiki's one reading of Markdown, from markdown-it-py's tokens: the links of
a text (with where they are, so they can be rewritten in place), wiki links
(`[[Page name]]`, `[[type:key|label]]`), headings, and plain text. Docs
ingestion, chunking, the assistant's citations, Slack rendering and the wiki's
renderer (wiki.markup, which adds HTML, anchors and sanitizing) all use it, so
they agree on what a link or a heading is (code spans and fences hold none,
escapes are honoured, `[label](<url with spaces> "title")` works).

Link positions: markdown-it does not report where an inline token came from,
so the `link` and `image` rules are wrapped to record the source span of each
one they accept. Texts are parsed in inline mode (a fenced block is then one
code span, which is what matters here: nothing inside it is a link), and
without markdown-it's input normalization so that the spans are offsets into
the text as given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline.image import image as _image_rule
from markdown_it.rules_inline.link import link as _link_rule
from markdown_it.token import Token

from graph.errors import InvalidInput
from graph.model import LABEL_SLUGS, SLUG_LABELS, check_key


@dataclass(frozen=True)
class Link:
    text: str       # the label as plain text (emphasis and escapes resolved)
    label: str      # the label as written, between the brackets
    href: str       # the destination as markdown-it normalizes it (percent-encoded)
    dest: str       # the destination as a person reads it (percent-decoded)
    start: int      # offsets of the whole [label](dest) in the text
    end: int
    image: bool = False


@dataclass(frozen=True)
class WikiLink:
    raw: str
    label: str | None = None  # page label for type:key links
    key: str | None = None
    name: str | None = None  # for [[Page name]]
    text: str = ""
    error: str | None = None


def parse_wiki_link(raw: str) -> WikiLink:
    """'team:payments|the payments team' / 'Ana Costa' -> WikiLink (with `error` if malformed)."""
    target, _, text = raw.partition("|")
    target, text = target.strip(), text.strip()
    if not target:
        return WikiLink(raw, text=text or raw, error="empty wiki link")
    prefix, sep, rest = target.partition(":")
    if sep and re.fullmatch(r"[A-Za-z]+", prefix):
        label = SLUG_LABELS.get(prefix.lower()) or (prefix.capitalize() if prefix.capitalize() in LABEL_SLUGS else None)
        if label is None:
            return WikiLink(raw, text=text or target,
                            error=f"unknown page type {prefix!r} (use one of {', '.join(SLUG_LABELS)})")
        try:
            check_key(rest.strip())
        except InvalidInput as e:
            return WikiLink(raw, text=text or target, error=str(e))
        return WikiLink(raw, label=label, key=rest.strip(), text=text or rest.strip())
    if len(target) > 200:
        return WikiLink(raw, text=target[:200], error="page name longer than 200 characters")
    return WikiLink(raw, name=" ".join(target.split()), text=text or " ".join(target.split()))


def wikilink_rule(state, silent: bool) -> bool:
    """markdown-it inline rule: `[[...]]` on one line becomes a `wikilink`
    token whose meta holds the parsed WikiLink."""
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end < 0:
        return False
    raw = src[pos + 2:end]
    if "\n" in raw or "[" in raw or "]" in raw:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"link": parse_wiki_link(raw)}
    state.pos = end + 2
    return True


def _with_span(rule):
    def spanned(state, silent: bool) -> bool:
        start, first = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and first < len(state.tokens):
            end = state.pos
            bracket = start + 1 if state.src[start] == "!" else start
            label_end = parseLinkLabel(state, bracket, True)
            state.pos = end
            # push() may first flush pending text as a token of its own.
            opened = next(t for t in state.tokens[first:] if t.type in ("link_open", "image"))
            opened.meta = {"start": start, "end": end,
                           "label": state.src[bracket + 1:label_end] if label_end >= 0 else ""}
        return True
    return spanned


_MD = MarkdownIt("commonmark")
_MD.disable("normalize")
_MD.inline.ruler.at("link", _with_span(_link_rule))
_MD.inline.ruler.at("image", _with_span(_image_rule))
_MD.inline.ruler.before("link", "wikilink", wikilink_rule)


def _inline(text: str) -> list[Token]:
    tokens = _MD.parseInline(text or "")
    return tokens[0].children or [] if tokens else []


def _plain(tokens: list[Token]) -> str:
    out = []
    for t in tokens:
        if t.type in ("text", "code_inline", "html_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t.type == "image":
            out.append(_plain(t.children or []))
        elif t.type == "wikilink":
            out.append(t.meta["link"].text)
    return "".join(out)


def links(text: str, *, images: bool = False) -> list[Link]:
    """The links of `text` in order (images too when asked), with their spans."""
    out: list[Link] = []
    tokens = _inline(text)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "link_open":
            depth, j = 1, i + 1
            while j < len(tokens) and depth:
                depth += tokens[j].nesting if tokens[j].type in ("link_open", "link_close") else 0
                j += 1
            if "start" not in (t.meta or {}):
                # An autolink (<https://…>) comes from another rule and has no
                # [label](dest) span; it is text here (renderers escape its < >).
                i = j
                continue
            href = t.attrGet("href") or ""
            out.append(Link(_plain(tokens[i + 1:j - 1]), t.meta["label"], href, _MD.normalizeLinkText(href),
                            t.meta["start"], t.meta["end"]))
            i = j
            continue
        if t.type == "image" and images:
            src = t.attrGet("src") or ""
            out.append(Link(_plain(t.children or []), t.meta["label"], src, _MD.normalizeLinkText(src),
                            t.meta["start"], t.meta["end"], image=True))
        i += 1
    return out


def replace_links(text: str, replace: Callable[[Link], str], *, images: bool = False) -> str:
    """`text` with each link's source replaced by `replace(link)`; the rest unchanged."""
    found = links(text, images=images)
    if not found:
        return text or ""
    parts, at = [], 0
    for link in found:
        parts.append(text[at:link.start])
        parts.append(replace(link))
        at = link.end
    parts.append(text[at:])
    return "".join(parts)


def plain_text(text: str) -> str:
    """The words of inline Markdown: link and image labels instead of the
    links, no emphasis or code marks, escapes resolved; line breaks kept."""
    return _plain(_inline(text))


def wiki_links(text: str) -> list[WikiLink]:
    """Every wiki link of a document, in order (malformed ones carry `error`);
    none inside code blocks or code spans."""
    return [child.meta["link"] for tok in _MD.parse(text or "") for child in tok.children or []
            if child.type == "wikilink"]


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) when the line is an ATX heading ("## Setup"), else None."""
    stripped = line.lstrip(" ")
    if not stripped.startswith("#") or len(line) - len(stripped) > 3:
        return None
    tokens = _MD.parse(line.rstrip("\r\n"))
    if len(tokens) >= 2 and tokens[0].type == "heading_open":
        return int(tokens[0].tag[1]), tokens[1].content
    return None

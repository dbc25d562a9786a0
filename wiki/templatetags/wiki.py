"""Template helpers for wiki pages: markdown bodies rendered to sanitized HTML,
type names and URLs, search-snippet highlighting, and short dates."""
from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from graph import pages
from graph.model import LABEL_SLUGS, PAGE_LABELS
from graph.page_urls import index_url, page_url
from wiki import markup

register = template.Library()

PLURALS = {"Person": "People", "Team": "Teams", "Department": "Departments",
           "System": "Systems", "Process": "Processes", "Topic": "Topics"}

def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        from graph.access import PUBLIC
        return PUBLIC
    from kiki.access import viewer_for
    return viewer_for(request)


def render_markdown(text: str, viewer=None) -> str:
    """Markdown -> sanitized HTML (wiki.markup), wiki links resolved, as the
    viewer may see them, in one graph round trip when the text has any."""
    return markup.render(text, lambda links: pages.resolve_wiki_links(links, viewer)).html


def _drop_title(text: str, title) -> str:
    """A leading "# <title>" line is dropped: the page already shows the title."""
    if title:
        first, _, rest = text.lstrip().partition("\n")
        if re.fullmatch(r"#\s+" + re.escape(str(title).strip()) + r"\s*#*\s*", first.strip(), re.IGNORECASE):
            return rest
    return text


@register.simple_tag(takes_context=True)
def markdown(context, text, title=None):
    """A body rendered for the request's viewer (see `_drop_title` for the title argument)."""
    return mark_safe(render_markdown(_drop_title(text or "", title), _viewer(context)))


@register.simple_tag(takes_context=True)
def article(context, text, title=None):
    """The article's HTML and its table of contents: {'html', 'toc'}."""
    text = _drop_title(text or "", title)
    viewer = _viewer(context)
    rendered = markup.render(text, lambda links: pages.resolve_wiki_links(links, viewer))
    return {"html": mark_safe(rendered.html), "toc": rendered.toc}


@register.filter
def plural(label):
    return PLURALS.get(label, label)


@register.filter
def slug(label):
    return LABEL_SLUGS.get(label, "")


@register.filter(name="page_url")
def page_url_filter(label, key):
    """{{ label|page_url:key }}: the page's URL (graph/page_urls.py)."""
    return page_url(label, key)


@register.filter(name="index_url")
def index_url_filter(label):
    return index_url(label)


@register.filter
def day(value):
    """'2026-11-23T19:28:54+00:00' -> '2026-11-23' (dates are stored as ISO text)."""
    return str(value)[:10] if value else ""


@register.filter
def humanize_rel(rel):
    """MEMBER_OF -> 'Member of'."""
    return str(rel).replace("_", " ").capitalize()


_PAST_PHRASES = {
    ("MEMBER_OF", True): "Member of", ("MEMBER_OF", False): "Member:",
    ("LEADS", True): "Led", ("LEADS", False): "Led by",
    ("REPORTS_TO", True): "Reported to", ("REPORTS_TO", False): "Direct report:",
    ("PART_OF", True): "Part of", ("PART_OF", False): "Included",
    ("OWNS", True): "Owned", ("OWNS", False): "Owned by",
}


@register.filter
def past_phrase(link):
    """An ended relationship seen from this page: ('OWNS', incoming) -> 'Owned by'."""
    return _PAST_PHRASES.get((link.get("rel"), bool(link.get("outgoing"))), humanize_rel(link.get("rel", "")))


@register.filter
def highlight(text, query):
    """Escapes text and wraps words starting with a query word in <mark>.
    Matching runs on the raw text and each piece is escaped on its own, so a
    query like "amp" can never split an HTML entity."""
    text = str(text or "")
    words = sorted({w for w in re.findall(r"\w+", query or "") if len(w) > 1}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


@register.simple_tag
def page_types():
    """The page types in sidebar order, with their index URLs."""
    return [{"label": label, "plural": PLURALS[label], "slug": LABEL_SLUGS[label],
             "url": index_url(label)} for label in PAGE_LABELS]


# Link lists are built here rather than with {% include %} per list: an include
# per section costs more than the whole rest of a page's rendering.

def _link(x) -> str:
    if x.get("url"):
        return format_html('<a href="{}">{}</a>', x["url"], x.get("name") or x.get("key"))
    return escape(x.get("name") or x.get("key") or "")


def _inferred_mark(x) -> str:
    """An "inferred" tag, with the reason on hover, for a fact Kiki drew from
    other facts (graph/org_units.py) rather than read from a source."""
    if not x.get("inferred"):
        return ""
    return format_html(' <span class="tag inferred" title="{}">inferred</span>',
                       f"Inferred: {x['reason']}" if x.get("reason") else "Inferred by Kiki, not stated by a source")


@register.simple_tag
def inline_refs(items):
    """'<a>A</a>, <a>B</a>' for rows with url and name (inferred ones marked)."""
    return mark_safe(", ".join(_link(x) + _inferred_mark(x) for x in items or []))


@register.simple_tag
def inferred_mark(item):
    return mark_safe(_inferred_mark(item or {}))


@register.simple_tag
def ref_list(items):
    """A <ul class="ref-list"> of links, each followed by its title or summary."""
    rows = []
    for x in items or []:
        note = x.get("title") or x.get("summary")
        rows.append(format_html("<li>{}{}</li>", mark_safe(_link(x)),
                                format_html(' <span class="muted">— {}</span>', note) if note else ""))
    return mark_safe('<ul class="ref-list">\n' + "\n".join(rows) + "\n</ul>")


def _parse_when(value):
    from datetime import datetime, timezone
    text = str(value or "").strip()
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


@register.filter
def ago(value):
    """An ISO date or time -> '2 days ago' (Django's timesince), '' if unparseable."""
    from django.utils.timesince import timesince
    dt = _parse_when(value)
    if dt is None:
        return ""
    return f"{timesince(dt).split(',')[0]} ago"


@register.filter
def when(value):
    """'2026-11-23T19:28:54+00:00' -> '2026-11-23 19:28 (2 days ago)'; a bare date keeps its day."""
    dt = _parse_when(value)
    if dt is None:
        return str(value or "")
    text = str(value)
    shown = text[:10] if len(text) <= 10 else dt.strftime("%Y-%m-%d %H:%M UTC")
    return f"{shown} ({ago(value)})"


# Display names of source ids that are acronyms; any other id is capitalized.
_SOURCE_NAMES = {"scim": "SCIM", "hris": "HRIS", "csv": "CSV", "codeowners": "CODEOWNERS"}


@register.filter
def source_name(source):
    """'workday' -> 'Workday', 'wiki:ana' -> 'ana (wiki)'."""
    source = str(source or "")
    if source.startswith("wiki:"):
        return f"{source[5:]} (wiki)"
    return _SOURCE_NAMES.get(source.lower(), source[:1].upper() + source[1:])


@register.simple_tag
def prov(page, field):
    """' — from Workday, 2 days ago' after a fact a source owns (read-only on the wiki), else ''."""
    owner = (page.get("prov") or {}).get(field) if isinstance(page, dict) else None
    if not owner:
        return ""
    since = f", {ago(owner['since'])}" if owner.get("since") and ago(owner["since"]) else ""
    return format_html('<span class="prov" title="Set by {0}; change it there">— from {0}{1}</span>',
                       source_name(owner["source"]), since)


@register.simple_tag
def web_links(urls):
    """A list of web addresses as links; anything but http(s) stays plain text."""
    out = []
    for url in urls or []:
        url = str(url)
        if url.lower().startswith(("https://", "http://")):
            out.append(format_html('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>', url))
        else:
            out.append(escape(url))
    return mark_safe("<br>".join(out))

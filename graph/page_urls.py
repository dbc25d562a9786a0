"""The one place that knows a page's URL: `/<slug>/<key>` (e.g.
/person/ana-costa), and `/<slug>/` for a type's index. Graph reads, search,
the assistant's citations, Slack and docs ingestion all build and parse page
URLs here, so the scheme can change in one place."""
from __future__ import annotations

import re

from .model import LABEL_SLUGS, SLUG_LABELS

_PAGE_PATH = re.compile(r"^/([a-z]+)/([^/?#]+)/?(?:[?#].*)?$")


def page_url(label: str, key: str) -> str:
    """The site-relative URL of a page; KeyError for a label that has no pages."""
    return f"/{LABEL_SLUGS[label]}/{key}"


def index_url(label: str) -> str:
    return f"/{LABEL_SLUGS[label]}/"


def parse_page_url(url: str, base_url: str = "") -> tuple[str, str] | None:
    """(label, key) of a page URL — site-relative, or absolute under
    `base_url` — ignoring a trailing slash, query and fragment; None for any
    other URL. The key is returned as written (callers check that it exists)."""
    if not url:
        return None
    base = (base_url or "").rstrip("/")
    if base and url.startswith(base + "/"):
        url = url[len(base):]
    m = _PAGE_PATH.match(url)
    if not m or m.group(1) not in SLUG_LABELS:
        return None
    return SLUG_LABELS[m.group(1)], m.group(2)

"""HTTP for connectors: GET with a timeout, a bounded retry on 429/503 that
honours Retry-After, and every failure turned into an IngestError that names
the URL. Standard library only (urllib), so connectors add no dependency.

Two protections urllib lacks: a redirect to another origin (scheme, host or
port) is followed without the caller's headers (Authorization, API keys,
cookies; urllib would copy them to the new host), and a body larger than
`max_bytes` is refused instead of read into memory."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from kiki.errors import IngestError

RETRY_STATUSES = (429, 503)
MAX_BYTES = 64 * 1024 * 1024  # far above any HR export page; a runaway or hostile server stops here
# Headers that carry no secret and survive a redirect to another origin.
_SAFE_HEADERS = {"accept", "user-agent"}
MAX_REDIRECTS = 5


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


class _CredentialSafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but one that leaves the original origin loses
    every header except the harmless ones, and only http(s) is followed."""
    max_redirections = MAX_REDIRECTS

    def __init__(self, first_url: str):
        self.origin = _origin(first_url)

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"refusing to follow a redirect to {newurl!r}", headers, fp)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(new.full_url) != self.origin:
            for name in list(new.headers):
                if name.lower() not in _SAFE_HEADERS:
                    del new.headers[name]
            for name in list(new.unredirected_hdrs):
                if name.lower() not in _SAFE_HEADERS:
                    del new.unredirected_hdrs[name]
        return new


def _read_bounded(response, max_bytes: int, shown: str) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise IngestError(f"{shown} sent {int(declared):,} bytes; more than the {max_bytes:,} we accept",
                          code="source_too_large")
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise IngestError(f"{shown} sent more than the {max_bytes:,} bytes we accept", code="source_too_large")
    return body


def retry_after_seconds(value: str | None, default: float) -> float:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def safe_url(url: str) -> str:
    """The URL without credentials or query secrets, for error messages and Problems."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 15.0, retries: int = 3,
        max_wait: float = 60.0, sleep=time.sleep, max_bytes: int = MAX_BYTES) -> bytes:
    """GET a URL and return the body. Raises IngestError for a connection
    failure, a non-2xx answer, 429/503 still failing after `retries` waits
    (each at most `max_wait` seconds, as the server's Retry-After asks), or a
    body over `max_bytes`."""
    shown = safe_url(url)
    opener = urllib.request.build_opener(_CredentialSafeRedirects(url))
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/csv;q=0.9, */*;q=0.5",
                                                   "User-Agent": "kiki-ingest/1", **(headers or {})})
    attempt = 0
    while True:
        try:
            with opener.open(request, timeout=timeout) as response:
                return _read_bounded(response, max_bytes, shown)
        except urllib.error.HTTPError as e:
            body = e.read()[:300].decode("utf-8", "replace").strip()
            if e.code in RETRY_STATUSES and attempt < retries:
                wait = retry_after_seconds(e.headers.get("Retry-After"), default=2.0 ** attempt)
                if wait > max_wait:
                    raise IngestError(f"{shown} asked to retry after {wait:.0f}s (HTTP {e.code}); "
                                      f"more than the {max_wait:.0f}s we wait", code="source_busy") from e
                attempt += 1
                sleep(wait)
                continue
            if e.code in (401, 403):
                raise IngestError(f"{shown} refused our credentials (HTTP {e.code}): {body or e.reason}",
                                  code="source_auth") from e
            raise IngestError(f"{shown} answered HTTP {e.code}: {body or e.reason}", code="source_error") from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise IngestError(f"cannot reach {shown}: {reason}", code="source_unreachable") from e


def get_json(url: str, **kwargs):
    """GET and decode JSON; a body that is not JSON is an IngestError naming the URL."""
    body = get(url, **kwargs)
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise IngestError(f"{safe_url(url)} returned malformed JSON: {e}", code="source_malformed") from e


def with_query(url: str, **params) -> str:
    """`url` with query parameters set (replacing any of the same name)."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

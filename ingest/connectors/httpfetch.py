"""HTTP for connectors: GET with a timeout, a bounded retry on 429/503 that
honours Retry-After, and every failure turned into an IngestError that names
the URL. Standard library only (urllib), so connectors add no dependency."""
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
        max_wait: float = 60.0, sleep=time.sleep) -> bytes:
    """GET a URL and return the body. Raises IngestError for a connection
    failure, a non-2xx answer, or 429/503 still failing after `retries` waits
    (each at most `max_wait` seconds, as the server's Retry-After asks)."""
    shown = safe_url(url)
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/csv;q=0.9, */*;q=0.5",
                                                   "User-Agent": "kiki-ingest/1", **(headers or {})})
    attempt = 0
    while True:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
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

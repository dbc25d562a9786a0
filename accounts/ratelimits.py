"""Rate limits per user and per API token on the assistant, search and the
JSON APIs (django-ratelimit's counters, in Redis when configured so every
web process shares them). Over the limit: 429 with Retry-After, as JSON on
/api/ and as a page elsewhere. If the counter store is unreachable the
request is let through (and logged): a Redis outage must not take Kiki down.
"""
from __future__ import annotations

import logging


from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# (path prefix or exact path, group); first match wins.
_GROUPS = (
    ("/api/ask", "ask"),
    ("/api/search", "search"),
    ("/search", "search"),
    ("/api/", "api"),
)


def group_for(path: str) -> str | None:
    for prefix, group in _GROUPS:
        if path.startswith(prefix):
            return group
    return None


def _key(group, request) -> str:
    token = getattr(request, "api_token", None)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


class RateLimitMiddleware:
    """After sign-in and token checks, so an anonymous request never counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        group = group_for(request.path)
        if group is None or not request.user.is_authenticated:
            return None
        limit = settings.KIKI_RATE_LIMITS[group]
        try:
            usage = get_usage(request, group=f"kiki.{group}", key=_key, rate=limit, increment=True)
        except (OSError, ConnectionError, RedisError) as e:  # the counter store is down: fail open
            log.warning("rate limit store unavailable, not limiting %s: %s", request.path, e)
            return None
        if usage is None or not usage["should_limit"]:
            return None
        retry = max(1, usage["time_left"])
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": {
                "code": "rate_limited",
                "message": f"too many requests ({limit} for {group}); try again in {retry} s"}}, status=429)
        else:
            response = render(request, "429.html", {"retry_after": retry, "limit": limit, "group": group}, status=429)
        response["Retry-After"] = str(retry)
        return response



"""Cross-site protection for the JSON endpoints that change state (ask,
rating). They are exempt from Django's CSRF token because scripts call them
too; instead a request signed in by cookie must be `application/json` (a
cross-site form cannot send that without a CORS preflight, which Kiki never
grants) and come from Kiki's own origin. A request carrying an API token
(kiki/tokens.py) has no ambient cookie to abuse and passes."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "field": "headers", "message": message}}, status=status)


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if origin:
        if origin == "null":
            return False
        parts = urlsplit(origin)
        own = f"{request.scheme}://{request.get_host()}"
        return f"{parts.scheme}://{parts.netloc}" == own or origin in settings.CSRF_TRUSTED_ORIGINS
    # Browsers send Origin on every POST; without it only a same-origin (or
    # user-initiated) fetch is accepted, and non-browser clients send neither.
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


def same_origin_json(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if getattr(request, "api_token", None) is None:
            if request.content_type != "application/json":
                return _error("unsupported_media_type", "send the body as Content-Type: application/json", 415)
            if not _same_origin(request):
                return _error("cross_origin", "this endpoint only accepts requests from Kiki's own pages "
                                              "or with an API token", 403)
        return view(request, *args, **kwargs)
    return guarded

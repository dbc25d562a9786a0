"""Bearer-token sign-in for the JSON APIs: `Authorization: Bearer kiki_…`.

A usable token (not expired, not revoked, its user active) makes the request
act as the token's user, with `request.api_token` set; each use is written to
the audit log. What a token may reach is decided by its scopes, per path:

    /api/sync/...  -> "sync"
    /api/...       -> "read"
(SCIM's /scim/v2/ checks the "scim" scope itself, ingest/scim/auth.py.)

A bad, expired or revoked token is a 401 even if the browser also has a
session: a script should learn its token is dead, not silently use a cookie.
"""
from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone

from . import audit
from .models import ApiToken

# Longest prefix first.
SCOPE_FOR_PATH = (("/api/sync/", ApiToken.SYNC), ("/api/", ApiToken.READ))


def bearer(request) -> str | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


def scope_for(path: str) -> str | None:
    for prefix, scope in SCOPE_FOR_PATH:
        if path.startswith(prefix):
            return scope
    return None


def _refuse(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = f'Bearer realm="kiki", error="invalid_token"'
    return response


def use(token: ApiToken, scope: str, request) -> None:
    """Stamp and log one use of a token (after its scope was checked)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    audit.record("token.use", request=request, actor=f"{token.user.get_username()} (token {token.prefix}…)",
                 target=f"token {token.prefix}…",
                 scope=scope, method=request.method, path=request.path[:200])


class TokenAuthMiddleware:
    """After AuthenticationMiddleware: a bearer token replaces the session user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        scope = scope_for(request.path)
        raw = bearer(request) if scope else None
        if raw is not None:
            token = ApiToken.find(raw)
            if token is None or not token.usable:
                state = "unknown" if token is None else token.state
                if token is not None:
                    audit.record("token.refused", request=request, actor="anonymous",
                                 target=f"token {token.prefix}…", state=state, path=request.path[:200])
                return _refuse(401, "invalid_token", f"the API token is {state if state != 'active' else 'not usable'}")
            if scope not in token.scopes:
                audit.record("token.refused", request=request, actor="anonymous", target=f"token {token.prefix}…",
                             state="missing scope", scope=scope, path=request.path[:200])
                return _refuse(403, "insufficient_scope",
                               f"this token's scopes ({', '.join(token.scopes)}) do not include {scope!r}")
            request.user = token.user
            request.api_token = token
            use(token, scope, request)
        return self.get_response(request)

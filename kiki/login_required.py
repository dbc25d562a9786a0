"""Every route needs a signed-in user, except an explicit list.

The exempt routes authenticate another way or must work before sign-in:
  - /healthz (load balancers),
  - /scim/v2/... (the identity provider's bearer token, ingest/scim/auth.py),
  - /slack/... (Slack's request signature; the OAuth pages' one-time state),
  - the sign-in page, single sign-on's redirects and the static files the
    sign-in page uses.

Anything else answers an anonymous request with a redirect to the sign-in
page, or, for the JSON APIs, a 401 JSON error. A route is exempt only by
being listed here; tests/test_access_walk.py walks every route so a new one
cannot slip through unclassified.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

# URL names (namespace:name) that need no signed-in user.
EXEMPT_NAMES = frozenset({
    "healthz", "login", "logout", "admin-login", "static-file",
    "oidc_authentication_init", "oidc_authentication_callback", "oidc_logout",
    "slackbot:events", "slackbot:install", "slackbot:oauth_redirect",
})
# Route prefixes (as written in the URLconf) of apps that authenticate every
# request themselves; their routes are mostly unnamed.
EXEMPT_ROUTE_PREFIXES = ("scim/v2/",)
# Paths answered with JSON rather than a redirect to the sign-in page.
JSON_PREFIXES = ("/api/",)


def is_exempt(match) -> bool:
    """Whether a resolved route needs no signed-in user."""
    return match.view_name in EXEMPT_NAMES or (match.route or "").startswith(EXEMPT_ROUTE_PREFIXES)


def unauthenticated(request):
    """The answer to a request that needs a signed-in user and has none."""
    if request.path.startswith(JSON_PREFIXES) or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": {
            "code": "not_authenticated",
            "message": "sign in, or send an API token as 'Authorization: Bearer <token>'"}}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="kiki"'
        return response
    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated or is_exempt(request.resolver_match):
            return None
        return unauthenticated(request)

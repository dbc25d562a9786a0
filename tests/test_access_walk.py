"""The anonymous walk: every URL route Django knows is requested without a
signed-in user, by GET and POST. Pages must redirect to the sign-in page, the
JSON APIs answer 401, and only the classified exempt routes (health, sign-in,
SCIM and Slack, which authenticate by themselves) answer otherwise. A route
added to the URLconf fails this test until it is classified here, and no
answer to an anonymous request may contain graph data."""
from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver

from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]

LOGIN = "login"      # a redirect to /login?next=<the path>
API = "api"          # 401 JSON with WWW-Authenticate: Bearer
EXEMPT = "exempt"    # no sign-in; the route authenticates by its own means (checked below)

# Exact routes as written in the URLconf (prefixes joined).
ROUTES = {
    "login": EXEMPT, "logout": EXEMPT,
    "oidc/callback/": EXEMPT, "oidc/authenticate/": EXEMPT, "oidc/logout/": EXEMPT,
    "api/search": API, "ask": LOGIN, "api/ask": API, "api/ask/stream": API,
    "api/answers/<str:message_id>/rating": API, "api/sync/<str:source>": API,
    "slack/events": EXEMPT, "slack/install": EXEMPT, "slack/oauth_redirect": EXEMPT,
    "healthz": EXEMPT,
    "": LOGIN, "search": LOGIN, "search/suggest": LOGIN, "recent": LOGIN, "random": LOGIN,
    "<slug:slug>/": LOGIN, "<slug:slug>/new": LOGIN, "<slug:slug>/<str:key>": LOGIN,
    "<slug:slug>/<str:key>/edit": LOGIN, "<slug:slug>/<str:key>/history": LOGIN,
    "<slug:slug>/<str:key>/diff": LOGIN, "<slug:slug>/<str:key>/restore": LOGIN,
    "<slug:slug>/<str:key>/revision/<int:number>": LOGIN, "<slug:slug>/<str:key>/graph.json": LOGIN,
    # The org chart and its JSON (a redirect too: a browser fetch follows it to the sign-in page).
    "org": LOGIN, "org/roots": LOGIN, "org/search": LOGIN, "org/chain/<str:key>": LOGIN,
    "org/children/<str:key>": LOGIN,
}
# Whole apps: everything under admin/ needs a (staff) sign-in; SCIM checks its bearer token.
PREFIXES = {"admin/login/": EXEMPT, "admin/": LOGIN, "scim/v2/": EXEMPT}

# Sample values for path converters, chosen so that a leak would show graph data.
SAMPLES = {"slug": "person", "key": "ana-costa", "message_id": "5b1f7c3e-0000-4000-8000-000000000000",
           "source": "hris"}
# Text the org fixture puts in the graph: none of it may reach an anonymous client.
SECRETS = ["Ana Costa", "Dan Okafor", "Risk Data", "ana@example.com", "Payments"]


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _sample_path(route: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(m.group(1), "1"), route)
    # Regex routes: the first alternative of a group, "x" for open-ended parts.
    path = re.sub(r"\(\?P<(\w+)>([^()]*)\)",
                  lambda m: SAMPLES.get(m.group(1)) or (m.group(2).split("|")[0]
                                                        if re.fullmatch(r"[\w|]+", m.group(2)) else "x"), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def _classify(route: str) -> str | None:
    if route in ROUTES:
        return ROUTES[route]
    for prefix, kind in PREFIXES.items():
        if route.startswith(prefix):
            return kind
    return None


ALL_ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def test_every_route_is_classified():
    unclassified = [r for r in ALL_ROUTES if _classify(r) is None]
    assert not unclassified, f"classify these routes in tests/test_access_walk.py: {unclassified}"
    assert len(ALL_ROUTES) > 60  # the admin's routes are walked too


@pytest.mark.parametrize("route", [r for r in ALL_ROUTES if _classify(r) in (LOGIN, API)])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_are_sent_to_sign_in(anon_client, route, method):
    path = _sample_path(route)
    r = getattr(anon_client, method)(path)
    body = r.content.decode(errors="replace")
    if _classify(route) == API:
        assert r.status_code == 401, (path, r.status_code)
        assert r.json()["error"]["code"] == "not_authenticated"
        assert r["WWW-Authenticate"].startswith("Bearer")
    else:
        assert r.status_code == 302, (path, r.status_code)
        assert r["Location"].startswith("/login?next="), (path, r["Location"])
    for secret in SECRETS:
        assert secret not in body, (path, secret)


def test_exempt_routes_authenticate_by_their_own_means(anon_client):
    assert anon_client.get("/healthz").status_code in (200, 503)
    login = anon_client.get("/login")
    assert login.status_code == 200 and b"Sign in to Kiki" in login.content
    assert anon_client.get("/admin/login/?next=/admin/")["Location"] == "/login?next=/admin/"
    assert anon_client.get("/logout").status_code == 405  # sign-out is POST only
    assert anon_client.get("/static/wiki.css").status_code == 200
    for path in ("/oidc/authenticate/", "/oidc/callback/"):
        assert anon_client.get(path).status_code == 404  # single sign-on is not configured here
    scim = anon_client.get("/scim/v2/Users")
    assert scim.status_code == 401 and b"Ana Costa" not in scim.content
    assert anon_client.get("/scim/v2/Users/ana-costa").status_code == 401
    # /slack/... checks Slack's signature: tests/test_slack.py (bad or stale signatures do nothing).
    assert anon_client.get("/slack/install").status_code == 404  # OAuth installation is not configured here

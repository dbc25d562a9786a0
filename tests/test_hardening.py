"""Hardening: CSRF on state-changing web routes, the JSON endpoints' same-origin
rule, the Content-Security-Policy (no inline script in any template), and
production settings that refuse to start when unsafe."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from kiki.models import Message, Rating
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def offline():
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("org")
class TestJsonEndpoints:
    def test_cross_site_requests_are_refused(self, client):
        for origin in ("https://evil.example", "null", "http://testserver.evil.example"):
            r = client.post("/api/ask", data=json.dumps({"question": "who leads payments"}),
                            content_type="application/json", HTTP_ORIGIN=origin)
            assert r.status_code == 403 and r.json()["error"]["code"] == "cross_origin"
            assert "Eve Adams" not in r.content.decode()
        r = client.post("/api/ask", data=json.dumps({"question": "who leads payments"}),
                        content_type="application/json", HTTP_SEC_FETCH_SITE="cross-site")
        assert r.status_code == 403
        assert not Message.objects.exists()

    def test_form_encoded_bodies_are_refused(self, client):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            r = client.post("/api/ask", data='{"question": "who leads payments"}', content_type=ctype)
            assert r.status_code == 415 and "Eve Adams" not in r.content.decode()
        r = client.post("/api/answers/5b1f7c3e-0000-4000-8000-000000000000/rating", data='{"score": 1}',
                        content_type="text/plain")
        assert r.status_code == 415 and not Rating.objects.exists()

    def test_same_origin_requests_are_answered(self, client):
        r = client.post("/api/ask", data=json.dumps({"question": "who leads payments"}),
                        content_type="application/json", HTTP_ORIGIN="http://testserver",
                        HTTP_SEC_FETCH_SITE="same-origin")
        assert r.status_code == 200 and "Eve Adams" in r.json()["answer"]


@pytest.mark.django_db
@pytest.mark.usefixtures("org")
def test_page_edit_needs_the_csrf_token(reader_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader_user)
    r = browser.post("/team/risk-data/edit", {"summary": "defaced", "body": "defaced", "version": ""})
    assert r.status_code == 403
    assert "defaced" not in browser.get("/team/risk-data").content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("org")
def test_pages_carry_a_csp_without_inline_script(client):
    for path in ("/", "/ask", "/team/risk-data", "/search?q=risk"):
        r = client.get(path)
        csp = r["Content-Security-Policy"]
        script = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'self'" in script
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        html = r.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path  # every script is a file
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_no_template_has_inline_script():
    for template in list((ROOT / "templates").rglob("*.html")) + list(ROOT.glob("*/templates/**/*.html")):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+=\"", text), template


def _start(env: dict) -> subprocess.CompletedProcess:
    """Import the settings and the WSGI app in a fresh process, as gunicorn would."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIKI_"))}
    return subprocess.run([sys.executable, "-c", "import kiki.wsgi"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**base, "DJANGO_SETTINGS_MODULE": "kiki.settings",
                                                       "KIKI_WARM_EMBEDDINGS": "0", **env})


GOOD = {"KIKI_PRODUCTION": "1", "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key",
        "DJANGO_ALLOWED_HOSTS": "kiki.example.com"}


@pytest.mark.slow
@pytest.mark.parametrize("change,message", [
    ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off"),
    ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
    ({"DJANGO_SECRET_KEY": "kiki-local-development-key-not-for-production"}, "DJANGO_SECRET_KEY must be set"),
    ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY must be set"),
    ({"KIKI_DEMO_PASSWORD": "kiki-demo"}, "KIKI_DEMO_PASSWORD must not be the demo password"),
    ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must name the hosts"),
])
def test_production_refuses_insecure_settings(change, message, tmp_path):
    r = _start({**GOOD, "KIKI_SQLITE_PATH": str(tmp_path / "db.sqlite3"), **change})
    assert r.returncode != 0 and "ImproperlyConfigured" in r.stderr and message in r.stderr, r.stderr[-2000:]


@pytest.mark.slow
def test_production_refuses_a_demo_user_with_the_demo_password_and_secures_cookies(tmp_path):
    db = str(tmp_path / "db.sqlite3")
    env = {**GOOD, "KIKI_SQLITE_PATH": db}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIKI_"))}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, timeout=300,
                   env={**base, "KIKI_SQLITE_PATH": db})
    create = ("import django; django.setup(); from django.contrib.auth.models import User; "
              "User.objects.create_user('demo', password='kiki-demo')")
    subprocess.run([sys.executable, "-c", create], cwd=ROOT, check=True, timeout=120,
                   env={**base, "DJANGO_SETTINGS_MODULE": "kiki.settings", "KIKI_SQLITE_PATH": db})
    refused = _start(env)
    assert refused.returncode != 0 and "still has the demo password" in refused.stderr, refused.stderr[-2000:]

    change = ("import django; django.setup(); from django.contrib.auth.models import User; "
              "u = User.objects.get(username='demo'); u.set_password('a much better passphrase'); u.save()")
    subprocess.run([sys.executable, "-c", change], cwd=ROOT, check=True, timeout=120,
                   env={**base, "DJANGO_SETTINGS_MODULE": "kiki.settings", "KIKI_SQLITE_PATH": db})
    show = ("import kiki.wsgi; from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")
    ok = subprocess.run([sys.executable, "-c", show], cwd=ROOT, capture_output=True, text=True, timeout=120,
                        env={**base, "DJANGO_SETTINGS_MODULE": "kiki.settings", "KIKI_WARM_EMBEDDINGS": "0", **env})
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert ok.stdout.split() == ["True", "True", "True", "31536000"]

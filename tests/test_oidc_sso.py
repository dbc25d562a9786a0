"""Single sign-on through the full OIDC authorization-code flow, in headless
Chromium, against a real OpenID provider on loopback (the oidc-provider-mock
package: discovery, authorize form, token endpoint, JWKS, userinfo): Kiki
discovers the endpoints from the issuer, the browser is sent to the provider
and back, the user is created keyed by the provider's subject, and linked to
their Person page only when the provider says the email is verified."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from accounts.models import AuditEntry
from kiki import oidc
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)
from tests.browser import chromium, served_app

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub="ana-sub", claims={"email": "ana@example.com", "email_verified": True,
                                    "given_name": "Ana", "family_name": "Costa"}),
        User(sub="mallory-sub", claims={"email": "ana@example.com", "email_verified": False,
                                        "given_name": "Mallory"}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def site(org, provider, django_db_setup):
    oidc._discovery.clear()
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None, KIKI_OIDC_ENABLED=True,
                           KIKI_OIDC_ISSUER=provider, OIDC_RP_CLIENT_ID="kiki", OIDC_RP_CLIENT_SECRET="s3cret",
                           KIKI_OIDC_NAME="Acme SSO"):
        with served_app() as url:
            yield url
    oidc._discovery.clear()


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _sign_in_with_sso(page, site, provider, sub, start="/team/risk-data"):
    page.goto(site + start)
    assert page.url.startswith(site + "/login?next=")
    assert "Ana Costa" not in page.content()
    page.get_by_role("link", name="Sign in with Acme SSO").click()
    page.wait_for_url(provider + "/**")
    page.get_by_role("button", name=sub).click()  # the provider's consent form
    page.wait_for_url(site + start)


def _ask(page, question):
    return page.evaluate("""async (q) => {
        const r = await fetch('/api/ask', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                           body: JSON.stringify({question: q})});
        return await r.json();
    }""", question)


def test_sso_signs_in_and_links_the_person_by_verified_email(site, provider, page):
    _sign_in_with_sso(page, site, provider, "ana-sub")
    assert "Ana Costa" in page.locator("main").inner_text()
    assert page.locator(".account-name").inner_text() == "Ana Costa"
    user = get_user_model().objects.get(username=oidc.username_for({"sub": "ana-sub"}))
    assert user.email == "ana@example.com" and not user.has_usable_password()
    answer = _ask(page, "who is my manager?")
    assert "[Ana Costa](/person/ana-costa) reports to [Dan Okafor](/person/dan-okafor)" in answer["answer"]
    assert AuditEntry.objects.filter(action="auth.sign_in", actor=user.username, details__method="sso").exists()

    # Signing out (POST from the page's form) ends the Kiki session.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(site + "/login")
    page.goto(site + "/team/risk-data")
    assert page.url.startswith(site + "/login?next=")


def test_an_unverified_email_signs_in_without_a_person_link(site, provider, page):
    _sign_in_with_sso(page, site, provider, "mallory-sub")
    mallory = get_user_model().objects.get(username=oidc.username_for({"sub": "mallory-sub"}))
    assert mallory.email == ""  # the claimed address is not kept
    answer = _ask(page, "who is my manager?")
    assert "Dan Okafor" not in answer["answer"]
    # The verified user's account was not taken over by the same (unverified) address.
    assert get_user_model().objects.filter(email="ana@example.com").count() <= 1
    assert not get_user_model().objects.filter(username="mallory-sub").exists()


def test_sso_pages_are_absent_when_not_configured(anon_client):
    assert anon_client.get("/oidc/authenticate/").status_code == 404
    login = anon_client.get("/login")
    assert login.status_code == 200 and b"Sign in with" not in login.content

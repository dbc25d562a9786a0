"""Signing in and who is asking: the sign-in page with a real password check,
sign-out by POST only, locked-out sign-ins (django-axes), password rules, the
asker taken from the signed-in user's verified email, conversations and
ratings that belong to their user."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from kiki.models import Message, Rating
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def offline():
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


@pytest.fixture
def ana():
    return get_user_model().objects.create_user("ana", email="Ana@Example.com", password=PASSWORD)


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_sign_in_page_signs_in_and_returns_to_the_page_asked_for(anon_client, ana):
    start = anon_client.get("/team/risk-data")
    assert start.status_code == 302 and start["Location"] == "/login?next=/team/risk-data"
    page = anon_client.get(start["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and 'name="password"' in html and "csrfmiddlewaretoken" in html
    assert "<script>" not in html  # CSP: no inline script
    r = anon_client.post("/login", {"username": "ana", "password": PASSWORD, "next": "/team/risk-data"})
    assert r.status_code == 302 and r["Location"] == "/team/risk-data"
    team = anon_client.get("/team/risk-data")
    assert team.status_code == 200 and "Ana Costa" in team.content.decode()
    assert "Sign out" in team.content.decode()


def test_a_wrong_password_is_refused_with_a_clear_message(anon_client, ana):
    r = anon_client.post("/login", {"username": "ana", "password": "wrong", "next": "/"})
    assert r.status_code == 200 and "enter a correct username and password" in r.content.decode()
    assert anon_client.get("/").status_code == 302


def test_sign_in_redirects_only_to_this_site(anon_client, ana):
    r = anon_client.post("/login", {"username": "ana", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_sign_out_is_post_only_and_ends_the_session(anon_client, ana):
    anon_client.post("/login", {"username": "ana", "password": PASSWORD})
    assert anon_client.get("/logout").status_code == 405
    assert anon_client.get("/").status_code == 200
    r = anon_client.post("/logout")
    assert r.status_code == 302 and r["Location"] == "/login"
    assert anon_client.get("/").status_code == 302


def test_sign_out_needs_the_csrf_token(ana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ana)
    assert browser.post("/logout").status_code == 403
    assert browser.get("/").status_code == 200  # still signed in


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_are_locked_out(anon_client, ana):
    for _ in range(3):
        anon_client.post("/login", {"username": "ana", "password": "guess"})
    locked = anon_client.post("/login", {"username": "ana", "password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    assert anon_client.get("/").status_code == 302  # the right password did not get in


def test_password_validators_are_on(ana):
    for weak in ("kiki-demo", "12345678901234", "password1234", "ana"):
        with pytest.raises(ValidationError):
            validate_password(weak, ana)
    validate_password(PASSWORD, ana)


def test_the_asker_is_the_user_whose_verified_email_is_on_a_person_page(client, ana):
    client.force_login(ana)
    body = post(client, "/api/ask", {"question": "who is my manager?"}).json()
    assert "[Ana Costa](/person/ana-costa) reports to [Dan Okafor](/person/dan-okafor)" in body["answer"]
    assert Message.objects.get(pk=body["message_id"]).asker == "ana-costa"


def test_a_username_equal_to_a_person_key_is_not_that_person(client):
    # Usernames are chosen, emails verified: only the email links a user to a page.
    impostor = get_user_model().objects.create_user("ana-costa", email="someone@elsewhere.test")
    client.force_login(impostor)
    body = post(client, "/api/ask", {"question": "who is my manager?"}).json()
    assert "Dan Okafor" not in body["answer"]
    assert Message.objects.get(pk=body["message_id"]).asker == ""


def test_someone_elses_conversation_cannot_be_continued(client, ana):
    mine = post(client, "/api/ask", {"question": "how many people are in Payments"}).json()
    other = Client()
    other.force_login(ana)
    for url in ("/api/ask", "/api/ask/stream"):
        r = post(other, url, {"question": "and who leads it?", "conversation": mine["conversation"]})
        assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_conversation"
        assert "Eve Adams" not in r.content.decode() and "Payments" not in r.content.decode()
    assert Message.objects.filter(conversation_id=mine["conversation"]).count() == 1
    again = post(client, "/api/ask", {"question": "and who leads it?", "conversation": mine["conversation"]})
    assert again.status_code == 200 and "Eve Adams" in again.json()["answer"]


def test_a_rating_is_recorded_for_the_signed_in_user_only(client, ana, reader_user):
    answer = post(client, "/api/ask", {"question": "who leads payments"}).json()
    url = f"/api/answers/{answer['message_id']}/rating"
    spoof = post(client, url, {"score": 1, "user": "ana"})
    assert spoof.status_code == 400 and spoof.json()["error"]["field"] == "user"
    assert post(client, url, {"score": -1}).status_code == 201
    assert list(Rating.objects.values_list("user", "score")) == [(reader_user.username, -1)]
    other = Client()
    other.force_login(ana)
    refused = post(other, url, {"score": 1})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_answer"
    assert list(Rating.objects.values_list("user", "score")) == [(reader_user.username, -1)]

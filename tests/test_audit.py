"""The audit log: who did what, when and from where for sign-ins, permission
changes and admin actions; administrators can view and filter it; nobody can
change or delete an entry, in the admin or in code."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import audit
from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_admin_group_changes_are_audited_with_who_and_where(admin_client):
    user = get_user_model().objects.create_user("bob", password="a long enough password")
    editors = Group.objects.create(name="editors")
    r = admin_client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": "bob", "password": user.password, "is_active": "on", "groups": [editors.pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00"}, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="test-browser")
    assert r.status_code == 302, r.content.decode()[:2000]
    # (creating bob gave him the reader role, which the form's group list drops: both are entries too)
    [change] = [e for e in AuditEntry.objects.filter(action="permission.groups")
                if e.actor == "admin" and e.details.get("change") == "add"]
    assert change.actor == "admin" and change.ip == "10.1.2.3" and change.user_agent == "test-browser"
    assert change.details == {"change": "add", "items": ["editors"]} and "bob" in change.target
    assert AuditEntry.objects.filter(action="admin.change", actor="admin", target__contains="bob").exists()


def test_sign_ins_and_failures_are_audited(anon_client):
    get_user_model().objects.create_user("carol", password="a long enough password")
    anon_client.post("/login", {"username": "carol", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    anon_client.post("/login", {"username": "carol", "password": "a long enough password"}, REMOTE_ADDR="10.9.9.9")
    actions = list(AuditEntry.objects.order_by("at", "id").values_list("action", "target", "ip"))
    assert ("auth.sign_in_failed", "user carol", "10.9.9.9") in actions
    assert ("auth.sign_in", "user carol", "10.9.9.9") in actions


def test_administrators_view_and_filter_the_log_but_cannot_change_it(admin_client, client):
    audit.record("token.create", actor="someone", target="token kiki_abc…")
    entry = audit.record("person.erase", actor="admin", target="Person:former-employee-1")
    listing = admin_client.get("/admin/accounts/auditentry/?action__exact=person.erase")
    html = listing.content.decode()
    assert listing.status_code == 200 and "Person:former-employee-1" in html and "token kiki_abc" not in html
    assert admin_client.get("/admin/accounts/auditentry/?q=someone").status_code == 200
    assert admin_client.get("/admin/accounts/auditentry/add/").status_code == 403
    assert admin_client.get(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/accounts/auditentry/{entry.pk}/change/", {"actor": "nobody", "action": "x"})
    admin_client.post("/admin/accounts/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.actor == "admin" and entry.action == "person.erase"
    # A reader (not an administrator) does not see it at all.
    assert client.get("/admin/accounts/auditentry/").status_code == 302


def test_entries_cannot_be_changed_or_deleted_in_code():
    entry = audit.record("page.edit", actor="ana", target="Team:risk-data")
    entry.actor = "mallory"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor="mallory")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor == "ana"


def test_an_api_request_names_the_token_and_its_user_as_actor(anon_client):
    from accounts.models import ApiToken
    user = get_user_model().objects.create_user("dave", password="a long enough password")
    token, raw = ApiToken.issue("ci", user, ["read"])
    r = anon_client.post("/api/answers/5b1f7c3e-0000-4000-8000-000000000000/rating", data='{"score": 1}',
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.7.7.7")
    assert r.status_code == 404  # authenticated by the token, then an unknown answer
    use = AuditEntry.objects.get(action="token.use")
    assert use.actor == f"dave (token {token.prefix}…)" and use.ip == "10.7.7.7"

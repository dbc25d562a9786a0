"""The SCIM 2.0 service provider at /scim/v2/ against a real Neo4j: CRUD,
PATCH in RFC, Okta and Entra shapes, filters, pagination, errors, tokens,
identity resolution with HR people, and deactivation history."""
from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import ApiToken, AuditEntry, hash_token
from graph import driver
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from ingest.scim import tokens as scim_tokens

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
def today() -> str:
    """The UTC day the code stamps edges with, read when asserting: a module
    constant goes stale when the suite runs across midnight."""
    return timezone.now().date().isoformat()  # aware, in UTC (USE_TZ)


class Scim:
    """Django's test client speaking SCIM JSON with a real bearer token."""

    def __init__(self, client, raw_token):
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}

    def _call(self, method, path, body=None, **headers):
        kwargs = dict(self.auth, **headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/scim+json")
        response = getattr(self.client, method)(f"/scim/v2{path}", **kwargs)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **h):
        return self._call("get", path, **h)

    def post(self, path, body, **h):
        return self._call("post", path, body, **h)

    def put(self, path, body, **h):
        return self._call("put", path, body, **h)

    def patch(self, path, ops, **h):
        return self._call("patch", path, {"schemas": [PATCH], "Operations": ops}, **h)

    def delete(self, path, **h):
        return self._call("delete", path, **h)


@pytest.fixture
def scim(client, clean_graph):
    _, raw = scim_tokens.issue("test idp")
    return Scim(client, raw)


def user_body(user_name, email=None, **extra):
    body = {"schemas": [USER], "userName": user_name, "active": True}
    if email:
        body["emails"] = [{"value": email, "type": "work", "primary": True}]
    body.update(extra)
    return body


def create_user(scim, user_name, email=None, **extra):
    response = scim.post("/Users", user_body(user_name, email, **extra))
    assert response.status_code == 201, response.json_body
    return response.json_body


def person(scim_id=None, key=None):
    if scim_id:
        rows = driver.read("MATCH (p:Person {scim_id: $id}) RETURN p {.*} AS p", id=scim_id)
    else:
        rows = driver.read("MATCH (p:Person {key: $key}) RETURN p {.*} AS p", key=key)
    return rows[0]["p"] if rows else None


def edges(key, rel_types):
    return sorted((r["type"], r["dst"], r["valid_from"], r["valid_to"]) for r in driver.read(
        "MATCH (p:Person {key: $key})-[r]->(d) WHERE type(r) IN $types "
        "RETURN type(r) AS type, d.key AS dst, r.valid_from AS valid_from, r.valid_to AS valid_to",
        key=key, types=rel_types))


def assert_scim_error(response, status, scim_type=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body = json.loads(response.content)
    assert body["schemas"] == [ERROR] and body["status"] == str(status)
    if scim_type:
        assert body.get("scimType") == scim_type, body
    return body


# --- authentication ---------------------------------------------------------
def test_requests_without_a_valid_token_get_401(client, scim):
    assert_scim_error(client.get("/scim/v2/Users"), 401)
    wrong = Scim(client, "kiki_scim_not-a-real-token").get("/Users")
    body = assert_scim_error(wrong, 401)
    assert "invalid" in body["detail"]
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert scim.get("/Users").status_code == 200


def test_revoked_token_is_refused_and_last_use_is_recorded(client, clean_graph):
    token, raw = scim_tokens.issue("okta")
    assert token.scopes == ["scim"] and token.user.get_username() == scim_tokens.SERVICE_USER
    assert not token.user.has_usable_password()  # nobody signs in as the service account
    api = Scim(client, raw)
    assert api.get("/Users").status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None
    assert token.token_hash != raw and raw not in token.token_hash  # only the hash is stored
    token.revoke()
    assert_scim_error(api.get("/Users"), 401)
    actions = list(AuditEntry.objects.filter(target=f"token {token.prefix}…").values_list("action", flat=True))
    assert sorted(actions) == ["token.refused", "token.use"]


def test_only_a_live_token_with_the_scim_scope_gets_in(client, clean_graph):
    # (A read-scoped token's 401 here is in test_tokens_and_limits.py.)
    service = scim_tokens.service_user()
    _, sync_raw = ApiToken.issue("scheduler", service, ["sync"])
    assert_scim_error(Scim(client, sync_raw).get("/Users"), 401)
    expired, expired_raw = scim_tokens.issue("okta old")
    ApiToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert_scim_error(Scim(client, expired_raw).get("/Users"), 401)
    refused = {e.target: e.details["state"] for e in AuditEntry.objects.filter(action="token.refused")}
    assert set(refused.values()) == {"missing scope", "expired"}
    # Deactivating the service account stops every SCIM token at once.
    _, live_raw = scim_tokens.issue("okta new")
    assert Scim(client, live_raw).get("/Users").status_code == 200
    service.is_active = False
    service.save()
    assert_scim_error(Scim(client, live_raw).get("/Users"), 401)


def test_management_command_creates_lists_and_revokes(client, clean_graph, capsys):
    call_command("scim_token", "create", "entra", "--days", "30")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.find(raw)
    assert token.scopes == ["scim"] and token.name == "entra"
    assert timedelta(days=29) < token.expires - timezone.now() <= timedelta(days=30)
    api = Scim(client, raw)
    assert api.get("/Users").status_code == 200
    _, other_raw = ApiToken.issue("script", scim_tokens.service_user(), ["read"])
    call_command("scim_token", "list")
    listed = capsys.readouterr().out
    assert "entra" in listed and "active" in listed and raw not in listed
    assert "script" not in listed  # only tokens that reach /scim/v2/
    call_command("scim_token", "revoke", raw[:16])  # more than the prefix is fine
    assert "Revoked" in capsys.readouterr().out
    assert_scim_error(api.get("/Users"), 401)
    with pytest.raises(CommandError):
        call_command("scim_token", "revoke", other_raw[:13])  # not a SCIM token
    assert set(AuditEntry.objects.filter(target=f"token {token.prefix}…").values_list("action", flat=True)) \
        == {"token.create", "token.use", "token.revoke", "token.refused"}


def test_admin_creates_a_scim_token_shown_once(admin_client, client, clean_graph):
    # SCIM tokens are API tokens: created on the API token admin page, with the scim scope.
    assert admin_client.get("/admin/ingest/scimtoken/").status_code == 404
    response = admin_client.post("/admin/accounts/apitoken/add/", {
        "name": "okta prod", "user": scim_tokens.service_user().pk, "scopes": ["scim"]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="raw-token"[^>]*>([^<]+)</code>', response.content.decode()).group(1)
    # Shown on the page only: never in a cookie (Django's cookie-stored messages).
    assert all(raw not in morsel.value for morsel in response.cookies.values())
    assert not list(response.wsgi_request._messages)
    token = ApiToken.objects.get(name="okta prod")
    assert raw.startswith(token.prefix) and token.token_hash != raw
    assert Scim(client, raw).get("/Users").status_code == 200
    admin_client.post("/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked is not None
    assert_scim_error(Scim(client, raw).get("/Users"), 401)


# --- upgrade from ingest.ScimToken ----------------------------------------------
BEFORE_CONVERSION = [("ingest", "0002_syncrun_rejectedrecord_conflict")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)  # migrations cannot run inside the test's transaction
def test_an_idp_token_from_before_the_upgrade_keeps_working(client, clean_graph, settings):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    ScimToken = _migrate(BEFORE_CONVERSION).get_model("ingest", "ScimToken")
    # Rows as the old model wrote them: sha256 of a "kiki_scim_" token, a 16-character prefix.
    raw, dead_raw = "kiki_scim_" + secrets.token_urlsafe(32), "kiki_scim_" + secrets.token_urlsafe(32)
    made, used = timezone.now() - timedelta(days=400), timezone.now() - timedelta(hours=2)
    ScimToken.objects.create(name="okta", token_hash=hash_token(raw), prefix=raw[:16], created=made, last_used=used)
    ScimToken.objects.create(name="okta old", token_hash=hash_token(dead_raw), prefix=dead_raw[:16], created=made,
                             revoked=used)
    try:
        _migrate(latest)
        token = ApiToken.objects.get(name="okta")
        assert (token.scopes, token.prefix, token.created, token.last_used, token.revoked) == \
            (["scim"], raw[:16], made, used, None)
        assert token.user.get_username() == scim_tokens.SERVICE_USER and not token.user.has_usable_password()
        days = timedelta(days=settings.KIKI_API_TOKEN_DAYS)
        assert days - timedelta(days=1) < token.expires - timezone.now() <= days  # from the upgrade, not `created`
        assert ApiToken.objects.get(name="okta old").state == "revoked"
        assert {e.target for e in AuditEntry.objects.filter(action="token.convert")} == \
            {f"token {raw[:16]}…", f"token {dead_raw[:16]}…"}

        api = Scim(client, raw)
        assert api.get("/Users").status_code == 200
        assert AuditEntry.objects.filter(action="token.use", target=f"token {raw[:16]}…").count() == 1
        assert_scim_error(Scim(client, dead_raw).get("/Users"), 401)
        call_command("scim_token", "revoke", raw[:16])  # the prefix an administrator already knows
        assert_scim_error(api.get("/Users"), 401)

        # And back: the converted tokens are ScimTokens again, revocation included.
        ScimToken = _migrate(BEFORE_CONVERSION).get_model("ingest", "ScimToken")
        assert {(t.name, t.token_hash, t.revoked is not None) for t in ScimToken.objects.all()} == \
            {("okta", hash_token(raw), True), ("okta old", hash_token(dead_raw), True)}
        assert not ApiToken.objects.filter(created_by="ingest.ScimToken").exists()
    finally:
        _migrate(latest)


# --- discovery ---------------------------------------------------------------
def test_discovery_endpoints(client, scim):
    spc = client.get("/scim/v2/ServiceProviderConfig")
    assert spc.status_code == 200 and spc["Content-Type"] == "application/scim+json"
    config = json.loads(spc.content)
    assert config["patch"]["supported"] and config["filter"]["supported"] and config["etag"]["supported"]
    assert not config["bulk"]["supported"]
    types = json.loads(client.get("/scim/v2/ResourceTypes").content)
    assert {r["endpoint"] for r in types["Resources"]} == {"/Users", "/Groups"}
    schemas = json.loads(client.get("/scim/v2/Schemas").content)
    assert {USER, GROUP, ENTERPRISE} <= {s["id"] for s in schemas["Resources"]}
    assert json.loads(client.get(f"/scim/v2/Schemas/{ENTERPRISE}").content)["id"] == ENTERPRISE
    assert_scim_error(scim._call("post", "/ServiceProviderConfig", {}), 405)
    assert_scim_error(scim.get("/Schemas/urn:nope"), 404)
    assert_scim_error(scim.get("/NoSuchThing"), 404)


# --- users: CRUD ----------------------------------------------------------------
def test_user_create_get_replace_delete(scim):
    created = scim.post("/Users", user_body(
        "bjensen@example.com", "BJensen@Example.com", externalId="okta-1", title="Analyst",
        name={"givenName": "Barbara", "familyName": "Jensen", "formatted": "Barbara Jensen"},
        password="s3cret!"))
    assert created.status_code == 201
    user = created.json_body
    uid = user["id"]
    assert created["Location"] == user["meta"]["location"] and user["meta"]["location"].endswith(f"/Users/{uid}")
    assert created["ETag"] == user["meta"]["version"] and user["meta"]["resourceType"] == "User"
    assert user["meta"]["created"] and user["meta"]["lastModified"]
    assert "password" not in user

    node = person(uid)
    assert node["name"] == "Barbara Jensen" and node["key"] == "barbara-jensen"
    assert node["email"] == "bjensen@example.com" and node["title"] == "Analyst"
    assert node["status"] == "active" and node["source"] == "scim"
    assert "s3cret" not in node["scim_doc"]
    assert driver.read("MATCH (p:Person {key: 'barbara-jensen'}) RETURN 'Entity' IN labels(p) AS e")[0]["e"]

    got = scim.get(f"/Users/{uid}")
    assert got.status_code == 200 and got.json_body["userName"] == "bjensen@example.com"
    assert got.json_body["name"]["givenName"] == "Barbara"

    replaced = scim.put(f"/Users/{uid}", user_body("bjensen@example.com", "bjensen@example.com",
                                                   title="Lead Analyst", displayName="Babs Jensen"))
    assert replaced.status_code == 200, replaced.json_body
    assert replaced.json_body["title"] == "Lead Analyst" and "name" not in replaced.json_body
    assert replaced.json_body["meta"]["version"] != user["meta"]["version"]
    node = person(uid)
    assert node["title"] == "Lead Analyst" and node["name"] == "Babs Jensen"

    assert scim.delete(f"/Users/{uid}").status_code == 204
    assert_scim_error(scim.get(f"/Users/{uid}"), 404)
    page = person(key="barbara-jensen")
    assert page is not None and page["status"] == "former" and page["scim_former_id"] == uid
    assert_scim_error(scim.delete(f"/Users/{uid}"), 404)
    # The userName is free again, and a re-hire lands on the same page.
    again = create_user(scim, "bjensen@example.com", "bjensen@example.com")
    assert person(again["id"])["key"] == "barbara-jensen" and person(again["id"])["status"] == "active"


def test_user_errors(scim):
    create_user(scim, "dup@example.com")
    assert_scim_error(scim.post("/Users", user_body("DUP@example.com")), 409, "uniqueness")
    assert_scim_error(scim.post("/Users", {"schemas": [USER], "displayName": "no user name"}), 400)
    bad_json = scim.client.post("/scim/v2/Users", data="{not json", content_type="application/scim+json",
                                **scim.auth)
    assert_scim_error(bad_json, 400, "invalidSyntax")
    assert_scim_error(scim.get("/Users/does-not-exist"), 404)
    assert_scim_error(scim.put("/Users/does-not-exist", user_body("x")), 404)
    assert_scim_error(scim.get("/Users?count=abc"), 400, "invalidValue")
    other = create_user(scim, "other@example.com")
    # Renaming onto a taken userName is a conflict too.
    assert_scim_error(scim.put(f"/Users/{other['id']}", user_body("dup@example.com")), 409, "uniqueness")
    assert_scim_error(scim.patch(f"/Users/{other['id']}", [{"op": "jump", "path": "title", "value": "x"}]),
                      400, "invalidValue")
    assert_scim_error(scim.patch(f"/Users/{other['id']}", [{"op": "replace", "path": "id", "value": "x"}]),
                      400, "mutability")
    assert_scim_error(scim.patch(f"/Users/{other['id']}",
                                 [{"op": "replace", "path": 'emails[type eq "work"].value', "value": "a@b.co"},
                                  {"op": "remove"}]), 400, "noTarget")


def test_user_patch_rfc_okta_and_entra_shapes(scim):
    uid = create_user(scim, "ana@example.com", "ana@example.com", title="Engineer")["id"]
    r = scim.patch(f"/Users/{uid}", [{"op": "replace", "path": "title", "value": "Staff Engineer"}])
    assert r.status_code == 200 and r.json_body["title"] == "Staff Engineer"
    # Okta: path-less replace repeating the id.
    r = scim.patch(f"/Users/{uid}", [{"op": "replace", "value": {"id": uid, "displayName": "Ana Costa",
                                                                  "name.givenName": "Ana"}}])
    assert r.status_code == 200, r.json_body
    assert r.json_body["displayName"] == "Ana Costa" and r.json_body["name"]["givenName"] == "Ana"
    # Entra: capitalised ops, a filtered path creating the entry it names.
    r = scim.patch(f"/Users/{uid}", [{"op": "Add", "path": 'emails[type eq "home"].value',
                                      "value": "ana.home@example.org"}])
    assert r.status_code == 200, r.json_body
    assert {e["value"] for e in r.json_body["emails"]} == {"ana@example.com", "ana.home@example.org"}
    r = scim.patch(f"/Users/{uid}", [{"op": "remove", "path": 'emails[type eq "home"]'}])
    assert [e["value"] for e in r.json_body["emails"]] == ["ana@example.com"]
    r = scim.patch(f"/Users/{uid}", [{"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E-7"}])
    assert r.json_body[ENTERPRISE]["employeeNumber"] == "E-7"
    node = person(uid)
    assert node["name"] == "Ana Costa" and node["title"] == "Staff Engineer" and node["employee_id"] == "E-7"
    assert node["scim_emails_lc"] == ["ana@example.com"]
    # What PATCH returned is what GET returns.
    assert scim.get(f"/Users/{uid}").json_body == r.json_body


def test_etags(scim):
    user = create_user(scim, "etag@example.com")
    uid, version = user["id"], user["meta"]["version"]
    assert scim.get(f"/Users/{uid}", HTTP_IF_NONE_MATCH=version).status_code == 304
    assert_scim_error(scim.patch(f"/Users/{uid}", [{"op": "replace", "path": "title", "value": "x"}],
                                 HTTP_IF_MATCH='W/"stale"'), 412)
    ok = scim.patch(f"/Users/{uid}", [{"op": "replace", "path": "title", "value": "x"}], HTTP_IF_MATCH=version)
    assert ok.status_code == 200 and ok["ETag"] != version
    assert_scim_error(scim.delete(f"/Users/{uid}", HTTP_IF_MATCH=version), 412)


# --- users: filters, pagination, attributes -----------------------------------------
def test_filters(scim):
    a = create_user(scim, "alice@example.com", "Alice@Example.com", externalId="ext-A", title="CTO")
    b = create_user(scim, "bob@example.com", "bob@example.com", externalId="ext-B", title="CFO")

    def ids(filter_text):
        r = scim.client.get("/scim/v2/Users", {"filter": filter_text}, **scim.auth)
        assert r.status_code == 200, r.content
        body = json.loads(r.content)
        assert body["totalResults"] == len(body.get("Resources", []))
        return [u["id"] for u in body.get("Resources", [])]

    assert ids('userName eq "ALICE@example.com"') == [a["id"]]  # userName is case-insensitive
    assert ids('externalId eq "ext-B"') == [b["id"]]
    assert ids('externalId eq "EXT-B"') == []  # externalId is caseExact
    assert ids('emails.value eq "alice@example.com"') == [a["id"]]
    assert ids('emails[type eq "work"].value eq "bob@example.com"') == [b["id"]]
    assert ids('emails[type eq "home"].value eq "bob@example.com"') == []
    assert ids('userName eq "alice@example.com" and title eq "CFO"') == []
    assert ids('title eq "CFO" or title eq "CTO"') == [a["id"], b["id"]]  # not indexed: scanned
    assert ids(f'{USER}:userName eq "bob@example.com"') == [b["id"]]
    assert ids('userName eq "nobody@example.com"') == []
    bad = scim.client.get("/scim/v2/Users", {"filter": 'userName eqq "x"'}, **scim.auth)
    assert_scim_error(bad, 400, "invalidFilter")
    search = scim.post("/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                          "filter": 'userName eq "bob@example.com"', "attributes": ["userName"]})
    assert search.status_code == 200
    assert search.json_body["Resources"] == [{"id": b["id"], "userName": "bob@example.com",
                                              "schemas": [USER, ENTERPRISE]}] or \
        search.json_body["Resources"][0].keys() <= {"id", "userName", "schemas"}


def test_search_across_resource_types(scim):
    user = create_user(scim, "searcher@example.com", displayName="Platform Fan")
    group = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Platform"}).json_body
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    everything = scim._call("post", "/.search", body).json_body
    assert [r["id"] for r in everything["Resources"]] == [user["id"], group["id"]]
    # displayName is on both types; userName only on users (false for groups).
    both = scim._call("post", "/.search", dict(body, filter='displayName sw "Platform"')).json_body
    assert both["totalResults"] == 2
    users = scim._call("post", "/.search", dict(body, filter='userName pr', attributes=["displayName"]))
    assert [r["id"] for r in users.json_body["Resources"]] == [user["id"]]
    assert "userName" not in users.json_body["Resources"][0]
    page = scim._call("post", "/.search", dict(body, startIndex=2, count=1)).json_body
    assert page["totalResults"] == 2 and [r["id"] for r in page["Resources"]] == [group["id"]]


def test_pagination_and_attribute_selection(scim):
    made = [create_user(scim, f"user{i}@example.com", f"user{i}@example.com", title=f"T{i}")["id"]
            for i in range(5)]
    body = scim.get("/Users?startIndex=2&count=2").json_body
    assert body["totalResults"] == 5 and body["startIndex"] == 2 and body["itemsPerPage"] == 2
    assert [u["id"] for u in body["Resources"]] == made[1:3]
    last = scim.get("/Users?startIndex=5&count=10").json_body
    assert [u["id"] for u in last["Resources"]] == made[4:]
    none = scim.get("/Users?count=0").json_body
    assert none["totalResults"] == 5 and none["Resources"] == []
    filtered = scim.client.get("/scim/v2/Users", {"filter": 'title sw "T"', "startIndex": "4", "count": "1"},
                               **scim.auth)
    assert [u["id"] for u in json.loads(filtered.content)["Resources"]] == made[3:4]
    only = scim.get(f"/Users/{made[0]}?attributes=userName").json_body
    assert set(only) <= {"schemas", "id", "userName"} and only["userName"] == "user0@example.com"
    without = scim.get(f"/Users?excludedAttributes=emails,title").json_body["Resources"][0]
    assert "emails" not in without and "title" not in without and "userName" in without


# --- identity resolution, enterprise extension ---------------------------------------
def _hr_org():
    sync(Batch("hris", [
        Entity("Person", "maria-silva", "Maria Silva", summary="VP Risk",
               props={"email": "maria.silva@example.com", "employee_id": "1001", "title": "VP Risk",
                      "status": "active"}),
        Entity("Person", "joao-reis", "João Reis", props={"email": "joao@example.com", "employee_id": "1002"}),
        Entity("Team", "risk-data", "Risk Data"),
        Entity("Department", "risk", "Risk"),
    ], [
        Edge("MEMBER_OF", "Person", "maria-silva", "Team", "risk-data", props={"valid_from": "2020-01-01"}),
        Edge("LEADS", "Person", "maria-silva", "Team", "risk-data", props={"valid_from": "2021-06-01"}),
        Edge("PART_OF", "Team", "risk-data", "Department", "risk"),
    ]), full=False)


def test_scim_user_attaches_to_the_existing_hr_person(scim):
    _hr_org()
    by_email = create_user(scim, "msilva", "Maria.Silva@EXAMPLE.com", displayName="M. Silva", title="Boss")
    by_employee_id = create_user(scim, "jreis", "j.reis@other.example.com",
                                 **{"schemas": [USER, ENTERPRISE], ENTERPRISE: {"employeeNumber": "1002"}})
    assert driver.read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 2  # no duplicates
    maria = person(by_email["id"])
    assert maria["key"] == "maria-silva"
    # HR's values are not overwritten by the IdP's; SCIM's bookkeeping is added.
    assert maria["name"] == "Maria Silva" and maria["title"] == "VP Risk" and maria["source"] == "hris"
    assert maria["scim_user_name"] == "msilva"
    assert person(by_employee_id["id"])["key"] == "joao-reis"
    # The existing memberships stay, and the team's SCIM group (once there) lists her.
    assert ("MEMBER_OF", "risk-data", "2020-01-01", None) in edges("maria-silva", ["MEMBER_OF"])


def test_field_priorities_decide_between_hr_and_scim(scim):
    _hr_org()
    sync(Batch("hris", [], [Edge("REPORTS_TO", "Person", "maria-silva", "Person", "joao-reis",
                                 props={"valid_from": "2024-01-01"})]), full=False)
    boss = create_user(scim, "boss@example.com", "boss@example.com")
    uid = create_user(scim, "maria", "maria.silva@example.com", title="Chief", **{
        "schemas": [USER, ENTERPRISE],
        ENTERPRISE: {"costCenter": "CC-1", "manager": {"value": boss["id"]}}})["id"]
    maria = person(uid)
    # HR ranks above SCIM for title and manager; fields HR never set are SCIM's.
    assert maria["title"] == "VP Risk" and maria["cost_center"] == "CC-1"
    assert edges("maria-silva", ["REPORTS_TO"]) == [("REPORTS_TO", "joao-reis", "2024-01-01", None)]
    prov = json.loads(maria["prov"])
    assert prov["fields"]["title"]["source"] == "hris" and prov["fields"]["cost_center"]["source"] == "scim"
    assert set(maria["sources"]) == {"hris", "scim"}
    # On a person SCIM created, SCIM owns the fields: clearing the title clears it.
    other = create_user(scim, "solo@example.com", "solo@example.com", title="Temp")
    scim.patch(f"/Users/{other['id']}", [{"op": "remove", "path": "title"}])
    assert "title" not in person(other["id"])


def test_deactivation_keeps_the_page_and_closes_current_edges(scim):
    _hr_org()
    boss = create_user(scim, "boss@example.com", "boss@example.com")
    uid = create_user(scim, "maria", "maria.silva@example.com", **{
        "schemas": [USER, ENTERPRISE], ENTERPRISE: {"manager": {"value": boss["id"]}}})["id"]
    assert edges("maria-silva", ["REPORTS_TO"]) == [("REPORTS_TO", "boss", today(), None)]

    # Entra sends booleans as strings.
    r = scim.patch(f"/Users/{uid}", [{"op": "Replace", "path": "active", "value": "False"}])
    assert r.status_code == 200, r.json_body
    assert r.json_body["active"] is False
    maria = person(key="maria-silva")
    assert maria["status"] == "former" and maria["name"] == "Maria Silva"  # the page stays
    assert edges("maria-silva", ["MEMBER_OF", "LEADS", "REPORTS_TO"]) == []
    assert edges("maria-silva", ["PAST_MEMBER_OF", "PAST_LEADS", "PAST_REPORTS_TO"]) == [
        ("PAST_LEADS", "risk-data", "2021-06-01", today()),
        ("PAST_MEMBER_OF", "risk-data", "2020-01-01", today()),
        ("PAST_REPORTS_TO", "boss", today(), today()),
    ]
    assert scim.get(f"/Users/{uid}").json_body["active"] is False  # still a SCIM user until DELETE

    # Re-activation restores the reporting line from the SCIM data, history stays.
    scim.patch(f"/Users/{uid}", [{"op": "replace", "value": {"active": True}}])
    assert person(key="maria-silva")["status"] == "active"
    assert edges("maria-silva", ["REPORTS_TO"]) == [("REPORTS_TO", "boss", today(), None)]
    assert len(edges("maria-silva", ["PAST_MEMBER_OF"])) == 1


def test_delete_closes_edges_and_hides_the_user(scim):
    _hr_org()
    uid = create_user(scim, "maria", "maria.silva@example.com")["id"]
    assert scim.delete(f"/Users/{uid}").status_code == 204
    assert_scim_error(scim.get(f"/Users/{uid}"), 404)
    assert scim.get('/Users?filter=userName%20eq%20%22maria%22').json_body["totalResults"] == 0
    maria = person(key="maria-silva")
    assert maria["status"] == "former" and "scim_id" not in maria
    assert sorted(t for t, *_ in edges("maria-silva", ["MEMBER_OF", "LEADS", "PAST_MEMBER_OF", "PAST_LEADS"])) \
        == ["PAST_LEADS", "PAST_MEMBER_OF"]


def test_enterprise_manager_and_department(scim):
    _hr_org()
    ext = {"schemas": [USER, ENTERPRISE]}
    # A manager id that names no SCIM user is kept in the SCIM data but links nobody.
    report = create_user(scim, "rep", "rep@example.com", **ext, **{ENTERPRISE: {
        "manager": {"value": "00000000-0000-4000-8000-000000000001"}, "department": "risk",
        "costCenter": "CC-9", "division": "Markets", "organization": "Kiki Corp"}})
    rep = person(report["id"])
    assert rep["cost_center"] == "CC-9" and rep["division"] == "Markets" and rep["organization"] == "Kiki Corp"
    assert edges(rep["key"], ["REPORTS_TO"]) == []
    # `department` resolved (case-insensitively, by key or name) to the Risk Department;
    # division and organization become its parent units.
    assert edges(rep["key"], ["MEMBER_OF"]) == [("MEMBER_OF", "risk", today(), None)]

    mgr = create_user(scim, "mgr", "mgr@example.com")
    # Entra: the manager as a bare id on the extension path.
    scim.patch(f"/Users/{report['id']}", [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": mgr["id"]}])
    assert edges(rep["key"], ["REPORTS_TO"]) == [("REPORTS_TO", "mgr", today(), None)]
    got = scim.get(f"/Users/{report['id']}").json_body
    assert got[ENTERPRISE]["manager"]["value"] == mgr["id"]

    other = create_user(scim, "other-mgr", "om@example.com")
    scim.patch(f"/Users/{report['id']}", [{"op": "replace", "path": f"{ENTERPRISE}:manager",
                                           "value": {"value": other["id"]}},
                                          {"op": "replace", "path": f"{ENTERPRISE}:department",
                                           "value": "Nowhere Unit"}])
    assert edges(rep["key"], ["REPORTS_TO", "PAST_REPORTS_TO"]) == [
        ("PAST_REPORTS_TO", "mgr", today(), today()), ("REPORTS_TO", "other-mgr", today(), None)]
    # A department no page has yet becomes one (tests/test_org_units.py has the rules).
    assert person(report["id"])["department"] == "Nowhere Unit"
    assert edges(rep["key"], ["MEMBER_OF"]) == [("MEMBER_OF", "nowhere-unit", today(), None)]
    assert edges(rep["key"], ["PAST_MEMBER_OF"]) == [("PAST_MEMBER_OF", "risk", today(), today())]
    assert sorted(r["k"] for r in driver.read("MATCH (d:Department) RETURN d.key AS k")) == [
        "kiki-corp", "markets", "nowhere-unit", "risk"]



# --- groups ---------------------------------------------------------------------
def members_in_graph(team_key):
    return sorted(r["k"] for r in driver.read(
        "MATCH (p:Person)-[:MEMBER_OF]->(t:Team {key: $key}) RETURN p.key AS k", key=team_key))


def test_group_crud_and_membership(scim):
    u1 = create_user(scim, "u1@example.com", displayName="User One")["id"]
    u2 = create_user(scim, "u2@example.com", displayName="User Two")["id"]
    u3 = create_user(scim, "u3@example.com", displayName="User Three")["id"]
    created = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Platform Team", "externalId": "g-1",
                                    "members": [{"value": u1}]})
    assert created.status_code == 201, created.json_body
    group = created.json_body
    gid = group["id"]
    assert group["members"] == [{"value": u1, "type": "User",
                                 "$ref": f"http://testserver/scim/v2/Users/{u1}"}]
    assert members_in_graph("platform-team") == ["user-one"]
    assert [g["value"] for g in scim.get(f"/Users/{u1}").json_body["groups"]] == [gid]

    # Entra: add with a list value on the members path. Member-only PATCHes
    # skip reading the member list and answer 204 (RFC 7644 §3.5.2).
    r = scim.patch(f"/Groups/{gid}", [{"op": "Add", "path": "members", "value": [{"value": u2}, {"value": u3}]}])
    assert r.status_code == 204, r.content
    assert members_in_graph("platform-team") == ["user-one", "user-three", "user-two"]
    # RFC: remove with a value filter.
    r = scim.patch(f"/Groups/{gid}", [{"op": "remove", "path": f'members[value eq "{u1}"]'}])
    assert r.status_code == 204
    assert {m["value"] for m in scim.get(f"/Groups/{gid}").json_body["members"]} == {u2, u3}
    # Entra: remove carrying the value.
    scim.patch(f"/Groups/{gid}", [{"op": "Remove", "path": "members", "value": [{"value": u2}]}])
    assert members_in_graph("platform-team") == ["user-three"]
    closed = driver.read("MATCH (p:Person)-[r:PAST_MEMBER_OF]->(:Team {key: 'platform-team'}) "
                         "RETURN p.key AS k, r.valid_to AS to ORDER BY k")
    assert closed == [{"k": "user-one", "to": today()}, {"k": "user-two", "to": today()}]
    # Okta: path-less rename repeating the id.
    r = scim.patch(f"/Groups/{gid}", [{"op": "replace", "value": {"id": gid, "displayName": "Platform"}}])
    assert r.json_body["displayName"] == "Platform"
    assert driver.read("MATCH (t:Team {key: 'platform-team'}) RETURN t.name AS n")[0]["n"] == "Platform"

    # With If-Match the general path answers with the resource.
    version = scim.get(f"/Groups/{gid}")["ETag"]
    r = scim.patch(f"/Groups/{gid}", [{"op": "add", "path": "members", "value": [{"value": u1}]}],
                   HTTP_IF_MATCH=version)
    assert r.status_code == 200 and {m["value"] for m in r.json_body["members"]} == {u1, u3}
    scim.patch(f"/Groups/{gid}", [{"op": "add", "path": "members", "value": [{"value": u2}]},
                                  {"op": "remove", "path": "members", "value": [{"value": u2}]}])
    assert {m["value"] for m in scim.get(f"/Groups/{gid}").json_body["members"]} == {u1, u3}

    # PUT sets the member list exactly.
    r = scim.put(f"/Groups/{gid}", {"schemas": [GROUP], "displayName": "Platform", "externalId": "g-1",
                                    "members": [{"value": u1}, {"value": u2}]})
    assert r.status_code == 200, r.json_body
    assert members_in_graph("platform-team") == ["user-one", "user-two"]

    # Filters and errors.
    found = scim.client.get("/scim/v2/Groups", {"filter": 'displayName eq "platform"'}, **scim.auth)
    assert [g["id"] for g in json.loads(found.content)["Resources"]] == [gid]
    found = scim.client.get("/scim/v2/Groups", {"filter": 'externalId eq "g-1"'}, **scim.auth)
    assert [g["id"] for g in json.loads(found.content)["Resources"]] == [gid]
    assert_scim_error(scim.patch(f"/Groups/{gid}", [{"op": "add", "path": "members",
                                                     "value": [{"value": "no-such-user"}]}]), 400, "invalidValue")
    assert_scim_error(scim.post("/Groups", {"schemas": [GROUP]}), 400)

    # A deleted user leaves the group; a deleted group keeps its team page.
    scim.delete(f"/Users/{u2}")
    assert [m["value"] for m in scim.get(f"/Groups/{gid}").json_body["members"]] == [u1]
    assert scim.delete(f"/Groups/{gid}").status_code == 204
    assert_scim_error(scim.get(f"/Groups/{gid}"), 404)
    assert members_in_graph("platform-team") == []
    assert driver.read("MATCH (t:Team {key: 'platform-team'}) RETURN count(t) AS n")[0]["n"] == 1


def test_group_attaches_to_existing_team_and_keeps_hr_members(scim):
    _hr_org()
    maria = create_user(scim, "maria", "maria.silva@example.com")["id"]
    u = create_user(scim, "new@example.com", displayName="New Person")["id"]
    group = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Risk Data"}).json_body
    assert driver.read("MATCH (t:Team {scim_id: $id}) RETURN t.key AS k", id=group["id"])[0]["k"] == "risk-data"
    assert [m["value"] for m in group["members"]] == [maria]  # HR membership shows through
    scim.put(f"/Groups/{group['id']}", {"schemas": [GROUP], "displayName": "Risk Data", "members": [{"value": u}]})
    assert members_in_graph("risk-data") == ["new-person"]
    assert ("PAST_MEMBER_OF", "risk-data", "2020-01-01", today()) in edges("maria-silva", ["PAST_MEMBER_OF"])


def test_nested_groups_are_part_of_edges(scim):
    parent = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Engineering"}).json_body["id"]
    child = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Search"}).json_body["id"]
    scim.patch(f"/Groups/{parent}", [{"op": "add", "path": "members", "value": [{"value": child}]}])
    assert scim.get(f"/Groups/{parent}").json_body["members"] == [{"value": child, "type": "Group",
                                       "$ref": f"http://testserver/scim/v2/Groups/{child}"}]
    assert driver.read("MATCH (:Team {key: 'search'})-[r:PART_OF]->(:Team {key: 'engineering'}) "
                       "RETURN count(r) AS n")[0]["n"] == 1
    assert_scim_error(scim.patch(f"/Groups/{parent}", [{"op": "add", "path": "members",
                                                        "value": [{"value": parent}]}]), 400, "invalidValue")


def test_a_key_taken_concurrently_is_picked_again(scim, monkeypatch):
    from ingest.scim import service
    sync(Batch("hris", [Entity("Person", "dana", "Dana Other")]), full=False)
    real = service._free_key
    picks = iter(["dana"])  # first pick: a key another writer took after we looked

    monkeypatch.setattr(service, "_free_key", lambda label, wanted: next(picks, None) or real(label, wanted))
    uid = create_user(scim, "dana@example.com", displayName="Dana")["id"]
    assert person(uid)["key"] == "dana-2"
    assert person(key="dana")["name"] == "Dana Other"


def test_writes_queue_a_search_refresh_of_the_written_page(scim, settings, celery_app_configured, redis_url):
    import base64

    import redis
    settings.KIKI_SYNC_QUEUE_EMBEDDINGS = True
    r = redis.Redis.from_url(redis_url)
    r.delete("celery")
    try:
        created = create_user(scim, "lena.berg@example.com", "lena.berg@example.com", title="Data Engineer")
        messages = [json.loads(m) for m in r.lrange("celery", 0, -1)]
        assert [m["headers"]["task"] for m in messages] == ["kiki.embed_entities"]
        keys = json.loads(base64.b64decode(messages[0]["body"]))[0][0]
        assert keys == [person(scim_id=created["id"])["key"]]
    finally:
        r.delete("celery")


def test_every_scim_change_is_audited_once_and_refused_ones_are_not(scim):
    from accounts.models import AuditEntry

    user = create_user(scim, "audit.me@example.com", "audit.me@example.com", title="Analyst")
    assert scim.patch(f"/Users/{user['id']}", [{"op": "replace", "path": "title", "value": "Lead"}]).status_code == 200
    assert scim.post("/Users", user_body("audit.me@example.com")).status_code == 409  # taken: refused
    assert scim.delete(f"/Users/{user['id']}").status_code == 204
    entries = list(AuditEntry.objects.filter(action__startswith="scim.").order_by("id")
                   .values_list("action", "target", "details"))
    assert [(a, t) for a, t, _ in entries] == [
        ("scim.user.create", f"User:{user['id']}"), ("scim.user.patch", f"User:{user['id']}"),
        ("scim.user.delete", f"User:{user['id']}")]
    assert entries[1][2] == {"operations": ["replace title"]}
    actors = {e.actor for e in AuditEntry.objects.filter(action__startswith="scim.")}
    assert len(actors) == 1 and actors.pop().startswith(f"{scim_tokens.SERVICE_USER} (token kiki_"), actors

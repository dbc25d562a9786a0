"""Personal data (GDPR) on the real graph: an admin exports everything stored
about a person as JSON, erases them (anonymised placeholder, past values and
conversations gone, edits attributed to "former employee", counts and edges
intact, the erasure audited), and old conversations are purged."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import AuditEntry
from graph import driver, schema
from ingest.merge import sync
from kiki.models import Conversation, Message, Rating
from tests.assistant_org import org_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def offline():
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


@pytest.fixture
def fresh_org(neo4j):
    schema.wipe()
    assert not sync(org_batch(), full=False).rejected_records
    return neo4j


@pytest.fixture
def ana_account():
    from django.contrib.auth.models import Group

    ana = get_user_model().objects.create_user("ana", email="ana@example.com", password="unused but long enough")
    ana.groups.add(Group.objects.get_or_create(name="editor")[0])  # she edits pages below
    return ana


@pytest.fixture
def ana_history(fresh_org, ana_account):
    """Ana asks, rates, and edits her own page and her team's."""
    ana = Client()
    ana.force_login(ana_account)
    answer = ana.post("/api/ask", data=json.dumps({"question": "who is my manager?"}),
                      content_type="application/json").json()
    ana.post(f"/api/answers/{answer['message_id']}/rating", data=json.dumps({"score": 1, "comment": "spot on"}),
             content_type="application/json")
    for page in ("/person/ana-costa", "/team/risk-data"):
        form = dict(ana.get(page + "/edit").context["form"])
        form["body"] = f"Edited by Ana ({page})."
        r = ana.post(page + "/edit", form)
        assert r.status_code == 302, r.context["errors"]
    return answer


_HAS = ("any(k IN keys(x) WHERE (x[k] IS :: STRING AND x[k] CONTAINS $t) "
        "OR (x[k] IS :: LIST<STRING> AND any(v IN x[k] WHERE v CONTAINS $t)))")


def _graph_mentions(text: str) -> int:
    """Nodes and relationships holding `text` in any property, anywhere in the graph."""
    nodes = driver.read(f"MATCH (x) WHERE {_HAS} RETURN count(x) AS c", t=text)[0]["c"]
    rels = driver.read(f"MATCH ()-[x]->() WHERE {_HAS} RETURN count(x) AS c", t=text)[0]["c"]
    return nodes + rels


def test_admin_exports_everything_about_a_person(ana_history, admin_client):
    r = admin_client.post("/admin/personal-data/", {"key": "ana-costa", "export": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    props = data["person"]["properties"]
    assert props["email"] == "ana@example.com" and props["name"] == "Ana Costa"
    rels = {(e["type"], e["direction"], e["other_key"]) for e in data["relationships"]}
    assert {("MEMBER_OF", "out", "risk-data"), ("REPORTS_TO", "out", "dan-okafor")} <= rels
    assert any(rev["body"] == "Edited by Ana (/person/ana-costa)." for rev in data["page_revisions"])
    assert [a["username"] for a in data["accounts"]] == ["ana"]
    (conversation,) = data["conversations"]
    assert conversation["messages"][0]["question"] == "who is my manager?"
    assert conversation["messages"][0]["ratings"][0]["comment"] == "spot on"
    assert data["ratings"][0]["score"] == 1
    assert {"auth.sign_in", "page.edit"} <= {e["action"] for e in data["audit"]}
    assert AuditEntry.objects.filter(action="person.export", target="Person:ana-costa", actor="admin").exists()


def test_erasure_leaves_an_anonymised_placeholder_and_a_consistent_graph(ana_history, admin_client, client):
    team_before = client.get("/team/risk-data").context["page"]
    refused = admin_client.post("/admin/personal-data/", {"key": "ana-costa", "erase": "1", "confirm": "ana"})
    assert refused.status_code == 400 and _graph_mentions("ana@example.com") == 1

    r = admin_client.post("/admin/personal-data/", {"key": "ana-costa", "erase": "1", "confirm": "ana-costa"})
    assert r.status_code == 200
    done = r.context["erased"]
    new_key = done["new_key"]
    assert new_key.startswith("former-employee-") and done["accounts_anonymised"] == 1
    assert done["conversations_deleted"] == 1 and done["revisions_deleted"] >= 1

    # Personal fields and past values are gone from the whole graph.
    for trace in ("ana@example.com", "Ana Costa", "ana-costa", "Data engineer on Risk Data", "Edited by Ana (/person"):
        assert _graph_mentions(trace) == 0, trace
    assert client.get("/person/ana-costa").status_code == 404
    placeholder = client.get(f"/person/{new_key}")
    assert placeholder.status_code == 200 and "Former employee" in placeholder.content.decode()

    # Edges stay, so nothing dangles and every count is unchanged.
    team_after = client.get("/team/risk-data").context["page"]
    assert team_after["headcount"] == team_before["headcount"] == 3
    rows = driver.read("MATCH (p:Person {key: $k})-[r]->(o) RETURN type(r) AS t, o.key AS o", k=new_key)
    assert {(r["t"], r["o"]) for r in rows} >= {("MEMBER_OF", "risk-data"), ("REPORTS_TO", "dan-okafor")}
    assert "Former employee" in client.get("/person/dan-okafor").content.decode()

    # Her edit of another page is attributed to "former employee"; the text stays.
    team = driver.read("MATCH (t:Team {key: 'risk-data'}) RETURN t.body_edited_by AS by, t.body AS b")[0]
    assert team == {"by": "former employee", "b": "Edited by Ana (/team/risk-data)."}
    assert not driver.read("MATCH (r) WHERE r.source = 'wiki:ana' OR r.author = 'ana' RETURN r")
    authors = driver.read("MATCH (:Team {key: 'risk-data'})-[:HAS_REVISION]->(r:PageRevision) "
                          "WHERE r.kind <> 'import' RETURN r.author AS a")
    assert authors and {r["a"] for r in authors} == {"former employee"}

    # Conversations, ratings and the account.
    assert not Conversation.objects.exists() and not Message.objects.exists() and not Rating.objects.exists()
    user = get_user_model().objects.get(pk=get_user_model().objects.get(username__startswith="former-employee-").pk)
    assert not user.is_active and user.email == "" and not user.has_usable_password()

    # The erasure is audited, naming only the new key.
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.actor == "admin" and entry.target == f"Person:{new_key}"
    assert "ana" not in json.dumps(entry.details)


def test_the_personal_data_page_is_for_administrators_only(fresh_org, client, anon_client):
    staff = get_user_model().objects.create_user("staff", password="unused but long enough", is_staff=True)
    c = Client()
    c.force_login(staff)
    assert c.post("/admin/personal-data/", {"key": "ana-costa", "export": "1"}).status_code == 403
    assert client.post("/admin/personal-data/", {"key": "ana-costa", "export": "1"}).status_code == 302
    r = anon_client.post("/admin/personal-data/", {"key": "ana-costa", "export": "1"})
    assert r.status_code == 302 and "ana@example.com" not in r.content.decode()


def test_unknown_people_are_named_in_the_error(fresh_org, admin_client):
    r = admin_client.post("/admin/personal-data/", {"key": "no-such-person", "export": "1"})
    assert r.status_code == 404 and "no person &#x27;no-such-person&#x27;" in r.content.decode()
    with pytest.raises(Exception, match="no person 'no-such-person'"):
        call_command("personal_data", "erase", "no-such-person", "--yes")


def test_management_command_exports_and_erases(ana_history, capsys):
    call_command("personal_data", "export", "ana-costa")
    assert json.loads(capsys.readouterr().out)["person"]["key"] == "ana-costa"
    with pytest.raises(Exception, match="--yes"):
        call_command("personal_data", "erase", "ana-costa")
    call_command("personal_data", "erase", "ana-costa", "--yes")
    assert "now former-employee-" in capsys.readouterr().out
    assert _graph_mentions("ana@example.com") == 0


def test_retention_deletes_old_conversations_only(fresh_org, client):
    for _ in range(2):
        client.post("/api/ask", data=json.dumps({"question": "who leads payments"}), content_type="application/json")
    old, recent = Conversation.objects.order_by("created")
    Conversation.objects.filter(pk=old.pk).update(updated=timezone.now() - timedelta(days=40))
    out = io.StringIO()
    call_command("purge_conversations", "--days", "30", stdout=out)
    assert "Deleted 1 conversation(s)" in out.getvalue()
    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Message.objects.filter(conversation_id=old.pk).count() == 0
    assert AuditEntry.objects.filter(action="conversations.purge", details__count=1).exists()
    from accounts.tasks import purge_old_conversations
    with override_settings(KIKI_CONVERSATION_RETENTION_DAYS=0):
        assert purge_old_conversations() == 0

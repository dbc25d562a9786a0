"""HTTP API of the assistant (/api/ask, /api/ask/stream, ratings), the /ask
page and docked panel, the admin's low-rated view, `manage.py ask`, and
Neo4j being down. Offline mode (no LLM configured), real Neo4j."""
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from graph import driver
from graph.server import free_port
from kiki.assistant import ask
from kiki.errors import GraphUnavailable
from kiki.models import Message, Rating
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]


@pytest.fixture(autouse=True)
def offline():
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


def post(client, url, payload, **extra):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


def sse_events(response) -> list[dict]:
    raw = b"".join(response.streaming_content).decode()
    assert raw.endswith("\n\n")
    return [json.loads(block[len("data: "):]) for block in raw.strip().split("\n\n")]


def test_ask_returns_the_contract_shape(client):
    r = post(client, "/api/ask", {"question": "who owns the ledger api?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"answer", "sources", "mode", "conversation", "message_id", "note", "label"}
    assert body["mode"] == "offline" and body["label"] == "AI-generated answer"
    assert "owned by [Payments](/team/payments)" in body["answer"]
    assert {s["url"] for s in body["sources"]} == {"/system/ledger-api", "/team/payments", "/person/eve-adams"}


def test_follow_up_through_the_api(client):
    first = post(client, "/api/ask", {"question": "how many people are in Payments"}).json()
    second = post(client, "/api/ask", {"question": "and who leads it?",
                                       "conversation": first["conversation"]}).json()
    assert second["conversation"] == first["conversation"]
    assert "is led by [Eve Adams](/person/eve-adams)" in second["answer"]


def test_an_asker_in_the_request_body_is_refused(client):
    r = post(client, "/api/ask", {"question": "size of my department", "asker": "gina-park"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "asker"
    assert "Engineering" not in r.content.decode() and not Message.objects.exists()


def test_signed_in_user_is_the_asker(client):
    user = get_user_model().objects.create_user("someone", email="ana@example.com", password="x")
    client.force_login(user)
    body = post(client, "/api/ask", {"question": "who is my manager?"}).json()
    assert "[Ana Costa](/person/ana-costa) reports to [Dan Okafor](/person/dan-okafor)" in body["answer"]


@pytest.mark.parametrize("payload,field", [
    ({}, "question"),
    ({"question": ""}, "question"),
    ({"question": "   "}, "question"),
    ({"question": 42}, "question"),
    ({"question": "hi", "conversation": "not-a-conversation"}, "conversation"),
    ({"question": "hi", "conversation": "5b1f7c3e-0000-4000-8000-000000000000"}, "conversation"),
    ({"question": "hi", "conversation": 7}, "conversation"),
    ({"question": "x" * 2001}, "question"),
])
@pytest.mark.parametrize("url", ["/api/ask", "/api/ask/stream"])
def test_bad_requests_are_400_naming_the_field(client, url, payload, field):
    r = post(client, url, payload)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["field"] == field and err["message"]


def test_bad_json_and_wrong_method(client):
    r = client.post("/api/ask", data="{nope", content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    r = client.get("/api/ask")
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert r.json()["error"] == {"code": "method_not_allowed", "message": "GET is not allowed here; use POST"}
    assert client.get("/api/answers/123/rating").json()["error"]["code"] == "method_not_allowed"


def test_stream_sends_deltas_then_done(client):
    r = post(client, "/api/ask/stream", {"question": "direct reports of Dan Okafor"})
    assert r.status_code == 200 and r["Content-Type"] == "text/event-stream"
    events = sse_events(r)
    assert [e["type"] for e in events[:-1]] == ["delta"] * (len(events) - 1) and len(events) > 2
    done = events[-1]
    assert done["type"] == "done" and done["mode"] == "offline"
    assert "".join(e["text"] for e in events[:-1]) == done["answer"]
    assert Message.objects.filter(pk=done["message_id"]).exists()


def test_rating_an_answer(client):
    answer = post(client, "/api/ask", {"question": "who leads payments"}).json()
    url = f"/api/answers/{answer['message_id']}/rating"
    r = post(client, url, {"score": -1, "comment": "wrong team"})
    assert r.status_code == 201 and r.json() == {"message_id": answer["message_id"], "score": -1}
    rating = Rating.objects.get(message_id=answer["message_id"])
    assert rating.score == -1 and rating.comment == "wrong team"
    bad = post(client, url, {"score": 5})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "score"
    assert post(client, url, {"score": True}).status_code == 400
    missing = post(client, "/api/answers/5b1f7c3e-0000-4000-8000-000000000000/rating", {"score": 1})
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "message_id"
    assert post(client, "/api/answers/garbage/rating", {"score": 1}).status_code == 404


def test_rate_function_contract():
    from kiki.assistant import rate
    from kiki.errors import InvalidInput

    answer = ask("who leads payments")
    assert rate(answer["message_id"], 1, user="ana-costa") == {"message_id": answer["message_id"], "score": 1}
    rate(answer["message_id"], -1, user="ana-costa")  # changed her mind: replaced, not added
    assert list(Rating.objects.filter(message_id=answer["message_id"]).values_list("user", "score")) == [
        ("ana-costa", -1)]
    with pytest.raises(InvalidInput):
        rate(answer["message_id"], 0)
    with pytest.raises(InvalidInput):
        rate("5b1f7c3e-0000-4000-8000-000000000000", 1)


def test_admin_lists_low_rated_answers(client):
    good = ask("who leads payments")
    bad = ask("who owns the orphan cache")
    from kiki.assistant import rate
    rate(good["message_id"], 1)
    rate(bad["message_id"], -1, comment="useless")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    page = client.get("/admin/kiki/message/?rated=down")
    assert page.status_code == 200
    html = page.content.decode()
    assert "who owns the orphan cache" in html and "who leads payments" not in html
    assert client.get("/admin/kiki/rating/?score__exact=-1").status_code == 200


def test_ask_page_and_panel(client):
    r = client.get("/ask")
    assert r.status_code == 200
    html = r.content.decode()
    assert "data-kiki-chat" in html and "/static/assistant.js" in html
    assert "AI-generated" in html
    assert html.count("data-kiki-chat") == 1  # the docked panel is not repeated on /ask


def test_manage_py_ask_single_and_stdin(monkeypatch):
    out = io.StringIO()
    call_command("ask", "who", "leads", "Payments?", "--json", stdout=out)
    single = json.loads(out.getvalue())
    assert single["mode"] == "offline" and "Eve Adams" in single["answer"]
    monkeypatch.setattr("sys.stdin", io.StringIO("how many people are in risk data\n\nsize of my department\n"))
    out = io.StringIO()
    call_command("ask", "--as", "ana-costa", stdout=out)
    lines = [json.loads(l) for l in out.getvalue().splitlines() if l.strip()]
    assert [l["question"] for l in lines] == ["how many people are in risk data", "size of my department"]
    assert "**3** people" in lines[0]["answer"] and "**7** people" in lines[1]["answer"]
    assert all(set(l) >= {"answer", "sources", "mode", "conversation", "message_id", "note"} for l in lines)
    out = io.StringIO()
    call_command("ask", "who leads payments", stdout=out)
    assert "Sources: /team/payments, /person/eve-adams" in out.getvalue() and "[offline]" in out.getvalue()


def test_graph_down_raises_and_api_answers_503(client, neo4j_server):
    driver.configure(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x")
    try:
        with pytest.raises(GraphUnavailable):
            ask("who leads payments")
        r = post(client, "/api/ask", {"question": "who leads payments"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "graph_unavailable"
        assert r["Retry-After"]
        s = post(client, "/api/ask/stream", {"question": "who leads payments"})
        assert s.status_code == 503
    finally:
        driver.configure(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"])
    assert "Eve Adams" in ask("who leads payments")["answer"]

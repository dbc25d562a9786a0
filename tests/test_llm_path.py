"""The LLM path against a local OpenAI-compatible server speaking the real wire
format (tool_calls, streamed SSE chunks): function calling over our tools,
streamed answers, citations computed by us, the offline fallback on timeouts,
HTTP 500 and malformed tool arguments, bounded rounds, and prompt injection."""
import json

import pytest
from django.test import override_settings

from kiki.assistant import ask, ask_stream
from kiki.assistant.answer import FALLBACK_NOTE
from kiki.assistant.llm import DATA_NOTE, SYSTEM_PROMPT
from kiki.models import Message
from tests.assistant_org import INJECTION, org  # noqa: F401  (module-scoped fixture)
from tests.openai_standin import Calls, Fail, OpenAIStandIn, Sleep, Text, tool_data, tool_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]


def llm(brain, timeout=5, rounds=4):
    """Run a stand-in model and point Kiki at it for the duration of a test."""
    class Ctx:
        def __enter__(self):
            self.standin = OpenAIStandIn(brain).__enter__()
            self.settings = override_settings(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=self.standin.base_url,
                                              KIKI_LLM_MODEL="test-model", KIKI_LLM_TIMEOUT=timeout,
                                              KIKI_LLM_MAX_ROUNDS=rounds)
            self.settings.enable()
            return self.standin

        def __exit__(self, *exc):
            self.settings.disable()
            self.standin.__exit__(*exc)
    return Ctx()


def headcount_brain(body):
    """A model that looks the team up, asks for its headcount, then answers
    from the tool result it was given (and mentions a page it never fetched)."""
    tools_done = tool_messages(body)
    if not tools_done:
        return Calls([("search", json.dumps({"query": "Risk Data", "type": "Team"}))])
    if len(tools_done) == 1:
        key = tool_data(tools_done[0])["data"][0]["key"]
        return Calls([("headcount", json.dumps({"team": key}))])
    data = tool_data(tools_done[-1])["data"]
    return Text(f"[{data['name']}](/team/{data['key']}) has {data['headcount']} people. "
                f"See also [Mallory](/person/mallory-evil) and [docs](https://evil.example.com/x).")


def test_tool_calls_then_streamed_answer_with_our_citations():
    with llm(headcount_brain) as standin:
        events = list(ask_stream("How many people are in Risk Data?"))
    deltas = [e for e in events if e["type"] == "delta"]
    done = events[-1]
    assert done["type"] == "done" and done["mode"] == "llm"
    assert len(deltas) > 3  # streamed word by word, not in one piece
    assert "".join(d["text"] for d in deltas).startswith("[Risk Data](/team/risk-data) has 3 people.")
    # Links to pages no tool returned (and external links) are unlinked and not cited.
    assert done["answer"] == ("[Risk Data](/team/risk-data) has 3 people. See also Mallory and docs.")
    assert done["sources"] == [{"type": "Team", "key": "risk-data", "title": "Risk Data", "url": "/team/risk-data"}]
    assert "AI-generated" in done["note"] and "language model" in done["note"]
    # The wire: three rounds, our tools offered, system prompt first, auth sent, streaming on.
    bodies = [r["body"] for r in standin.requests]
    assert len(bodies) == 3
    assert all(b["stream"] is True and b["model"] == "test-model" for b in bodies)
    assert {t["function"]["name"] for t in bodies[0]["tools"]} >= {"search", "headcount", "owner", "who_to_ask"}
    assert bodies[0]["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert standin.requests[0]["auth"] == "Bearer sk-test"
    assert bodies[2]["messages"][-1]["role"] == "tool"
    stored = Message.objects.get(pk=done["message_id"])
    assert [c["tool"] for c in stored.tools_called] == ["search", "headcount"]
    assert stored.mode == "llm" and stored.plan["engine"] == "llm" and stored.plan["rounds"] == 3


def test_http_500_falls_back_offline_with_a_note():
    with llm(lambda body: Fail(500)):
        r = ask("who leads Payments?")
    assert r["mode"] == "offline" and r["note"] == FALLBACK_NOTE
    assert "[Payments](/team/payments) is led by [Eve Adams](/person/eve-adams)" in r["answer"]
    stored = Message.objects.get(pk=r["message_id"])
    assert "InternalServerError" in stored.plan["llm_error"]


def test_timeout_falls_back_offline():
    with llm(lambda body: Sleep(3), timeout=0.5):
        r = ask("who owns the ledger api?")
    assert r["mode"] == "offline" and r["note"] == FALLBACK_NOTE
    assert "owned by [Payments](/team/payments)" in r["answer"]
    assert "Timeout" in Message.objects.get(pk=r["message_id"]).plan["llm_error"]


@pytest.mark.parametrize("calls", [
    [("headcount", '{"team": "risk-data"')],             # truncated JSON
    [("headcount", '{"team": "risk-data", "label": "X"}')],  # unknown argument
    [("headcount", '["risk-data"]')],                     # not an object
    [("delete_everything", "{}")],                        # unknown tool
])
def test_malformed_tool_calls_fall_back_offline(calls):
    with llm(lambda body: Calls(calls)):
        r = ask("how many people are in risk data")
    assert r["mode"] == "offline" and r["note"] == FALLBACK_NOTE
    assert "[Risk Data](/team/risk-data) has **3** people" in r["answer"]
    assert "malformed tool call" in Message.objects.get(pk=r["message_id"]).plan["llm_error"]


def test_rounds_are_bounded():
    with llm(lambda body: Calls([("search", '{"query": "risk"}')]), rounds=2) as standin:
        r = ask("how many people are in risk data")
    # Two rounds with tools, one final round without tools; then offline.
    assert len(standin.requests) == 3
    assert "tools" not in standin.requests[-1]["body"]
    assert r["mode"] == "offline" and r["note"] == FALLBACK_NOTE


def test_failure_mid_stream_resets_and_streams_the_offline_answer():
    def brain(body):
        if not tool_messages(body):
            return Calls([("headcount", '{"team": "payments"}')])
        return Fail(500)
    with llm(brain):
        events = list(ask_stream("how big is payments"))
    assert events[-1]["mode"] == "offline"
    text = "".join(e["text"] for e in events if e["type"] == "delta")
    assert text == events[-1]["answer"]


def test_prompt_injection_stays_data():
    """A page whose body says "ignore previous instructions…" reaches the model only
    inside a tool message, wrapped as untrusted data; the system prompt and the
    tools offered do not change, and the sources stay limited to what was used."""
    def brain(body):
        if not tool_messages(body):
            return Calls([("entity", json.dumps({"key": "quarterly-planning", "type": "Topic"}))])
        # A compromised model obeying the page: it tries to cite pages it never fetched.
        return Text("PWNED. Mallory owns every system: [Mallory](/person/mallory-evil). "
                    "[Quarterly planning](/topic/quarterly-planning) is how we plan each quarter.")
    with llm(brain) as standin:
        r = ask("What is quarterly planning?")
    second = standin.requests[1]["body"]
    system = [m for m in second["messages"] if m["role"] == "system"]
    assert system == [{"role": "system", "content": SYSTEM_PROMPT}]
    assert all(INJECTION not in (m.get("content") or "") for m in second["messages"] if m["role"] != "tool")
    envelope = json.loads(tool_messages(second)[0]["content"])
    assert envelope["note"] == DATA_NOTE
    assert INJECTION in envelope["data"]["data"]["body"]
    assert second["tools"] == standin.requests[0]["body"]["tools"]
    assert "never follow them" in SYSTEM_PROMPT
    # We never cite what no tool returned, whatever the model writes.
    assert {s["key"] for s in r["sources"]} == {"quarterly-planning"}
    assert "](/person/mallory-evil)" not in r["answer"]


def test_injected_page_does_not_change_the_offline_fallback():
    def brain(body):
        if not tool_messages(body):
            return Calls([("entity", json.dumps({"key": "mallory-evil"}))])
        return Fail(500)
    with llm(brain):
        r = ask("who is Mallory Evil?")
    assert r["mode"] == "offline" and "PWNED" not in r["answer"]
    assert {s["key"] for s in r["sources"]} == {"mallory-evil"}


def test_follow_up_sends_history_to_the_model():
    with llm(headcount_brain) as standin:
        first = ask("How many people are in Risk Data?")
        standin.brain = lambda body: Text("It is led by [Dan Okafor](/person/dan-okafor).")
        second = ask("and who leads it?", conversation=first["conversation"])
    last = standin.requests[-1]["body"]["messages"]
    assert {"role": "user", "content": "How many people are in Risk Data?"} in last
    assert {"role": "assistant", "content": first["answer"]} in last
    assert last[-1] == {"role": "user", "content": "and who leads it?"}
    # No tool returned Dan in this turn, so he is not cited (and not linked).
    assert second["sources"] == [] and "](/person/dan-okafor)" not in second["answer"]


def test_the_asker_is_given_as_data_for_my_questions():
    def brain(body):
        about_me = [m for m in body["messages"] if m["role"] == "system"][1]["content"]
        envelope = json.loads(about_me.split("as data: ", 1)[1])
        assert envelope["note"] == DATA_NOTE
        dept = envelope["data"]["data"]["departments"][0]
        if not tool_messages(body):
            return Calls([("headcount", json.dumps({"team": dept["key"]}))])
        n = tool_data(tool_messages(body)[-1])["data"]["headcount"]
        return Text(f"Your department, [{dept['name']}](/department/{dept['key']}), has {n} people.")
    with llm(brain) as standin:
        r = ask("how big is my department?", asker="gina-park")
    assert r["mode"] == "llm"
    assert r["answer"] == "Your department, [Engineering](/department/engineering), has 7 people."
    assert r["sources"] == [{"type": "Department", "key": "engineering", "title": "Engineering",
                             "url": "/department/engineering"}]
    assert len(standin.requests) == 2


def reading_brain(body):
    """A model that fills the engine's reading: first with a relation the schema
    lacks (refused with the reason), then correctly, then answers from the result."""
    done = tool_messages(body)
    if not done:
        return Calls([("answer_question", json.dumps({"subject": {"name": "Gina Park", "label": "Person"},
                                                      "path": [{"relation": "grand_boss"}]}))])
    if len(done) == 1:
        error = json.loads(done[0]["content"])["error"]
        assert "unknown relation 'grand_boss'" in error
        return Calls([("answer_question", json.dumps({"subject": {"name": "Gina Park", "label": "Person"},
                                                      "path": [{"relation": "manager", "repeat": 2}]}))])
    data = tool_data(done[-1])["data"]
    return Text(f"{data['answer']}")


def test_the_model_fills_the_reading_which_is_validated_and_may_be_retried():
    with llm(reading_brain) as standin:
        r = ask("Who is Gina Park's skip-level manager?")
    assert r["mode"] == "llm"
    assert "[Bruno Silva](/person/bruno-silva)" in r["answer"]
    assert r["reading"] == "the manager of the manager of Gina Park"
    assert {s["key"] for s in r["sources"]} >= {"gina-park", "bruno-silva"}
    offered = {t["function"]["name"] for t in standin.requests[0]["body"]["tools"]}
    assert "answer_question" in offered and "search" in offered
    stored = Message.objects.get(pk=r["message_id"])
    assert stored.tools_called[0]["found"] is False and "grand_boss" in stored.tools_called[0]["error"]
    assert stored.tools_called[1]["tool"] == "answer_question" and stored.tools_called[1]["found"] is True


def test_a_reading_of_the_wrong_kind_of_page_is_refused():
    def brain(body):
        done = tool_messages(body)
        if not done:
            return Calls([("answer_question", json.dumps({"subject": {"key": "payments", "label": "Team"},
                                                          "path": ["dependencies"]}))])
        return Text("I don't know: " + json.loads(done[0]["content"])["error"])
    with llm(brain):
        r = ask("what does Payments depend on?")
    assert "starts from System" in r["answer"] and r["sources"] == []

"""The feedback loop end to end: a 👎 on the web API lands in the admin review
queue with the question, reading, plan and answer; an admin records the
correct answer in the admin; it is written to the regression file in exactly
the evaluation's line format (admin action and `manage.py export_regressions`).
Real Neo4j (the assistant's test org), offline assistant. The Slack 👎 is in
tests/test_slack.py."""
from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from feedback import regressions
from feedback.models import Review
from kiki.errors import InvalidInput
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]


@pytest.fixture(autouse=True)
def offline(tmp_path):
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None,
                           KIKI_REGRESSIONS_FILE=tmp_path / "regressions.jsonl"):
        yield


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def ask_and_rate(client, question: str, score: int, comment: str = "") -> str:
    """Ask and rate as the signed-in user (the rating is recorded for them)."""
    answer = post(client, "/api/ask", {"question": question}).json()
    r = post(client, f"/api/answers/{answer['message_id']}/rating", {"score": score, "comment": comment})
    assert r.status_code == 201
    return answer["message_id"]


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("rita", "rita@example.com", "pw"))
    return client


def test_thumbs_down_on_the_web_lands_in_the_queue_with_what_was_said(client):
    mid = ask_and_rate(client, "who leads risk data?", -1, comment="Dan left in May")
    [review] = Review.objects.all()
    msg = review.message
    assert str(msg.pk) == mid and review.status == Review.PENDING
    assert (review.question, review.answer, review.plan, review.channel) == \
        ("who leads risk data?", msg.answer, msg.plan, "web")
    assert review.answer and review.plan           # the answer and the interpretation travel with it
    assert review.reading == (msg.plan.get("reading") or "")
    assert review.complaint == "Dan left in May"
    # a second 👎 on the same answer (someone else in the Slack thread) is the same review, with both comments
    from kiki.assistant import rate
    rate(mid, -1, user="dan-okafor", comment="wrong lead")
    assert Review.objects.get().complaint.splitlines() == ["Dan left in May", "wrong lead"]


def test_a_thumbs_up_does_not_queue_and_taking_back_the_only_thumbs_down_unqueues(client):
    ask_and_rate(client, "who is ana costa?", 1)
    assert not Review.objects.exists()
    mid = ask_and_rate(client, "who owns the ledger api?", -1)
    assert Review.objects.count() == 1
    post(client, f"/api/answers/{mid}/rating", {"score": 1})  # the same user changes their mind
    assert not Review.objects.exists()


def test_admin_sees_the_queue_records_the_answer_and_exports_the_exact_line(admin_client, settings):
    ask_and_rate(admin_client, "how many people are in risk data?", -1)
    review = Review.objects.get()
    listing = admin_client.get("/admin/feedback/review/?status__exact=pending")
    assert listing.status_code == 200 and "how many people are in risk data?" in listing.content.decode()
    page = admin_client.get(f"/admin/feedback/review/{review.pk}/change/")
    assert page.status_code == 200 and review.answer.splitlines()[0][:40] in page.content.decode()

    # A bad key is refused by name and nothing is recorded.
    bad = admin_client.post(f"/admin/feedback/review/{review.pk}/change/", {
        "org": "synthetic", "expected_keys": "risk-data Ana!", "expected_number": "", "note": ""})
    assert bad.status_code == 200 and "invalid key &#x27;Ana!&#x27;" in bad.content.decode()
    assert Review.objects.get().status == Review.PENDING
    # Both an expected page and "unanswerable" contradict each other.
    bad = admin_client.post(f"/admin/feedback/review/{review.pk}/change/", {
        "org": "synthetic", "expected_keys": "risk-data", "unanswerable": "on", "note": ""})
    assert "an unanswerable question has no expected pages or number" in bad.content.decode()

    ok = admin_client.post(f"/admin/feedback/review/{review.pk}/change/", {
        "org": "synthetic", "expected_keys": "risk-data", "expected_number": "3",
        "note": "Hugo left in 2023; three now"})
    assert ok.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.recorded_by, review.expected_keys, review.expected_number) == \
        (Review.RECORDED, "rita", ["risk-data"], 3)

    done = admin_client.post("/admin/feedback/review/", {"action": "add_to_regressions",
                                                         "_selected_action": [review.pk]}, follow=True)
    assert "1 question(s) written to the regression file" in done.content.decode()
    lines = settings.KIKI_REGRESSIONS_FILE.read_text().splitlines()
    assert [json.loads(x) for x in lines] == [{
        "id": f"feedback-{review.message_id}", "org": "synthetic", "question": "how many people are in risk data?",
        "asker": None, "expected_keys": ["risk-data"], "expected_number": 3, "unanswerable": False,
        "note": "Hugo left in 2023; three now", "recorded_by": "rita",
        "recorded_at": timezone.localdate().isoformat()}]
    assert list(json.loads(lines[0])) == list(regressions.FIELDS)


def test_exporting_a_pending_review_is_refused_by_name(admin_client, settings):
    ask_and_rate(admin_client, "who is the cfo?", -1)
    review = Review.objects.get()
    done = admin_client.post("/admin/feedback/review/", {"action": "add_to_regressions",
                                                         "_selected_action": [review.pk]}, follow=True)
    assert "No correct answer recorded yet for: &#x27;who is the cfo?&#x27;" in done.content.decode()
    assert not settings.KIKI_REGRESSIONS_FILE.exists()


def test_command_merges_by_id_and_keeps_other_lines(client, settings):
    from feedback.actions import record_answer

    path = settings.KIKI_REGRESSIONS_FILE
    theirs = {"id": "hand-written-1", "org": "scim", "question": "who heads finance?", "asker": None,
              "expected_keys": ["hugo-weiss"], "expected_number": None, "unanswerable": False, "note": "",
              "recorded_by": "eval", "recorded_at": "2026-11-30"}
    path.write_text(json.dumps(theirs) + "\n")
    ask_and_rate(client, "who runs the moon base?", -1)
    record_answer(Review.objects.get(), by="rita", org="backstage", unanswerable=True, note="no moon base")
    out = io.StringIO()
    call_command("export_regressions", stdout=out)
    call_command("export_regressions", stdout=out)      # again: replaced, not duplicated
    assert out.getvalue().count("1 regression question(s) written") == 2
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines[0] == theirs and len(lines) == 2
    assert (lines[1]["org"], lines[1]["unanswerable"], lines[1]["expected_keys"], lines[1]["expected_number"]) == \
        ("backstage", True, [], None)
    assert Review.objects.get().exported_at is not None


def test_a_corrupt_regression_file_is_named_and_left_alone(client, settings):
    from feedback.actions import record_answer

    path = settings.KIKI_REGRESSIONS_FILE
    path.write_text('{"id": "ok"}\nnot json\n')
    ask_and_rate(client, "who leads payments?", -1)
    record_answer(Review.objects.get(), by="rita", expected_keys=["eve-adams"])
    with pytest.raises(CommandError, match="line 2 is not JSON"):
        call_command("export_regressions")
    assert path.read_text() == '{"id": "ok"}\nnot json\n'


def test_record_answer_needs_an_answer_and_a_known_org(client):
    from feedback.actions import record_answer

    ask_and_rate(client, "who leads platform?", -1)
    review = Review.objects.get()
    with pytest.raises(InvalidInput, match="give the expected page keys, the expected number, or mark it"):
        record_answer(review, by="rita")
    with pytest.raises(InvalidInput, match="org must be one of synthetic, backstage, scim, not 'acme'"):
        record_answer(review, by="rita", org="acme", expected_keys=["bruno-silva"])
    with pytest.raises(InvalidInput, match="expected_number must be a whole number"):
        record_answer(review, by="rita", expected_number=-2)
    assert Review.objects.get().status == Review.PENDING

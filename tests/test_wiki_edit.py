"""Editing a page on the wiki against the real Neo4j: the edit is saved and
rendered sanitized, the old text is kept as history, a stale form whose
changes overlap a newer version writes nothing and shows the merge view, login is required, and ingest never overwrites
the article afterwards while still updating the fields it owns."""
from datetime import datetime, timezone

import pytest

from graph import driver
from graph.model import Batch, Entity
from ingest.merge import sync

pytestmark = pytest.mark.django_db

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def catalog(body, lifecycle, summary=""):
    # No summary from the catalog by default, so the short description is the wiki's to edit.
    return Batch("catalog", [Entity("System", "ledger", "Ledger", summary=summary, body=body,
                                    props={"lifecycle": lifecycle}, source_id="component:ledger")], [])


@pytest.fixture
def ledger(clean_graph):
    sync(catalog("Imported text.", "production"), full=True, now=DAY1)


@pytest.fixture
def editor(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("ana", password="pw-for-tests")
    user.groups.add(Group.objects.get(name="editor"))  # editing needs the editor role
    client.force_login(user)
    return client


def version(client):
    html = client.get("/system/ledger/edit").content.decode()
    return html.split('name="version" value="', 1)[1].split('"', 1)[0]


def node():
    return driver.read("MATCH (s:System {key: 'ledger'}) RETURN s {.*} AS s")[0]["s"]


def test_edit_saves_renders_sanitized_and_keeps_the_old_text(ledger, editor):
    body = "## How to use it\n\nAsk in #ledger.\n\n<script>alert('x')</script>"
    response = editor.post("/system/ledger/edit", {"summary": "Double-entry ledger", "body": body,
                                                   "version": version(editor), "save": "1"})
    assert response.status_code == 302 and response["Location"] == "/system/ledger"
    saved = node()
    assert (saved["summary"], saved["body"], saved["body_edited_by"]) == ("Double-entry ledger", body, "ana")
    page = editor.get("/system/ledger").content.decode()
    assert "<h2" in page and "How to use it" in page and "<script>alert" not in page
    assert "Article last edited by ana" in page
    history = driver.read("MATCH (:System {key: 'ledger'})-[:HAD]->(r:Revision) "
                          "RETURN r.field AS field, r.value AS value, r.source AS source ORDER BY field")
    assert history == [{"field": "body", "value": "Imported text.", "source": "wiki:ana"}]


def test_a_stale_form_writes_nothing_and_keeps_the_editors_text(ledger, editor):
    opened = version(editor)
    first = editor.post("/system/ledger/edit", {"summary": "A", "body": "First edit.", "version": opened})
    assert first.status_code == 302
    late = editor.post("/system/ledger/edit", {"summary": "B", "body": "Second edit, from an old form.",
                                               "version": opened})
    assert late.status_code == 409
    html = late.content.decode()
    assert "Someone saved this page since you opened it" in html and "Second edit, from an old form." in html
    assert node()["body"] == "First edit."
    assert node()["rev"] == 1


def test_a_field_a_source_owns_is_read_only_with_where_to_change_it(clean_graph, editor):
    sync(catalog("Imported text.", "production", summary="The general ledger"), full=True, now=DAY1)
    form = editor.get("/system/ledger/edit").content.decode()
    assert 'id="edit-summary"' in form and "readonly" in form.split('id="edit-summary"', 1)[1].split(">", 1)[0]
    assert "from Catalog" in form
    page = editor.get("/system/ledger").content.decode()
    assert 'production</span><span class="prov" title="Set by Catalog; change it there">— from Catalog, ' in page
    response = editor.post("/system/ledger/edit", {"summary": "Mine now", "body": "Imported text.",
                                                   "version": version(editor)})
    assert response.status_code == 400
    assert "The short description of System &#x27;ledger&#x27; comes from catalog; change it there" in \
        response.content.decode()
    assert node()["summary"] == "The general ledger"


def test_unowned_fields_aliases_links_and_channel_are_editable_with_history(ledger, editor):
    response = editor.post("/system/ledger/edit", {
        "summary": "", "body": "Imported text.", "version": version(editor), "aliases": "GL\r\nBooks",
        "links": "https://runbooks.example/ledger", "slack_channel": "#ledger"})
    assert response.status_code == 302
    saved = node()
    assert (saved["aliases"], saved["links"], saved["slack_channel"]) == (
        ["GL", "Books"], ["https://runbooks.example/ledger"], "#ledger")
    assert "GL" in saved["aliases_text"]
    rev = driver.read("MATCH (:System {key: 'ledger'})-[:HAS_REVISION]->(r:PageRevision {number: 1}) "
                      "RETURN r.aliases AS aliases, r.slack_channel AS channel")[0]
    assert rev == {"aliases": ["GL", "Books"], "channel": "#ledger"}
    bad = editor.post("/system/ledger/edit", {"summary": "", "body": "x", "version": version(editor),
                                              "links": "javascript:alert(1)"})
    assert bad.status_code == 400 and "is not a web address" in bad.content.decode()
    assert node()["body"] == "Imported text."


def test_preview_renders_without_saving(ledger, editor):
    response = editor.post("/system/ledger/edit", {"summary": "x", "body": "**bold idea**",
                                                   "version": version(editor), "preview": "1"})
    assert response.status_code == 200 and "<strong>bold idea</strong>" in response.content.decode()
    assert node()["body"] == "Imported text."


def test_bad_input_names_the_field_and_writes_nothing(ledger, editor):
    response = editor.post("/system/ledger/edit", {"summary": "s" * 501, "body": "ok", "version": version(editor)})
    assert response.status_code == 400 and "The short description is 501 characters" in response.content.decode()
    assert node()["body"] == "Imported text."


def test_login_is_required_and_unknown_pages_are_404(ledger, client, editor):
    from django.test import Client
    anonymous = Client()
    response = anonymous.get("/system/ledger/edit")
    assert response.status_code == 302 and response["Location"] == "/login?next=/system/ledger/edit"
    assert anonymous.post("/system/ledger/edit", {"body": "x"}).status_code == 302
    assert node()["body"] == "Imported text."
    assert editor.get("/system/no-such-system/edit").status_code == 404
    assert editor.get("/widget/ledger/edit").status_code == 404


def test_the_edit_survives_a_resync_that_still_updates_ingest_fields(ledger, editor):
    editor.post("/system/ledger/edit", {"summary": "Mine", "body": "Written by a person.", "version": version(editor)})
    report = sync(catalog("New imported text.", "deprecated"), full=True, now=DAY2)
    assert not report.rejected_records
    saved = node()
    assert saved["body"] == "Written by a person." and saved["lifecycle"] == "deprecated"


def test_an_edit_queues_a_search_refresh_of_the_page(ledger, editor, settings, celery_app_configured, redis_url):
    import base64
    import json

    import redis
    settings.KIKI_SYNC_QUEUE_EMBEDDINGS = True
    r = redis.Redis.from_url(redis_url)
    r.delete("celery")
    try:
        editor.post("/system/ledger/edit", {"summary": "x", "body": "New words.", "version": version(editor)})
        messages = [json.loads(m) for m in r.lrange("celery", 0, -1)]
        assert [m["headers"]["task"] for m in messages] == ["kiki.embed_entities"]
        assert json.loads(base64.b64decode(messages[0]["body"]))[0] == [["ledger"]]
    finally:
        r.delete("celery")


def test_invalid_utf8_and_oversized_requests_get_clear_messages_and_write_nothing(ledger, editor):
    opened = version(editor)
    raw = b"summary=&version=" + opened.encode() + b"&body=caf%C3%A9+%FF%FE+bytes"
    response = editor.post("/system/ledger/edit", raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "not valid UTF-8" in response.content.decode()
    big = editor.post("/system/ledger/edit", {"summary": "", "body": "x" * 200_001, "version": opened})
    assert big.status_code == 400 and "The article is 200,001 characters; at most 200,000." in big.content.decode()
    editor.raise_request_exception = False
    huge = editor.post("/system/ledger/edit", b"summary=&version=0&body=" + b"y" * 3_000_000,
                       content_type="application/x-www-form-urlencoded")
    assert huge.status_code == 400 and "the most Kiki accepts in one request; nothing was saved" in \
        huge.content.decode()
    assert node()["body"] == "Imported text." and node().get("rev") is None


def test_a_sync_between_opening_and_saving_a_never_edited_page_is_merged_not_lost(clean_graph, editor):
    sync(catalog("Intro from the catalog.\n\nSetup: run make.\n\nOwners: the ledger team.", "production"),
         full=True, now=DAY1)
    opened = _opened(editor)
    assert opened.startswith("Intro from the catalog.")
    # The catalog changes the last paragraph while the editor is typing in the first.
    sync(catalog("Intro from the catalog.\n\nSetup: run make.\n\nOwners: the payments team.", "production"),
         full=True, now=DAY2)
    r = editor.post("/system/ledger/edit", {
        "summary": "", "version": version(editor), "base_body": opened,
        "body": "Intro, rewritten by a person.\n\nSetup: run make.\n\nOwners: the ledger team."})
    assert r.status_code == 302
    body = node()["body"]
    assert body == "Intro, rewritten by a person.\n\nSetup: run make.\n\nOwners: the payments team."


def _opened(editor):
    import html as html_lib
    page = editor.get("/system/ledger/edit").content.decode()
    return html_lib.unescape(page.split('name="base_body" hidden aria-hidden="true" tabindex="-1">', 1)[1]
                             .split("</textarea>", 1)[0])


def test_the_same_race_on_the_same_paragraph_is_a_conflict_that_writes_nothing(clean_graph, editor):
    sync(catalog("Intro from the catalog.\n\nSetup: run make.", "production"), full=True, now=DAY1)
    opened = _opened(editor)
    sync(catalog("Intro from the catalog, revised.\n\nSetup: run make.", "production"), full=True, now=DAY2)
    r = editor.post("/system/ledger/edit", {"summary": "", "version": version(editor), "base_body": opened,
                                            "body": "Intro by a person.\n\nSetup: run make."})
    assert r.status_code == 409 and "Conflicting changes" in r.content.decode()
    assert node()["body"] == "Intro from the catalog, revised.\n\nSetup: run make."
    assert not node().get("body_edited_by")

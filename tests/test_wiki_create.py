"""Creating pages and wiki links against the real Neo4j: a red link leads to
creating a Topic page, a process is created with ordered steps and the team
responsible for each, both with revision history; duplicates, unknown teams
and malformed wiki links are refused with a message naming them."""
import pytest

from graph import driver
from graph.model import Batch, Edge, Entity
from ingest.merge import sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(clean_graph):
    sync(Batch("hr", [Entity("Team", "payments", "Payments", source_id="t1"),
                      Entity("Person", "ana-costa", "Ana Costa", props={"title": "Engineer"}, source_id="p1")],
               [Edge("MEMBER_OF", "Person", "ana-costa", "Team", "payments")]), full=True)


@pytest.fixture
def editor(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("ana", password="pw-for-tests")
    user.groups.add(Group.objects.get(name="editor"))  # editing needs the editor role
    client.force_login(user)
    return client


def test_a_red_link_offers_to_create_a_topic_page_with_history(org, editor):
    response = editor.post("/topic/new", {"name": "Runbooks", "summary": "How we run things",
                                          "body": "Ask [[Ana Costa]] or [[team:payments|Payments]]; see [[Quarterly planning]]."})
    assert response.status_code == 302 and response["Location"] == "/topic/runbooks"
    page = editor.get("/topic/runbooks").content.decode()
    assert 'href="/person/ana-costa"' in page and 'href="/team/payments"' in page
    assert 'class="wikilink new" href="/topic/new?name=Quarterly+planning"' in page
    form = editor.get("/topic/new?name=Quarterly+planning").content.decode()
    assert 'value="Quarterly planning"' in form and "There is no page named" in form
    rev = driver.read("MATCH (:Topic {key: 'runbooks'})-[:HAS_REVISION]->(r:PageRevision) "
                      "RETURN r.number AS n, r.parent AS parent, r.kind AS kind, r.author AS author")
    assert rev == [{"n": 1, "parent": None, "kind": "create", "author": "ana"}]
    again = editor.post("/topic/new", {"name": "Runbooks", "body": ""})
    assert again.status_code == 400 and "a Topic page with key &#x27;runbooks&#x27; already exists" in \
        again.content.decode()
    # An edit of a created page is revision 2, child of 1.
    html = editor.get("/topic/runbooks/edit").content.decode()
    assert 'name="version" value="1"' in html


def test_a_process_is_created_with_ordered_steps_and_responsible_teams(org, editor):
    response = editor.post("/process/new", {"name": "Expense approval", "summary": "", "body": "",
                                            "step_name_0": "Submit", "step_team_0": "",
                                            "step_name_1": "Approve", "step_team_1": "Payments",
                                            "step_name_2": "", "step_team_2": ""})
    assert response.status_code == 302
    steps = driver.read("MATCH (:Process {key: 'expense-approval'})-[h:HAS_STEP]->(s:Step) "
                        "OPTIONAL MATCH (t:Team)-[:RESPONSIBLE_FOR]->(s) "
                        "RETURN h.order AS order, s.name AS name, t.key AS team ORDER BY order")
    assert steps == [{"order": 1, "name": "Submit", "team": None}, {"order": 2, "name": "Approve", "team": "payments"}]
    page = editor.get("/process/expense-approval").content.decode()
    assert "Approve" in page and 'href="/team/payments"' in page
    bad = editor.post("/process/new", {"name": "Other", "step_name_0": "Pay", "step_team_0": "Nobody"})
    assert bad.status_code == 400 and "Step 1 (&#x27;Pay&#x27;): no team &#x27;Nobody&#x27;" in bad.content.decode()
    assert not driver.read("MATCH (p:Process {key: 'other'}) RETURN p")


def test_only_topics_and_processes_are_created_and_sign_in_is_required(org, editor):
    from django.test import Client
    assert editor.get("/person/new").status_code == 404
    assert Client().get("/topic/new").status_code == 302


def test_a_save_with_a_malformed_wiki_link_is_refused_naming_it(org, editor):
    editor.post("/topic/new", {"name": "Notes", "body": "ok"})
    response = editor.post("/topic/notes/edit", {"summary": "", "body": "See [[widget:thing]].", "version": "1"})
    assert response.status_code == 400
    assert "Invalid wiki link [[widget:thing]]: unknown page type &#x27;widget&#x27;" in response.content.decode()
    assert driver.read("MATCH (t:Topic {key: 'notes'}) RETURN t.body AS b")[0]["b"] == "ok"


STEPS_OF = ("MATCH (:Process {key: $key})-[h:HAS_STEP]->(s:Step) OPTIONAL MATCH (t:Team)-[:RESPONSIBLE_FOR]->(s) "
            "RETURN h.order AS order, s.name AS name, t.key AS team ORDER BY order")


def _edit_form(editor, key):
    import re
    html = editor.get(f"/process/{key}/edit").content.decode()
    return html, int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_a_process_s_steps_are_edited_with_history_and_restored(org, editor):
    editor.post("/process/new", {"name": "Expense approval", "summary": "", "body": "",
                                 "step_name_0": "Submit", "step_team_0": "", "step_name_1": "Approve",
                                 "step_team_1": "Payments"})
    html, version = _edit_form(editor, "expense-approval")
    assert 'name="step_name_1" value="Approve"' in html and 'name="step_team_1" value="payments"' in html
    # Reordered, one renamed, one added; an unknown team is refused naming the step, nothing saved.
    bad = editor.post("/process/expense-approval/edit", {
        "summary": "", "body": "", "version": version, "step_name_0": "Approve", "step_team_0": "payments",
        "step_name_1": "Pay out", "step_team_1": "Treasury"})
    assert bad.status_code == 400 and "Step 2 (&#x27;Pay out&#x27;): no team &#x27;Treasury&#x27;" in bad.content.decode()
    assert [s["name"] for s in driver.read(STEPS_OF, key="expense-approval")] == ["Submit", "Approve"]
    ok = editor.post("/process/expense-approval/edit", {
        "summary": "", "body": "", "version": version, "comment": "approval first",
        "step_name_0": "Approve", "step_team_0": "payments", "step_name_1": "Submit receipts", "step_team_1": "",
        "step_name_2": "Pay out", "step_team_2": "Payments", "step_name_3": "", "step_team_3": ""})
    assert ok.status_code == 302
    assert driver.read(STEPS_OF, key="expense-approval") == [
        {"order": 1, "name": "Approve", "team": "payments"}, {"order": 2, "name": "Submit receipts", "team": None},
        {"order": 3, "name": "Pay out", "team": "payments"}]
    revs = driver.read("MATCH (:Process {key: 'expense-approval'})-[:HAS_REVISION]->(r:PageRevision) "
                       "RETURN r.number AS n, r.steps AS steps ORDER BY n")
    assert revs == [{"n": 1, "steps": ["Submit | ", "Approve | payments"]},
                    {"n": 2, "steps": ["Approve | payments", "Submit receipts | ", "Pay out | payments"]}]
    # A form without step rows (a script editing only the text) leaves the steps alone.
    _, version = _edit_form(editor, "expense-approval")
    assert editor.post("/process/expense-approval/edit", {"summary": "Paying back", "body": "",
                                                          "version": version}).status_code == 302
    assert len(driver.read(STEPS_OF, key="expense-approval")) == 3
    # Restoring revision 1 brings its steps back, as a new revision.
    from wiki import actions
    result = actions.do_restore_revision("Process", "expense-approval", number=1, editor="ana")
    assert result.status == "saved"
    assert driver.read(STEPS_OF, key="expense-approval") == [
        {"order": 1, "name": "Submit", "team": None}, {"order": 2, "name": "Approve", "team": "payments"}]


def test_steps_a_source_states_are_read_only_on_the_wiki(org, editor):
    sync(Batch("bpm", [Entity("Process", "onboarding", "Onboarding", source_id="p1"),
                       Entity("Step", "onboarding-1", "Order a laptop", source_id="s1")],
               [Edge("HAS_STEP", "Process", "onboarding", "Step", "onboarding-1", props={"order": 1})]), full=False)
    html, version = _edit_form(editor, "onboarding")
    assert "Order a laptop" in html and 'name="step_name_0"' not in html and "read-only here" in html
    from graph.errors import InvalidInput
    from wiki import actions
    with pytest.raises(InvalidInput, match="The list of steps of Process 'onboarding' comes from bpm"):
        actions.do_save_page("Process", "onboarding", summary="", body="", base_rev=version, editor="ana",
                             extra={"steps": ["Skip it | "]})
    assert [s["name"] for s in driver.read(STEPS_OF, key="onboarding")] == ["Order a laptop"]

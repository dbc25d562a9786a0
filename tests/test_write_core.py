"""The write core (ingest.actions) against a real Neo4j: an action is one
transaction, and side effects queued with `on_commit` run only after it
commits — never when it fails."""
import pytest

from graph import driver
from graph.errors import GraphError
from ingest import actions

CREATE_TOPIC = "CREATE (t:Topic:Entity {key: $key, name: $name}) RETURN t.key AS key"


def topics():
    return [r["key"] for r in driver.read("MATCH (t:Topic) RETURN t.key AS key ORDER BY key")]


def test_side_effects_run_after_the_write_commits(clean_graph):
    seen = []
    actions.on_commit(lambda: seen.append("outside"))  # no action open: at once
    assert seen == ["outside"]

    def effect():
        seen.append(topics())  # what the graph holds when the effect runs

    with actions.action():
        actions.do_write([(CREATE_TOPIC, {"key": "kafka", "name": "Kafka"})])
        actions.on_commit(effect)
        assert seen == ["outside"]  # still inside the outer action: not yet
    assert seen == ["outside", ["kafka"]]


def test_a_failed_action_writes_nothing_and_drops_its_side_effects(clean_graph):
    seen = []
    with pytest.raises(GraphError):
        with actions.action():
            actions.on_commit(lambda: seen.append("effect"))
            actions.do_write([(CREATE_TOPIC, {"key": "kafka", "name": "Kafka"}),
                              (CREATE_TOPIC, {"key": "kafka", "name": "Kafka again"})])  # key constraint
    assert seen == [] and topics() == []


@pytest.mark.django_db
def test_after_django_waits_for_the_django_transaction(clean_graph, django_capture_on_commit_callbacks):
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        with actions.action():
            actions.on_commit(lambda: seen.append("django"), after_django=True)
        assert seen == []
    assert seen == ["django"]


def test_an_action_applies_the_stored_restriction_rules_in_its_own_transaction(clean_graph):
    from graph import access

    access.apply_restrictions([{"kind": "type", "label": "Topic", "groups": ["Legal"]}])
    seen = []
    with actions.action():
        actions.do_write([(CREATE_TOPIC, {"key": "kafka", "name": "Kafka"})], changed=["kafka"])
        # still inside the action: the after-commit work has not run, yet the page is restricted
        seen = driver.read("MATCH (t:Topic {key: 'kafka'}) RETURN t.restricted_to AS groups")
    assert seen == [{"groups": ["Legal"]}]
    access.apply_restrictions([])    # the rule is gone: the page is open again
    assert driver.read("MATCH (t:Topic {key: 'kafka'}) RETURN t.restricted_to AS groups") == [{"groups": None}]

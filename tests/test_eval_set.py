"""The assistant's evaluation set (bench/eval_set.py) and grader
(bench/eval_grade.py): deterministic, complete, true of the loaded graph, and a
grader that rejects wrong answers; plus a small end-to-end run of generated
questions through the offline assistant against the real Neo4j."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import eval_set  # noqa: E402
from eval_grade import Grader  # noqa: E402

from graph import driver  # noqa: E402
from ingest.merge import sync  # noqa: E402
from ingest.synthetic import generate  # noqa: E402


@pytest.fixture(scope="module")
def items():
    return eval_set.build(500, 42)


@pytest.fixture(scope="module")
def grader():
    return Grader(eval_set.Org(generate(500, 42)))


def by_kind(items, kind):
    return [i for i in items if i["kind"] == kind]


def test_set_is_deterministic_large_and_covers_every_kind(items):
    assert eval_set.build(500, 42) == items
    assert len(items) >= 200
    kinds = Counter(i["kind"] for i in items)
    assert set(kinds) == set(eval_set.KINDS)
    assert min(kinds.values()) >= 8
    assert len({i["question"] for i in items}) >= 0.95 * len(items)  # varied, not one template
    assert any(i["asker"] for i in items)                             # "my team" questions too
    assert len({i["id"] for i in items}) == len(items)


def test_committed_file_matches_the_generator(items):
    import json
    path = Path(__file__).resolve().parent.parent / "bench" / "eval" / "questions.jsonl"
    committed = [json.loads(line) for line in path.read_text().splitlines()]
    assert committed == [{"id": i["id"], **{k: v for k, v in i.items() if k != "id"}} for i in items]


def test_expected_answers_are_true_of_the_loaded_graph(clean_graph, items):
    sync(generate(500, 42), full=False)
    for item in by_kind(items, "count"):
        n = driver.read("MATCH (u:Entity {key: $k}) RETURN COUNT { MATCH (p:Person)-[:MEMBER_OF]->()"
                        "-[:PART_OF*0..]->(u) RETURN DISTINCT p } AS n", k=item["subject"])[0]["n"]
        assert n == item["expected"], item
    for item in by_kind(items, "manager"):
        row = driver.read("MATCH (:Person {key: $k})-[:REPORTS_TO]->(m) RETURN m.key AS m", k=item["subject"])
        assert [r["m"] for r in row] == [item["expected"]]
    for item in by_kind(items, "deps_in"):
        rows = driver.read("MATCH (s:System)-[:DEPENDS_ON]->(:System {key: $k}) RETURN s.key AS s", k=item["subject"])
        assert sorted(r["s"] for r in rows) == item["expected"]
    for item in by_kind(items, "unanswerable"):
        if item["subject"] is None:  # made-up names really are absent
            name = item["question"].split("the ", 1)[1].rsplit("?", 1)[0].replace(" team", "")
            assert not driver.read("MATCH (n:Entity {name: $n}) RETURN n", n=name)


def test_grader_accepts_right_answers_and_rejects_wrong_ones(items, grader):
    count = by_kind(items, "count")[0]
    n = count["expected"]
    assert grader.grade(count, f"[X](/team/x) has **{n}** people.")
    assert not grader.grade(count, f"[X](/team/x) has **{n + 1}** people.")
    assert not grader.grade(count, f"I don't know how many people are in it; maybe {n}.")

    members = by_kind(items, "members")[0]
    names = [grader.org.name[k] for k in members["expected"]]
    assert grader.grade(members, "Members: " + ", ".join(names))
    assert not grader.grade(members, "Members: " + ", ".join(names[:-1]))       # one missing
    outsider = next(p.name for p in grader.org.of("Person")
                    if p.key not in members["expected"] and p.key not in grader.org.leads(members["subject"]))
    assert not grader.grade(members, "Members: " + ", ".join(names + [outsider]))  # one too many

    manager = by_kind(items, "manager")[0]
    boss = grader.org.name[manager["expected"]]
    other = next(p.name for p in grader.org.of("Person") if p.key not in (manager["expected"], manager["subject"]))
    assert grader.grade(manager, f"They report to {boss}.")
    assert not grader.grade(manager, f"They report to {other}, then {boss}.")

    steps = by_kind(items, "steps")[0]
    assert grader.grade(steps, " then ".join(steps["expected"]))
    assert not grader.grade(steps, " then ".join(reversed(steps["expected"])))

    unknown = next(i for i in by_kind(items, "unanswerable") if i["expected"]["who"])
    who = grader.org.name[unknown["expected"]["who"][0]]
    assert grader.grade(unknown, f"I don't know that. {who} would know.")
    assert not grader.grade(unknown, "I don't know that.")                      # names nobody
    assert not grader.grade(unknown, f"It is 42. {who} would know.")            # a guess

    sub = by_kind(items, "subteams")[0]
    teams = [grader.org.name[k] for k in sub["expected"]]
    assert grader.grade(sub, "Teams: " + ", ".join(teams))
    assert not grader.grade(sub, "Teams: " + ", ".join(teams[:-1]))
    stranger = next(t.name for t in grader.org.of("Team") if t.key not in sub["expected"] + [sub["subject"]])
    assert not grader.grade(sub, "Teams: " + ", ".join(teams + [stranger]))

    both = by_kind(items, "compound")[0]
    owner = grader.org.name[both["expected"]["owners"][0]]
    users = [grader.org.name[k] for k in both["expected"]["deps_in"]]
    assert grader.grade(both, f"Owned by {owner}.\n\nThese depend on it: {', '.join(users)}")
    assert not grader.grade(both, f"Owned by {owner}.")                               # second part missing
    assert not grader.grade(both, f"These depend on it: {', '.join(users)}")          # first part missing

    assert grader.citations(count, [count["subject"]]) == (1.0, 1.0)
    far = next(e.key for e in grader.org.of("Process"))
    precision, _ = grader.citations(count, [count["subject"], far])
    assert precision == 0.5


@pytest.mark.django_db
def test_generated_questions_through_the_offline_assistant(clean_graph, settings, items, grader):
    """A regression guard on a slice of the set (the full run is bench/eval_assistant.py)."""
    from kiki.assistant import ask

    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = None
    sync(generate(500, 42), full=False)
    wanted = {"count": 4, "manager": 4, "chain": 3, "reports": 3, "members": 3, "lead": 3, "owner": 4,
              "deps_out": 3, "deps_in": 3, "steps": 3, "subteams": 2, "organization": 2, "compound": 2,
              "unanswerable": 6}
    picked = [i for kind, n in wanted.items() for i in by_kind(items, kind)[:n]]
    wrong = []
    for item in picked:
        result = ask(item["question"], asker=item["asker"])
        assert result["mode"] == "offline"
        if not grader.grade(item, result["answer"]):
            wrong.append((item["question"], result["answer"]))
        precision, _ = grader.citations(item, [s["key"] for s in result["sources"]])
        assert precision in (None, 1.0), (item["question"], result["sources"])
    assert len(wrong) <= len(picked) // 10, wrong

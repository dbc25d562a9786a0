"""The evaluation set's integrity (bench/eval_set.py and its data files), no
Neo4j: big enough, three organisations, several phrasing styles per kind, a
held-out untuned split with its own templates and subjects, and expected
answers that are present, well formed and true of the source records."""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import eval_set  # noqa: E402
from eval_orgs import demo_world  # noqa: E402
from eval_scim_org import generate as scim_generate, to_org  # noqa: E402


@pytest.fixture(scope="module")
def items():
    return eval_set.build()


@pytest.fixture(scope="module")
def worlds():
    syn, bs, demo = demo_world(500, 42, eval_set.BACKSTAGE_DIR)
    return {"synthetic": demo, "backstage": demo, "scim": to_org(*scim_generate(11))}


def test_size_orgs_and_splits(items):
    assert len(items) >= 800
    per = Counter((i["org"], i["split"]) for i in items)
    for org in eval_set.ORGS:
        assert per[(org, "tuned")] >= 150, per
        assert per[(org, "untuned")] >= 60, per
    assert sum(v for (_, s), v in per.items() if s == "untuned") >= 250
    assert len({i["id"] for i in items}) == len(items)
    assert len({(i["org"], i["question"], i["asker"]) for i in items}) >= 0.97 * len(items)


def test_deterministic(items):
    assert eval_set.build() == items


def test_every_kind_has_several_styles_in_both_splits(items):
    for split in eval_set.SPLITS:
        phrasings, vocab = eval_set.load_phrasings(split)
        assert vocab["role_filters"] and vocab["role_titles"] and vocab["made_up"]
        for kind, styles in phrasings.items():
            assert len(styles) >= 3, (split, kind, sorted(styles))
            assert all(t.strip() for ts in styles.values() for t in ts)
    used = defaultdict(set)
    for i in items:
        used[(i["split"], i["kind"])].add(i["style"])
    counts = Counter((i["split"], i["kind"]) for i in items)
    for key, styles in used.items():
        if counts[key] >= 6:
            assert len(styles) >= 3, (key, styles)
    all_styles = {i["style"] for i in items}
    for style in ("question", "imperative", "terse", "possessive", "inverse", "lowercase", "typo", "role",
                  "unit_word", "filter", "my"):
        assert style in all_styles, style


def test_untuned_split_has_its_own_templates_and_subjects(items):
    tuned, _ = eval_set.load_phrasings("tuned")
    untuned, uvocab = eval_set.load_phrasings("untuned")
    assert set(tuned) == set(untuned)           # every kind is measured in both
    flat = {t.lower() for styles in tuned.values() for ts in styles.values() for t in ts}
    shared = [t for styles in untuned.values() for ts in styles.values() for t in ts if t.lower() in flat]
    assert not shared, shared
    _, tvocab = eval_set.load_phrasings("tuned")
    assert not set(tvocab["role_filters"]) & set(uvocab["role_filters"])
    assert not set(tvocab["role_titles"]) & set(uvocab["role_titles"])
    subjects = defaultdict(set)
    for i in items:
        if not i["fact"].startswith(("made-up:", "role:")):
            subjects[(i["org"], i["split"])].add(i["fact"])
    for org in eval_set.ORGS:
        assert not subjects[(org, "tuned")] & subjects[(org, "untuned")], org
    readme = (BENCH / "eval" / "README.md").read_text()
    assert "untuned" in readme and "must not" in readme


def test_expected_answers_are_present_and_name_real_pages(items, worlds):
    types = Counter()
    for i in items:
        a = i["answer"]
        types[a["type"]] += 1
        world = worlds[i["org"]]
        assert a["type"] in ("number", "entity", "list", "value", "yesno", "idk"), i
        if a["type"] == "number":
            assert isinstance(a["value"], int) and a["value"] >= 0, i
        elif a["type"] in ("entity", "list"):
            assert a["ids"] and a["labels"], i
            for ident in a["ids"] + a["allow"]:
                assert ident in world.nodes and world.nodes[ident].label in a["labels"] + ["Person", "Team",
                                                                                             "Department"], (i, ident)
        elif a["type"] == "value":
            assert a["values"] and all(isinstance(v, str) and v for v in a["values"]), i
        elif a["type"] == "yesno":
            assert isinstance(a["value"], bool)
        assert all(c in world.nodes for c in i["cite"]), i
        if i["asker"]:
            assert world.nodes[i["asker"]].label == "Person"
        assert "{" not in i["question"] and "}" not in i["question"], i["question"]
    assert min(types.values()) >= 30, types
    yes = [i["answer"]["value"] for i in items if i["answer"]["type"] == "yesno"]
    assert 0.25 < sum(yes) / len(yes) < 0.75          # yes/no questions are not all yes


def test_unanswerable_questions_name_nothing_that_exists(items, worlds):
    unans = [i for i in items if i["answer"]["type"] == "idk"]
    assert len(unans) >= 0.1 * len(items)
    kinds = Counter(i["kind"] for i in unans)
    assert kinds["near_miss_unit"] >= 10 and sum(v for k, v in kinds.items() if k.startswith("made_up")) >= 10
    for i in unans:
        if i["kind"].startswith(("near_miss", "made_up")):
            name = i["fact"].split(":", 1)[1]
            assert name.lower() not in worlds[i["org"]].names(), i


def test_facts_are_true_of_the_records():
    """Spot checks against the generators' own records, by a different route
    than eval_set's (edges read straight from the synthetic Batch)."""
    from ingest.synthetic import generate

    batch = generate(500, 42)
    manager = {e.src_key: e.dst_key for e in batch.edges if e.type == "REPORTS_TO"}
    items = [i for i in eval_set.build(orgs=("synthetic",)) if i["kind"] in ("manager", "skip_manager")]
    assert items
    for i in items:
        who = i["subject"].split("/", 1)[1]
        boss = manager[who] if i["kind"] == "manager" else manager[manager[who]]
        assert i["answer"]["ids"] == [f"person/{boss}"], i
    users, groups = scim_generate(11)
    org = to_org(users, groups)
    for g in groups:
        active = [u for u in g.members if u.active]
        lead = org.leads(f"team/{g.key}")
        if lead:
            top = lead[0].split("/", 1)[1]
            assert all(u.key == top or u.manager.key == top for u in active)
    depts = [n for n in org.of("Department") if n.props["unit_level"] == "department"]
    assert sum(len(org.people_in(d.id)) for d in depts) + 3 == sum(u.active for u in users)  # + Executive Office


def test_the_evaluation_imports_nothing_from_the_engine():
    for name in ("eval_set.py", "eval_orgs.py", "eval_scim_org.py", "eval_grade.py"):
        source = (BENCH / name).read_text()
        assert not re.search(r"^\s*(from|import)\s+kiki\.assistant|planner|from\s+graph\b", source, re.M), name


def test_regression_lines_become_their_own_split(tmp_path):
    path = tmp_path / "regressions.jsonl"
    assert eval_set.load_regressions(path) == []
    lines = [{"id": "r1", "org": "scim", "question": "who heads Finance?", "asker": None,
              "expected_keys": ["victor-arnold"], "expected_number": None, "unanswerable": False,
              "note": "", "recorded_by": "admin", "recorded_at": "2026-12-02"},
             {"id": "r2", "org": "synthetic", "question": "salary of Ana Costa?", "asker": None,
              "expected_keys": [], "expected_number": None, "unanswerable": True,
              "note": "", "recorded_by": "admin", "recorded_at": "2026-12-02"}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    got = eval_set.load_regressions(path)
    assert [g["split"] for g in got] == ["regression", "regression"]
    assert got[0]["answer"] == {"type": "keys", "ids": ["victor-arnold"], "number": None}
    assert got[1]["answer"]["type"] == "idk"
    path.write_text(json.dumps(lines[0]) + "\nnot json\n")
    with pytest.raises(ValueError, match="line 2"):
        eval_set.load_regressions(path)

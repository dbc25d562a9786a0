"""The assistant's read-only graph tools against a real Neo4j: every tool, the
as_of (history) variants, the pages each reports, and one round trip per call."""
import pytest

from graph import driver
from kiki.assistant import linking, tools
from kiki.errors import InvalidInput
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)


@pytest.fixture
def round_trips():
    """The Cypher round trips this test's thread makes (graph.driver's own counter)."""
    with driver.count_queries() as counter:
        yield counter.queries


def keys(pages):
    return {f"{p.type}:{p.key}" for p in pages}


def test_headcount_counts_subteams_and_direct_department_members(org, round_trips):
    assert tools.headcount("risk-data").data["headcount"] == 3
    assert tools.headcount("platform").data["headcount"] == 4
    eng = tools.headcount("engineering")
    assert eng.data["headcount"] == 7 and eng.data["subteams"] == 4
    assert eng.data["leads"] == [{"key": "carla-mendes", "name": "Carla Mendes"}]
    assert keys(eng.pages) == {"Department:engineering"}
    assert len(round_trips) == 3
    assert tools.headcount("no-such-team").data is None


def test_headcount_and_members_as_of_a_past_date(org):
    assert tools.headcount("risk-data", as_of="2023-01-01").data["headcount"] == 2
    past = tools.members("risk-data", as_of="2023-01-01").data
    assert [m["key"] for m in past["members"]] == ["dan-okafor", "hugo-weiss"]
    assert tools.headcount("risk-data", as_of="2024-01-01").data["headcount"] == 3
    with pytest.raises(InvalidInput):
        tools.headcount("risk-data", as_of="last tuesday")


def test_members_with_and_without_subteams(org, round_trips):
    with_sub = tools.members("platform").data
    assert {m["key"] for m in with_sub["members"]} == {"bruno-silva", "ana-costa", "dan-okafor", "gina-park"}
    ana = next(m for m in with_sub["members"] if m["key"] == "ana-costa")
    assert ana["team_key"] == "risk-data"
    only = tools.members("platform", include_subteams=False)
    assert [m["key"] for m in only.data["members"]] == ["bruno-silva"]
    assert keys(only.pages) == {"Team:platform", "Person:bruno-silva"}
    assert len(round_trips) == 2


def test_leader_and_parent_lead(org):
    assert tools.leader("payments").data["leads"][0]["key"] == "eve-adams"
    squad = tools.leader("ledger-squad").data
    assert squad["leads"] == []
    assert squad["parents"][0]["key"] == "payments" and squad["parents"][0]["lead"]["key"] == "eve-adams"


def test_manager_chain_and_direct_reports(org, round_trips):
    chain = tools.manager_chain("ana-costa")
    assert [m["key"] for m in chain.data["chain"]] == ["dan-okafor", "bruno-silva", "carla-mendes"]
    assert keys(chain.pages) == {"Person:ana-costa", "Person:dan-okafor", "Person:bruno-silva",
                                 "Person:carla-mendes"}
    assert tools.manager_chain("carla-mendes").data["chain"] == []
    reports = tools.direct_reports("dan-okafor")
    assert [r["key"] for r in reports.data["reports"]] == ["ana-costa", "gina-park"]
    assert len(round_trips) == 3


def test_owner_direct_and_inherited(org):
    ledger = tools.owner("ledger-api")
    assert [o["key"] for o in ledger.data["owners"]] == ["payments"]
    assert ledger.data["owners"][0]["leads"][0]["key"] == "eve-adams"
    assert ledger.data["owners"][0]["slack_channel"] == "#payments"
    worker = tools.owner("risk-engine-worker").data
    assert worker["owners"] == []
    assert worker["inherited"]["system"]["key"] == "risk-engine"
    assert worker["inherited"]["owner"]["key"] == "risk-data"
    assert tools.owner("orphan-cache").data["inherited"] is None
    assert tools.owner("ana-costa").data is None  # a person is not owned


def test_dependencies_both_directions(org):
    out = tools.dependencies("risk-engine", "out").data
    assert {d["key"]: d["via"] for d in out["uses"]} == {"ledger-api": ["CONSUMES_API"],
                                                         "ledger-service": ["DEPENDS_ON"]}
    assert out["used_by"] == []
    inward = tools.dependencies("risk-engine", "in").data
    assert [d["key"] for d in inward["used_by"]] == ["risk-engine-worker"]
    assert tools.dependencies("ledger-service", "both").data["provides"] == [
        {"key": "ledger-api", "name": "Ledger API"}]
    with pytest.raises(InvalidInput):
        tools.dependencies("risk-engine", "sideways")


def test_process_steps_in_order_with_responsibles(org):
    r = tools.process_steps("request-production-access")
    steps = r.data["steps"]
    assert [s["order"] for s in steps] == [1, 2, 3]
    assert steps[1]["responsible"] == [{"label": "Person", "key": "dan-okafor", "name": "Dan Okafor"}]
    assert r.data["owners"][0]["key"] == "platform"
    assert "Person:dan-okafor" in keys(r.pages)


def test_who_to_ask_by_key_and_by_text(org, round_trips):
    by_key = tools.who_to_ask("kafka", key="kafka", type="Topic").data
    assert by_key["relation"] == "owner"
    assert by_key["contacts"][0]["key"] == "platform"
    assert by_key["contacts"][0]["leads"][0]["key"] == "bruno-silva"
    by_text = tools.who_to_ask("risk engine worker").data
    assert by_text["key"] == "risk-engine-worker" and by_text["relation"] == "parent_owner"
    assert by_text["contacts"][0]["key"] == "risk-data"
    team = tools.who_to_ask("payments", key="payments", type="Team").data
    assert team["relation"] == "self" and team["contacts"][0]["slack_channel"] == "#payments"
    assert len(round_trips) == 3


def test_entity_and_search(org):
    e = tools.entity("risk-data", "Team").data
    assert e["props"]["slack_channel"] == "#risk-data"
    rels = {(r["type"], r["outgoing"], r["key"]) for r in e["related"]}
    assert ("LEADS", False, "dan-okafor") in rels and ("OWNS", True, "risk-engine") in rels
    assert tools.entity("nope").data is None
    hits = tools.search("ledger").data
    assert {"ledger-service", "ledger-api"} <= {h["key"] for h in hits}


def test_llm_tool_dispatch_validates_arguments(org):
    assert tools.call("headcount", {"team": "payments"}).data["headcount"] == 2
    for name, args in [("drop_database", {}), ("headcount", {}), ("headcount", {"team": "x", "label": "Person"}),
                       ("owner", {"key": "ledger-api", "type": "Person"})]:
        with pytest.raises(InvalidInput):
            tools.call(name, args)
    specs = {s["function"]["name"] for s in tools.openai_tool_specs()}
    assert {"search", "entity", "members", "headcount", "manager_chain", "direct_reports", "owner",
            "dependencies", "process_steps", "who_to_ask"} <= specs


def test_linking_exact_alias_fuzzy_and_unknown(org):
    assert linking.link("Risk Data").key == "risk-data"
    assert linking.link("the risk data team").key == "risk-data"
    assert linking.link("RDT").key == "risk-data"          # alias
    assert linking.link("ana").key == "ana-costa"          # alias / first name
    assert linking.link("Risc Data").key == "risk-data"     # one typo
    assert linking.link("ledger-api").key == "ledger-api"  # key
    assert linking.link("moon base") is None
    ctx = linking.asker_context("ana-costa")
    assert [t["key"] for t in ctx["teams"]] == ["risk-data"]
    assert [d["key"] for d in ctx["departments"]] == ["engineering"]
    assert [m["key"] for m in ctx["managers"]] == ["dan-okafor"]


def test_subunits_lists_teams_under_a_unit_with_leads_and_headcounts(org, round_trips):
    eng = tools.subunits("engineering")
    assert [(t["key"], t["headcount"], t["subteams"], [l["key"] for l in t["leads"]]) for t in eng.data["teams"]] \
        == [("payments", 2, 1, ["eve-adams"]), ("platform", 4, 1, ["bruno-silva"])]
    assert eng.data["total"] == 4
    assert keys(eng.pages) == {"Department:engineering", "Team:payments", "Person:eve-adams", "Team:platform",
                               "Person:bruno-silva"}
    # As of 2023-01-01 Hugo was still in Risk Data and Ana and Gina had not joined.
    then = tools.subunits("platform", as_of="2023-01-01")
    assert [(t["key"], t["headcount"]) for t in then.data["teams"]] == [("risk-data", 2)]
    assert tools.subunits("risk-data").data["teams"] == []
    assert tools.subunits("no-such-team").data is None
    assert len(round_trips) == 4
    with pytest.raises(InvalidInput):
        tools.subunits("engineering", type="Person")


def test_organization_counts_people_in_units_and_lists_departments(org, round_trips):
    r = tools.organization()
    assert r.data["headcount"] == 8          # Mallory belongs to no team or department
    assert r.data["teams"] == 4
    assert [(d["key"], d["headcount"], [l["key"] for l in d["leads"]]) for d in r.data["departments"]] == [
        ("engineering", 7, ["carla-mendes"]), ("finance", 1, [])]
    assert keys(r.pages) == {"Department:engineering", "Person:carla-mendes", "Department:finance"}
    assert len(round_trips) == 1
    assert {"subunits", "organization"} <= {s["function"]["name"] for s in tools.openai_tool_specs()}

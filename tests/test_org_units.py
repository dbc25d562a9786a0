"""Org units from attributes and the inferences drawn from membership, pushed
the way an identity provider does it: SCIM users with the enterprise
extension's department/division/organization, and groups with members but no
lead, over HTTP into the real Neo4j."""
from __future__ import annotations

import json

import pytest

from graph import driver
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from ingest.orgunits import attribute_chain, match_key
from tests.test_scim import ENTERPRISE, GROUP, USER, today, create_user, scim  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def employee(scim_client, user_name, department=None, division=None, organization=None, manager=None, **extra):
    ext = {k: v for k, v in (("department", department), ("division", division),
                             ("organization", organization)) if v}
    if manager:
        ext["manager"] = {"value": manager}
    return create_user(scim_client, user_name, f"{user_name}@corp.example", displayName=user_name.title(),
                       **{"schemas": [USER, ENTERPRISE], ENTERPRISE: ext}, **extra)


def group(scim_client, name, *member_ids):
    r = scim_client.post("/Groups", {"schemas": [GROUP], "displayName": name,
                                     "members": [{"value": m} for m in member_ids]})
    assert r.status_code == 201, r.json_body
    return r.json_body


def unit_edges(rel: str, src_label: str, dst_label: str = ""):
    dst = f":{dst_label}" if dst_label else ""
    return sorted((r["src"], r["dst"], r["inferred"], r["reason"]) for r in driver.read(
        f"MATCH (a:{src_label})-[r:{rel}]->(b{dst}) RETURN a.key AS src, b.key AS dst, r.inferred AS inferred, "
        "r.reason AS reason"))


def department(key):
    rows = driver.read("MATCH (d:Department {key: $key}) RETURN d {.*} AS d", key=key)
    return rows[0]["d"] if rows else None


def team_key(scim_id):
    return driver.read("MATCH (t:Team {scim_id: $id}) RETURN t.key AS k", id=scim_id)[0]["k"]


# --- names -----------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [("Finance", "finance department"), ("Finance Dept.", "FINANCE"),
                                  ("the Finance division", "Finance"), ("Research & Development", "research development"),
                                  ("Ingeniería", "ingenieria")])
def test_unit_names_match_without_case_or_unit_words(a, b):
    assert match_key(a) == match_key(b)


def test_unit_names_that_differ_do_not_match():
    assert match_key("Data Platform") != match_key("Platform")
    assert match_key("Organization") == "organization"      # only unit words: kept as they are


def test_attribute_chain_drops_empty_values_and_repeats():
    assert attribute_chain("Payments", "Finance Division", "Acme") == [
        ("department", "Payments"), ("division", "Finance Division"), ("organization", "Acme")]
    assert attribute_chain("Finance", "finance dept", " ") == [("department", "Finance")]
    assert attribute_chain(None, "", None) == []


# --- departments from attributes ----------------------------------------------------
def test_scim_department_division_and_organization_become_units_with_provenance(scim):
    ana = employee(scim, "ana", department="Payments", division="Finance Division", organization="Acme Corp")
    employee(scim, "bo", department="payments dept", division="Finance", organization="ACME corp")
    keys = sorted(r["k"] for r in driver.read("MATCH (d:Department) RETURN d.key AS k"))
    assert keys == ["acme-corp", "finance-division", "payments"]    # the second user attached, no duplicates
    pay = department("payments")
    assert pay["name"] == "Payments" and pay["source"] == "scim" and pay["sources"] == ["scim"]
    prov = json.loads(pay["prov"])
    assert prov["fields"]["name"]["source"] == "scim" and prov["sources"]["scim"]["first_seen"] == today()
    assert sorted(r["p"] for r in driver.read(
        "MATCH (p:Person)-[r:MEMBER_OF {source: 'scim'}]->(:Department {key: 'payments'}) RETURN p.key AS p")) \
        == ["ana", "bo"]
    assert unit_edges("PART_OF", "Department") == [("finance-division", "acme-corp", None, None),
                                                   ("payments", "finance-division", None, None)]
    # The department page counts them.
    rows = driver.read("MATCH (d:Department {key: 'acme-corp'}) RETURN COUNT { MATCH (p:Person)-[:MEMBER_OF]->()"
                       "-[:PART_OF*0..8]->(d) RETURN DISTINCT p } AS n")
    assert rows[0]["n"] == 2
    # A move ends the old membership (history kept) and the unit stays.
    r = scim.patch(f"/Users/{ana['id']}", [{"op": "replace", "path": f"{ENTERPRISE}:department",
                                            "value": "Treasury"}])
    assert r.status_code == 200, r.json_body
    rows = driver.read("MATCH (:Person {key: 'ana'})-[r]->(d:Department) RETURN type(r) AS t, d.key AS d ORDER BY t")
    assert rows == [{"t": "MEMBER_OF", "d": "treasury"}, {"t": "PAST_MEMBER_OF", "d": "payments"}]
    assert ("treasury", "finance-division", None, None) in unit_edges("PART_OF", "Department")


def test_attribute_attaches_to_an_existing_department_by_alias_and_keeps_its_owner(scim):
    sync(Batch("hris", [Entity("Department", "fin", "Finance", aliases=["FIN"], source_id="d-1"),
                        Entity("Department", "group", "Group Holdings", source_id="d-0")],
               [Edge("PART_OF", "Department", "fin", "Department", "group")]), full=False)
    employee(scim, "cy", department="Finance Department", division="Operations")
    dept = department("fin")
    assert dept["name"] == "Finance" and dept["source"] == "hris"          # HR's page, HR's name
    assert dept["sources"] == ["hris", "scim"]
    assert set(json.loads(dept["prov"])["sources"]) == {"hris", "scim"}
    assert driver.read("MATCH (:Person {key: 'cy'})-[:MEMBER_OF]->(d) RETURN d.key AS k") == [{"k": "fin"}]
    # HR states Finance's parent; the IdP's division does not move it.
    assert ("fin", "group", None, None) in unit_edges("PART_OF", "Department")
    assert not [e for e in unit_edges("PART_OF", "Department") if e[0] == "fin" and e[1] == "operations"]


def test_a_name_two_departments_answer_to_is_not_guessed(scim):
    sync(Batch("hris", [Entity("Department", "sales-emea", "Sales", source_id="d-1", aliases=["Sales EMEA"]),
                        Entity("Department", "sales-dept", "Sales Department", source_id="d-2")]), full=False)
    employee(scim, "di", department="sales dept.")
    assert driver.read("MATCH (:Person {key: 'di'})-[:MEMBER_OF]->(d) RETURN d.key AS k") == []
    assert driver.read("MATCH (d:Department) RETURN count(d) AS n")[0]["n"] == 2
    # the exact name still decides
    employee(scim, "ed", department="Sales Department")
    assert driver.read("MATCH (:Person {key: 'ed'})-[:MEMBER_OF]->(d) RETURN d.key AS k") == [{"k": "sales-dept"}]


def test_department_attribute_never_lands_on_a_team(scim):
    sync(Batch("hris", [Entity("Team", "data-platform", "Data Platform", source_id="t-1"),
                        Entity("Team", "platform", "Platform", source_id="t-2")]), full=False)
    employee(scim, "fe", department="Platform")
    assert driver.read("MATCH (:Person {key: 'fe'})-[:MEMBER_OF]->(d) RETURN labels(d) AS l, d.key AS k") == [
        {"l": ["Department", "Entity"], "k": "platform"}]


# --- inferences ------------------------------------------------------------------
def test_group_in_one_department_is_part_of_it_and_its_lead_is_inferred(scim):
    boss = employee(scim, "gil", department="Risk")
    a = employee(scim, "hana", department="Risk", manager=boss["id"])
    b = employee(scim, "ivo", department="risk department", manager=boss["id"])
    team = group(scim, "Risk Analytics", boss["id"], a["id"], b["id"])
    key = team_key(team["id"])
    assert unit_edges("PART_OF", "Team") == [(key, "risk", True, "all 3 current members are in Risk")]
    assert unit_edges("LEADS", "Person", "Team") == [
        ("gil", key, True, "the other 2 members of Risk Analytics all report to Gil")]
    inferred = driver.read("MATCH (:Person)-[r:LEADS]->(:Team) RETURN r.source AS s, r.sources AS ss")
    assert inferred == [{"s": "inference", "ss": ["inference"]}]
    # Answers and pages traverse it like any edge: the department's headcount now counts the team.
    rows = driver.read("MATCH (t:Team {key: $k})-[:PART_OF]->(d:Department) RETURN d.name AS d", k=key)
    assert rows == [{"d": "Risk"}]


def test_a_department_from_attributes_is_led_by_the_top_of_its_reporting_tree(scim):
    ceo = employee(scim, "zoe", department="Executive")
    head = employee(scim, "ari", department="Sales", manager=ceo["id"])
    mid = employee(scim, "bea", department="Sales", manager=head["id"])
    employee(scim, "cyd", department="Sales", manager=mid["id"])
    employee(scim, "dov", department="Sales", manager=head["id"])
    assert unit_edges("LEADS", "Person", "Department") == [
        ("ari", "sales", True, "the other 3 people in Sales all report to Ari, directly or through their managers")]
    # A second person in Sales whose manager is outside it: two tops, no lead.
    eve = employee(scim, "eve", department="Sales", manager=ceo["id"])
    assert unit_edges("LEADS", "Person", "Department") == []
    # Eve now reports to Ari: the tree has one top again, recomputed on her change.
    scim.patch(f"/Users/{eve['id']}", [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": head["id"]}])
    assert [e[:3] for e in unit_edges("LEADS", "Person", "Department")] == [("ari", "sales", True)]
    # A lead stated by HR wins, and the inference goes.
    sync(Batch("hris", [Entity("Department", "sales", "Sales"), Entity("Person", "bea", "Bea",
                                                                         props={"email": "bea@corp.example"})],
               [Edge("LEADS", "Person", "bea", "Department", "sales")]), full=False)
    assert unit_edges("LEADS", "Person", "Department") == [("bea", "sales", None, None)]


def test_no_inference_when_members_disagree_or_nobody_is_everyones_manager(scim):
    boss = employee(scim, "jo", department="Risk")
    a = employee(scim, "kai", department="Risk", manager=boss["id"])
    b = employee(scim, "lea", department="Legal")             # reports to nobody in the team
    team = group(scim, "Mixed", boss["id"], a["id"], b["id"])
    assert unit_edges("PART_OF", "Team") == [] and unit_edges("LEADS", "Person", "Team") == []
    # one member without any department is enough to say nothing
    c = employee(scim, "max")
    solo = group(scim, "Loose", a["id"], c["id"])
    assert unit_edges("PART_OF", "Team") == []
    assert team and solo


def test_a_membership_change_removes_a_stale_inference(scim):
    boss = employee(scim, "nia", department="Risk")
    a = employee(scim, "oto", department="Risk", manager=boss["id"])
    team = group(scim, "Risk Ops", boss["id"], a["id"])
    key = team_key(team["id"])
    assert [e[:3] for e in unit_edges("PART_OF", "Team")] == [(key, "risk", True)]
    assert [e[:3] for e in unit_edges("LEADS", "Person", "Team")] == [("nia", key, True)]

    outsider = employee(scim, "pia", department="Legal")
    r = scim.patch(f"/Groups/{team['id']}", [{"op": "add", "path": "members", "value": [{"value": outsider["id"]}]}])
    assert r.status_code in (200, 204), r.content
    # Pia sits in Legal and reports to nobody in Risk Ops: both inferences go, and nothing historizes them.
    assert unit_edges("PART_OF", "Team") == [] and unit_edges("LEADS", "Person", "Team") == []
    assert driver.read("MATCH ()-[r:PAST_PART_OF|PAST_LEADS]->(:Team) RETURN count(r) AS n")[0]["n"] == 0

    # Pia moves to Risk and gets Nia as manager: recomputed on her user's change.
    scim.patch(f"/Users/{outsider['id']}", [
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Risk"},
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}])
    assert unit_edges("PART_OF", "Team") == [(key, "risk", True, "all 3 current members are in Risk")]
    assert unit_edges("LEADS", "Person", "Team") == [("nia", key, True,
                                              "the other 2 members of Risk Ops all report to Nia")]

    # Nia is deactivated: her membership ends, and Oto and Pia report to nobody in the team.
    scim.patch(f"/Users/{boss['id']}", [{"op": "replace", "path": "active", "value": False}])
    assert unit_edges("LEADS", "Person", "Team") == []
    assert unit_edges("PART_OF", "Team") == [(key, "risk", True, "all 2 current members are in Risk")]


def test_a_fact_stated_by_a_source_replaces_the_inference(scim):
    boss = employee(scim, "quin", department="Risk")
    a = employee(scim, "ria", department="Risk", manager=boss["id"])
    team = group(scim, "Quant", boss["id"], a["id"])
    key = team_key(team["id"])
    assert [e[2] for e in unit_edges("PART_OF", "Team") + unit_edges("LEADS", "Person", "Team")] == [True, True]

    # HR states the same department and another lead: the facts replace both inferences.
    sync(Batch("hris", [Entity("Team", key, "Quant", source_id="t-9"), Entity("Department", "risk", "Risk"),
                        Entity("Person", "ria", "Ria", props={"email": "ria@corp.example"})],
               [Edge("PART_OF", "Team", key, "Department", "risk"),
                Edge("LEADS", "Person", "ria", "Team", key)]), full=False)
    part_of = driver.read("MATCH (:Team {key: $k})-[r:PART_OF]->(d) RETURN d.key AS d, r.inferred AS i, "
                          "r.reason AS why, r.sources AS s", k=key)
    assert part_of == [{"d": "risk", "i": None, "why": None, "s": ["hris"]}]
    leads = driver.read("MATCH (p:Person)-[r:LEADS]->(:Team {key: $k}) RETURN p.key AS p, r.inferred AS i", k=key)
    assert leads == [{"p": "ria", "i": None}]

    # HR moves the team to another department: the stated fact wins, no inference returns.
    sync(Batch("hris", [Entity("Team", key, "Quant", source_id="t-9"), Entity("Department", "markets", "Markets")],
               [Edge("PART_OF", "Team", key, "Department", "markets")]), full=False)
    assert [r["d"] for r in driver.read("MATCH (:Team {key: $k})-[r:PART_OF]->(d) RETURN d.key AS d", k=key)] \
        == ["markets"]
    assert driver.read("MATCH (:Team {key: $k})-[r:PART_OF {inferred: true}]->() RETURN count(r) AS n",
                       k=key)[0]["n"] == 0


# --- HR and CSV sources ---------------------------------------------------------------
def test_csv_departments_divisions_and_organizations_attach_by_name_with_provenance(clean_graph, tmp_path):
    from ingest.connectors.csv_people import CSVPeopleConnector

    sync(Batch("catalog", [Entity("Department", "fin", "Finance", source_id="group:default/fin")]), full=False)
    path = tmp_path / "people.csv"
    path.write_text(
        "Employee ID,Name,Email,Department,Division,Company,Team,Manager ID\n"
        "1,Una Berg,una@corp.example,Finance Dept,Corporate Functions,Acme,,\n"
        "2,Vic Lund,vic@corp.example,finance,corporate functions division,ACME,Payroll,1\n"
        "3,Wes Moe,wes@corp.example,Legal,Corporate Functions,Acme,,1\n")
    batch = CSVPeopleConnector(path=str(path)).read()
    assert batch.problems == []
    # one unit per name, whatever its spelling in the export
    assert sorted((e.key, e.name) for e in batch.entities if e.label == "Department") == [
        ("acme", "Acme"), ("corporate-functions", "Corporate Functions"), ("finance-dept", "Finance Dept"),
        ("legal", "Legal")]
    report = sync(batch, full=True)
    assert report.rejected == 0, report.summary()
    # "Finance Dept" is the catalog's Finance page, now also the CSV's; whose
    # spelling of the name wins is KIKI_FIELD_PRIORITY's call (HR first), reported as a conflict.
    fin = department("fin")
    assert fin["sources"] == ["catalog", "csv"] and set(json.loads(fin["prov"])["sources"]) == {"catalog", "csv"}
    assert fin["name"] == "Finance Dept"
    assert [(c.key, c.field, c.other_value) for c in report.conflicts] == [("fin", "name", "Finance")]
    assert driver.read("MATCH (d:Department) RETURN count(d) AS n")[0]["n"] == 4
    assert unit_edges("PART_OF", "Department") == [
        ("corporate-functions", "acme", None, None), ("fin", "corporate-functions", None, None),
        ("legal", "corporate-functions", None, None)]
    assert driver.read("MATCH (:Person {key: 'una-berg'})-[r:MEMBER_OF]->(d) RETURN d.key AS d, r.source AS s") \
        == [{"d": "fin", "s": "csv"}]
    # Payroll's department is stated by the export (its member's row), not inferred.
    assert unit_edges("PART_OF", "Team") == [("payroll", "fin", None, None)]
    rows = driver.read("MATCH (d:Department {key: 'acme'}) RETURN COUNT { MATCH (p:Person)-[:MEMBER_OF]->()"
                       "-[:PART_OF*0..8]->(d) RETURN DISTINCT p } AS n")
    assert rows[0]["n"] == 3


def test_pages_show_inferred_facts_marked_with_their_reason(scim, client):
    boss = employee(scim, "sam", department="Risk")
    a = employee(scim, "tea", department="Risk", manager=boss["id"])
    key = team_key(group(scim, "Risk Models", boss["id"], a["id"])["id"])
    html = client.get(f"/team/{key}").content.decode()
    infobox = html[html.index('class="infobox'):html.index("</table>", html.index('class="infobox'))]
    dept_row = infobox[infobox.index(">Department<"):infobox.index("</tr>", infobox.index(">Department<"))]
    assert 'href="/department/risk"' in dept_row
    assert 'class="tag inferred" title="Inferred: all 2 current members are in Risk"' in dept_row
    lead_row = infobox[infobox.index(">Lead<"):infobox.index("</tr>", infobox.index(">Lead<"))]
    assert 'href="/person/sam"' in lead_row
    assert 'title="Inferred: the other member of Risk Models reports to Sam"' in lead_row
    dept = client.get("/department/risk").content.decode()
    row = dept[dept.index(f'href="/team/{key}"'):]
    row = row[:row.index("</li>")]
    assert 'class="tag inferred" title="Inferred: all 2 current members are in Risk"' in row
    assert 'href="/person/sam"' in row and "the other member of Risk Models reports to Sam" in row

    # A stated lead carries no mark.
    sync(Batch("hris", [Entity("Team", key, "Risk Models", source_id="t-1"),
                        Entity("Person", "tea", "Tea", props={"email": "tea@corp.example"})],
               [Edge("LEADS", "Person", "tea", "Team", key)]), full=False)
    html = client.get(f"/team/{key}").content.decode()
    infobox = html[html.index('class="infobox'):html.index("</table>", html.index('class="infobox'))]
    lead_row = infobox[infobox.index(">Lead<"):infobox.index("</tr>", infobox.index(">Lead<"))]
    assert 'href="/person/tea"' in lead_row and "inferred" not in lead_row and "/person/sam" not in lead_row


def test_the_answer_engine_gets_inferred_leads_and_parents_with_their_reason(scim):
    from kiki.assistant import tools

    boss = employee(scim, "uma", department="Risk")
    a = employee(scim, "val", department="Risk", manager=boss["id"])
    key = team_key(group(scim, "Risk Reporting", boss["id"], a["id"])["id"])
    d = tools.leader(key).data
    assert [(x["key"], x["inferred"], x["reason"]) for x in d["leads"]] == [
        ("uma", True, "the other member of Risk Reporting reports to Uma")]
    [parent] = d["parents"]
    assert (parent["key"], parent["inferred"], parent["reason"]) == ("risk", True, "all 2 current members are in Risk")
    # A stated lead of the department comes back unmarked.
    sync(Batch("hris", [Entity("Department", "risk", "Risk"), Entity("Person", "val", "Val",
                                                                       props={"email": "val@corp.example"})],
               [Edge("LEADS", "Person", "val", "Department", "risk")]), full=False)
    d = tools.leader("risk").data
    assert [(x["key"], x["inferred"], x["reason"]) for x in d["leads"]] == [("val", False, None)]
    assert tools.headcount("risk").data["headcount"] == 2

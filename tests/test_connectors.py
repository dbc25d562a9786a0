"""Ingest connectors: HRIS over a real local HTTP server, Workday and CSV
exports, docs folders, CODEOWNERS and Backstage catalogs from tests/data,
with normalized output checked in detail and merged into the real Neo4j."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graph import driver
from graph.model import Batch
from ingest.merge import sync
from ingest.connectors.base import Connector
from ingest.connectors.catalog import CatalogConnector, component_paths
from ingest.connectors.codeowners import CodeownersConnector
from ingest.connectors.csv_people import CSVPeopleConnector
from ingest.connectors.docs import DocsConnector
from ingest.connectors.hris import HRISConnector
from ingest.connectors.workday import WorkdayConnector
from kiki.errors import IngestError

DATA = Path(__file__).parent / "data" / "connectors"
TOKEN = "s3cret-token"


def by_key(batch: Batch, label: str) -> dict:
    return {e.key: e for e in batch.entities if e.label == label}


def edges(batch: Batch, rel: str) -> set:
    return {(e.src_key, e.dst_key) for e in batch.edges if e.type == rel}


def problems(batch: Batch) -> list[str]:
    return [str(p) for p in batch.problems]


# --- a Deel-style people API on a local port ---------------------------------
def deel_worker(i, wid, name, email, dept, team, manager, status="active", **extra):
    rec = {"id": i, "worker_id": wid, "full_name": name, "emails": [{"type": "personal", "value": "x@home.example"},
                                                                   {"type": "work", "value": email}],
           "job_title": extra.pop("title", "Engineer"), "department": {"id": "d-" + dept[:2], "name": dept},
           "team": team, "direct_manager": {"id": manager, "display_name": "?"} if manager else None,
           "start_date": extra.pop("start", "2021-04-01"), "hiring_status": status, "country": "PT"}
    rec.update(extra)
    return rec


WORKERS = [
    deel_worker("w-1", "1000", "Bo Chen", "bo.chen@acme.example", "Risk", None, None, title="Head of Risk"),
    deel_worker("w-2", "1001", "Ana Costa", "Ana.Costa@acme.example", "Risk", {"id": "t-1", "name": "Risk Data"},
                "w-1", slack_id="U0ANA", preferred_name="Ana C."),
    deel_worker("w-3", "1002", "Raj Patel", "raj.patel@acme.example", "Risk", "Risk Review", "w-1",
                status="terminated"),
    deel_worker("w-4", "1003", "Mia Wong", "mia.wong@acme.example", "Platform", "Payments", "w-404"),
    {"id": "w-5", "work_email": "nameless@acme.example"},
    "garbage",
    deel_worker("w-6", "1005", "Kim Lee", "kim.lee@acme.example", "Platform", "Payments", "w-4",
                start="01/02/2024"),
]


class DeelAPI(BaseHTTPRequestHandler):
    """GET /rest/v2/people with bearer auth; `mode` picks cursor or offset paging,
    and `script` (a list of (status, headers, body)) injects answers first."""
    mode = "cursor"
    script: list = []
    calls: list = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        type(self).calls.append((url.path, q, time.monotonic()))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"errors": [{"message": "invalid token"}]})
        if type(self).script:
            status, headers, body = type(self).script.pop(0)
            return self._send(status, body, headers)
        if url.path != "/rest/v2/people":
            return self._send(404, {"errors": [{"message": "not found"}]})
        limit = int(q.get("limit", 100))
        if self.mode == "cursor":
            start = int(q["cursor"]) if "cursor" in q else 0
            nxt = start + limit if start + limit < len(WORKERS) else None
            page = {"next_cursor": str(nxt) if nxt is not None else None, "items_per_page": limit}
        else:
            start = int(q.get("offset", 0))
            page = {"offset": start, "items_per_page": limit, "total_rows": len(WORKERS)}
        return self._send(200, {"data": WORKERS[start:start + limit], "page": page})


@pytest.fixture
def deel():
    DeelAPI.mode, DeelAPI.script, DeelAPI.calls = "cursor", [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), DeelAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", DeelAPI
    server.shutdown()
    server.server_close()


def check_hris_batch(batch: Batch):
    people = by_key(batch, "Person")
    assert set(people) == {"bo-chen", "ana-costa", "raj-patel", "mia-wong", "kim-lee"}
    ana = people["ana-costa"]
    assert ana.name == "Ana Costa" and ana.source == "hris" and ana.source_id == "1001"
    assert ana.aliases == ["Ana C."]
    assert ana.props == {"email": "ana.costa@acme.example", "employee_id": "1001", "slack_id": "U0ANA",
                         "title": "Engineer", "location": "PT", "start_date": "2021-04-01", "status": "active"}
    assert people["raj-patel"].props["status"] == "former"
    assert people["kim-lee"].props["start_date"] == "2024-01-02"
    assert set(by_key(batch, "Team")) == {"risk-data", "risk-review", "payments"}
    assert set(by_key(batch, "Department")) == {"risk", "platform"}
    assert edges(batch, "MEMBER_OF") == {("bo-chen", "risk"), ("ana-costa", "risk-data"), ("raj-patel", "risk-review"),
                                         ("mia-wong", "payments"), ("kim-lee", "payments")}
    assert edges(batch, "PART_OF") == {("risk-data", "risk"), ("risk-review", "risk"), ("payments", "platform")}
    assert edges(batch, "REPORTS_TO") == {("ana-costa", "bo-chen"), ("raj-patel", "bo-chen"), ("kim-lee", "mia-wong")}
    msgs = problems(batch)
    assert len(msgs) == 3, msgs
    assert any("(w-5)" in m and "missing name" in m for m in msgs)
    assert any("expected an object, got str" in m for m in msgs)
    assert any("1003" in m and "manager 'w-404' is not in this source" in m for m in msgs)


def test_hris_reads_all_cursor_pages_with_bearer_auth(deel):
    url, api = deel
    batch = HRISConnector(base_url=url, token=TOKEN, page_size=3).read()
    assert isinstance(HRISConnector(base_url=url), Connector) and HRISConnector.source == "hris"
    check_hris_batch(batch)
    assert [c[1].get("cursor") for c in api.calls] == [None, "3", "6"]
    assert all(c[1]["limit"] == "3" for c in api.calls)


def test_hris_offset_pagination(deel):
    url, api = deel
    api.mode = "offset"
    check_hris_batch(HRISConnector(base_url=url, token=TOKEN, page_size=2).read())
    assert [c[1].get("offset") for c in api.calls] == [None, "2", "4", "6"]


def test_hris_retries_429_and_503_honouring_retry_after(deel):
    url, api = deel
    api.script = [(429, {"Retry-After": "1"}, {"errors": []}), (503, {"Retry-After": "0"}, b"busy")]
    batch = HRISConnector(base_url=url, token=TOKEN, page_size=50).read()
    assert len(by_key(batch, "Person")) == 5
    assert len(api.calls) == 3
    assert api.calls[1][2] - api.calls[0][2] >= 0.9  # waited as asked


@pytest.mark.parametrize("script, expected", [
    ([(500, {}, {"error": "database down"})], r"answered HTTP 500: .*database down"),
    ([(200, {}, b"{not json")], r"returned malformed JSON"),
    ([(200, {}, {"items": []})], r"page has no 'data' list"),
    ([(429, {"Retry-After": "0"}, b"")] * 3, r"answered HTTP 429"),
    ([(503, {"Retry-After": "3600"}, b"")], r"retry after 3600s"),
])
def test_hris_failures_raise_ingest_error_naming_the_url(deel, script, expected):
    url, api = deel
    api.script = list(script)
    with pytest.raises(IngestError, match=expected) as err:
        HRISConnector(base_url=url, token=TOKEN, retries=2).read()
    assert f"{url}/rest/v2/people" in str(err.value)


def test_hris_failure_on_a_later_page_still_raises(deel):
    url, api = deel
    api.script = [(200, {}, {"data": WORKERS[:2], "page": {"next_cursor": "2"}}), (502, {}, b"bad gateway")]
    with pytest.raises(IngestError, match="HTTP 502"):
        HRISConnector(base_url=url, token=TOKEN).read()


def test_hris_server_ignoring_the_offset_is_an_error(deel):
    url, api = deel
    page = {"data": WORKERS[:2], "page": {"items_per_page": 2}}
    api.script = [(200, {}, page), (200, {}, page)]
    with pytest.raises(IngestError, match="returned the previous page again"):
        HRISConnector(base_url=url, token=TOKEN, page_size=2).read()


def test_hris_wrong_token_and_unreachable_server(deel):
    url, _ = deel
    with pytest.raises(IngestError, match=r"refused our credentials \(HTTP 401\).*invalid token") as err:
        HRISConnector(base_url=url, token="wrong").read()
    assert err.value.code == "source_auth"
    from graph.server import free_port
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IngestError, match=f"cannot reach {dead}/rest/v2/people") as err:
        HRISConnector(base_url=dead, token=TOKEN, timeout=2).read()
    assert err.value.code == "source_unreachable"


def test_hris_batch_merges_into_the_graph(clean_graph, deel):
    url, _ = deel
    result = sync(HRISConnector(base_url=url, token=TOKEN).read(), full=False)
    assert result.counters["nodes_created"] == 5 + 3 + 2
    rows = driver.read("""
        MATCH (p:Person {key: 'ana-costa'})-[:MEMBER_OF]->(t:Team)-[:PART_OF]->(d:Department),
              (p)-[:REPORTS_TO]->(m:Person)
        RETURN p.email AS email, p.employee_id AS eid, t.name AS team, d.name AS dept, m.name AS manager""")
    assert rows == [{"email": "ana.costa@acme.example", "eid": "1001", "team": "Risk Data", "dept": "Risk",
                     "manager": "Bo Chen"}]
    assert sync(HRISConnector(base_url=url, token=TOKEN).read(), full=False).wrote_nothing


# --- generic CSV ----------------------------------------------------------------
def test_csv_people_with_bom_semicolons_and_header_aliases():
    batch = CSVPeopleConnector(path=str(DATA / "people.csv")).read()
    people = by_key(batch, "Person")
    assert set(people) == {"bo-chen", "ana-costa", "raj-patel", "mia-wong", "ana-costa-1004"}
    bo = people["bo-chen"]
    assert bo.source == "csv" and bo.source_id == "1000" and bo.summary == "Head of Risk"
    assert bo.props == {"email": "bo.chen@acme.example", "employee_id": "1000", "slack_id": "U0BO",
                        "title": "Head of Risk", "location": "Lisbon", "start_date": "2018-01-15", "status": "active"}
    assert people["ana-costa"].props["start_date"] == "2021-04-01"  # US date
    assert people["ana-costa-1004"].props["email"] == "ana.costa2@acme.example"
    assert people["mia-wong"].props["status"] == "former"
    assert edges(batch, "MEMBER_OF") == {("bo-chen", "risk"), ("ana-costa", "risk-data"),
                                         ("raj-patel", "risk-review"), ("mia-wong", "payments"),
                                         ("ana-costa-1004", "payments")}
    assert edges(batch, "REPORTS_TO") == {("ana-costa", "bo-chen"), ("raj-patel", "bo-chen"),
                                          ("ana-costa-1004", "mia-wong")}
    msgs = problems(batch)
    expected = [("people.csv:8", "invalid email 'not-an-email'"), ("people.csv:9", "missing name"),
                ("people.csv:10", "unreadable date 'yesterday'"),
                ("people.csv:11", "duplicate of the record at people.csv:3"),
                ("people.csv:5", "manager 'nobody@acme.example' is not in this source")]
    for where, text in expected:
        assert any(m.startswith(where) and text in m for m in msgs), (where, msgs)
    assert len(msgs) == len(expected)


def test_csv_column_override_delimiter_and_encodings(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes("Mail\tWho\tGroup\nzoë@acme.example\tZoë Ålund\tRisk Data\n".encode("utf-16"))
    batch = CSVPeopleConnector(path=str(path), columns={"email": "Mail", "name": "Who", "team": "Group"}).read()
    assert [(e.key, e.name, e.props["email"]) for e in batch.entities if e.label == "Person"] == \
        [("zoe-alund", "Zoë Ålund", "zoë@acme.example")]
    assert edges(batch, "MEMBER_OF") == {("zoe-alund", "risk-data")}
    path.write_bytes("name,email\nJosé Núñez,jose@acme.example\n".encode("cp1252"))
    assert by_key(CSVPeopleConnector(path=str(path)).read(), "Person")["jose-nunez"].name == "José Núñez"


def test_csv_unusable_files_raise(tmp_path):
    with pytest.raises(IngestError, match="cannot read .*missing.csv"):
        CSVPeopleConnector(path=str(tmp_path / "missing.csv")).read()
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match="empty.csv: the file is empty"):
        CSVPeopleConnector(path=str(tmp_path / "empty.csv")).read()
    (tmp_path / "cols.csv").write_text("title,team\nEngineer,Risk\n")
    with pytest.raises(IngestError, match=r"cols.csv: missing required column\(s\): name .*; email or employee_id"):
        CSVPeopleConnector(path=str(tmp_path / "cols.csv")).read()
    with pytest.raises(IngestError, match="unknown field"):
        CSVPeopleConnector(path="x.csv", columns={"shoe_size": "Shoe"})


def test_csv_batch_merges_into_the_graph(clean_graph):
    result = sync(CSVPeopleConnector(path=str(DATA / "people.csv")).read(), full=False)
    assert result.rejected_records and not any("edge not created" in str(p) for p in result.rejected_records)
    rows = driver.read("""
        MATCH (d:Department {key: 'platform'})<-[:PART_OF]-(t:Team)<-[:MEMBER_OF]-(p:Person)
        RETURN t.key AS team, collect(p.key) AS people""")
    assert len(rows) == 1 and rows[0]["team"] == "payments"
    assert sorted(rows[0]["people"]) == ["ana-costa-1004", "mia-wong"]


# --- Workday RaaS ---------------------------------------------------------------
def test_workday_json_report():
    batch = WorkdayConnector(path=str(DATA / "workday_report.json")).read()
    people = by_key(batch, "Person")
    assert set(people) == {"ana-costa", "bo-chen", "raj-patel"}
    ana = people["ana-costa"]
    assert ana.source == "workday" and ana.source_id == "21001" and ana.aliases == ["Ana"]
    assert ana.props == {"email": "ana.costa@acme.example", "employee_id": "21001", "title": "Senior Data Engineer",
                         "location": "Lisbon", "start_date": "2021-04-01", "status": "active"}
    assert people["raj-patel"].props["status"] == "former"
    assert by_key(batch, "Team")["risk-data"].name == "Risk Data"   # from the reference's Descriptor
    assert edges(batch, "REPORTS_TO") == {("ana-costa", "bo-chen"), ("raj-patel", "bo-chen")}
    assert edges(batch, "MEMBER_OF") == {("ana-costa", "risk-data"), ("raj-patel", "risk-review"), ("bo-chen", "risk")}
    msgs = problems(batch)
    assert len(msgs) == 2, msgs
    assert any("Report_Entry[3]" in m and "21003" in m and "missing name" in m for m in msgs)
    assert any("Report_Entry[4]" in m and "expected an object" in m for m in msgs)


def test_workday_csv_report_and_field_mapping(tmp_path):
    batch = WorkdayConnector(path=str(DATA / "workday_report.csv")).read()
    people = by_key(batch, "Person")
    assert set(people) == {"bo-chen", "ana-costa", "raj-patel"}
    assert people["raj-patel"].props["status"] == "active"          # on leave is still employed
    assert edges(batch, "REPORTS_TO") == {("ana-costa", "bo-chen"), ("raj-patel", "bo-chen")}
    assert [str(p) for p in batch.problems] == ["workday_report.csv:5: line 5: more cells than the header has columns"]

    custom = tmp_path / "custom.json"
    custom.write_text(json.dumps({"Report_Entry": [
        {"Worker_Ref": {"Employee_ID": "9"}, "Display": "Sam Hill", "Contact": {"Work": "sam@acme.example"},
         "Org": "Ops"}]}))
    batch = WorkdayConnector(path=str(custom), fields={
        "employee_id": "Worker_Ref.Employee_ID", "name": "Display", "email": "Contact.Work", "team": ["Nope", "Org"],
    }).read()
    sam = by_key(batch, "Person")["sam-hill"]
    assert (sam.props["employee_id"], sam.props["email"]) == ("9", "sam@acme.example")
    assert edges(batch, "MEMBER_OF") == {("sam-hill", "ops")}


def test_workday_over_http_with_basic_auth(tmp_path):
    seen = []

    class RaaS(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            if self.headers.get("Authorization") != "Basic aXN1X2tpa2k6cHc=":  # isu_kiki:pw
                self.send_response(401)
                self.end_headers()
                return
            body = (DATA / "workday_report.json").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), RaaS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/ccx/service/customreport2/acme/ISU/Workers?format=json"
        batch = WorkdayConnector(url=url, username="isu_kiki", password="pw").read()
        assert set(by_key(batch, "Person")) == {"ana-costa", "bo-chen", "raj-patel"}
        with pytest.raises(IngestError, match=r"refused our credentials \(HTTP 401\)"):
            WorkdayConnector(url=url, username="isu_kiki", password="wrong").read()
    finally:
        server.shutdown()
        server.server_close()


def test_workday_bad_documents_raise(tmp_path):
    (tmp_path / "r.json").write_text('{"Report_Entries": []}')
    with pytest.raises(IngestError, match="r.json: no 'Report_Entry' list"):
        WorkdayConnector(path=str(tmp_path / "r.json")).read()
    (tmp_path / "r2.json").write_text('{"Report_Entry": [')
    with pytest.raises(IngestError, match="r2.json: malformed JSON"):
        WorkdayConnector(path=str(tmp_path / "r2.json")).read()
    with pytest.raises(IngestError, match="exactly one of path or url"):
        WorkdayConnector()


def test_workday_batch_merges_into_the_graph(clean_graph):
    sync(WorkdayConnector(path=str(DATA / "workday_report.json")).read(), full=False)
    rows = driver.read("""
        MATCH (p:Person)-[:REPORTS_TO]->(:Person {key: 'bo-chen'}) RETURN p.key AS key, p.status AS status
        ORDER BY key""")
    assert rows == [{"key": "ana-costa", "status": "active"}, {"key": "raj-patel", "status": "former"}]


# --- docs folder ------------------------------------------------------------------
def test_docs_without_graph_reads_articles_and_reports_files(tmp_path):
    batch = DocsConnector(path=str(DATA / "docs"), resolve_against_graph=False).read()
    assert set(by_key(batch, "Process")) == {"quarterly-risk-report"}
    assert set(by_key(batch, "Topic")) == {"data-retention"}
    msgs = problems(batch)
    assert any(m.startswith("README.md") and "no front matter" in m for m in msgs)
    assert any(m.startswith("bad-type.md") and "type must be process or topic, not 'policy'" in m for m in msgs)
    with pytest.raises(IngestError, match="docs folder .*nope does not exist"):
        DocsConnector(path=str(tmp_path / "nope"), resolve_against_graph=False).read()


def test_hr_and_docs_make_a_process_with_ordered_steps_and_responsible_teams(clean_graph):
    sync(CSVPeopleConnector(path=str(DATA / "people.csv")).read(), full=False)
    batch = DocsConnector(path=str(DATA / "docs")).read()

    qrr = by_key(batch, "Process")["quarterly-risk-report"]
    assert qrr.name == "Quarterly risk report" and qrr.source == "docs"
    assert qrr.source_id == "processes/quarterly-risk-report.md" and qrr.aliases == ["QRR", "risk report"]
    assert qrr.summary == "How the quarterly risk report is produced and published."
    assert qrr.body.startswith("The report is coordinated by @ana-costa")
    topic = by_key(batch, "Topic")["data-retention"]
    assert topic.aliases == ["retention", "records policy"]
    assert topic.summary.startswith("Risk data is kept for seven years.")

    steps = by_key(batch, "Step")
    assert [(k, s.name, s.props["order"]) for k, s in sorted(steps.items())] == [
        ("quarterly-risk-report-step-1", "Pull the exposure data from the warehouse", 1),
        ("quarterly-risk-report-step-2", "Review the numbers", 2),
        ("quarterly-risk-report-step-3", "Sign off with the Head of Risk", 3),
        ("quarterly-risk-report-step-4", "Publish the report", 4)]
    assert steps["quarterly-risk-report-step-1"].summary == "Use the certified extract only."
    assert edges(batch, "RESPONSIBLE_FOR") == {
        ("risk-data", "quarterly-risk-report-step-1"), ("raj-patel", "quarterly-risk-report-step-2"),
        ("risk-review", "quarterly-risk-report-step-2"), ("risk-data", "quarterly-risk-report-step-4")}
    assert edges(batch, "OWNS") == {("risk-data", "quarterly-risk-report"), ("bo-chen", "data-retention")}
    assert edges(batch, "MENTIONS") == {
        ("quarterly-risk-report", "ana-costa"), ("quarterly-risk-report", "risk-review"),
        ("quarterly-risk-report", "data-retention"), ("data-retention", "quarterly-risk-report"),
        ("data-retention", "payments")}
    msgs = problems(batch)
    for text in ("processes/quarterly-risk-report.md: @ghost-team: unresolved reference",
                 "processes/quarterly-risk-report.md: @nobody-here: unresolved reference",
                 "data-retention.md: /system/no-such-system: unresolved link: no System with key 'no-such-system'"):
        assert any(m.startswith(text) for m in msgs), (text, msgs)
    assert not any("not-a-mention" in m for m in msgs)  # code is not scanned
    assert len(msgs) == 5, msgs

    result = sync(batch, full=False)
    assert not any("edge not created" in str(p) for p in result.rejected_records)
    rows = driver.read("""
        MATCH (p:Process {key: 'quarterly-risk-report'})-[h:HAS_STEP]->(s:Step)
        OPTIONAL MATCH (who)-[:RESPONSIBLE_FOR]->(s)
        WITH h, s, who ORDER BY who.key
        RETURN h.order AS order, s.name AS step, collect(labels(who)[0] + ':' + who.key) AS responsible
        ORDER BY order""")
    assert rows == [
        {"order": 1, "step": "Pull the exposure data from the warehouse", "responsible": ["Team:risk-data"]},
        {"order": 2, "step": "Review the numbers", "responsible": ["Person:raj-patel", "Team:risk-review"]},
        {"order": 3, "step": "Sign off with the Head of Risk", "responsible": []},
        {"order": 4, "step": "Publish the report", "responsible": ["Team:risk-data"]}]
    owner = driver.read("MATCH (t:Team)-[:OWNS]->(:Process {key: 'quarterly-risk-report'}) RETURN t.name AS n")
    assert owner == [{"n": "Risk Data"}]


# --- Backstage catalog in a checkout --------------------------------------------
REPO = DATA / "repo"


def test_catalog_reads_catalog_info_files_and_follows_locations():
    batch = CatalogConnector(path=str(REPO)).read()
    assert batch.source == "catalog" and {e.source for e in batch.entities} | {e.source for e in batch.edges} == {"catalog"}
    systems = by_key(batch, "System")
    assert set(systems) == {"ledger", "payments-api", "dev-cli", "api.payments-api"}   # not node_modules' left-pad
    assert systems["dev-cli"].props["kind"] == "Component" and systems["api.payments-api"].props["kind"] == "API"
    assert systems["ledger"].source_id == "component:default/ledger"
    # reached only through the root Location (org.yaml is not a catalog-info file)
    assert set(by_key(batch, "Department")) == {"platform"}
    assert by_key(batch, "Team")["payments"].aliases == ["payments-team"]        # github.com/team-slug
    ana = by_key(batch, "Person")["ana.costa"]
    assert ana.props["email"] == "ana.costa@acme.example" and ana.props["github"] == "anacosta"
    assert edges(batch, "OWNS") == {("payments", "payments-api"), ("payments", "dev-cli"),
                                    ("payments", "api.payments-api")}
    assert edges(batch, "PART_OF") == {("payments", "platform")}
    assert edges(batch, "MEMBER_OF") == {("ana.costa", "payments")}
    assert edges(batch, "DEPENDS_ON") == {("dev-cli", "payments-api")}
    msgs = problems(batch)
    for text in ("catalog-info.yaml: location:default/acme-monorepo: catalog file catalog/missing.yaml does not exist",
                 "catalog/org.yaml: template:default/springboot: kind Template is not mapped",
                 "services/ledger/catalog-info.yaml: component:default/broken: spec must be a mapping",
                 "services/ledger/catalog-info.yaml: component:default/ledger: spec.owner: unknown reference "
                 "group:default/risk-data"):
        assert any(m.startswith(text) for m in msgs), (text, msgs)
    assert not any("values.yaml" in m or "left-pad" in m for m in msgs)


def test_catalog_follows_locations_in_the_backstage_examples():
    from django.conf import settings
    batch = CatalogConnector(path=str(settings.KIKI_BACKSTAGE_DIR),
                             roots=["backstage/packages/catalog-model/examples/all.yaml"]).read()
    systems = by_key(batch, "System")
    assert {"artist-lookup", "petstore", "api.petstore", "system.podcast", "domain.artists"} <= set(systems)
    assert ("artist-lookup", "resource.artists-db") in edges(batch, "DEPENDS_ON")


def test_catalog_errors(tmp_path):
    with pytest.raises(IngestError, match="catalog directory .*nowhere does not exist"):
        CatalogConnector(path=str(tmp_path / "nowhere")).read()
    (tmp_path / "x.yaml").write_text("a: 1\n")
    with pytest.raises(IngestError, match="no catalog files"):
        CatalogConnector(path=str(tmp_path)).read()


def test_component_paths_use_catalog_folders_and_source_location():
    _, paths = component_paths(REPO)
    assert paths == {"services/ledger": "ledger", "services/payments": "payments-api", "tools/cli": "dev-cli"}
    _, paths = component_paths(REPO, repo_url="https://github.com/acme/other")
    assert paths["services/ledger"] == "ledger"   # another repo's URL: falls back to the file's folder


# --- CODEOWNERS -----------------------------------------------------------------
def test_codeowners_become_owns_edges_in_the_graph(clean_graph):
    sync(CSVPeopleConnector(path=str(DATA / "people.csv")).read(), full=False)
    sync(CatalogConnector(path=str(REPO)).read(), full=False)
    batch = CodeownersConnector(repo=str(REPO), systems={"libs/shared": "shared-lib", "infra": "api.payments-api"}).read()
    assert batch.source == "codeowners"
    owns = {(e.src_label, e.src_key, e.dst_key, e.props["codeowners_pattern"]) for e in batch.edges}
    assert owns == {
        ("Team", "payments", "payments-api", "/services/payments/"),            # via the team-slug alias
        ("Person", "ana-costa-1004", "payments-api", "/services/payments/"),    # via the HR email
        ("Team", "risk-data", "ledger", "/services/ledger/"),
        ("Person", "raj-patel", "ledger", "/services/ledger/"),
        # via the GitHub login of the catalog's user ana.costa, whom the sync
        # resolved to HR's Ana Costa by her work email: one person, one node
        ("Person", "ana-costa", "dev-cli", "/tools/cli/"),
        ("Department", "platform", "api.payments-api", "*"),
    }
    msgs = problems(batch)
    assert any(m.startswith(".github/CODEOWNERS:9: @acme/unknown-team: unresolved owner") for m in msgs), msgs
    assert any(m.startswith(".github/CODEOWNERS:11: rule: not an owner: notanowner") for m in msgs), msgs
    assert any("shared-lib" in m and "no System 'shared-lib' (for path libs/shared)" in m for m in msgs), msgs
    assert len(msgs) == 3, msgs

    result = sync(batch, full=False)
    # payments -OWNS-> payments-api was already stated by the catalog: merged, not duplicated.
    # The catalog ranks above CODEOWNERS for "owner" (KIKI_FIELD_PRIORITY): where it
    # names an owner the CODEOWNERS one is a conflict, not a second owner.
    assert (result.edges_created, result.edges_updated, result.counters["relationships_created"]) == (2, 1, 2)
    assert sorted((c.key, c.kept_value, c.kept_source, c.other_value) for c in result.conflicts) == [
        ("api.payments-api", "payments", "catalog", "platform"), ("dev-cli", "payments", "catalog", "ana-costa"),
        ("payments-api", "payments", "catalog", "ana-costa-1004")]
    assert not any("edge not created" in str(p) for p in result.rejected_records)
    rows = driver.read("""
        MATCH (s:System {key: 'ledger'})<-[:OWNS]-(o) RETURN labels(o)[0] AS label, o.key AS key ORDER BY key""")
    assert rows == [{"label": "Person", "key": "raj-patel"}, {"label": "Team", "key": "risk-data"}]


def test_codeowners_missing_file_raises(tmp_path):
    with pytest.raises(IngestError, match="does not exist"):
        CodeownersConnector(repo=str(tmp_path / "none"), resolve_against_graph=False).read()
    with pytest.raises(IngestError, match="no CODEOWNERS file found"):
        CodeownersConnector(repo=str(tmp_path), resolve_against_graph=False).read()


# --- registry and the merge engine ------------------------------------------------
def test_registry_builds_each_connector_from_settings(settings):
    settings.KIKI_INGEST_SOURCES = {
        "hr": {"connector": "hris", "options": {"base_url": "http://127.0.0.1:1", "token": "t"}},
        "wd": {"connector": "workday", "options": {"path": str(DATA / "workday_report.csv")}, "full": False},
        "people": {"connector": "csv_people", "options": {"path": str(DATA / "people.csv")}},
        "catalog": {"connector": "catalog", "options": {"path": str(REPO)}},
        "codeowners": {"connector": "codeowners", "options": {"repo": str(REPO)}},
        "docs": {"connector": "docs", "options": {"path": str(DATA / "docs")}},
    }
    from ingest import registry
    built = {name: registry.get(name) for name in registry.names()}
    assert {n: type(c).__name__ for n, c in built.items()} == {
        "hr": "HRISConnector", "wd": "WorkdayConnector", "people": "CSVPeopleConnector",
        "catalog": "CatalogConnector", "codeowners": "CodeownersConnector", "docs": "DocsConnector"}
    assert built["wd"].full is False and built["people"].full is True
    assert set(by_key(built["wd"].read(), "Person")) == {"bo-chen", "ana-costa", "raj-patel"}


def test_hr_catalog_and_docs_through_the_merge_engine_are_one_graph(clean_graph):
    from ingest.merge import sync
    for connector in (CSVPeopleConnector(path=str(DATA / "people.csv")), CatalogConnector(path=str(REPO))):
        report = sync(connector.read(), full=connector.full)
        assert report.created > 0, report.summary()
    # The catalog's user ana.costa has the HR person's work email: one node, both sources.
    rows = driver.read("""
        MATCH (p:Person {email: 'ana.costa@acme.example'})
        OPTIONAL MATCH (p)-[:MEMBER_OF]->(t:Team)
        RETURN p.key AS key, p.employee_id AS eid, p.github AS github, collect(t.key) AS teams""")
    assert len(rows) == 1
    assert rows[0]["key"] == "ana-costa" and rows[0]["eid"] == "1001" and rows[0]["github"] == "anacosta"
    assert sorted(rows[0]["teams"]) == ["payments", "risk-data"]

    docs = DocsConnector(path=str(DATA / "docs"))
    report = sync(docs.read(), full=docs.full)
    assert report.created == 2 + 4, report.summary()      # the process, the topic and four steps
    steps = driver.read("""
        MATCH (:Process {key: 'quarterly-risk-report'})-[h:HAS_STEP]->(s:Step)<-[:RESPONSIBLE_FOR]-(t:Team)
        RETURN h.order AS order, t.key AS team ORDER BY order, team""")
    assert steps == [{"order": 1, "team": "risk-data"}, {"order": 2, "team": "risk-review"},
                     {"order": 4, "team": "risk-data"}]
    again = sync(DocsConnector(path=str(DATA / "docs")).read(), full=True)
    assert again.wrote_nothing, again.counters

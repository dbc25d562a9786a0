"""Wiki pages against a real Neo4j: every page type's content, breadcrumbs,
"what links here", sanitized bodies, search and typeahead, the per-type index,
404s, and the one-or-two-queries-per-page budget even for big pages."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from django.test import Client

from graph import driver, schema
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from tests.wiki_sample_org import sample_org

BIG_TEAM_SIZE = 120
BIG_SYSTEMS = 40


def big_org() -> Batch:
    """A second department with one large team, a manager with many reports and
    many systems, so the query-budget tests have many rows per section."""
    entities = [Entity("Department", "operations", "Operations", summary="Keeps the lights on."),
                Entity("Team", "support", "Support", summary="Answers every ticket."),
                Entity("Person", "sam-boss", "Sam Boss", props={"title": "Head of Support"})]
    edges = [Edge("PART_OF", "Team", "support", "Department", "operations"),
             Edge("LEADS", "Person", "sam-boss", "Team", "support"),
             Edge("MEMBER_OF", "Person", "sam-boss", "Team", "support")]
    for i in range(BIG_TEAM_SIZE):
        key = f"agent-{i:03d}"
        entities.append(Entity("Person", key, f"Agent {i:03d}", props={"title": "Support Agent"}))
        edges += [Edge("MEMBER_OF", "Person", key, "Team", "support"),
                  Edge("REPORTS_TO", "Person", key, "Person", "sam-boss")]
    for i in range(BIG_SYSTEMS):
        key = f"tool-{i:02d}"
        entities.append(Entity("System", key, f"Tool {i:02d}", props={"kind": "Component"}))
        edges += [Edge("OWNS", "Team", "support", "System", key),
                  Edge("DEPENDS_ON", "System", key, "System", "postgres-cluster")]
    return Batch("hris", entities, edges)


@pytest.fixture(scope="module")
def org(neo4j):
    schema.wipe()
    for batch in (sample_org(), big_org()):
        result = sync(batch, full=False)
        assert not result.rejected_records, result.rejected_records
    return neo4j


@pytest.fixture
def client(org, client):
    return client  # conftest's signed-in client, once the org is loaded


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """Visible text with tags dropped and whitespace collapsed, for phrase checks."""
    html = re.sub(r"</?(?:li|td|th|tr|dt|dd|p|div|h\d|ul|ol|section|br)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def section(html: str, heading_id: str) -> str:
    """The HTML of one <section> by its heading id."""
    m = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert m, f"no section {heading_id}"
    return m.group(0)


def breadcrumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    return [text(li) for li in re.findall(r"<li>(.*?)</li>", nav, re.S)]


def infobox(html: str) -> dict[str, str]:
    """Infobox rows as text; the provenance note a sourced fact carries is left out."""
    box = re.search(r'<aside class="infobox".*?</aside>', html, re.S).group(0)
    box = re.sub(r'<span class="prov"[^>]*>.*?</span>', "", box, flags=re.S)
    return {text(k): text(v) for k, v in re.findall(r"<th scope=\"row\">(.*?)</th><td>(.*?)</td>", box, re.S)}


# --- home and index -----------------------------------------------------------

def test_home_shows_counts_recent_changes_and_search(client):
    html = get(client, "/")
    assert "Welcome to Kiki" in html
    cards = dict(re.findall(r'href="/(\w+)/">\s*<span class="type-card-count">(\d+)</span>', html))
    assert cards == {"person": str(7 + 1 + BIG_TEAM_SIZE), "team": "5", "department": "2",
                     "system": str(6 + BIG_SYSTEMS), "process": "1", "topic": "1"}
    recent = section(html, "recent")
    assert len(re.findall(r"<li>", recent)) == 12
    assert 'action="/search"' in html and 'data-typeahead="/search/suggest"' in html


def test_type_index_is_alphabetical_and_paginated(client):
    first = get(client, "/person/")
    names = re.findall(r'<li><a href="/person/[^"]+">([^<]+)</a>', first)
    assert len(names) == 50
    assert names == sorted(names, key=str.lower)
    assert names[0] == "Agent 000"
    assert "Page 1 of 3" in first and 'href="?page=2"' in first
    last = get(client, "/person/?page=3")
    last_names = re.findall(r'<li><a href="/person/[^"]+">([^<]+)</a>', last)
    assert len(last_names) == 128 - 100
    assert "Sam Boss" in last_names
    assert get(client, "/process/").count('href="/process/incident-response"') == 1
    get(client, "/person/?page=9", status=404)
    get(client, "/person/?page=" + "9" * 30, status=404)
    assert "Page 1 of 3" in get(client, "/person/?page=nonsense")


# --- entity pages ----------------------------------------------------------------

def test_person_page(client):
    html = get(client, "/person/ben-ito")
    assert "<h1 id=\"page-title\">Ben Ito</h1>" in html
    box = infobox(html)
    assert box["Title"] == "Risk Engineer"
    assert re.search(r'Risk Engineer<span class="prov" title="Set by Backstage; change it there">— from Backstage, ', html)
    assert box["Team"] == "Risk Data"
    assert box["Department"] == "Engineering"     # the team's department, found via PART_OF*
    assert box["Manager"] == "Ana Costa"
    assert box["Email"] == "ben@example.com"
    assert breadcrumbs(html) == ["People", "Engineering", "Platform", "Data Platform", "Risk Data", "Ben Ito"]
    lead = text(re.search(r'<p class="lead">.*?</p>', html, re.S).group(0))
    assert lead == "Ben Ito is Risk Engineer in Risk Data (Engineering), reporting to Ana Costa."
    owned = section(html, "owned")
    assert 'href="/system/risk-engine"' in owned and 'href="/system/risk-api"' in owned
    assert "via" in owned and 'href="/team/risk-data"' in owned
    today = datetime.now(timezone.utc).date().isoformat()
    assert f"Source: backstage · last seen {today}" in text(html)


def test_manager_page_lists_reports_and_what_links_here(client):
    html = get(client, "/person/ana-costa")
    reports = section(html, "organisation")
    assert re.findall(r'href="/person/([^"]+)"', reports.split("Direct reports")[1]) == \
        ["ben-ito", "chloe-park", "eva-novak"]
    assert infobox(html)["Leads"] == "Data Platform"
    links = text(section(html, "links-here"))
    assert "Reports to Ben Ito (Person) Chloe Park (Person) Eva Novak (Person)" in links
    owned = section(html, "responsibilities") if 'id="responsibilities"' in html else ""
    assert owned == ""  # Ana is responsible for no process step
    omar = get(client, "/person/omar-haddad")
    assert "Step 4, Postmortem, of Incident Response" in text(section(omar, "responsibilities"))


def test_team_page_headcount_includes_sub_teams(client):
    html = get(client, "/team/data-platform")
    box = infobox(html)
    assert box["Headcount"] == "4 incl. sub-teams"   # Ana, Eva + Risk Data's Ben, Chloe (Eva once)
    assert box["Direct members"] == "2"
    assert box["Department"] == "Engineering"
    assert box["Parent team"] == "Platform"
    assert box["Lead"] == "Ana Costa"
    assert box["Also known as"] == "DataPlat"
    members = section(html, "members")
    assert re.findall(r'href="/person/([^"]+)"', members) == ["ana-costa", "eva-novak"]
    assert "Lead" in members
    sub = text(section(html, "sub-teams"))
    assert "Risk Data 3 Owns the risk datasets." in sub
    assert breadcrumbs(html) == ["Teams", "Engineering", "Platform", "Data Platform"]
    owns = section(html, "owned")
    assert 'href="/system/market-feed"' in owns and 'href="/topic/data-retention"' in owns
    links = text(section(html, "links-here"))
    assert "Leads Ana Costa (Person)" in links
    assert "Member of Ana Costa (Person) Eva Novak (Person)" in links
    assert "Part of Risk Data (Team)" in links

    top = get(client, "/team/platform")
    assert infobox(top)["Headcount"] == "6 incl. sub-teams"
    assert breadcrumbs(top) == ["Teams", "Engineering", "Platform"]
    assert "Step 2, Triage, of Incident Response" in text(section(top, "responsibilities"))


def test_department_page_tree_and_headcount(client):
    html = get(client, "/department/engineering")
    box = infobox(html)
    assert box["Lead"] == "Maya Lin"
    assert box["Headcount"] == "7"      # six people in its teams plus Maya, a direct member
    assert box["Teams"] == "4"
    tree = re.findall(r'<li class="depth-(\d)"[^>]*>\s*<a href="/team/([^"]+)">[^<]+</a>\s*'
                      r'<span class="count"[^>]*>(\d+)</span>', section(html, "teams"))
    assert tree == [("0", "platform", "6"), ("1", "data-platform", "4"), ("2", "risk-data", "3"),
                    ("1", "infrastructure", "1")]
    assert 'href="/person/maya-lin"' in section(html, "direct-members")
    assert "Everything technical." in html
    assert "<h2>Engineering</h2>" not in html  # a body heading repeating the title is dropped
    assert html.count("<h1") == 1


def test_system_page(client):
    html = get(client, "/system/risk-engine")
    box = infobox(html)
    assert box["Kind"] == "Component" and box["Type"] == "service" and box["Lifecycle"] == "production"
    assert box["Owner"] == "Risk Data"
    assert box["Part of"] == "Risk Platform"
    deps = section(html, "dependencies")
    depends, used_by = deps.split("Used by")
    assert re.findall(r'href="/system/([^"]+)"', depends) == ["market-feed", "postgres-cluster"]
    assert "Nothing recorded." in used_by
    assert "Provides Risk API" in text(section(html, "apis"))
    assert breadcrumbs(html) == ["Systems", "Risk Platform", "Risk Engine"]

    db = get(client, "/system/postgres-cluster")
    used = section(db, "dependencies").split("Used by")[1]
    assert {"risk-engine", "market-feed", "tool-00"} <= set(re.findall(r'href="/system/([^"]+)"', used))
    api = text(section(get(client, "/system/risk-api"), "apis"))
    assert "Provided by Risk Engine" in api and "Consumed by Trading UI" in api
    parts = section(get(client, "/system/risk-platform"), "parts")
    assert re.findall(r'href="/system/([^"]+)"', parts) == ["risk-api", "risk-engine"]


def test_process_steps_are_ordered_with_responsible_team(client):
    html = get(client, "/process/incident-response")
    steps = re.findall(r'<div class="step-name">([^<]+)</div>.*?Responsible: (.*?)</div>',
                       section(html, "steps"), re.S)
    assert [(name, text(who)) for name, who in steps] == [
        ("Detect", "Infrastructure"), ("Triage", "Platform"), ("Resolve", "Risk Data"), ("Postmortem", "Omar Haddad")]
    assert infobox(html)["Owner"] == "Infrastructure"
    assert infobox(html)["Steps"] == "4"


def test_topic_page(client):
    html = get(client, "/topic/data-retention")
    assert infobox(html)["Owner"] == "Data Platform"
    mentions = section(html, "mentions")
    assert 'href="/system/risk-engine"' in mentions and 'href="/team/risk-data"' in mentions
    assert "We keep risk data for 7 years." in html
    assert "Mentions Data Retention (Topic)" in text(section(get(client, "/system/risk-engine"), "links-here"))


def test_markdown_body_is_sanitized_but_keeps_links(client):
    html = get(client, "/person/ben-ito")
    body = re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1)
    assert "<strong>risk</strong>" in body
    assert re.search(r'<a href="https://wiki.example.com/runbook" rel="[^"]*noopener[^"]*">the runbook</a>', body)
    lowered = body.lower()
    for banned in ("<script", "alert(", "<iframe", "evil.example.com", "onerror", "onclick",
                   "onmouseover", "javascript:", "style="):
        assert banned not in lowered, banned
    assert "click me" in body and "hover text" in body   # harmless text survives


# --- search --------------------------------------------------------------------

def test_search_page_with_type_chips_and_snippets(client):
    html = get(client, "/search?q=risk")
    hits = re.findall(r'<div class="result-title"><a href="([^"]+)">', html)
    assert {"/team/risk-data", "/system/risk-engine", "/system/risk-api"} <= set(hits)
    assert "<mark>Risk</mark> Data" in html
    assert 'class="chip chip-active" aria-current="true"' in html and ">All</a>" in html

    teams_only = get(client, "/search?q=risk&type=team")
    only = re.findall(r'<div class="result-title"><a href="([^"]+)">', teams_only)
    assert only and all(h.startswith("/team/") for h in only)
    assert re.search(r'class="chip chip-active"[^>]*\s+href="/search\?q=risk&amp;type=team">Teams</a>', teams_only)
    assert "No pages match" in get(client, "/search?q=zzzxqv")
    assert "Type a name" in get(client, "/search")


def test_search_escapes_the_query(client):
    html = get(client, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_suggest_returns_typeahead_json(client):
    response = client.get("/search/suggest?q=Ris")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    rows = response.json()
    assert rows and set(rows[0]) == {"type", "key", "name", "url"}
    assert {"type": "Team", "key": "risk-data", "name": "Risk Data", "url": "/team/risk-data"} in rows
    assert len(rows) <= 8
    assert client.get("/search/suggest?q=").json() == []


# --- errors, health, budget -------------------------------------------------------

@pytest.mark.parametrize("url", ["/person/nobody", "/team/Not A Key", "/nope/", "/nope/anything",
                                 "/step/incident-response-1"])
def test_unknown_pages_are_404_with_the_wiki_template(client, settings, url):
    assert settings.DEBUG is False
    html = get(client, url, status=404)
    assert "Page not found" in html and 'class="sidebar"' in html


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    with driver.count_queries() as counted:
        assert client.get("/healthz?graph=1").content == b"ok"
    assert counted.count == 0


@pytest.mark.parametrize("url", [
    "/", "/person/", "/person/sam-boss", "/person/agent-007", "/team/support", "/team/platform",
    "/department/operations", "/department/engineering", "/system/postgres-cluster", "/system/tool-01",
    "/process/incident-response", "/topic/data-retention", "/search?q=agent", "/search/suggest?q=agen",
])
def test_every_page_uses_at_most_two_queries(client, url):
    with driver.count_queries() as counted:
        html = get(client, url)
    assert 1 <= counted.count <= 2, counted.queries
    if url == "/team/support":   # the big rows really are on the page
        assert len(re.findall(r'href="/person/agent-', section(html, "members"))) == BIG_TEAM_SIZE
        assert len(re.findall(r'href="/system/tool-', section(html, "owned"))) == BIG_SYSTEMS
    if url == "/person/sam-boss":
        assert f'<span class="count">{BIG_TEAM_SIZE}</span>' in html



def test_static_files_are_served_without_debug(client):
    """The demo runs plain runserver with DEBUG off; the wiki still gets its CSS and JS."""
    css = client.get("/static/wiki.css")
    assert css.status_code == 200 and b".infobox" in b"".join(css.streaming_content)
    assert client.get("/static/typeahead.js").status_code == 200
    outside = Client(raise_request_exception=False).get("/static/../kiki/settings.py")
    assert outside.status_code in (400, 404)   # Django refuses the path as suspicious
    assert client.get("/static/nothing-here.css").status_code == 404


def test_markdown_headings_move_below_the_title():
    from wiki.templatetags.wiki import markdown

    assert str(markdown({}, "# Other\n\n## Sub")) == '<h2 id="other">Other</h2>\n<h3 id="sub">Sub</h3>\n'
    assert str(markdown({}, "# Risk Data\n\nText", "Risk Data")) == "<p>Text</p>\n"


def test_snippet_highlighting_never_breaks_entities():
    from wiki.templatetags.wiki import highlight

    assert highlight("R&D <b>risk</b>", "amp risk") == "R&amp;D &lt;b&gt;<mark>risk</mark>&lt;/b&gt;"


@pytest.mark.parametrize("label", ["Person", "Team", "Department", "System", "Process", "Topic"])
def test_a_page_with_no_relationships_still_renders(client, label):
    """A freshly imported entity with nothing linked yet gets a sensible page."""
    from graph.model import LABEL_SLUGS

    key = f"lonely-{label.lower()}"
    sync(Batch("test", [Entity(label, key, f"Lonely {label}")]), full=False)
    html = get(client, f"/{LABEL_SLUGS[label]}/{key}")
    assert f"<h1 id=\"page-title\">Lonely {label}</h1>" in html
    assert 'id="links-here"' not in html
    assert breadcrumbs(html)[-1] == f"Lonely {label}"

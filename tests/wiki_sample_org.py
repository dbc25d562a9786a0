"""A small but complete organisation for the wiki page tests (and the design
screenshots): a department with three levels of teams, a manager chain, systems
with dependencies and APIs, a process with ordered steps, a topic, and one
page whose body is hostile HTML."""
from graph.model import Batch, Edge, Entity

MALICIOUS_BODY = """## Notes

Runs the **risk** models. See [the runbook](https://wiki.example.com/runbook).

<script>alert('owned')</script>
<iframe src="https://evil.example.com/frame"></iframe>
<img src="x.png" onerror="alert('img')">
<a href="javascript:alert('js')" onclick="alert('click')">click me</a>
<p style="color:red" onmouseover="alert('hover')">hover text</p>
"""


def _p(key, name, title, **props):
    return Entity("Person", key, name, summary=f"{title} at Example Corp",
                  body=f"{name} works as {title}.", props={"title": title, "status": "active",
                                                           "email": f"{key}@example.com",
                                                           "slack_id": "U" + key[:6].upper().replace("-", ""),
                                                           "location": "Lisbon", **props})


def sample_org() -> Batch:
    E, R = Entity, Edge
    entities = [
        E("Department", "engineering", "Engineering", summary="Builds and runs the products.",
          body="# Engineering\n\nEverything technical.", props={"slack_channel": "#engineering"}),
        E("Team", "platform", "Platform", summary="Shared infrastructure and data.",
          props={"slack_channel": "#platform"}),
        E("Team", "data-platform", "Data Platform", summary="Pipelines and market data.",
          aliases=["DataPlat"]),
        E("Team", "risk-data", "Risk Data", summary="Owns the risk datasets.",
          body="Risk Data keeps **risk** numbers correct.", props={"slack_channel": "#risk-data"}),
        E("Team", "infrastructure", "Infrastructure", summary="Clusters, networks and on-call."),
        _p("maya-lin", "Maya Lin", "CTO"),
        _p("omar-haddad", "Omar Haddad", "Head of Platform"),
        _p("ana-costa", "Ana Costa", "Engineering Manager", start_date="2021-04-01"),
        E("Person", "ben-ito", "Ben Ito", summary="Risk engineer",
          body=MALICIOUS_BODY, props={"title": "Risk Engineer", "email": "ben@example.com", "status": "active"}),
        _p("chloe-park", "Chloe Park", "Data Engineer"),
        _p("dev-patel", "Dev Patel", "Site Reliability Engineer"),
        _p("eva-novak", "Eva Novak", "Staff Engineer"),
        E("System", "risk-platform", "Risk Platform", summary="Everything that computes risk.",
          props={"kind": "System", "lifecycle": "production"}),
        E("System", "risk-engine", "Risk Engine", summary="Computes intraday risk.",
          props={"kind": "Component", "type": "service", "lifecycle": "production"}),
        E("System", "risk-api", "Risk API", summary="REST API for risk figures.",
          props={"kind": "API", "type": "openapi", "lifecycle": "production"}),
        E("System", "market-feed", "Market Feed", summary="Streams market prices.",
          props={"kind": "Component", "type": "service", "lifecycle": "experimental"}),
        E("System", "postgres-cluster", "Postgres Cluster", summary="The shared database.",
          props={"kind": "Resource", "type": "database"}),
        E("System", "trading-ui", "Trading UI", summary="Trader front end.",
          props={"kind": "Component", "type": "website", "lifecycle": "production"}),
        E("Process", "incident-response", "Incident Response", summary="What to do when production breaks.",
          body="Follow the steps **in order**."),
        # Steps are given out of order on purpose: the page must sort them.
        E("Step", "incident-response-3", "Resolve", summary="Fix the cause.", props={"order": 3}),
        E("Step", "incident-response-1", "Detect", summary="An alert fires.", props={"order": 1}),
        E("Step", "incident-response-4", "Postmortem", summary="Write it up.", props={"order": 4}),
        E("Step", "incident-response-2", "Triage", summary="Assess the impact.", props={"order": 2}),
        E("Topic", "data-retention", "Data Retention", summary="How long we keep data.",
          body="We keep risk data for 7 years."),
    ]
    edges = [
        R("LEADS", "Person", "maya-lin", "Department", "engineering"),
        R("MEMBER_OF", "Person", "maya-lin", "Department", "engineering"),
        R("PART_OF", "Team", "platform", "Department", "engineering"),
        R("PART_OF", "Team", "data-platform", "Team", "platform"),
        R("PART_OF", "Team", "risk-data", "Team", "data-platform"),
        R("PART_OF", "Team", "infrastructure", "Team", "platform"),
        R("LEADS", "Person", "omar-haddad", "Team", "platform"),
        R("LEADS", "Person", "ana-costa", "Team", "data-platform"),
        R("MEMBER_OF", "Person", "omar-haddad", "Team", "platform"),
        R("MEMBER_OF", "Person", "ana-costa", "Team", "data-platform"),
        R("MEMBER_OF", "Person", "eva-novak", "Team", "data-platform"),
        R("MEMBER_OF", "Person", "eva-novak", "Team", "risk-data"),
        R("MEMBER_OF", "Person", "ben-ito", "Team", "risk-data"),
        R("MEMBER_OF", "Person", "chloe-park", "Team", "risk-data"),
        R("MEMBER_OF", "Person", "dev-patel", "Team", "infrastructure"),
        R("REPORTS_TO", "Person", "omar-haddad", "Person", "maya-lin"),
        R("REPORTS_TO", "Person", "ana-costa", "Person", "omar-haddad"),
        R("REPORTS_TO", "Person", "dev-patel", "Person", "omar-haddad"),
        R("REPORTS_TO", "Person", "ben-ito", "Person", "ana-costa"),
        R("REPORTS_TO", "Person", "chloe-park", "Person", "ana-costa"),
        R("REPORTS_TO", "Person", "eva-novak", "Person", "ana-costa"),
        R("OWNS", "Team", "risk-data", "System", "risk-engine"),
        R("OWNS", "Team", "risk-data", "System", "risk-api"),
        R("OWNS", "Team", "data-platform", "System", "market-feed"),
        R("OWNS", "Team", "infrastructure", "System", "postgres-cluster"),
        R("OWNS", "Team", "platform", "System", "risk-platform"),
        R("OWNS", "Team", "infrastructure", "Process", "incident-response"),
        R("OWNS", "Team", "data-platform", "Topic", "data-retention"),
        R("PART_OF", "System", "risk-engine", "System", "risk-platform"),
        R("PART_OF", "System", "risk-api", "System", "risk-platform"),
        R("DEPENDS_ON", "System", "risk-engine", "System", "market-feed"),
        R("DEPENDS_ON", "System", "risk-engine", "System", "postgres-cluster"),
        R("DEPENDS_ON", "System", "market-feed", "System", "postgres-cluster"),
        R("PROVIDES_API", "System", "risk-engine", "System", "risk-api"),
        R("CONSUMES_API", "System", "trading-ui", "System", "risk-api"),
        R("HAS_STEP", "Process", "incident-response", "Step", "incident-response-3", {"order": 3}),
        R("HAS_STEP", "Process", "incident-response", "Step", "incident-response-1", {"order": 1}),
        R("HAS_STEP", "Process", "incident-response", "Step", "incident-response-4", {"order": 4}),
        R("HAS_STEP", "Process", "incident-response", "Step", "incident-response-2", {"order": 2}),
        R("RESPONSIBLE_FOR", "Team", "infrastructure", "Step", "incident-response-1"),
        R("RESPONSIBLE_FOR", "Team", "platform", "Step", "incident-response-2"),
        R("RESPONSIBLE_FOR", "Team", "risk-data", "Step", "incident-response-3"),
        R("RESPONSIBLE_FOR", "Person", "omar-haddad", "Step", "incident-response-4"),
        R("MENTIONS", "Topic", "data-retention", "System", "risk-engine"),
        R("MENTIONS", "Topic", "data-retention", "Team", "risk-data"),
    ]
    return Batch("backstage", entities, edges)

"""RFC 7643/7644 conformance of /scim/v2/, judged by the third-party
scim2-tester against the live endpoint (real HTTP, real Neo4j)."""
import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from ingest.scim import tokens as scim_tokens

# Slow (a few minutes on a loaded machine): hundreds of real HTTP round trips.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _describe(result) -> str:
    return f"[{result.resource_type or '-'}] {result.title}: {result.reason}"


def test_scim2_tester_reports_no_errors(live_server, clean_graph):
    _, raw = scim_tokens.issue("conformance")
    http = httpx2.Client(base_url=f"{live_server.url}/scim/v2",
                         headers={"Authorization": f"Bearer {raw}"}, timeout=30)
    results = check_server(SyncSCIMClient(http))
    http.close()
    counts = {}
    for r in results:
        counts[r.status.name] = counts.get(r.status.name, 0) + 1
    print("scim2-tester:", counts)
    for r in results:
        if r.status not in (Status.SUCCESS,):
            print(" ", r.status.name, _describe(r))

    errors = [_describe(r) for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    assert not errors, "scim2-tester found errors:\n" + "\n".join(errors)
    passed = [r for r in results if r.status == Status.SUCCESS]
    # Discovery, CRUD and the per-attribute PATCH checks ran for both types.
    assert {r.resource_type for r in passed} >= {"User", "Group"}
    assert len(passed) > 100
    skipped = [_describe(r) for r in results if r.status == Status.SKIPPED]
    assert not skipped, skipped

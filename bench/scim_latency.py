"""SCIM latency benchmark: server time of what an IdP does most — create a
user, look it up by userName (Okta does it before every create), read it,
PATCH it, page through /Users, add a member to a group — on a throwaway Neo4j.

    python bench/scim_latency.py                  # 500 users
    python bench/scim_latency.py --users 2000

Requests go through Django's test client with a real bearer token, so each
figure is the whole server path (auth, routing, scim2-models validation, the
Cypher round trips, JSON) without an HTTP socket. Wall and this process's CPU
time are both printed: on a busy shared machine wall time is mostly waiting.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
_DB_DIR = tempfile.mkdtemp(prefix="kiki-bench-scim-db-")
os.environ["KIKI_SQLITE_PATH"] = str(Path(_DB_DIR) / "bench.sqlite3")


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args(argv)

    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from graph import driver, schema
    from graph.server import LocalNeo4j, free_port
    from ingest.scim import tokens as scim_tokens

    call_command("migrate", verbosity=0)
    home = Path(tempfile.mkdtemp(prefix="kiki-bench-neo4j-"))
    server = LocalNeo4j(home, free_port(), heap="768m", pagecache="256m")
    try:
        print(f"starting a throwaway Neo4j in {home} ...", flush=True)
        info = server.start()
        driver.configure(info.uri, info.user, info.password)
        schema.migrate()
        _, raw = scim_tokens.issue("bench")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        timings: dict[str, list[tuple[float, float]]] = {}

        def call(name, method, path, body=None, expect=200):
            kwargs = {"data": json.dumps(body), "content_type": "application/scim+json"} if body else {}
            cpu, wall = time.process_time(), time.perf_counter()
            response = getattr(client, method)(f"/scim/v2{path}", **kwargs)
            timings.setdefault(name, []).append(((time.perf_counter() - wall) * 1000,
                                                 (time.process_time() - cpu) * 1000))
            if response.status_code != expect:
                raise SystemExit(f"{method.upper()} {path}: {response.status_code} {response.content[:300]}")
            return json.loads(response.content) if response.content else None

        group = call("create group", "post", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                                         "displayName": "Everyone"}, 201)
        ids = []
        for i in range(args.users):
            name = f"user{i}@example.com"
            call("filter userName eq", "get", f"/Users?filter=userName%20eq%20%22{name}%22")
            user = call("create user", "post", "/Users", {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "userName": name, "displayName": f"User {i}", "title": "Engineer",
                "emails": [{"value": name, "type": "work", "primary": True}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                    "employeeNumber": str(10000 + i),
                    **({"manager": {"value": ids[i // 10]}} if ids else {})}}, 201)
            ids.append(user["id"])
            call("group add member", "patch", f"/Groups/{group['id']}", {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": user["id"]}]}]}, 204)
        for uid in ids[: min(200, len(ids))]:
            call("get user", "get", f"/Users/{uid}")
            call("patch user title", "patch", f"/Users/{uid}", {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "title", "value": "Staff Engineer"}]})
        for start in range(1, len(ids) + 1, 100):
            call("list 100 users", "get", f"/Users?startIndex={start}&count=100")

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\n{args.users} users, Django test client, {os.cpu_count()} CPUs, load average {load:.1f}")
        print(f"{'request':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50 ms':>12}")
        for name, values in timings.items():
            wall = [w for w, _ in values]
            cpu = [c for _, c in values]
            print(f"{name:<22}{len(values):>6}{statistics.median(wall):>9.1f}{percentile(wall, 95):>9.1f}"
                  f"{statistics.median(cpu):>12.1f}")
        return 0
    finally:
        driver.close()
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(_DB_DIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Org-chart benchmark: first paint of /org in Chromium on a 10,000-person
synthetic organisation, and the server time of its lazy JSON endpoints.

    python bench/org_chart.py                        # throwaway Neo4j on a free port
    python bench/org_chart.py --people 2000 --runs 5
    python bench/org_chart.py --uri bolt://127.0.0.1:7687 --password ... --no-load

First paint = from navigation start (performance.timeOrigin) to the first
person card drawn by d3-org-chart, measured in the page with
performance.now(), each run in a fresh browser context (cold HTTP cache).
"Expand" = clicking the top person until their reports are drawn. The app
runs in this process behind wsgiref, as a single-threaded HTTP server.
Target: first paint < 1 s at 10,000 people. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares this thread

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default="")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=10, help="page loads measured (after 2 untimed)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per JSON endpoint")
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args(argv)

    import django
    django.setup()
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from graph import org, schema
    import _graph as bench_graph
    from ingest.merge import sync
    from ingest.synthetic import generate

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is not installed")

    server = None
    try:
        server = bench_graph.start(args)
        schema.migrate()
        if not args.no_load:
            started = time.perf_counter()
            schema.wipe()
            sync(generate(people=args.people, seed=args.seed), full=True)
            print(f"loaded {args.people} people in {time.perf_counter() - started:.1f}s", flush=True)
        roots = org.chart_roots()
        top = roots[0]
        print(f"top of the tree: {top['name']} ({top['reports']} direct reports); {len(roots)} root(s)")

        client = Client()
        endpoints = {"/org/roots": "/org/roots", f"/org/children/<top>": f"/org/children/{top['key']}",
                     "/org (HTML)": "/org"}
        server_ms = {}
        for name, url in endpoints.items():
            for _ in range(10):
                client.get(url)
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append((time.perf_counter() - t0) * 1000)
            server_ms[name] = times

        class Quiet(WSGIRequestHandler):
            def log_message(self, *a):
                pass

        httpd = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_port}"

        from playwright.sync_api import sync_playwright
        paints, expands = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            for i in range(args.runs + 2):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "/org", wait_until="commit")
                page.wait_for_selector(".org-node[data-key]")
                paint = page.evaluate("performance.now()")
                node = page.locator(f".org-node[data-key='{top['key']}']")
                t0 = page.evaluate("performance.now()")
                node.click(position={"x": 150, "y": 80})
                page.wait_for_function("document.querySelectorAll('.org-node[data-key]').length > %d" % len(roots))
                expand = page.evaluate("performance.now()") - t0
                if i >= 2:
                    paints.append(paint)
                    expands.append(expand)
                context.close()
            browser.close()
        httpd.shutdown()

        load = os.getloadavg()[0]
        print(f"\n{args.people} people, {os.cpu_count()} CPUs, load average {load:.1f}")
        print(f"{'what':<26}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        print(f"{'first paint /org':<26}{statistics.median(paints):>9.0f}{percentile(paints, 95):>9.0f}"
              f"{max(paints):>9.0f}   ({args.runs} cold loads; target < 1000)")
        print(f"{'expand the top person':<26}{statistics.median(expands):>9.0f}{percentile(expands, 95):>9.0f}"
              f"{max(expands):>9.0f}")
        for name, times in server_ms.items():
            print(f"{'server ' + name:<26}{statistics.median(times):>9.1f}{percentile(times, 95):>9.1f}"
                  f"{max(times):>9.1f}")
    finally:
        bench_graph.stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())

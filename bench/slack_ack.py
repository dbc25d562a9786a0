"""Benchmark: how fast Kiki acknowledges Slack events over HTTP.

Starts a real Redis (Celery broker and Kiki's Slack state), a local Slack
Web API stand-in (only auth.test is needed on the ack path) and Kiki's WSGI
app on free ports, then sends batches of 50 concurrent signed `app_mention`
events from threads and prints p50/p99 time to the HTTP 200. Target: p99 <
100 ms on 2 cores. It also checks that every event was queued exactly once
for the Celery worker.

The server is run as docs/slack.md recommends for Slack's endpoint: gunicorn
with sync workers, one per core (`--worker-class gthread` measures the
threaded pool that serves pages and streamed answers instead; `--server
django` Django's threaded WSGI server, pre-forked one process per core).

    python bench/slack_ack.py [--concurrency 50] [--rounds 5] [--workers 2]
                              [--worker-class sync|gthread] [--threads 16] [--server gunicorn|django]
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack_standin import BOT_USER, TEAM, SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited early ({proc.args[0]})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port} after {timeout}s")


def wait_warm(port: int, timeout: float = 180) -> None:
    """Wait until the workers have loaded what they load at start
    (kiki/warmup.py: URL modules, the embedding model), as a server in
    production has long before Slack's traffic: /healthz?warm=1 answers 200
    several times in a row (requests spread over the workers)."""
    deadline, in_a_row = time.monotonic() + timeout, 0
    request = b"GET /healthz?warm=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    started = time.monotonic()
    while in_a_row < 12:
        if time.monotonic() > deadline:
            raise SystemExit("the web workers did not finish warming up")
        status, _ = send(port, request)
        in_a_row = in_a_row + 1 if status == 200 else 0
        time.sleep(0.05 if status == 200 else 0.5)
    print(f"workers warm after {time.monotonic() - started:.1f}s")


def event_body(i: int, run: str) -> str:
    ts = f"{int(time.time())}.{i:06d}"
    return json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A0KIKI", "type": "event_callback",
        "event_id": f"Ev{run}{i:05d}", "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event": {"type": "app_mention", "user": "U0BENCH", "text": f"<@{BOT_USER}> who leads team {i}?",
                  "ts": ts, "channel": f"C0BENCH{run}", "event_ts": ts}})


def signed_request(body: str) -> bytes:
    """The raw HTTP request Slack would send, signed (v0 HMAC) before the
    clock starts: signing is Slack's work, not Kiki's."""
    stamp = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    data = body.encode()
    head = (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nX-Slack-Request-Timestamp: {stamp}\r\nX-Slack-Signature: {sig}\r\n"
            f"Connection: close\r\n\r\n")
    return head.encode() + data


def signed_post(port: int, body: str) -> tuple[int, float]:
    """One signed event over a new TCP connection; the time to the status
    line of the answer. A raw socket keeps the client's own CPU cost (it
    shares the 2 cores with the server here, unlike Slack) small."""
    request = signed_request(body)
    return send(port, request)


def send(port: int, request: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        took = time.perf_counter() - started
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
        while sock.recv(65536):  # drain so the server is not reset mid-write
            pass
    return status, took


def burst(port: int, n: int, run: str) -> list[tuple[int, float]]:
    requests = [signed_request(event_body(i, run)) for i in range(n)]
    results: list[tuple[int, float] | None] = [None] * n
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = send(port, requests[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results  # type: ignore[return-value]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def serve(port: int, workers: int) -> None:
    """The web side: Django's threaded WSGI server with a deeper backlog,
    pre-forked into `workers` processes sharing the listening socket (as
    gunicorn -w N would run it in production; one Python process is bound to
    one core by the GIL)."""
    import signal

    import django
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.urls import get_resolver

    get_resolver().url_patterns  # import the URLconf now, not in the first request

    class Server(ThreadedWSGIServer):
        request_queue_size = 128

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = Server(("127.0.0.1", port), QuietHandler, ipv6=False)
    httpd.set_app(get_wsgi_application())
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: Redis and Celery connections are made after the fork
            httpd.serve_forever()
            os._exit(0)
        children.append(pid)

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            os.waitpid(pid, 0)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        signal.pause()


def in_process(n: int) -> None:
    """CPU cost of one acknowledgement without HTTP or contention: the same
    signed events through Django's request handler (test client) in-process."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    times = []
    for i in range(n + 5):
        body = event_body(i, "inproc")
        stamp = str(int(time.time()))
        sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        started = time.perf_counter()
        resp = client.post("/slack/events", data=body, content_type="application/json",
                           headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sig})
        took = time.perf_counter() - started
        assert resp.status_code == 200, resp.status_code
        if i >= 5:  # after the URLconf import and auth.test
            times.append(took)
    print(f"in-process (no HTTP): {n} events  p50 {pct(times, 50) * 1000:6.2f} ms"
          f"  min {min(times) * 1000:6.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="web processes sharing the port (default: one per core)")
    ap.add_argument("--server", choices=["gunicorn", "django"], default="gunicorn",
                    help="gunicorn (as deployed) or Django's threaded WSGI server")
    ap.add_argument("--worker-class", choices=["sync", "gthread"], default="sync",
                    help="gunicorn worker class (sync: the Slack endpoint's pool in docs/slack.md)")
    ap.add_argument("--threads", type=int, default=16, help="threads per gthread worker")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--in-process", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.in_process:
        in_process(args.in_process)
        return
    if args.serve:
        serve(args.serve, args.workers)
        return

    redis_port, web_port = free_port(), free_port()
    workdir = tempfile.mkdtemp(prefix="kiki-bench-")
    redis_proc = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", workdir],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    standin = SlackStandIn(TOKEN).start()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kiki.settings", DJANGO_DEBUG="0", KIKI_LOG_LEVEL="WARNING",
               SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=standin.api_url,
               REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url,
               KIKI_CELERY_EAGER="0", KIKI_SQLITE_PATH=str(Path(workdir) / "bench.sqlite3"))
    if args.server == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "kiki.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
               "--workers", str(args.workers), "--worker-class", args.worker_class, "--backlog", "256",
               "--log-level", "warning"]
        if args.worker_class == "gthread":
            cmd += ["--threads", str(args.threads)]
    else:
        cmd = [sys.executable, __file__, "--serve", str(web_port), "--workers", str(args.workers)]
    served_by = (f"gunicorn, {args.workers} {args.worker_class} workers"
                 + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
                 if args.server == "gunicorn" else f"Django's threaded server x {args.workers} processes")
    print(f"server: {served_by}")
    web = subprocess.Popen(cmd,
                           cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(redis_port, redis_proc)
        wait_port(web_port, web)
        wait_warm(web_port)
        # Warm-up: each worker's first request runs auth.test once.
        for i in range(3 * args.workers):
            status, took = signed_post(web_port, event_body(i, "warm"))
            assert status == 200, status
            print(f"warm-up request {i + 1}: {took * 1000:.0f} ms")

        subprocess.run([sys.executable, __file__, "--in-process", str(args.concurrency)], cwd=str(ROOT), env=env,
                       check=True, stderr=subprocess.DEVNULL)
        import redis

        r = redis.Redis.from_url(redis_url)
        # Service time without contention: the same events one at a time.
        seq = [signed_post(web_port, event_body(i, "seq"))[1] for i in range(args.concurrency)]
        print(f"sequential: {len(seq)} events one at a time  p50 {pct(seq, 50) * 1000:6.1f} ms"
              f"  p99 {pct(seq, 99) * 1000:6.1f} ms")
        # One untimed burst first: each server thread opens its Redis and broker
        # connections on its first request (a running server has them already).
        warm = burst(web_port, args.concurrency, "warmburst")
        print(f"warm-up burst (not counted): {len(warm)} concurrent events  "
              f"p99 {pct([t for _, t in warm], 99) * 1000:6.1f} ms")
        all_times: list[float] = []
        for rnd in range(args.rounds):
            results = burst(web_port, args.concurrency, f"r{rnd}")
            bad = [s for s, _ in results if s != 200]
            if bad:
                raise SystemExit(f"round {rnd + 1}: non-200 responses: {bad[:5]}")
            times = [t for _, t in results]
            all_times += times
            print(f"round {rnd + 1}: {args.concurrency} concurrent events  p50 {pct(times, 50) * 1000:6.1f} ms"
                  f"  p99 {pct(times, 99) * 1000:6.1f} ms  max {max(times) * 1000:6.1f} ms")
            time.sleep(0.5)
        queued = r.llen("celery")
        expected = args.concurrency * args.rounds + 3 * args.concurrency + 5 + 3 * args.workers
        print(f"all {len(all_times)} events: p50 {pct(all_times, 50) * 1000:.1f} ms, "
              f"p99 {pct(all_times, 99) * 1000:.1f} ms, mean {statistics.mean(all_times) * 1000:.1f} ms")
        print(f"tasks queued for the Celery worker: {queued} (expected {expected})")
        if queued != expected:
            raise SystemExit("every event must be queued exactly once")
        print("target p99 < 100 ms:", "met" if pct(all_times, 99) < 0.100 else "NOT met",
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    finally:
        web.terminate()
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
        redis_proc.terminate()
        redis_proc.wait(10)
        standin.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

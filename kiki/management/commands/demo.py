"""`manage.py demo`: the one-command local run. Starts Neo4j (unless NEO4J_URI
is set) and Redis + a Celery worker when available, applies both schemas,
loads the demo organization into an empty graph, creates a demo login, prints
the URL, and serves Kiki."""
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from graph import schema
from graph.admin import has_pages
from kiki.errors import KikiError
from kiki.local_services import local_neo4j, start_local_redis, redis_reachable, uses_external_neo4j


class Command(BaseCommand):
    help = "Run Kiki locally on a demo organization (starts Neo4j, Redis and a worker itself)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--people", type=int, default=settings.KIKI_DEMO_PEOPLE,
                            help="size of the synthetic organization loaded into an empty graph")
        parser.add_argument("--reset", action="store_true", help="wipe the graph and load the demo again")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then exit")
        parser.add_argument("--no-worker", action="store_true", help="do not start a Celery worker")

    def handle(self, *args, **opts):
        out = self.stdout
        started_neo4j = None
        worker = redis_proc = None
        try:
            if uses_external_neo4j():
                out.write(f"Using the Neo4j server at {settings.NEO4J_URI}")
            else:
                out.write("Starting Neo4j Community (the first run fetches its jars with Maven)...")
                started_neo4j = local_neo4j()
                info = started_neo4j.start()
                out.write(f"  Neo4j at {info.uri}, data in {started_neo4j.home}")
            schema.migrate()
            call_command("migrate", interactive=False, verbosity=0)
            self._demo_user()

            if opts["reset"]:
                schema.wipe()
            if not has_pages():
                from ingest.demo import load_demo

                out.write(f"Loading the demo organization ({opts['people']} people + the Backstage catalog)...")
                report = load_demo(people=opts["people"])
                from authz import rules

                rules.apply()  # the stored restriction rules cover the freshly loaded pages
                out.write(f"  {report.summary()}")
                for problem in report.problems[:20]:
                    out.write(f"  reported: {problem}")
                if len(report.problems) > 20:
                    out.write(f"  ... and {len(report.problems) - 20} more problems")

            if not opts["no_worker"]:
                redis_proc = start_local_redis()
                if redis_reachable():
                    worker = self._start_worker()
                    self._queue_embeddings()
                else:
                    out.write("Redis is not available: background jobs (embeddings, syncs) are off; "
                              "search uses the full-text index only.")
        except KikiError as e:
            raise CommandError(str(e)) from e

        host = opts["addr"]
        out.write(self.style.SUCCESS(
            f"\nKiki is ready: http://{host}/\n"
            f"Demo login (admin too): {settings.KIKI_DEMO_USER} / {settings.KIKI_DEMO_PASSWORD}\n"))
        if opts["no_serve"]:
            self._stop(worker, redis_proc, None)
            return
        try:
            call_command("runserver", host, use_reloader=False)
        finally:
            self._stop(worker, redis_proc, started_neo4j)

    def _demo_user(self):
        if settings.PRODUCTION:
            raise CommandError("the demo (and its demo login) does not run with KIKI_PRODUCTION on")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=settings.KIKI_DEMO_USER, defaults={"is_staff": True, "is_superuser": True})
        if created:
            user.set_password(settings.KIKI_DEMO_PASSWORD)
            user.save()

    def _start_worker(self):
        log = open(settings.VAR_DIR / "celery-worker.log", "ab")
        self.stdout.write(f"  Celery worker started; log in {settings.VAR_DIR / 'celery-worker.log'}")
        return subprocess.Popen([sys.executable, "-m", "celery", "-A", "kiki", "worker", "--beat",
                                 "--concurrency=1", "--loglevel=INFO",
                                 "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
                                cwd=str(settings.BASE_DIR))

    def _queue_embeddings(self):
        try:
            from kiki.tasks import embed_entities
        except ImportError:
            return
        embed_entities.delay(None)
        self.stdout.write("  Embedding pages for semantic search in the background.")

    def _stop(self, worker, redis_proc, neo4j_server):
        for proc in (worker, redis_proc):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if neo4j_server is not None:
            neo4j_server.stop()

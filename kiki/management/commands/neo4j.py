"""`manage.py neo4j start|stop|status|install` for the locally run Neo4j server."""
from django.core.management.base import BaseCommand, CommandError

from graph.server import ensure_jars
from kiki.errors import GraphUnavailable
from kiki.local_services import local_neo4j, uses_external_neo4j


class Command(BaseCommand):
    help = "Manage the local Neo4j Community server (not used when NEO4J_URI is set)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "install"])

    def handle(self, *args, action, **options):
        if uses_external_neo4j() and action != "install":
            self.stdout.write("NEO4J_URI is set; Kiki uses that server and starts none of its own.")
            return
        server = local_neo4j()
        try:
            if action == "install":
                self.stdout.write(f"Neo4j jars in {ensure_jars(server.lib_dir)}")
            elif action == "start":
                self.stdout.write("Starting Neo4j (the first start fetches ~120 MB of jars with Maven)...")
                info = server.start()
                self.stdout.write(self.style.SUCCESS(
                    f"Neo4j is running at {info.uri} (pid {info.pid}); logs in {server.log_file}"))
            elif action == "stop":
                stopped = server.stop()
                self.stdout.write("Neo4j stopped." if stopped else "Neo4j was not running.")
            else:
                if server.running():
                    self.stdout.write(f"running at {server.uri} (pid {server.pid()}), home {server.home}")
                else:
                    self.stdout.write(f"not running (home {server.home})")
        except GraphUnavailable as e:
            raise CommandError(str(e)) from e

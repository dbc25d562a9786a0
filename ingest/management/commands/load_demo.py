"""`manage.py load_demo [--people N] [--no-backstage] [--reset]`: merge the demo
organization (and the Backstage example catalog) into the configured graph,
then print the counts and every problem found."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.demo import load_demo
from kiki.errors import GraphUnavailable, KikiError


class Command(BaseCommand):
    help = "Load the synthetic demo organization and the Backstage example catalog (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=settings.KIKI_DEMO_PEOPLE,
                            help="size of the synthetic organization (default %(default)s)")
        parser.add_argument("--seed", type=int, default=42, help="random seed of the generator")
        parser.add_argument("--no-backstage", action="store_true", help="skip the Backstage catalog")
        parser.add_argument("--backstage-dir", default=None,
                            help="Backstage catalog directory (default: settings.KIKI_BACKSTAGE_DIR)")
        parser.add_argument("--reset", action="store_true", help="wipe the graph before loading")

    def handle(self, *args, **opts):
        try:
            report = load_demo(people=opts["people"], backstage_dir=opts["backstage_dir"],
                               include_backstage=not opts["no_backstage"], seed=opts["seed"],
                               reset=opts["reset"])
        except GraphUnavailable as e:
            raise CommandError(f"{e}\nIs Neo4j running? Start it with `python manage.py neo4j start` "
                               f"or set NEO4J_URI.") from e
        except KikiError as e:
            raise CommandError(str(e)) from e
        out = self.stdout
        for source, result in report.results.items():
            out.write(f"{source}: {result.summary()}; {result.counters['nodes_created']} nodes and "
                      f"{result.counters['relationships_created']} relationships created, "
                      f"{result.counters['properties_set']} properties set")
        out.write("graph now holds: " + ", ".join(f"{n} {label}" for label, n in sorted(report.labels.items())))
        out.write("relationships: " + ", ".join(f"{n} {t}" for t, n in sorted(report.relationships.items())))
        for problem in report.problems:
            out.write(f"  problem: {problem}")
        style = self.style.SUCCESS if not report.problems else self.style.WARNING
        out.write(style(report.summary()))

"""`manage.py migrate_graph`: apply Neo4j constraints and indexes, and hand
the graph the stored restriction rules (idempotent; a restored or new graph
needs its rules before the first write)."""
from django.core.management.base import BaseCommand, CommandError

from authz import rules
from graph import schema
from kiki.errors import GraphError


class Command(BaseCommand):
    help = "Create the graph's constraints, lookup indexes and full-text index if missing."

    def handle(self, *args, **options):
        try:
            names = schema.migrate()
            restricted = rules.apply()
        except GraphError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"Graph schema up to date ({len(names)} indexes/constraints); "
                                             f"restriction rules applied ({len(restricted)} pages changed)."))

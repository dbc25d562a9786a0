"""`manage.py migrate_graph`: apply Neo4j constraints and indexes, and hand
the graph the stored restriction rules (idempotent; a restored or new graph
needs its rules before the first write)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from authz import rules
from graph import schema
from kiki.errors import GraphError


class Command(BaseCommand):
    help = "Create the graph's constraints, lookup indexes and full-text index if missing."

    def handle(self, *args, **options):
        try:
            names = schema.migrate()
        except GraphError as e:
            raise CommandError(str(e)) from e
        try:
            restricted = rules.apply()
        except DatabaseError as e:  # Django's tables are not there yet: no rule can have been stored
            raise CommandError(f"graph schema up to date, but the restriction rules could not be read ({e}); "
                               "run `manage.py migrate`, then `manage.py migrate_graph` again") from e
        except GraphError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"Graph schema up to date ({len(names)} indexes/constraints); "
                                             f"restriction rules applied ({len(restricted)} pages changed)."))

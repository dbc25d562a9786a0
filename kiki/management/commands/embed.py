"""`manage.py embed`: (re-)embed entity passages for semantic search, with progress."""
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from kiki.errors import KikiError


class Command(BaseCommand):
    help = ("Embed page passages for semantic search. Only passages whose text changed are "
            "embedded again; --force re-embeds them all.")

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="entity keys to index")
        parser.add_argument("--all", action="store_true", help="index every page entity")
        parser.add_argument("--force", action="store_true", help="re-embed even unchanged passages")
        parser.add_argument("--batch", type=int, default=64, help="texts per model call and write")

    def handle(self, *args, **opts):
        from kiki.indexing import index_entities

        if not opts["keys"] and not opts["all"]:
            raise CommandError("name entity keys to index, or pass --all")
        keys = None if opts["all"] else opts["keys"]
        started = time.monotonic()
        last = [0.0]

        def progress(done, total, counts):
            now = time.monotonic()
            if now - last[0] < 1.0 and done < total:
                return
            last[0] = now
            self.stdout.write(f"  {done}/{total} entities, {counts.embedded} passages embedded, "
                              f"{counts.unchanged} unchanged ({now - started:.0f}s)")
            sys.stdout.flush()

        try:
            counts = index_entities(keys, batch=opts["batch"], progress=progress, force=opts["force"])
        except KikiError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {counts.entities} entities: {counts.chunks} passages, {counts.embedded} embedded, "
            f"{counts.unchanged} unchanged, {counts.deleted} deleted in {counts.seconds:.1f}s."))

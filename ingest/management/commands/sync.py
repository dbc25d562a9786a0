"""`python manage.py sync <source> [--dry-run]`: run one source's sync now, in
this process, through the same path as the Celery task (lock, SyncRun
record). A progress bar goes to stderr; the summary to stdout."""
from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from ingest import registry, runs
from kiki.errors import KikiError

BAR = 30


class Command(BaseCommand):
    help = "Sync one ingest source into the graph (see KIKI_INGEST_SOURCES); --dry-run previews."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="source name; omit with --list")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--list", action="store_true", help="list configured sources")

    def handle(self, *args, source=None, dry_run=False, list=False, **options):
        if list or not source:
            for name in registry.names():
                cfg = registry.config(name)
                self.stdout.write(f"{name}\t{cfg.get('connector') or cfg.get('class') or name}"
                                  f"\tevery {cfg['every']}s" if cfg.get("every") else f"{name}")
            if not source and not list:
                raise CommandError("name a source to sync (configured: %s)" % (", ".join(registry.names()) or "none"))
            return
        started = time.monotonic()
        tty = sys.stderr.isatty()

        def progress(phase, done, total):
            filled = int(BAR * done / max(total, 1))
            line = f"{phase:<8} [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        self.stderr.write(f"reading {source}…")
        audit.record("sync.preview" if dry_run else "sync.start", actor="manage.py", target=f"source {source}")
        try:
            run = runs.execute(source, dry_run=dry_run, trigger="manual", progress=progress)
        except KikiError as e:
            raise CommandError(f"sync of {source} failed: {e}") from e
        finally:
            if tty:
                self.stderr.write("")
        if run.status == run.SKIPPED:
            raise CommandError(run.error)
        self._summary(run, time.monotonic() - started)

    def _summary(self, run, seconds):
        out = self.stdout
        verb = "would be" if run.dry_run else "were"
        out.write(f"{run.source}{' (dry run)' if run.dry_run else ''}: run #{run.pk} {run.status} in {seconds:.1f}s")
        out.write(f"  entities {verb}: {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
                  f"{run.stale} marked stale, {run.retired} retired")
        out.write(f"  edges {verb}: {run.edges_created} created, {run.edges_closed} closed")
        out.write(f"  rejected records: {run.rejected}; conflicts: {run.conflict_count}")
        for r in run.rejected_records.all()[:20]:
            out.write(f"    rejected {r.source_id}: {r.item}: {r.reason}")
        for c in run.conflicts.all()[:20]:
            out.write(f"    conflict {c}: kept {c.kept_value!r}, not {c.other_value!r}")
        for kind, items in (run.samples or {}).items():
            out.write(f"  {kind} (sample):")
            for item in items:
                out.write(f"    {item}")

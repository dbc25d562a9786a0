"""manage.py purge_conversations [--days N]: delete conversations (with their
answers and ratings) older than the retention period (default
KIKI_CONVERSATION_RETENTION_DAYS; the Celery beat schedule runs it daily)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.gdpr import purge_conversations


class Command(BaseCommand):
    help = "Delete conversations older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="retention in days (default KIKI_CONVERSATION_RETENTION_DAYS; 0 keeps all)")

    def handle(self, *args, days=None, **options):
        days = settings.KIKI_CONVERSATION_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 (keep everything) or more")
        count = purge_conversations(days)
        self.stdout.write(f"Deleted {count} conversation(s) older than {days} days." if days else
                          "Retention is off (0 days): nothing deleted.")

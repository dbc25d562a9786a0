"""Celery tasks of the accounts app: the daily retention purge."""
from celery import shared_task
from django.conf import settings

from .gdpr import purge_conversations


@shared_task(name="accounts.purge_conversations", ignore_result=True)
def purge_old_conversations() -> int:
    """Delete conversations older than KIKI_CONVERSATION_RETENTION_DAYS (idempotent)."""
    return purge_conversations(settings.KIKI_CONVERSATION_RETENTION_DAYS)

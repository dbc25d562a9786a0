"""Connects ratings to the review queue. A signal rather than a call from
kiki.assistant, because every way an answer gets rated (the JSON API, the chat
panel, the Slack buttons, the admin) stores a kiki.models.Rating, and the
assistant's code does not need to know the feedback loop exists."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kiki.models import Rating

from .actions import rating_changed


@receiver(post_save, sender=Rating, dispatch_uid="feedback-rating-saved")
def _rating_saved(sender, instance: Rating, **kwargs):
    rating_changed(instance)


@receiver(post_delete, sender=Rating, dispatch_uid="feedback-rating-deleted")
def _rating_deleted(sender, instance: Rating, **kwargs):
    from kiki.models import Message

    if Message.objects.filter(pk=instance.message_id).exists():
        rating_changed(instance)

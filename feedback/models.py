"""The review queue: one Review per answer someone rated 👎, with a copy of what
the assistant understood and said, and the correct answer once an admin records it."""
from __future__ import annotations

from django.db import models

ORGS = [("synthetic", "synthetic org"), ("backstage", "Backstage catalog"), ("scim", "SCIM-only org")]


class Review(models.Model):
    PENDING, RECORDED, DISMISSED = "pending", "recorded", "dismissed"
    STATUSES = [(PENDING, "waiting for review"), (RECORDED, "correct answer recorded"),
                (DISMISSED, "dismissed")]

    message = models.OneToOneField("kiki.Message", on_delete=models.CASCADE, related_name="review")
    # Copied when the 👎 arrives, so the queue shows what the person saw even
    # after the conversation moved on.
    question = models.TextField()
    reading = models.TextField(blank=True, default="",
                               help_text="How the assistant understood the question")
    plan = models.JSONField(default=dict, blank=True)
    answer = models.TextField(blank=True, default="")
    sources = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=40, default="web")
    asker = models.CharField(max_length=200, blank=True, default="")
    complaint = models.TextField(blank=True, default="", help_text="The raters' comments")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING, db_index=True)

    # The correct answer, as the regression file states it.
    org = models.CharField(max_length=20, choices=ORGS, default="synthetic",
                           help_text="Which evaluation organisation the question is asked of")
    expected_keys = models.JSONField(default=list, blank=True,
                                     help_text="Page keys the right answer must name or cite")
    expected_number = models.IntegerField(null=True, blank=True)
    unanswerable = models.BooleanField(default=False,
                                       help_text="The right answer is an honest “I don't know”")
    note = models.TextField(blank=True, default="")
    recorded_by = models.CharField(max_length=150, blank=True, default="")
    recorded_at = models.DateField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created"]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def regression_id(self) -> str:
        # From the answer's id, so exporting again replaces the line instead of adding one.
        return f"feedback-{self.message_id}"

"""The assistant's records: conversations, each question/answer (with the plan,
the tools called, the sources and the latency) and the ratings people give."""
from __future__ import annotations

import uuid

from django.db import models


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    asker = models.CharField(max_length=200, blank=True, default="", help_text="Person key, if known")
    # Who may continue it: kiki.identity.principal_for ("user:<pk>"); empty for
    # internal callers (Slack threads, manage.py ask).
    owner = models.CharField(max_length=200, blank=True, default="", db_index=True)
    channel = models.CharField(max_length=40, default="web")
    # What follow-ups refer to: {"last_entity": {...}, "last_intent": "..."}.
    state = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]

    def __str__(self) -> str:
        return f"{self.asker or 'anonymous'} via {self.channel} ({self.id})"


class Message(models.Model):
    MODES = [("llm", "LLM"), ("offline", "Offline")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    question = models.TextField()
    plan = models.JSONField(default=dict, blank=True)
    tools_called = models.JSONField(default=list, blank=True)
    answer = models.TextField(blank=True, default="")
    sources = models.JSONField(default=list, blank=True)
    mode = models.CharField(max_length=10, choices=MODES)
    note = models.TextField(blank=True, default="")
    latency_ms = models.PositiveIntegerField(default=0)
    asker = models.CharField(max_length=200, blank=True, default="")
    channel = models.CharField(max_length=40, default="web")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.question[:80]


class Rating(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="ratings")
    score = models.SmallIntegerField(choices=[(1, "👍"), (-1, "👎")])
    user = models.CharField(max_length=200, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{'+1' if self.score > 0 else '-1'} on {self.message_id}"

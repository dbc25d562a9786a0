"""The review queue in the Django admin: answers rated 👎 with the question,
the reading, the plan and the answer; an admin records the correct answer and
adds it to the regression file (action, or `manage.py export_regressions`)."""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from kiki.errors import InvalidInput

from . import actions
from .models import Review


class ReviewForm(forms.ModelForm):
    expected_keys = forms.CharField(
        required=False, label="Expected page keys",
        help_text="Keys of the pages the right answer must name or cite, separated by spaces or commas "
                  "(e.g. ana-costa payments)")

    class Meta:
        model = Review
        fields = ("org", "expected_keys", "expected_number", "unanswerable", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["expected_keys"] = " ".join(self.instance.expected_keys or [])

    def clean(self):
        data = super().clean()
        self.recording = bool(data.get("expected_keys") or data.get("expected_number") is not None
                              or data.get("unanswerable"))
        if self.recording:
            # Checked on a copy: the admin shows the error and keeps the review as it was.
            probe = Review(question=self.instance.question, message_id=self.instance.message_id,
                           asker=self.instance.asker)
            try:
                actions.apply_answer(probe, by="", **self._answer(data))
            except InvalidInput as e:
                raise forms.ValidationError(e.message) from None
        return data

    @staticmethod
    def _answer(data) -> dict:
        return {"org": data.get("org") or "synthetic", "expected_keys": data.get("expected_keys") or "",
                "expected_number": data.get("expected_number"), "unanswerable": bool(data.get("unanswerable")),
                "note": data.get("note") or ""}


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ("question", "shown_reading", "channel", "status", "created", "exported_at")
    list_filter = ("status", "channel", "org")
    search_fields = ("question", "answer", "reading", "note")
    readonly_fields = ("question", "reading", "shown_plan", "answer", "shown_sources", "channel", "asker",
                       "complaint", "status", "recorded_by", "recorded_at", "exported_at", "created")
    fieldsets = (
        ("What was asked and answered", {"fields": ("question", "reading", "shown_plan", "answer",
                                                    "shown_sources", "channel", "asker", "complaint")}),
        ("The correct answer", {"fields": ("org", "expected_keys", "expected_number", "unanswerable", "note")}),
        ("State", {"fields": ("status", "recorded_by", "recorded_at", "exported_at", "created")}),
    )
    actions = ("add_to_regressions", "dismiss")

    def has_add_permission(self, request):
        return False  # reviews come from 👎 ratings only

    @admin.display(description="reading")
    def shown_reading(self, obj):
        return obj.reading or "—"

    @admin.display(description="plan")
    def shown_plan(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.plan, indent=2, ensure_ascii=False, default=str))

    @admin.display(description="sources")
    def shown_sources(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.sources, indent=2, ensure_ascii=False, default=str))

    def save_model(self, request, obj, form, change):
        if getattr(form, "recording", False):
            actions.record_answer(obj, by=request.user.get_username(), **form._answer(form.cleaned_data))
        else:
            obj.save()

    @admin.action(description="Add the recorded answers to the regression file")
    def add_to_regressions(self, request, queryset):
        try:
            n = actions.export_regressions(queryset)
        except InvalidInput as e:
            self.message_user(request, e.message, messages.ERROR)
            return
        self.message_user(request, f"{n} question(s) written to the regression file.", messages.SUCCESS)

    @admin.action(description="Dismiss (nothing to fix)")
    def dismiss(self, request, queryset):
        n = queryset.filter(status=Review.PENDING).update(status=Review.DISMISSED)
        self.message_user(request, f"{n} review(s) dismissed.", messages.SUCCESS)

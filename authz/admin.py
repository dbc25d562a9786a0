"""Admin for restriction rules; saving or deleting one re-applies all rules."""
from __future__ import annotations

from django.contrib import admin

from .models import RestrictionRule


@admin.register(RestrictionRule)
class RestrictionRuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "label", "key", "source", "note", "updated")
    list_filter = ("kind", "label")
    search_fields = ("key", "source", "note")
    filter_horizontal = ("groups",)

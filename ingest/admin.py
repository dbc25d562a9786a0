"""Admin for ingest: the sync dashboard (runs with counts, status and duration,
rejected records with reasons, conflicts) with "Preview" (a dry run, in this
request) and "Sync now" (queued to Celery) for every configured source."""
from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from accounts import audit
from kiki.errors import KikiError

from . import registry, runs
from .models import Conflict, RejectedRecord, SyncRun


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RejectedRecordInline(_ReadOnlyInline):
    model = RejectedRecord
    fields = ("source_id", "item", "reason")


class ConflictInline(_ReadOnlyInline):
    model = Conflict
    fields = ("label", "key", "field", "kept_source", "kept_value", "other_source", "other_value")


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("source", "status", "dry_run", "trigger", "started", "duration_display", "created", "updated",
                    "unchanged", "stale", "retired", "rejected", "conflict_count", "short_error")
    list_filter = ("source", "status", "dry_run", "trigger")
    date_hierarchy = "started"
    inlines = [RejectedRecordInline, ConflictInline]
    actions = ["preview_sources", "queue_sources"]
    change_list_template = "admin/ingest/syncrun/change_list.html"
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="duration")
    def duration_display(self, run):
        d = run.duration
        return f"{d.total_seconds():.1f}s" if d is not None else "—"

    @admin.display(description="error")
    def short_error(self, run):
        return (run.error[:80] + "…") if len(run.error) > 80 else run.error

    # --- previews and syncs ---------------------------------------------------
    def get_urls(self):
        return [
            path("preview/<str:source>/", self.admin_site.admin_view(self.preview_view), name="ingest_sync_preview"),
            path("queue/<str:source>/", self.admin_site.admin_view(self.queue_view), name="ingest_sync_queue"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {}, sync_sources=registry.names())
        return super().changelist_view(request, extra_context)

    def _preview(self, request, source):
        try:
            audit.record("sync.preview", request=request, target=f"source {source}")
            run = runs.execute(source, dry_run=True, trigger="admin")
        except KikiError as e:
            self.message_user(request, f"Preview of {source} failed: {e}", messages.ERROR)
            return None
        self.message_user(request, f"Preview of {source}: {run.created} to create, {run.updated} to update, "
                                   f"{run.stale} to mark stale, {run.retired} to retire, {run.rejected} rejected, "
                                   f"{run.conflict_count} conflicts (details in run #{run.pk}).", messages.INFO)
        return run

    def _queue(self, request, source):
        from .tasks import run_sync
        try:
            registry.config(source)
            run_sync.delay(source)
            audit.record("sync.start", request=request, target=f"source {source}")
        except Exception as e:  # broker down or unknown source: say so, don't 500
            self.message_user(request, f"Could not queue a sync of {source}: {e}", messages.ERROR)
            return
        self.message_user(request, f"Sync of {source} queued.", messages.SUCCESS)

    def preview_view(self, request, source):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self._preview(request, source)
        target = reverse("admin:ingest_syncrun_change", args=[run.pk]) if run else \
            reverse("admin:ingest_syncrun_changelist")
        return HttpResponseRedirect(target)

    def queue_view(self, request, source):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._queue(request, source)
        return HttpResponseRedirect(reverse("admin:ingest_syncrun_changelist"))

    @admin.action(description="Preview the selected runs' sources (dry run)")
    def preview_sources(self, request, queryset):
        for source in sorted(set(queryset.values_list("source", flat=True))):
            self._preview(request, source)

    @admin.action(description="Sync the selected runs' sources now (queued)")
    def queue_sources(self, request, queryset):
        for source in sorted(set(queryset.values_list("source", flat=True))):
            self._queue(request, source)

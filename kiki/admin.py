"""Admin for the assistant's records; admins review low-rated answers here
(Messages filtered by "Rated: thumbs down", or Ratings filtered by score)."""
from django.contrib import admin

from .models import Conversation, Message, Rating


class RatedFilter(admin.SimpleListFilter):
    title = "rating"
    parameter_name = "rated"

    def lookups(self, request, model_admin):
        return [("down", "Rated 👎 (low)"), ("up", "Rated 👍"), ("none", "Not rated")]

    def queryset(self, request, queryset):
        if self.value() == "down":
            return queryset.filter(ratings__score__lt=0).distinct()
        if self.value() == "up":
            return queryset.filter(ratings__score__gt=0).distinct()
        if self.value() == "none":
            return queryset.filter(ratings__isnull=True)
        return queryset


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    readonly_fields = ("score", "user", "comment", "created")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("question", "mode", "asker", "channel", "latency_ms", "score", "created")
    list_filter = (RatedFilter, "mode", "channel")
    search_fields = ("question", "answer", "asker")
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [RatingInline]

    @admin.display(description="score")
    def score(self, obj):
        return sum(r.score for r in obj.ratings.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("ratings")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("message", "score", "user", "comment", "created")
    list_filter = ("score",)
    search_fields = ("message__question", "comment", "user")
    raw_id_fields = ("message",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "asker", "channel", "created", "updated")
    list_filter = ("channel",)
    search_fields = ("asker",)

"""Admin for API tokens (create shows the raw token once, on the page itself,
never in a cookie-stored message; revoke, never edit) and the audit log
(read-only: filter and search, no add, change or delete)."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from . import audit
from .models import ApiToken, AuditEntry


def raw_token_page(request, admin_site, title: str, token_label: str, raw: str, back_url: str):
    """The one page that shows a new token. no-store: not kept in any cache."""
    response = TemplateResponse(request, "admin/accounts/token_created.html", {
        **admin_site.each_context(request), "title": title, "token_label": token_label, "raw": raw,
        "back_url": back_url})
    response["Cache-Control"] = "no-store"
    return response


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=ApiToken.SCOPES, widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(min_value=1, max_value=3650, required=False,
                              help_text="lifetime in days (default from KIKI_API_TOKEN_DAYS)")

    class Meta:
        model = ApiToken
        fields = ("name", "user", "scopes")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "scope_list", "created", "expires", "last_used", "state")
    list_filter = (("revoked", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke_tokens"]
    raw_id_fields = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "scopes", "days")
        return ("name", "user", "scopes", "prefix", "created", "created_by", "expires", "last_used", "revoked")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None  # the list and the add form; an existing token is only viewed or revoked

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay, so the audit log's references keep meaning

    @admin.display(description="scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = ApiToken.issue(form.cleaned_data["name"], form.cleaned_data["user"],
                                    form.cleaned_data["scopes"], form.cleaned_data.get("days"),
                                    created_by=request.user.get_username())
        obj.pk, obj._state.adding, obj._raw = token.pk, False, raw
        obj.prefix, obj.token_hash, obj.expires, obj.created = token.prefix, token.token_hash, token.expires, token.created
        audit.record("token.create", request=request, target=f"token {token.prefix}…", name=token.name,
                     user=token.user.get_username(), scopes=token.scopes, expires=token.expires.isoformat())

    def log_addition(self, request, obj, message):
        return None  # audited as token.create, with the details that matter

    def response_add(self, request, obj, post_url_continue=None):
        return raw_token_page(request, self.admin_site, "API token created", f"{obj.name} ({obj.prefix}…)", obj._raw,
                              "../")

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset:
            if token.revoke():
                count += 1
                audit.record("token.revoke", request=request, target=f"token {token.prefix}…", name=token.name)
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target", "ip")
    list_filter = ("action", "at")
    search_fields = ("actor", "action", "target", "ip")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "action", "target", "ip", "user_agent", "details")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

"""Restriction rules: which pages only some groups may see. A rule covers
one page, a whole page type, or every page from a source; rules are
materialized onto the nodes' `restricted_to` (authz.rules) whenever a rule
changes or a sync brings new pages."""
from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models

from graph.model import PAGE_LABELS, check_key
from graph.errors import InvalidInput


class RestrictionRule(models.Model):
    PAGE, TYPE, SOURCE = "page", "type", "source"
    KINDS = [(PAGE, "one page"), (TYPE, "every page of a type"), (SOURCE, "every page from a source")]

    kind = models.CharField(max_length=10, choices=KINDS)
    label = models.CharField("page type", max_length=20, blank=True, default="",
                             choices=[(label, label) for label in PAGE_LABELS],
                             help_text="Required for page and type rules; optional for a source rule.")
    key = models.CharField("page key", max_length=200, blank=True, default="",
                           help_text="For a page rule, e.g. reorg-project")
    source = models.CharField(max_length=100, blank=True, default="",
                              help_text="For a source rule: the source name pages came from, e.g. hris-confidential")
    groups = models.ManyToManyField(Group, related_name="restriction_rules",
                                    help_text="Only members of these groups (and admins) see the pages.")
    note = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "label", "key", "source"]

    def clean(self):
        if self.kind in (self.PAGE, self.TYPE) and not self.label:
            raise ValidationError({"label": f"A {self.kind} rule needs a page type."})
        if self.kind == self.PAGE:
            try:
                check_key(self.key)
            except InvalidInput as e:
                raise ValidationError({"key": str(e)}) from e
        if self.kind == self.SOURCE and not self.source.strip():
            raise ValidationError({"source": "A source rule needs a source name."})

    def as_rule(self) -> dict:
        return {"kind": self.kind, "label": self.label or None, "key": self.key or None,
                "source": self.source.strip() or None, "groups": sorted(g.name for g in self.groups.all())}

    def __str__(self) -> str:
        what = {self.PAGE: f"{self.label} {self.key}", self.TYPE: f"every {self.label}",
                self.SOURCE: f"pages from {self.source}" + (f" ({self.label})" if self.label else "")}[self.kind]
        return f"{what} → {', '.join(g.name for g in self.groups.all()) or '(no group)'}"

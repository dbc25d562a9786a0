"""The home page: what Kiki is, counts per type, recently changed pages."""
from __future__ import annotations

from django.shortcuts import render

from graph import pages
from kiki.access import viewer_for


def home(request):
    return render(request, "home.html", pages.load_home(viewer=viewer_for(request)))

"""URL routes for the wiki: home, search, health, per-type index and entity pages.
Included last by kiki.urls, so the catch-all /<slug>/ routes never shadow
other apps; an unknown slug is a 404."""
from django.urls import path

from .views import changes, create, editing, graph_view, health, history, home, org, pages, search

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("search", search.search_page, name="search"),
    path("recent", changes.recent_changes, name="recent-changes"),
    path("random", changes.random_page, name="random-page"),
    path("org", org.org_chart, name="org-chart"),
    path("org/roots", org.org_roots, name="org-roots"),
    path("org/children/<str:key>", org.org_children, name="org-children"),
    path("org/chain/<str:key>", org.org_chain, name="org-chain"),
    path("org/search", org.org_search, name="org-search"),
    path("search/suggest", search.suggest, name="search-suggest"),
    path("<slug:slug>/", pages.type_index, name="type-index"),
    path("<slug:slug>/new", create.create_page, name="entity-create"),
    path("<slug:slug>/<str:key>", pages.entity_page, name="entity"),
    path("<slug:slug>/<str:key>/edit", editing.edit_page, name="entity-edit"),
    path("<slug:slug>/<str:key>/graph.json", graph_view.graph_json, name="entity-graph"),
    path("<slug:slug>/<str:key>/history", history.history_page, name="entity-history"),
    path("<slug:slug>/<str:key>/revision/<int:number>", history.revision_page, name="entity-revision"),
    path("<slug:slug>/<str:key>/diff", history.diff_page, name="entity-diff"),
    path("<slug:slug>/<str:key>/restore", history.restore_revision, name="entity-restore"),
]

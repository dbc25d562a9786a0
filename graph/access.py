"""Who may see a page: the one visibility predicate every read query shares.

A page limited to groups carries `restricted_to` (a list of Django group
names); a page without it is visible to every signed-in reader. Type- and
source-wide rules are materialized onto the nodes they cover, so a read pays
for one property check per node, not a rule lookup.

Queries that show or count pages append `visible("n")` for each page variable
and pass `viewer_params(viewer)` with their parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_VAR_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Viewer:
    """What a reader may see. `everything` is for admins and internal jobs;
    `public_only` for Slack channels, guests and unmapped users (only pages
    with no restriction at all)."""
    groups: frozenset[str] = field(default_factory=frozenset)
    person_key: str | None = None
    everything: bool = False
    public_only: bool = False


# Internal jobs (ingest, indexing, benchmarks) read the whole graph.
SYSTEM = Viewer(everything=True)


def visible(var: str) -> str:
    """A Cypher boolean for 'the viewer may see page `var`'. `var` must be a
    plain identifier chosen by graph/ code, never user text."""
    if not var or not set(var) <= _VAR_OK or var[0].isdigit():
        raise ValueError(f"not a Cypher variable: {var!r}")
    return (f"($viewer_all OR {var}.restricted_to IS NULL OR size({var}.restricted_to) = 0 "
            f"OR any(g IN {var}.restricted_to WHERE g IN $viewer_groups))")


def viewer_params(viewer: Viewer | None) -> dict:
    """The parameters `visible()` reads. No viewer means the internal view."""
    viewer = viewer or SYSTEM
    if viewer.public_only:
        return {"viewer_all": False, "viewer_groups": []}
    return {"viewer_all": viewer.everything, "viewer_groups": sorted(viewer.groups)}

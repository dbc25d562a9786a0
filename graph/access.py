"""Who may see what: the page-visibility predicate every read query shares,
the field policy for personal data, the per-type allow-list of fields that
may leave graph/, and the queries that materialize restriction rules onto
the nodes they cover.

A page limited to groups carries `restricted_to` (a list of Django group
names); a page without it is visible to every signed-in reader. Type- and
source-wide rules are materialized onto the nodes they cover
(`apply_restrictions`), so a read pays for one property check per node, not
a rule lookup.

Queries that show or count pages append `visible("n")` for each page variable
and pass `viewer_params(viewer)` with their parameters. A relationship walk
through a page the viewer may not see stops there (`all(x IN nodes(path)
WHERE ...)`), so a hidden team neither shows nor adds its members to a
department's headcount.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import driver
from .errors import InvalidInput

_VAR_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Viewer:
    """What a reader may see. `everything` is for admins and internal jobs;
    `public_only` for Slack channels, guests and unmapped users (only pages
    with no restriction at all, and personal fields open to everyone).
    `person_key` is the reader's own Person page (for "the person's
    management chain" fields); `hr` grants the HR field levels."""
    groups: frozenset[str] = field(default_factory=frozenset)
    person_key: str | None = None
    everything: bool = False
    public_only: bool = False
    hr: bool = False


# Internal jobs (ingest, indexing, benchmarks) read the whole graph.
SYSTEM = Viewer(everything=True)
# What everybody in a shared place (a Slack channel) may see.
PUBLIC = Viewer(public_only=True)


def _check_var(var: str) -> str:
    if not var or not set(var) <= _VAR_OK or var[0].isdigit():
        raise ValueError(f"not a Cypher variable: {var!r}")
    return var


# Every page whose `restricted_to` lists groups also carries this label, set
# and removed by the same statement (`_RULES_FOR_NODE`; `schema.migrate`
# brings older graphs in line), so the visibility test of an unrestricted
# page is a label check.
RESTRICTED_LABEL = "Restricted"


def visible(var: str) -> str:
    """A Cypher boolean for 'the viewer may see page `var`'. `var` must be a
    plain identifier chosen by graph/ code, never user text."""
    _check_var(var)
    # The label is read from the node record; only a restricted page's
    # groups are read from the property store (most pages carry none).
    return (f"($viewer_all OR NOT {var}:{RESTRICTED_LABEL} OR size(coalesce({var}.restricted_to, [])) = 0 "
            f"OR any(g IN {var}.restricted_to WHERE g IN $viewer_groups))")


def path_visible(path: str) -> str:
    """Every node of path `path` is visible (a walk stops at a hidden page)."""
    _check_var(path)
    return f"all(x_ IN nodes({path}) WHERE {visible('x_')})"


def in_chain(var: str) -> str:
    """A Cypher boolean: the viewer may see the 'management chain and HR'
    fields of Person `var`: HR, the person themself, or anyone above them in
    the REPORTS_TO tree."""
    _check_var(var)
    return (f"($viewer_all OR $viewer_hr OR {var}.key = $viewer_person OR "
            f"EXISTS {{ MATCH ({var})-[:REPORTS_TO*1..15]->(m_:Person) WHERE m_.key = $viewer_person }})")


def viewer_params(viewer: Viewer | None) -> dict:
    """The parameters `visible()` and `in_chain()` read. No viewer means the internal view."""
    viewer = viewer or SYSTEM
    if viewer.public_only:
        return {"viewer_all": False, "viewer_groups": [], "viewer_person": None, "viewer_hr": False,
                "field_levels": field_levels()}
    return {"viewer_all": viewer.everything, "viewer_groups": sorted(viewer.groups),
            "viewer_person": viewer.person_key, "viewer_hr": viewer.hr or viewer.everything,
            "field_levels": field_levels()}


# --- field policy -----------------------------------------------------------
# Personal fields of a Person and who may see each (settings.KIKI_FIELD_POLICY):
#   "everyone": every reader who may see the page; "chain": the person, their
#   management chain and HR; "hr": HR only. "past_values" is the level for the
#   earlier values of personal fields (Revision history): a reader sees an old
#   value only if both that level and the field's own level allow it.
PERSONAL_FIELDS = ("email", "phone", "location", "start_date", "employee_id", "slack_id")
LEVELS = ("everyone", "chain", "hr")

# Fields that may leave graph/ for each page type (tools, pages, APIs). Raw
# stores (scim_doc and the other scim_* columns, prov, sync fingerprints,
# content hashes) are never in these lists.
_COMMON = ("key", "name", "summary", "body", "aliases", "status", "source", "first_seen", "last_seen", "updated_at",
           "created_at", "stale_since", "retired_at", "body_edited_by", "body_edited_at", "links", "rev")
SHOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "Person": _COMMON + ("title",) + PERSONAL_FIELDS,
    "Team": _COMMON + ("slack_channel",),
    "Department": _COMMON + ("slack_channel",),
    "System": _COMMON + ("kind", "type", "lifecycle"),
    "Process": _COMMON,
    "Topic": _COMMON,
}


def _field_ok(name: str, chain: str) -> str:
    # Cypher twin of may_see_field(); `chain` is a boolean variable of the query.
    return (f"($field_levels.{name} = 'everyone' OR $viewer_all OR $viewer_hr "
            f"OR ($field_levels.{name} = 'chain' AND coalesce({chain}, false)))")


def field_visible(name: str, var: str) -> str:
    """A Cypher boolean: the viewer may see personal field `name` of page
    `var` (always true for a field that is not personal). For queries that
    filter on or return one field (graph/question_query.py)."""
    _check_var(var)
    if name not in PERSONAL_FIELDS:
        return "true"
    return _field_ok(name, in_chain(var))


def prop_visible(param: str, var: str) -> str:
    """Like field_visible for a field named by query parameter `$param`."""
    _check_var(param)
    _check_var(var)
    return (f"(NOT ${param} IN {list(PERSONAL_FIELDS)!r} OR $field_levels[${param}] = 'everyone' OR $viewer_all "
            f"OR $viewer_hr OR ($field_levels[${param}] = 'chain' AND coalesce({in_chain(var)}, false)))")


def entity_projection(var: str, chain: str) -> str:
    """A Cypher map projection of page `var` holding only allow-listed fields
    (any type's, minus the body) and, of the personal fields, those the viewer
    may see; `withheld` names personal fields that exist but are not shown.
    `chain` is a variable holding in_chain(var)."""
    _check_var(var)
    _check_var(chain)
    plain = sorted({f for fields in SHOWN_FIELDS.values() for f in fields} - set(PERSONAL_FIELDS) - {"body"})
    parts = [f".{f}" for f in plain]
    parts += [f"{f}: CASE WHEN {_field_ok(f, chain)} THEN {var}.{f} END" for f in PERSONAL_FIELDS]
    parts.append(f"withheld: [f IN {list(PERSONAL_FIELDS)!r} WHERE {var}[f] IS NOT NULL AND NOT ("
                 f"$field_levels[f] = 'everyone' OR $viewer_all OR $viewer_hr "
                 f"OR ($field_levels[f] = 'chain' AND coalesce({chain}, false)))]")
    return var + " {" + ", ".join(parts) + "}"


def field_levels() -> dict[str, str]:
    """The configured level of each personal field (and of past values)."""
    policy = getattr(settings, "KIKI_FIELD_POLICY", {}) or {}
    out = {}
    for name in PERSONAL_FIELDS + ("past_values",):
        level = policy.get(name, "hr")  # an unlisted personal field is the strictest
        if level not in LEVELS:
            raise ImproperlyConfigured(f"KIKI_FIELD_POLICY[{name!r}] must be one of {', '.join(LEVELS)}, "
                                       f"not {level!r}")
        out[name] = level
    return out


def may_see_field(name: str, viewer: Viewer | None, chain: bool) -> bool:
    """Whether the viewer may see personal field `name` of a person; `chain`
    is the in_chain() value the query returned for that person."""
    viewer = viewer or SYSTEM
    level = field_levels()[name]
    if level == "everyone":
        return True
    if viewer.public_only:
        return False
    if viewer.everything or viewer.hr:
        return True
    return level == "chain" and chain


def shown_fields(label: str, props: dict, viewer: Viewer | None, chain: bool = False) -> dict:
    """`props` cut to the fields of `label`'s allow-list that the viewer may see."""
    allowed = SHOWN_FIELDS.get(label, _COMMON)
    out = {}
    for k, v in props.items():
        if k not in allowed or v is None:
            continue
        if label == "Person" and k in PERSONAL_FIELDS and not may_see_field(k, viewer, chain):
            continue
        out[k] = v
    return out


def may_see_past_value(label: str, name: str, viewer: Viewer | None, chain: bool = False) -> bool:
    """Whether an earlier value of field `name` may be shown: never for raw
    stores or fields outside the allow-list; for personal fields, only when
    both the field's level and the past-values level allow it."""
    if name not in SHOWN_FIELDS.get(label, _COMMON):
        return False
    if label != "Person" or name not in PERSONAL_FIELDS:
        return True
    return may_see_field(name, viewer, chain) and may_see_field("past_values", viewer, chain)


def past_field_params(viewer: Viewer | None) -> dict:
    """Per page type, the fields whose earlier values the viewer may see
    always (`past_fields`) or only for people in their chain
    (`past_fields_chain`), as query parameters."""
    always, chain = {}, {}
    for label, fields in SHOWN_FIELDS.items():
        always[label] = [f for f in fields if may_see_past_value(label, f, viewer, False)]
        chain[label] = [f for f in fields if f not in always[label] and may_see_past_value(label, f, viewer, True)]
    return {"past_fields": always, "past_fields_chain": chain}


# --- restriction rules ---------------------------------------------------------
# Rules come from Django (authz.models.RestrictionRule) as plain dicts:
#   {"kind": "page", "label": "Team", "key": "reorg", "groups": ["HR"]}
#   {"kind": "type", "label": "Process", "groups": ["Engineering"]}
#   {"kind": "source", "source": "hris-confidential", "label": None, "groups": ["HR"]}
# A page rule is the most specific and wins over type and source rules; type
# and source rules covering the same page add up (a member of any of their
# groups may see it). A node no rule covers has no `restricted_to`.
#
# The rules are also kept in the graph, one (:AccessRule) node each, written
# together with their materialization. Every write reads them there, in its
# own transaction (`restriction_step`), so a page a rule covers is restricted
# the moment it exists, whatever path wrote it, and no write needs Django.
RULE_LABEL = "AccessRule"

_RULES_FOR_NODE = """
WITH n, [r IN rules WHERE r.kind = 'page' AND r.label IN labels(n) AND r.key = n.key] AS own,
     [r IN rules WHERE (r.kind = 'type' AND r.label IN labels(n))
        OR (r.kind = 'source' AND (r.label IS NULL OR r.label IN labels(n))
            AND (n.source = r.source OR r.source IN coalesce(n.sources, [])))] AS wide
WITH n, CASE WHEN size(own) > 0 THEN own ELSE wide END AS covering
WITH n, reduce(acc = [], r IN covering | acc + [g IN r.groups WHERE NOT g IN acc]) AS groups,
     coalesce(n.restricted_to, []) AS old
WHERE size(groups) <> size(old) OR any(g IN groups WHERE NOT g IN old)
SET n.restricted_to = CASE WHEN size(groups) = 0 THEN null ELSE groups END
FOREACH (_ IN CASE WHEN size(groups) > 0 THEN [1] ELSE [] END | SET n:Restricted)
FOREACH (_ IN CASE WHEN size(groups) = 0 THEN [1] ELSE [] END | REMOVE n:Restricted)
RETURN n.key AS key
"""

STORE_RULES = f"""
OPTIONAL MATCH (old:{RULE_LABEL})
WITH collect(old) AS olds
FOREACH (o IN olds | DELETE o)
WITH 1 AS _
UNWIND $rules AS r
CREATE (:{RULE_LABEL} {{kind: r.kind, label: r.label, key: r.key, source: r.source, groups: r.groups}})
"""

_STORED_RULES = f"""
CALL {{ OPTIONAL MATCH (r:{RULE_LABEL})
        RETURN [x IN collect(r) | x {{.kind, .label, .key, .source, .groups}}] AS rules }}
"""

APPLY_RESTRICTIONS_ALL = "WITH $rules AS rules MATCH (n:Entity)" + _RULES_FOR_NODE
# No stored rule, nothing to do (and no page carries a restriction then: the
# last rule's removal cleared them all), so a write pays nothing for it.
APPLY_RESTRICTIONS_KEYS = _STORED_RULES + "WITH rules WHERE size(rules) > 0\n" \
    "UNWIND $keys AS k MATCH (n:Entity {key: k})" + _RULES_FOR_NODE

# Pages whose facts passage names a page that changed visibility: their
# passages must be rebuilt (chunk text names only unrestricted neighbours).
NEIGHBOURS = """
UNWIND $keys AS k
MATCH (n:Entity {key: k})-[r]-(o:Entity)
WHERE NOT type(r) STARTS WITH 'PAST_'
RETURN DISTINCT o.key AS key
"""

RESTRICTED_PAGES = """
MATCH (n:Entity) WHERE n.restricted_to IS NOT NULL AND size(n.restricted_to) > 0
RETURN [l IN labels(n) WHERE NOT l IN ['Entity', 'Restricted']][0] AS label, n.key AS key, n.name AS name, n.restricted_to AS groups
ORDER BY label, key
"""

_RULE_KINDS = ("page", "type", "source")


def _check_rules(rules: list[dict]) -> list[dict]:
    from .model import PAGE_LABELS
    out = []
    for r in rules:
        kind = r.get("kind")
        if kind not in _RULE_KINDS:
            raise InvalidInput(f"restriction rule kind must be one of {', '.join(_RULE_KINDS)}, not {kind!r}")
        label = r.get("label") or None
        if label is not None and label not in PAGE_LABELS:
            raise InvalidInput(f"restriction rule label must be a page type, not {label!r}")
        if kind in ("page", "type") and label is None:
            raise InvalidInput(f"a {kind} rule needs a page type")
        if kind == "page" and not r.get("key"):
            raise InvalidInput("a page rule needs a page key")
        if kind == "source" and not r.get("source"):
            raise InvalidInput("a source rule needs a source name")
        groups = sorted({str(g) for g in r.get("groups") or [] if str(g)})
        if not groups:
            raise InvalidInput(f"restriction rule {r!r} names no group")
        out.append({"kind": kind, "label": label, "key": r.get("key") or None,
                    "source": r.get("source") or None, "groups": groups})
    return out


def apply_restrictions(rules: list[dict]) -> list[str]:
    """Store `rules` in the graph (later writes apply them on their own) and
    materialize them onto `restricted_to` of every page, in one transaction.
    Idempotent: only nodes whose groups change are written. Returns the keys
    that changed."""
    from .writes import write_steps  # writes imports this module

    rules = _check_rules(rules)
    _, rows = write_steps([(STORE_RULES, {"rules": rules}), (APPLY_RESTRICTIONS_ALL, {"rules": rules})],
                          "restriction rules")
    return sorted({r["key"] for r in rows})


def restriction_step(keys: list[str]) -> tuple[str, dict]:
    """The statement giving the pages `keys` the restriction the stored rules
    call for, to run inside the transaction that writes them, so a new page
    from a restricted source or of a restricted type is never readable
    before its rule reaches it. Its records are the keys whose groups changed."""
    return APPLY_RESTRICTIONS_KEYS, {"keys": sorted(set(keys))}


def neighbours(keys: list[str]) -> list[str]:
    """Keys of the pages directly linked to `keys` (their passages mention them)."""
    if not keys:
        return []
    return [r["key"] for r in driver.read(NEIGHBOURS, keys=sorted(set(keys)))]


def restricted_pages() -> list[dict]:
    """Every page that carries a restriction, for the admin."""
    return driver.read(RESTRICTED_PAGES)

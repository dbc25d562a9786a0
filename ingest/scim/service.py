"""SCIM actions: every SCIM request is one call here, and its graph writes
(graph.provisioning) run as one action of the write core (ingest.actions),
in one transaction, with field priority and provenance from ingest.provenance.

Users are Person nodes: the IdP's full SCIM document is kept on the node
(`scim_doc`, password never stored) so the IdP gets back exactly what it
wrote, and the parts the wiki uses are projected onto the conventional
Person properties and edges (email, employee_id, title, status, REPORTS_TO,
department MEMBER_OF). Groups are Team nodes; their members are the graph's
current MEMBER_OF (users) and PART_OF (nested groups) edges.

Everything raises scim2_models.SCIMException subclasses, which the views turn
into RFC 7644 §3.12 error responses.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    EnterpriseUser,
    Error,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    NotFoundException,
    PatchOp,
    PreconditionFailedException,
    ResponseParameters,
    SCIMException,
    ScimFilter,
    UniquenessException,
)
from scim2_models.path import Comparison, LogicalExpr, LogicalOperator, ValuePath

from graph import provisioning as store
from graph.model import slugify_key
from ingest import actions, orgunits, provenance as pv
from kiki.errors import GraphError

from .schemas import ENTERPRISE_URN, MAX_RESULTS, POLICY, GroupModel, UserModel

log = logging.getLogger(__name__)

CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:user"
CORE_GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:group"


def _now() -> str:
    # Milliseconds, so resources created in the same second still list in creation order.
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _scim_error(exc: ValidationError) -> SCIMException:
    """The first pydantic error as the SCIM exception it stands for."""
    error = Error.from_validation_errors(exc)[0]
    return SCIMException.from_error(error)


def _version(payload: dict) -> str:
    body = {k: v for k, v in payload.items() if k != "meta"}
    digest = hashlib.sha1(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _check_version(current, if_match: str | None) -> None:
    if if_match and if_match.strip() != "*":
        wanted = {v.strip() for v in if_match.split(",")}
        if current.meta.version not in wanted:
            raise PreconditionFailedException(detail=f"resource changed: version is {current.meta.version}")


@dataclass
class Page:
    total: int
    start_index: int
    resources: list


# --- request normalization (Okta / Entra habits) ---------------------------
def _manager_value(base_url: str, value: Any) -> Any:
    """Entra sends the manager as a bare id; RFC 7643 wants {value, $ref}."""
    if isinstance(value, str):
        value = {"value": value} if value else None
    if isinstance(value, dict) and value.get("value") and not value.get("$ref"):
        value = dict(value, **{"$ref": f"{base_url}/Users/{value['value']}"})
    return value


def _normalize_user_payload(base_url: str, payload: dict) -> dict:
    if not isinstance(payload, dict):
        raise InvalidValueException(detail="the request body must be a JSON object")
    ext = payload.get(ENTERPRISE_URN)
    if isinstance(ext, dict) and "manager" in ext:
        ext = dict(ext)
        ext["manager"] = _manager_value(base_url, ext["manager"])
        if ext["manager"] is None:
            del ext["manager"]
        payload = dict(payload, **{ENTERPRISE_URN: ext})
    return payload


def _normalize_patch(base_url: str, payload: dict) -> dict:
    if not isinstance(payload, dict) or not isinstance(payload.get("Operations"), list):
        return payload
    ops = []
    for op in payload["Operations"]:
        if not isinstance(op, dict):
            ops.append(op)
            continue
        op = dict(op)
        path = op.get("path")
        lowered = path.lower() if isinstance(path, str) else ""
        if lowered.endswith("manager.value"):
            op["path"] = path[: -len(".value")]
            lowered = lowered[: -len(".value")]
        if lowered.endswith("manager") and "value" in op:
            op["value"] = _manager_value(base_url, op["value"])
            if op["value"] is None and str(op.get("op", "")).lower() != "remove":
                op = {"op": "remove", "path": op["path"]}
        if path is None and isinstance(op.get("value"), dict):
            # Okta repeats the read-only id (and sometimes meta) in path-less replaces.
            op["value"] = {k: v for k, v in op["value"].items() if k not in ("id", "meta", "schemas")}
        ops.append(op)
    return dict(payload, Operations=ops)


# --- users -------------------------------------------------------------------
def _user_location(base_url: str, scim_id: str) -> str:
    return f"{base_url}/Users/{scim_id}"


def _user_from_row(base_url: str, row: dict) -> UserModel:
    data = json.loads(row["doc"])
    data["id"] = row["id"]
    groups = sorted(row["groups"], key=lambda g: g["id"])
    if groups:
        data["groups"] = [{"value": g["id"], "$ref": f"{base_url}/Groups/{g['id']}",
                           "display": g["name"], "type": "direct"} for g in groups]
    user = UserModel.model_validate(data, scim_ctx=Context.DEFAULT, scim_policy=POLICY)
    user.meta = Meta(resource_type="User", created=row["created"], last_modified=row["modified"],
                     location=_user_location(base_url, row["id"]))
    user.meta.version = _version(user.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return user


def _load_user(base_url: str, scim_id: str) -> tuple[UserModel, dict]:
    row = store.user(scim_id)
    if not row:
        raise NotFoundException(detail=f"User {scim_id} not found")
    return _user_from_row(base_url, row), row


def get_user(base_url: str, scim_id: str) -> UserModel:
    return _load_user(base_url, scim_id)[0]


def _project_user(user: UserModel) -> dict:
    """The graph properties a SCIM user stands for."""
    ext = user[EnterpriseUser] or EnterpriseUser()
    emails = [e for e in (user.emails or []) if e.value]
    work = next((e for e in emails if e.primary), None) or \
        next((e for e in emails if str(e.type or "") == "work"), None) or (emails[0] if emails else None)
    name = user.display_name or (user.name.formatted if user.name else None)
    if not name and user.name and (user.name.given_name or user.name.family_name):
        name = " ".join(p for p in (user.name.given_name, user.name.family_name) if p)
    name = (name or user.user_name).strip()
    addresses = [a for a in (user.addresses or []) if a.locality or a.formatted]
    place = next((a for a in addresses if a.primary), None) or \
        next((a for a in addresses if str(a.type or "") == "work"), None) or (addresses[0] if addresses else None)
    doc = user.model_copy(deep=True)
    doc.id = None
    doc.meta = None
    doc.groups = None
    doc.password = None  # write-only: checked by nobody, stored nowhere
    active = user.active is not False
    return {
        "scim_id": user.id,
        "user_name": user.user_name,
        "user_name_lc": user.user_name.lower(),
        "external_id": user.external_id,
        "emails_lc": sorted({e.value.lower() for e in emails}),
        "doc": json.dumps(doc.model_dump(scim_ctx=Context.DEFAULT), sort_keys=True),
        "manager_id": ext.manager.value if ext.manager else None,
        "status": "active" if active else "former",
        "name": name,
        "email": work.value.lower() if work else None,
        "title": user.title,
        "employee_id": ext.employee_number,
        "cost_center": ext.cost_center,
        "division": ext.division,
        "organization": ext.organization,
        "department": ext.department,
        # Where someone works: the city of their work address (or the address as written).
        "location": (place.locality or place.formatted).strip() if place else None,
    }


SOURCE = "scim"
# Person properties SCIM shares with other sources; who may write each one is
# decided by ingest.provenance (settings.KIKI_FIELD_PRIORITY), as for the merge engine.
SHARED_FIELDS = ("name", "email", "title", "employee_id", "cost_center", "division", "organization",
                 "department", "location", "summary")


def _owned_props(row: dict, node: dict | None, today: str) -> dict:
    """Parameters for the user write: the shared fields SCIM wins (an empty
    field is anyone's; a field held by a source ranked above SCIM is left
    alone), the values they replace as revisions, and the updated provenance."""
    node = node or {}
    prov = pv.load(node)
    values = dict((f, row[f]) for f in SHARED_FIELDS if f != "summary")
    values["summary"] = row["title"] or ""
    props, revisions = {}, []
    for f, value in values.items():
        current = node.get(f)
        if current not in (None, "") and not pv.wins(f, SOURCE, pv.holder(prov, f)):
            continue
        if current == value or (current in (None, "") and value in (None, "")):
            continue
        if current not in (None, ""):
            revisions.append(pv.revision(f, current, prov, node, today))
        props[f] = value
        if value in (None, ""):
            pv.release(prov, f)
        else:
            pv.claim(prov, f, SOURCE, row["scim_id"], today)
    pv.seen(prov, SOURCE, row["scim_id"], today)
    return {"props": props, "revisions": revisions, "prov": pv.dump(prov),
            "sources": pv.with_source(node, SOURCE)}


def _free_key(label: str, wanted: str) -> str:
    base = slugify_key(wanted) or label.lower()
    taken = store.taken_keys(label, base)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _user_write_steps(key: str, row: dict, was_active: bool, now: str) -> list[tuple[str, dict]]:
    today = now[:10]
    active = row["status"] == "active"
    teams = orgunits.teams_of(key, today)   # read before the write: a deactivation ends the memberships
    steps = [store.sync_manager_step(key, row["manager_id"] if active else None,
                                     pv.ranked_above("manager", SOURCE), now)]
    chain = orgunits.attribute_chain(row["department"], row["division"], row["organization"]) if active else []
    steps += orgunits.unit_steps(key, chain, source=SOURCE, now=now)
    if not active and was_active:
        steps.append(store.close_person_edges_step(key, today))
    # The person's teams may now sit in another department or answer to another lead.
    steps += orgunits.inference_steps(keys=teams, people=[key], now=now)
    return steps


def _check_user_name_free(user_name_lc: str, scim_id: str | None) -> None:
    for row in store.users_by("user_name", user_name_lc):
        if row["id"] != scim_id:
            raise UniquenessException(detail=f"userName {user_name_lc!r} is already taken")


def _create_with_free_key(label: str, wanted: str, steps_for) -> str:
    """Create a node under the first free key; if a concurrent request took
    that key in between (the key constraint fails), pick again once."""
    for attempt in (1, 2):
        key = _free_key(label, wanted)
        try:
            _write(steps_for(key))
            return key
        except GraphError as e:
            # Neo4j names the property: "... already exists with label `Person` and property `key` = ..."
            if attempt == 2 or "ConstraintValidationFailed" not in str(e) or "property `key`" not in str(e):
                raise
            log.info("key %r taken concurrently; retrying", key)
    raise AssertionError("unreachable")


def _write(steps: list[tuple[str, dict]]) -> None:
    """One SCIM request's writes: one action of the write core (one
    transaction); the written pages' search passages (name, title, team) are
    refreshed after it commits."""
    try:
        actions.do_write(steps, changed=(params.get("key") for _, params in steps), what="SCIM write")
    except GraphError as e:
        if "ConstraintValidationFailed" in str(e) and "scim_user_name_lc" in str(e):
            raise UniquenessException(detail="userName is already taken") from e
        raise


def create_user(base_url: str, payload: dict) -> UserModel:
    payload = _normalize_user_payload(base_url, payload)
    try:
        user = UserModel.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST, scim_policy=POLICY)
    except ValidationError as e:
        raise _scim_error(e) from e
    user.id = str(uuid.uuid4())
    row = _project_user(user)
    _check_user_name_free(row["user_name_lc"], None)
    found = store.unclaimed_person(row["employee_id"],
                                   sorted(set(row["emails_lc"]) | {e.value for e in user.emails or [] if e.value}))
    now = _now()
    if found:
        key = found["key"]
        log.info("SCIM user %s attached to existing Person %s", row["user_name"], key)
        steps = [store.save_user_step(key, row, now, _owned_props(row, found["node"], now[:10]), create=False)]
        was_active = found["status"] != "former"
        _write(steps + _user_write_steps(key, row, was_active, now))
    else:
        # A userName that is an email makes a key from its local part.
        _create_with_free_key("Person", row["name"].split("@")[0] or row["user_name"], lambda key: [
            store.save_user_step(key, row, now, _owned_props(row, None, now[:10]), create=True),
            *_user_write_steps(key, row, False, now)])
    return get_user(base_url, user.id)


def _save_user(base_url: str, current: UserModel, stored: dict, new: UserModel) -> UserModel:
    row = _project_user(new)
    _check_user_name_free(row["user_name_lc"], current.id)
    now = _now()
    key = stored["key"]
    was_active = stored["status"] != "former"
    _write([store.save_user_step(key, row, now, _owned_props(row, stored["node"], now[:10]), create=False)]
           + _user_write_steps(key, row, was_active, now))
    return get_user(base_url, current.id)


def replace_user(base_url: str, scim_id: str, payload: dict, if_match: str | None = None) -> UserModel:
    current, stored = _load_user(base_url, scim_id)
    _check_version(current, if_match)
    payload = _normalize_user_payload(base_url, payload)
    try:
        new = UserModel.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY)
        new.replace(current)
    except ValidationError as e:
        raise _scim_error(e) from e
    new.id = scim_id
    return _save_user(base_url, current, stored, new)


def patch_user(base_url: str, scim_id: str, payload: dict, if_match: str | None = None) -> UserModel:
    current, stored = _load_user(base_url, scim_id)
    _check_version(current, if_match)
    try:
        patch = PatchOp[UserModel].model_validate(_normalize_patch(base_url, payload),
                                                  scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY)
        new = current.model_copy(deep=True)
        changed = patch.patch(new, POLICY)
    except ValidationError as e:
        raise _scim_error(e) from e
    if not changed:
        return current
    return _save_user(base_url, current, stored, new)


def delete_user(base_url: str, scim_id: str, if_match: str | None = None) -> None:
    current, stored = _load_user(base_url, scim_id)
    _check_version(current, if_match)
    now = _now()
    key = stored["key"]
    steps = [store.sync_manager_step(key, None, [], now),
             store.close_person_edges_step(key, now[:10]),
             store.retire_user_step(key, now)]
    _write(steps)


# --- groups ------------------------------------------------------------------
def _group_from_row(base_url: str, row: dict) -> GroupModel:
    members = sorted(row["members"], key=lambda m: (m["since"], m["id"]))
    data: dict[str, Any] = {"schemas": [GroupModel.__schema__], "id": row["id"],
                            "displayName": row["display_name"] or row["name"]}
    if row["external_id"]:
        data["externalId"] = row["external_id"]
    if members:
        data["members"] = [{"value": m["id"], "type": m["type"],
                            "$ref": f"{base_url}/{'Users' if m['type'] == 'User' else 'Groups'}/{m['id']}"}
                           for m in members]
    group = GroupModel.model_validate(data, scim_ctx=Context.DEFAULT, scim_policy=POLICY)
    group.meta = Meta(resource_type="Group", created=row["created"], last_modified=row["modified"],
                      location=f"{base_url}/Groups/{row['id']}")
    group.meta.version = _version(group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return group


def _load_group(base_url: str, scim_id: str) -> tuple[GroupModel, str]:
    row = store.group(scim_id)
    if not row:
        raise NotFoundException(detail=f"Group {scim_id} not found")
    return _group_from_row(base_url, row), row["key"]


def get_group(base_url: str, scim_id: str) -> GroupModel:
    return _load_group(base_url, scim_id)[0]


def _member_ids(group: GroupModel, self_id: str | None) -> tuple[set[str], set[str]]:
    """(user ids, group ids) of a group's members, checked against the graph."""
    ids = [m.value for m in group.members or [] if m.value]
    if not ids:
        return set(), set()
    types = store.member_types(ids)
    unknown = sorted(i for i in ids if not types.get(i))
    if unknown:
        raise InvalidValueException(detail=f"members: no User or Group with id {', '.join(unknown)}")
    if self_id and self_id in types:
        raise InvalidValueException(detail="members: a group cannot contain itself")
    return ({i for i, t in types.items() if t == "User"}, {i for i, t in types.items() if t == "Group"})


def _group_row(group: GroupModel) -> dict:
    name = group.display_name.strip()
    return {"scim_id": group.id, "display_name": name, "display_name_lc": name.lower(),
            "external_id": group.external_id}


def _membership_steps(key: str, users: tuple[set, set], groups: tuple[set, set], now: str,
                      exact: bool) -> list[tuple[str, dict]]:
    """Steps adding `users[0]`/`groups[0]` and removing `users[1]`/`groups[1]`;
    with `exact`, every other SCIM member is removed (PUT)."""
    today = now[:10]
    (add_users, drop_users), (add_groups, drop_groups) = users, groups
    steps = []
    if exact or drop_users:
        steps.append(store.remove_members_step(key, "User", drop_users, today, every=exact,
                                               keep=add_users if exact else ()))
    if exact or drop_groups:
        steps.append(store.remove_members_step(key, "Group", drop_groups, today, every=exact,
                                               keep=add_groups if exact else ()))
    if add_users:
        steps.append(store.add_members_step(key, "User", add_users, now))
    if add_groups:
        steps.append(store.add_members_step(key, "Group", add_groups, now))
    # New members can move the team's inferred department and lead; a nested
    # group gains or loses a stated parent.
    steps += orgunits.inference_steps(keys=[key], scim_ids=add_groups | drop_groups, now=now)
    return steps


def create_group(base_url: str, payload: dict) -> GroupModel:
    try:
        group = GroupModel.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST, scim_policy=POLICY)
    except ValidationError as e:
        raise _scim_error(e) from e
    if not isinstance(group.display_name, str) or not group.display_name.strip():
        raise InvalidValueException(detail="displayName is required")
    group.id = str(uuid.uuid4())
    users, groups = _member_ids(group, None)
    row = _group_row(group)
    now = _now()
    key = store.unclaimed_team(slugify_key(row["display_name"]), row["display_name_lc"])
    if key:
        steps = [store.save_group_step(key, row, now, create=False)]
        _write(steps + _membership_steps(key, (users, set()), (groups, set()), now, exact=False))
    else:
        _create_with_free_key("Team", row["display_name"], lambda key: [
            store.save_group_step(key, row, now, create=True),
            *_membership_steps(key, (users, set()), (groups, set()), now, exact=False)])
    return get_group(base_url, group.id)


def _save_group(base_url: str, current: GroupModel, key: str, new: GroupModel, exact: bool) -> GroupModel:
    if not isinstance(new.display_name, str) or not new.display_name.strip():
        raise InvalidValueException(detail="displayName is required")
    new.id = current.id
    before_users, before_groups = {m.value for m in current.members or [] if m.type == "User"}, \
        {m.value for m in current.members or [] if m.type == "Group"}
    after_users, after_groups = _member_ids(new, current.id)
    now = _now()
    if exact:
        users, groups = (after_users, set()), (after_groups, set())
    else:
        users = (after_users - before_users, before_users - after_users)
        groups = (after_groups - before_groups, before_groups - after_groups)
    steps = [store.save_group_step(key, _group_row(new), now, create=False)]
    _write(steps + _membership_steps(key, users, groups, now, exact=exact))
    return get_group(base_url, current.id)


def replace_group(base_url: str, scim_id: str, payload: dict, if_match: str | None = None) -> GroupModel:
    current, key = _load_group(base_url, scim_id)
    _check_version(current, if_match)
    try:
        new = GroupModel.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY)
        new.replace(current)
    except ValidationError as e:
        raise _scim_error(e) from e
    return _save_group(base_url, current, key, new, exact=True)


_MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"\\]+)"\s*\]$', re.IGNORECASE)


def _member_only_changes(payload: dict) -> tuple[list[str], list[str]] | None:
    """(ids to add, ids to remove) when a PATCH only adds or removes members by
    id — the shape IdPs send for every membership change — else None."""
    ops = payload.get("Operations") if isinstance(payload, dict) else None
    if not isinstance(ops, list) or not ops:
        return None
    add, remove = [], []
    for op in ops:
        if not isinstance(op, dict):
            return None
        kind, path, value = str(op.get("op", "")).lower(), op.get("path"), op.get("value")
        if not isinstance(path, str):
            return None
        entries = value if isinstance(value, list) else [value]
        by_value = all(isinstance(e, dict) and isinstance(e.get("value"), str) and e["value"] for e in entries)
        if kind == "add" and path.lower() == "members" and by_value and entries:
            add += [e["value"] for e in entries]
        elif kind == "remove" and path.lower() == "members" and value is not None and by_value and entries:
            remove += [e["value"] for e in entries]
        elif kind == "remove" and value is None and (m := _MEMBER_FILTER.match(path.strip())):
            remove.append(m.group(1))
        else:
            return None
    return add, remove


def _patch_members(scim_id: str, add: list[str], remove: list[str]) -> None:
    """Membership PATCH without reading the member list: a group of 10,000
    people costs the same as one of 10 (answered with 204 No Content)."""
    key = store.group_key(scim_id)
    if not key:
        raise NotFoundException(detail=f"Group {scim_id} not found")
    wanted = sorted(set(add))
    types = store.member_types(wanted)
    unknown = [i for i in wanted if not types.get(i)]
    if unknown:
        raise InvalidValueException(detail=f"members: no User or Group with id {', '.join(unknown)}")
    if scim_id in types:
        raise InvalidValueException(detail="members: a group cannot contain itself")
    # A later operation wins over an earlier one on the same id (add then remove = removed).
    last = {}
    for i in add:
        last[i] = "add"
    for i in remove:
        last[i] = "remove"
    adds = {i for i in add if last[i] == "add"}
    drops = {i for i in remove if last[i] == "remove"}
    now = _now()
    users = ({i for i in adds if types[i] == "User"}, drops)
    groups = ({i for i in adds if types[i] == "Group"}, drops)
    _write(_membership_steps(key, users, groups, now, exact=False)
           + [store.touch_group_step(key, now)])


def patch_group(base_url: str, scim_id: str, payload: dict, if_match: str | None = None) -> GroupModel | None:
    """PATCH a group. Member-only changes without If-Match take the fast path
    and return None (the view answers 204, which RFC 7644 §3.5.2 allows)."""
    members = None if if_match else _member_only_changes(payload)
    if members is not None:
        _patch_members(scim_id, *members)
        return None
    current, key = _load_group(base_url, scim_id)
    _check_version(current, if_match)
    try:
        patch = PatchOp[GroupModel].model_validate(_normalize_patch(base_url, payload),
                                                   scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY)
        new = current.model_copy(deep=True)
        changed = patch.patch(new, POLICY)
    except ValidationError as e:
        raise _scim_error(e) from e
    if not changed:
        return current
    # Only the difference is written, so concurrent member PATCHes (Okta
    # sends them in parallel) do not undo each other.
    return _save_group(base_url, current, key, new, exact=False)


def delete_group(base_url: str, scim_id: str, if_match: str | None = None) -> None:
    current, key = _load_group(base_url, scim_id)
    _check_version(current, if_match)
    now = _now()
    users = {m.value for m in current.members or [] if m.type == "User"}
    groups = {m.value for m in current.members or [] if m.type == "Group"}
    _write(_membership_steps(key, (set(), users), (set(), groups), now, exact=False)
           + [store.retire_group_step(key, now)])


# --- listing -----------------------------------------------------------------
# Equality filters IdPs send before every create are answered from an index;
# the filter is then evaluated exactly (case rules, other terms) by
# scim2-models on the candidates. Other filters scan the SCIM resources.
_USER_LOOKUPS = {
    ("username", None): ("user_name", str.lower),
    ("externalid", None): ("external_id", None),
    ("emails", "value"): ("email", str.lower),
    ("emails", None): ("email", str.lower),
    ("id", None): ("id", None),
}
_GROUP_LOOKUPS = {
    ("displayname", None): ("display_name", str.lower),
    ("externalid", None): ("external_id", None),
    ("id", None): ("id", None),
}


def _lookup(node, lookups: dict, core_urn: str):
    """(attribute, value) narrowing the candidates for a filter, or None."""
    if isinstance(node, Comparison) and node.op.value == "eq" and isinstance(node.value, str):
        ap = node.attr_path
        if ap.uri and ap.uri.lower() != core_urn:
            return None
        hit = lookups.get((ap.attr.lower(), ap.sub_attr.lower() if ap.sub_attr else None))
        if hit:
            attribute, fold = hit
            return attribute, fold(node.value) if fold else node.value
    if isinstance(node, ValuePath) and node.attr_path.attr.lower() == "emails" and node.sub_attr is None:
        return _lookup_in_value_filter(node.val_filter, lookups)
    if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_:
        for term in node.terms:
            found = _lookup(term, lookups, core_urn)
            if found:
                return found
    return None


def _lookup_in_value_filter(node, lookups):
    # emails[type eq "work" and value eq "x"] (how `emails[type eq "work"].value eq "x"` parses)
    terms = node.terms if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_ else (node,)
    for term in terms:
        if isinstance(term, Comparison) and term.op.value == "eq" and term.attr_path.attr.lower() == "value" \
                and isinstance(term.value, str):
            return "email", term.value.lower()
    return None


def _page_bounds(start_index: int | None, count: int | None) -> tuple[int, int]:
    start = max(1, start_index or 1)
    size = MAX_RESULTS if count is None else max(0, min(count, MAX_RESULTS))
    return start, size


def _parse_filter(model, filter_text: str) -> ScimFilter:
    try:
        return ScimFilter[model](filter_text)
    except InvalidFilterException:
        raise
    except (ValueError, SCIMException) as e:
        raise InvalidFilterException(detail=str(e)) from e


def _list(base_url, filter_text, start_index, count, *, model, build, lookups, core_urn,
          listing, counting, finding) -> Page:
    start, size = _page_bounds(start_index, count)
    if not filter_text:
        rows = listing(skip=start - 1, limit=size) if size else []
        return Page(counting(), start, [build(base_url, r) for r in rows])
    scim_filter = _parse_filter(model, filter_text)
    found = _lookup(scim_filter.ast, lookups, core_urn)
    rows = finding(*found) if found else listing()
    matched = [r for r in (build(base_url, row) for row in rows) if scim_filter.match(r)]
    matched.sort(key=lambda r: (r.meta.created or datetime.min.replace(tzinfo=timezone.utc), r.id))
    return Page(len(matched), start, matched[start - 1:start - 1 + size])


def list_users(base_url: str, filter_text: str | None = None, start_index: int | None = None,
               count: int | None = None) -> Page:
    return _list(base_url, filter_text, start_index, count, model=UserModel, build=_user_from_row,
                 lookups=_USER_LOOKUPS, core_urn=CORE_USER_URN, listing=store.users,
                 counting=store.user_count, finding=store.users_by)


def list_groups(base_url: str, filter_text: str | None = None, start_index: int | None = None,
                count: int | None = None) -> Page:
    return _list(base_url, filter_text, start_index, count, model=GroupModel, build=_group_from_row,
                 lookups=_GROUP_LOOKUPS, core_urn=CORE_GROUP_URN, listing=store.groups,
                 counting=store.group_count, finding=store.groups_by)


def response_parameters(model, attributes: str | None, excluded: str | None):
    """The attributes/excludedAttributes query parameters, validated."""
    if not attributes and not excluded:
        return None
    try:
        return ResponseParameters[model].model_validate(
            {"attributes": attributes or None, "excludedAttributes": excluded or None})
    except ValidationError as e:
        raise InvalidValueException(detail=str(e.errors()[0]["msg"])) from e


def search_all(base_url: str, filter_text: str | None = None, start_index: int | None = None,
               count: int | None = None) -> Page:
    """POST /.search over every resource type (RFC 7644 §3.4.3): Users then
    Groups, each filtered with its own schema (an attribute a type lacks
    evaluates to false). It reads every SCIM resource, so it is meant for
    occasional admin queries, not for IdP sync traffic (which uses /Users)."""
    start, size = _page_bounds(start_index, count)
    matched = []
    for model, build, listing in ((UserModel, _user_from_row, store.users),
                                  (GroupModel, _group_from_row, store.groups)):
        items = [build(base_url, row) for row in listing()]
        if filter_text:
            scim_filter = _parse_filter(model, filter_text)
            items = [i for i in items if scim_filter.match(i)]
        matched.extend(items)
    return Page(len(matched), start, matched[start - 1:start - 1 + size])

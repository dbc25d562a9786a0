"""SCIM 2.0 HTTP endpoints (RFC 7644): thin, CSRF-exempt views that parse the
request, call one action in ingest.scim.service and render SCIM JSON. Every
failure becomes an RFC 7644 §3.12 error body with application/scim+json."""
from __future__ import annotations

import functools
import json
import logging

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    Context,
    Error,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    SCIMException,
)

from accounts import audit
from kiki.errors import GraphError, GraphUnavailable

from . import schemas, service
from .auth import authenticate

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/scim+json"
LIST_SCHEMA = str(ListResponse.__schema__)


def _json(payload, status=200, headers=None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    for k, v in (headers or {}).items():
        response[k] = v
    return response


def _error(status: int, detail: str, scim_type: str | None = None, headers=None) -> HttpResponse:
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return _json(error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status, headers)


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("scim-base")).rstrip("/")


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        raise SCIMException.from_error(Error(status=400, scim_type="invalidSyntax",
                                             detail=f"request body is not JSON: {e}")) from e
    if not isinstance(data, dict):
        raise SCIMException.from_error(Error(status=400, scim_type="invalidSyntax",
                                             detail="request body must be a JSON object"))
    return data


def _int_param(request, name):
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidValueException(detail=f"{name} must be an integer, got {value!r}") from None


def scim_endpoint(methods: tuple[str, ...], *, public: bool = False):
    """CSRF-exempt, bearer-authenticated (unless `public`), method-checked,
    and every exception turned into a SCIM error response."""
    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if not public:
                    token = authenticate(request)
                    # Changes are the token's doing, whoever else the client is signed in as;
                    # named as every token use is (accounts.audit.actor_of).
                    request.scim_actor = f"{token.user.get_username()} (token {token.prefix}…)"
                if request.method not in methods:
                    return _error(405, f"{request.method} is not supported here",
                                  headers={"Allow": ", ".join(methods)})
                return view(request, *args, **kwargs)
            except SCIMException as e:
                headers = {"WWW-Authenticate": 'Bearer realm="kiki-scim"'} if e.status == 401 else None
                return _error(e.status, e.detail, e.scim_type or None, headers)
            except GraphUnavailable as e:
                log.warning("SCIM request while the graph is unavailable: %s", e)
                return _error(503, "The knowledge graph is temporarily unavailable; retry later.",
                              headers={"Retry-After": "15"})
            except GraphError:
                log.exception("SCIM request failed in the graph")
                return _error(500, "internal error while writing to the knowledge graph")
            except Exception:  # an IdP must get a SCIM body, never Django's HTML 500
                log.exception("SCIM request failed: %s %s", request.method, request.path)
                return _error(500, "internal error")
        return wrapper
    return decorate


def _render(resource, ctx, request, model, status=200):
    params = service.response_parameters(model, request.GET.get("attributes"),
                                         request.GET.get("excludedAttributes"))
    payload = resource.model_dump(scim_ctx=ctx, response_parameters=params)
    headers = {"ETag": resource.meta.version}
    if status == 201:
        headers["Location"] = resource.meta.location
    return _json(payload, status, headers)


def _render_page(request, page, model=None):
    """A ListResponse; `model` None means mixed resource types (root /.search)."""
    params = {}

    def dump(resource):
        kind = model or type(resource)
        if kind not in params:
            params[kind] = service.response_parameters(kind, request.GET.get("attributes"),
                                                       request.GET.get("excludedAttributes"))
        return resource.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=params[kind])

    resources = [dump(r) for r in page.resources]
    payload = {"schemas": [LIST_SCHEMA], "totalResults": page.total, "startIndex": page.start_index,
               "itemsPerPage": len(resources), "Resources": resources}
    return _json(payload)


# --- resources -----------------------------------------------------------------
_ACTIONS = {
    "Users": (schemas.UserModel, service.list_users, service.create_user, service.get_user,
              service.replace_user, service.patch_user, service.delete_user),
    "Groups": (schemas.GroupModel, service.list_groups, service.create_group, service.get_group,
               service.replace_group, service.patch_group, service.delete_group),
}


@scim_endpoint(("GET", "POST"))
def collection(request, kind):
    model, list_, create, *_ = _ACTIONS[kind]
    base = base_url(request)
    if request.method == "POST":
        created = create(base, _body(request))
        _audit(request, kind, "create", created.id)
        return _render(created, Context.RESOURCE_CREATION_RESPONSE, request, model, 201)
    page = list_(base, request.GET.get("filter"), _int_param(request, "startIndex"), _int_param(request, "count"))
    return _render_page(request, page, model)


def _search_body(request) -> tuple[dict, int | None, int | None]:
    """A SearchRequest body; its attributes/excludedAttributes are moved to the
    query parameters the renderers read."""
    body = _body(request)
    request.GET = request.GET.copy()
    for name in ("attributes", "excludedAttributes"):
        if body.get(name):
            value = body[name]
            request.GET[name] = ",".join(value) if isinstance(value, list) else str(value)
    try:
        start, count = body.get("startIndex"), body.get("count")
        return body, (int(start) if start is not None else None), (int(count) if count is not None else None)
    except (TypeError, ValueError):
        raise InvalidValueException(detail="startIndex and count must be integers") from None


@scim_endpoint(("POST",))
def search(request, kind):
    """POST /Users/.search (RFC 7644 §3.4.3): the query parameters in a body."""
    model, list_, *_ = _ACTIONS[kind]
    body, start, count = _search_body(request)
    return _render_page(request, list_(base_url(request), body.get("filter"), start, count), model)


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def resource(request, kind, scim_id):
    model, _, _, get, replace, patch, delete = _ACTIONS[kind]
    base = base_url(request)
    if_match = request.headers.get("If-Match")
    if request.method == "GET":
        found = get(base, scim_id)
        if request.headers.get("If-None-Match") and found.meta.version in \
                {v.strip() for v in request.headers["If-None-Match"].split(",")}:
            response = HttpResponse(status=304)
            response["ETag"] = found.meta.version
            return response
        return _render(found, Context.RESOURCE_QUERY_RESPONSE, request, model)
    if request.method == "PUT":
        replaced = replace(base, scim_id, _body(request), if_match)
        _audit(request, kind, "replace", scim_id)
        return _render(replaced, Context.RESOURCE_REPLACEMENT_RESPONSE, request, model)
    if request.method == "PATCH":
        body = _body(request)
        patched = patch(base, scim_id, body, if_match)
        ops = body.get("Operations") if isinstance(body, dict) else None
        _audit(request, kind, "patch", scim_id,
               operations=[f"{o.get('op', '')} {o.get('path') or ''}".strip() for o in ops or [] if isinstance(o, dict)][:50])
        if patched is None:  # group membership fast path
            return HttpResponse(status=204)
        return _render(patched, Context.RESOURCE_PATCH_RESPONSE, request, model)
    delete(base, scim_id, if_match)
    _audit(request, kind, "delete", scim_id)
    return HttpResponse(status=204)


def _audit(request, kind: str, verb: str, scim_id: str, **details) -> None:
    """One audit entry per SCIM change, after its graph write committed (the
    service raises before this on any failure, so refused requests leave none):
    who (the token), what (User or Group, the SCIM id) and how."""
    audit.record(f"scim.{kind[:-1].lower()}.{verb}", request=request, actor=getattr(request, "scim_actor", None),
                 target=f"{kind[:-1]}:{scim_id}", **details)


@scim_endpoint(("POST",))
def root_search(request):
    body, start, count = _search_body(request)
    page = service.search_all(base_url(request), body.get("filter"), start, count)
    return _render_page(request, page, None)


@scim_endpoint(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request, rest=""):
    raise NotFoundException(detail=f"no SCIM endpoint at {request.path}")


# --- discovery (public: describes the service, holds no data) -------------------
def _list_payload(items):
    return {"schemas": [LIST_SCHEMA], "totalResults": len(items), "startIndex": 1,
            "itemsPerPage": len(items), "Resources": items}


@scim_endpoint(("GET",), public=True)
def service_provider_config(request):
    base = base_url(request)
    payload = schemas.service_provider_config(base).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    payload["meta"] = {"resourceType": "ServiceProviderConfig", "location": f"{base}/ServiceProviderConfig"}
    return _json(payload)


@scim_endpoint(("GET",), public=True)
def schema_list(request, schema_id=None):
    docs = schemas.schema_documents(base_url(request))
    if schema_id is None:
        return _json(_list_payload(docs))
    for doc in docs:
        if doc["id"] == schema_id:
            return _json(doc)
    raise NotFoundException(detail=f"no schema {schema_id}")


@scim_endpoint(("GET",), public=True)
def resource_type_list(request, name=None):
    docs = schemas.resource_type_documents(base_url(request))
    if name is None:
        return _json(_list_payload(docs))
    for doc in docs:
        if doc["id"] == name:
            return _json(doc)
    raise NotFoundException(detail=f"no resource type {name}")

"""What Kiki's SCIM service serves and announces (RFC 7643 §5-7): the
resource models from scim2-models, the policy for reading IdP payloads, and
the ServiceProviderConfig, ResourceType and Schema documents."""
from __future__ import annotations

from functools import lru_cache

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Mutability,
    Patch,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    User,
)

UserModel = User[EnterpriseUser]
GroupModel = Group

ENTERPRISE_URN = str(EnterpriseUser.__schema__)
MAX_RESULTS = 200

# Okta and Microsoft Entra depart from RFC 7644 in known ways; accept them:
# a remove carrying the values to remove, a filtered path that creates the
# entry it names, and attributes we do not model (dropped, not rejected).
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

RESOURCE_TYPES = {"User": ("/Users", UserModel), "Group": ("/Groups", GroupModel)}


def service_provider_config(base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="Bearer token",
            description="An API token with the 'scim' scope, created by an administrator with "
                        "`manage.py scim_token create` or in Kiki's admin; "
                        "send it as 'Authorization: Bearer <token>'.",
            primary=True)],
    )


@lru_cache(maxsize=1)
def _schema_payloads() -> dict[str, dict]:
    """Schema documents keyed by id. Group members are published as
    value/$ref/type only (as in RFC 7643 §8.7.1): Kiki derives membership from
    the graph and does not keep a client-chosen `display`."""
    schemas = [User.to_schema(), EnterpriseUser.to_schema(), Group.to_schema(),
               ResourceType.to_schema(), ServiceProviderConfig.to_schema(), Schema.to_schema()]
    out = {}
    for schema in schemas:
        payload = schema.model_dump(scim_ctx=None, by_alias=True, exclude_none=True, mode="json")
        if schema.id == str(Group.__schema__):
            for attr in payload["attributes"]:
                if attr["name"] == "members":
                    attr["subAttributes"] = [s for s in attr["subAttributes"] if s["name"] != "display"]
        if schema.id == str(User.__schema__):
            for attr in payload["attributes"]:
                if attr["name"] == "groups":
                    attr["mutability"] = Mutability.read_only.value
        out[schema.id] = payload
    return out


def schema_documents(base_url: str) -> list[dict]:
    docs = []
    for sid, payload in _schema_payloads().items():
        doc = dict(payload)
        doc["schemas"] = [str(Schema.__schema__)]
        doc["meta"] = {"resourceType": "Schema", "location": f"{base_url}/Schemas/{sid}"}
        docs.append(doc)
    return docs


def resource_type_documents(base_url: str) -> list[dict]:
    docs = []
    for name, (endpoint, model) in RESOURCE_TYPES.items():
        rt = ResourceType.from_resource(model)
        doc = rt.model_dump(scim_ctx=None, by_alias=True, exclude_none=True, mode="json")
        doc["schemas"] = [str(ResourceType.__schema__)]
        doc["endpoint"] = endpoint
        doc["meta"] = {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/{name}"}
        docs.append(doc)
    return docs

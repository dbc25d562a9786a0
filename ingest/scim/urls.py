"""SCIM 2.0 routes, mounted at /scim/v2/ by ingest/urls.py."""
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.not_found, name="scim-base"),
    path("ServiceProviderConfig", views.service_provider_config),
    path("Schemas", views.schema_list),
    path("Schemas/<str:schema_id>", views.schema_list),
    path("ResourceTypes", views.resource_type_list),
    path("ResourceTypes/<str:name>", views.resource_type_list),
    path(".search", views.root_search),
    re_path(r"^(?P<kind>Users|Groups)/\.search$", views.search, name="scim-search"),
    re_path(r"^(?P<kind>Users|Groups)$", views.collection, name="scim-collection"),
    re_path(r"^(?P<kind>Users|Groups)/(?P<scim_id>[^/]+)$", views.resource, name="scim-resource"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]

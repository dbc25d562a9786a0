"""Source name -> configured Connector, from `settings.KIKI_INGEST_SOURCES`.

Each entry: {"connector": "<module in ingest/connectors>"} (the module's one
Connector subclass) or {"class": "dotted.path.ToConnector"}, plus optional
"options" (constructor kwargs), "full" (override the connector's default) and
"every" (seconds between scheduled syncs; see CELERY_BEAT_SCHEDULE).
"""
from __future__ import annotations

import importlib
import inspect

from django.conf import settings

from kiki.errors import IngestError

from .connectors.base import Connector


def names() -> list[str]:
    return sorted(settings.KIKI_INGEST_SOURCES)


def config(name: str) -> dict:
    try:
        return dict(settings.KIKI_INGEST_SOURCES[name])
    except KeyError:
        known = ", ".join(names()) or "none configured"
        raise IngestError(f"unknown ingest source {name!r} (configured: {known})", code="unknown_source") from None


def connector_class(cfg: dict, name: str) -> type[Connector]:
    try:
        if cfg.get("class"):
            module_name, _, attr = cfg["class"].rpartition(".")
            cls = getattr(importlib.import_module(module_name), attr)
        else:
            module = importlib.import_module(f"ingest.connectors.{cfg.get('connector') or name}")
            found = [c for _, c in inspect.getmembers(module, inspect.isclass)
                     if issubclass(c, Connector) and c is not Connector and c.__module__ == module.__name__
                     and not inspect.isabstract(c)]
            if len(found) != 1:
                raise IngestError(f"source {name!r}: {module.__name__} defines {len(found)} connectors; "
                                  f"name one with \"class\"", code="source_config")
            cls = found[0]
    except (ImportError, AttributeError, ValueError) as e:
        raise IngestError(f"source {name!r}: cannot load its connector: {e}", code="source_config") from e
    if not (inspect.isclass(cls) and issubclass(cls, Connector)):
        raise IngestError(f"source {name!r}: {cls!r} is not an ingest Connector", code="source_config")
    return cls


def get(name: str) -> Connector:
    """A fresh, configured connector for source `name`; raises IngestError
    (code unknown_source / source_config) when it is not usable."""
    cfg = config(name)
    cls = connector_class(cfg, name)
    try:
        connector = cls(**(cfg.get("options") or {}))
    except TypeError as e:
        raise IngestError(f"source {name!r}: bad options for {cls.__name__}: {e}", code="source_config") from e
    if "full" in cfg:
        connector.full = bool(cfg["full"])
    return connector

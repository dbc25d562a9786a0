"""Kiki's one exception tree. The root and the graph layer's errors are
defined in graph/errors.py (so graph/ imports no consumer); the layers above
add theirs here."""
from graph.errors import GraphError, GraphUnavailable, InvalidInput, KikiError, NotFound


class IngestError(KikiError):
    code = "ingest_error"


class AssistantError(KikiError):
    code = "assistant_error"


__all__ = ["KikiError", "GraphError", "GraphUnavailable", "NotFound", "InvalidInput", "IngestError",
           "AssistantError"]

"""Graph-layer errors (re-exported from Kiki's one exception tree)."""
from kiki.errors import GraphError, GraphUnavailable, InvalidInput, NotFound

__all__ = ["GraphError", "GraphUnavailable", "InvalidInput", "NotFound"]

"""The root of Kiki's one exception tree, and the graph layer's errors.

They live here, in the lowest layer, so that `graph/` depends on none of its
consumers; `kiki.errors` re-exports them and adds the errors of the layers
above. User-facing errors carry a short code and a message that names the
bad item."""


class KikiError(Exception):
    code = "kiki_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class GraphError(KikiError):
    code = "graph_error"


class GraphUnavailable(GraphError):
    """Neo4j cannot be reached (down, starting, wrong address or password)."""
    code = "graph_unavailable"


class NotFound(GraphError):
    code = "not_found"


class InvalidInput(KikiError):
    code = "invalid_input"


__all__ = ["KikiError", "GraphError", "GraphUnavailable", "InvalidInput", "NotFound"]

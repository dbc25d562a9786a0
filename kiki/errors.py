"""Kiki's one exception tree. User-facing errors carry a short code and a
message that names the bad item."""


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


class IngestError(KikiError):
    code = "ingest_error"


class AssistantError(KikiError):
    code = "assistant_error"

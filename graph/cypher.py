"""Cypher fragments the read modules share: a node's page label, and the
validity window test of the history-aware (*_AS_OF) queries.

A relationship is valid on $as_of when valid_from <= $as_of < valid_to (a
missing valid_from counts as "always", a missing valid_to as "still
current"). Dates are compared as 'YYYY-MM-DD' text so both Date values and
ISO strings work."""
from __future__ import annotations

# The page label of a node: its one label besides Entity.
_LABEL = "head([l IN labels({v}) WHERE NOT l IN ['Entity', 'Restricted']])"

def label_of(var: str) -> str:
    return _LABEL.format(v=var)

def valid_on(rel: str) -> str:
    return (f"(({rel}.valid_from IS NULL OR left(toString({rel}.valid_from), 10) <= $as_of) AND "
            f"({rel}.valid_to IS NULL OR left(toString({rel}.valid_to), 10) > $as_of))")

def path_valid_on(path: str = "path") -> str:
    return f"all(r IN relationships({path}) WHERE {valid_on('r')})"

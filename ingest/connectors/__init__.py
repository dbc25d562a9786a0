"""Ingest connectors: one module per source, each a `base.Connector`."""

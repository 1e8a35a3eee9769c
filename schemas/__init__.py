"""Schemas: the one place that defines the shape of data at every edge of the pipeline.

- ``dwelling``  per-dwelling structures (pydantic): the WWS Punten API body plus the
  extension fields of the portfolio contract (``shared/spec/portfolio-format.md``).
- ``frames``    the normalised polars tables that ingest/validate produce and the engine reads.
- ``results``   breakdown lines and dwelling results shared by both scorers.
- ``output``    the polars schemas of the result frames (scores, breakdown, lines, rejects).
- ``store_ddl`` the DuckDB DDL of the output contract.

Nothing in here imports ``pipeline``.
"""

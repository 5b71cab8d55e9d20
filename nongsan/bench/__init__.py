"""Benchmarks (`make bench`): each measures one target on SQLite and PostgreSQL.

A benchmark is a module here with `NAME`, `TITLE` and `run(*, engine: str) -> list[tuple[str, str]]`
returning (measure, value) rows. Each runs in a fresh process against its own database; the
results replace that benchmark's section of BENCHMARKS.md, with the machine and data size.
"""

BENCHMARKS = [
    "geo_resolve",
    "household_import",
    "catalog_search",
    "checkout",
    "monitoring_report",
    "partner_ingest",
    "nearest_points",
]

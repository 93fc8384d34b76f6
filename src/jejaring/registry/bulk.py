"""Bulk writes into the registry for intake, in parts with one job each:

- ``contracts``: which clean intake column fills which registry column (and the hash and provenance fields);
- ``keys``: the vectorised name key and size class (shared with resolution);
- ``core.ids.new_public_ids``: public IDs in bulk;
- ``upsert``: the set-based upsert with history and provenance;
- ``sentra_links``: sentra membership from the rows;
- ``known_rows``: the firms rows uploaded before gave (by fingerprint), and their provenance when they come again;
- ``deferred``: the indexes a large load builds once at its end.

Callers import this module only.
"""

from __future__ import annotations

from jejaring.core.ids import new_public_ids
from jejaring.registry.contracts import (
    CLEAN_COLUMNS,
    FIRM_COLUMNS,
    FIRMS_SCHEMA,
    PRIVATE_COLUMNS,
    PROVENANCE_FIELDS,
    BulkResult,
    BulkSource,
)
from jejaring.registry.deferred import (
    DEFERRED_INDEXES,
    DEFERRED_PG_CONSTRAINTS,
    DEFERRED_UNIQUE_INDEXES,
    KnownKeys,
    deferred_indexes,
    drop_deferred,
    restore_indexes,
)
from jejaring.registry.keys import name_key_expr, size_class_expr
from jejaring.registry.known_rows import KNOWN_SCHEMA, firms_by_row_hash, record_unchanged
from jejaring.registry.sentra_links import link_sentra
from jejaring.registry.upsert import SQLITE_BULK_CACHE_KIB, upsert_firms

__all__ = [
    "CLEAN_COLUMNS",
    "DEFERRED_INDEXES",
    "DEFERRED_PG_CONSTRAINTS",
    "DEFERRED_UNIQUE_INDEXES",
    "FIRMS_SCHEMA",
    "FIRM_COLUMNS",
    "KNOWN_SCHEMA",
    "PRIVATE_COLUMNS",
    "PROVENANCE_FIELDS",
    "SQLITE_BULK_CACHE_KIB",
    "BulkResult",
    "BulkSource",
    "KnownKeys",
    "deferred_indexes",
    "drop_deferred",
    "firms_by_row_hash",
    "link_sentra",
    "name_key_expr",
    "new_public_ids",
    "record_unchanged",
    "restore_indexes",
    "size_class_expr",
    "upsert_firms",
]

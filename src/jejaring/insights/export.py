"""CSV and XLSX export of insights tables through the shared writer (``core.exports``)."""

from __future__ import annotations

from jejaring.core import exports
from jejaring.core.exports import neutralise
from jejaring.core.i18n import translate
from jejaring.insights.tables import Table

__all__ = ["neutralise", "to_csv", "to_xlsx"]


def as_export(table: Table, lang: str, *, year: int | None = None) -> exports.Export:
    """The table with its title, source (the registry's provincial directories) and reference year."""
    formats = {i: "0.00%" for i, c in enumerate(table.columns) if c.kind == "share"}
    return exports.Export(
        title=translate(table.title, lang),
        header=table.header(lang),
        rows=table.values(),
        source=translate("insights.export.source", lang),
        year=year,
        formats=formats,
    )


def to_csv(table: Table, lang: str, *, dialect: str = "standard") -> bytes:
    """The table as CSV (``standard`` or ``excel-id``: semicolons and decimal commas)."""
    return exports.to_csv(as_export(table, lang), dialect=dialect)


def to_xlsx(table: Table, lang: str, *, year: int | None = None) -> bytes:
    """The table as XLSX: header block (title, source, year), then the table; numbers stay numbers."""
    return exports.to_xlsx(as_export(table, lang, year=year), lang)

"""Where the markets domain keeps its files: trade flows and indicators as parquet under the data folder.

Trade data are large and read-only, so they live in parquet files read with DuckDB and polars (not in
the SQL database): ``<data_dir>/markets/trade.parquet`` (BACI layout), ``trade.json`` (where it came
from), and ``indicators/*.parquet`` plus ``indicators/meta.json`` written by ``refresh``. Files are
written to a temporary name and renamed, so readers never see half a file.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Final

import polars as pl

from jejaring.core.config import get_settings

# lz4 for the trade table and the indicator tables: zstd packs them ~25 % smaller but costs about 1 CPU
# second more per 10 M rows to write, and more to read back.
TRADE_COMPRESSION: Final = "lz4"
TABLES = ("products", "markets", "proximity", "countries", "rca")
_CACHE: dict[str, tuple[float, pl.DataFrame]] = {}
_LOCK = threading.Lock()


def root(data_dir: Path | None = None) -> Path:
    """The markets folder under the data directory."""
    return Path(data_dir or get_settings().data_dir) / "markets"


def trade_path(data_dir: Path | None = None) -> Path:
    """The BACI-layout trade table."""
    return root(data_dir) / "trade.parquet"


def indicators_dir(data_dir: Path | None = None) -> Path:
    """Folder of the indicator tables."""
    return root(data_dir) / "indicators"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON at ``path``, or None when there is none."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_table(frame: pl.DataFrame, name: str, data_dir: Path | None = None) -> None:
    """Write one indicator table atomically."""
    folder = indicators_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{name}.parquet.tmp"
    frame.write_parquet(tmp, compression=TRADE_COMPRESSION)
    tmp.replace(folder / f"{name}.parquet")


def meta(data_dir: Path | None = None) -> dict[str, Any] | None:
    """What the last refresh computed (source, years, counts, whether the data are synthetic)."""
    return read_json(indicators_dir(data_dir) / "meta.json")


def table(name: str, data_dir: Path | None = None) -> pl.DataFrame:
    """One indicator table, cached in memory until its file changes."""
    path = indicators_dir(data_dir) / f"{name}.parquet"
    key = str(path.resolve())
    mtime = path.stat().st_mtime
    with _LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
    frame = pl.read_parquet(path)
    with _LOCK:
        _CACHE[key] = (mtime, frame)
    return frame


_DERIVED: dict[tuple[str, str], tuple[int, Any]] = {}


def derived(name: str, key: str, compute: Any, data_dir: Path | None = None) -> Any:
    """``compute(table)`` for indicator table ``name``, memoised until the table's file changes."""
    frame = table(name, data_dir)
    cache_key = (str((indicators_dir(data_dir) / name).resolve()), key)
    with _LOCK:
        hit = _DERIVED.get(cache_key)
        if hit and hit[0] == id(frame):
            return hit[1]
    value = compute(frame)
    with _LOCK:
        _DERIVED[cache_key] = (id(frame), value)
    return value


def ready(data_dir: Path | None = None) -> bool:
    """True when indicators have been computed."""
    return (indicators_dir(data_dir) / "meta.json").exists()

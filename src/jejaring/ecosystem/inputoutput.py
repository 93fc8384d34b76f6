"""The input–output structure at KBLI division level: default coefficients, the BPS importer, location quotients.

Coefficients ``a[i][j]``: Rupiah of input from division ``i`` per Rupiah of output of division ``j``.
The default (``data/io_default.csv``) names which divisions supply which, with a coefficient in one of
three bands (docs/ecosystem.md); an office replaces it with BPS's published table (:func:`read_bps_table`).

Regionalisation (Miller & Blair 2009, ch. 3; Flegg, Webber & Elliott 1995), with ``E`` employment:

* SLQ_i = (E_i^r / E^r) / (E_i^n / E^n)
* CILQ_ij = SLQ_i / SLQ_j (i ≠ j; the diagonal uses SLQ_i)
* FLQ_ij = CILQ_ij · λ* (i ≠ j), SLQ_i · λ* (i = j), with λ* = [log2(1 + E^r / E^n)]^δ
* regional coefficient r_ij = a_ij · min(LQ_ij, 1)
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jejaring.core.errors import DomainError

BANDS = {"utama": 0.20, "penting": 0.08, "kecil": 0.02}  # main, important, minor input (orders of magnitude)
DEFAULT_DELTA = 0.3  # Flegg's δ: the value most studies settle near (Flegg & Tohmo 2013)
# Divisions whose IKM work with production machines (mixers, ovens, looms, sewing machines, presses, kilns,
# saws, lathes) and so need repair and installation (KBLI 33) within reach.
MACHINE_DIVISIONS = frozenset({"10", "11", "13", "14", "15", "16", "17", "18", "22", "23", "25", "31"})
Matrix = dict[tuple[str, str], float]  # (input division, using division) → coefficient


@dataclass(frozen=True)
class DefaultCell:
    """One cell of the default structure with its band and why it is there."""

    input_division: str
    using_division: str
    band: str
    reason: str

    @property
    def value(self) -> float:
        """The band's coefficient."""
        return BANDS[self.band]


def default_cells() -> list[DefaultCell]:
    """The documented default structure, one row per (input, using) pair."""
    text = resources.files("jejaring.ecosystem").joinpath("data", "io_default.csv").read_text("utf-8")
    return [
        DefaultCell(r["input_division"], r["using_division"], r["band"], r["reason"])
        for r in csv.DictReader(io.StringIO(text))
    ]


def default_matrix() -> Matrix:
    """The default technical coefficients."""
    return {(c.input_division, c.using_division): c.value for c in default_cells()}


def inputs_of(matrix: Matrix, using: str) -> list[tuple[str, float]]:
    """The input divisions of ``using`` with their coefficients, largest first."""
    return sorted(((i, v) for (i, j), v in matrix.items() if j == using and v > 0), key=lambda t: (-t[1], t[0]))


def main_input(matrix: Matrix, using: str) -> str | None:
    """The input division with the largest coefficient for ``using`` (None when it has none)."""
    found = inputs_of(matrix, using)
    return found[0][0] if found else None


def slq(regional: Mapping[str, float], national: Mapping[str, float]) -> dict[str, float]:
    """Simple location quotient of every division present in the region."""
    total_r, total_n = sum(regional.values()), sum(national.values())
    out: dict[str, float] = {}
    for d, e in regional.items():
        if total_r > 0 and national.get(d, 0) > 0:
            out[d] = (e / total_r) / (national[d] / total_n)
    return out


def cilq(slqs: Mapping[str, float], i: str, j: str) -> float:
    """Cross-industry location quotient of supplying division ``i`` and buying division ``j``."""
    if i == j:
        return slqs.get(i, 0.0)
    sj = slqs.get(j, 0.0)
    return slqs.get(i, 0.0) / sj if sj > 0 else 0.0


def flegg_lambda(regional_total: float, national_total: float, delta: float = DEFAULT_DELTA) -> float:
    """λ* = [log2(1 + E^r / E^n)]^δ: the regional size adjustment of Flegg's FLQ."""
    if national_total <= 0 or regional_total <= 0:
        return 0.0
    return float(math.log2(1 + regional_total / national_total) ** delta)


def flq(slqs: Mapping[str, float], i: str, j: str, lam: float) -> float:
    """Flegg's location quotient."""
    return (slqs.get(i, 0.0) if i == j else cilq(slqs, i, j)) * lam


def regionalise(
    matrix: Matrix,
    regional: Mapping[str, float],
    national: Mapping[str, float],
    *,
    method: str = "flq",
    delta: float = DEFAULT_DELTA,
) -> Matrix:
    """Regional input coefficients r_ij = a_ij · min(LQ_ij, 1) by ``slq``, ``cilq`` or ``flq``."""
    slqs = slq(regional, national)
    lam = flegg_lambda(sum(regional.values()), sum(national.values()), delta)
    out: Matrix = {}
    for (i, j), a in matrix.items():
        if method == "slq":
            q = slqs.get(i, 0.0)
        elif method == "cilq":
            q = cilq(slqs, i, j)
        elif method == "flq":
            q = flq(slqs, i, j, lam)
        else:
            raise ValueError(f"unknown method {method}")
        out[(i, j)] = a * min(q, 1.0)
    return out


def expected_inputs(matrix: Matrix, output: Mapping[str, float]) -> dict[str, float]:
    """Input each division's output needs: D_i = Σ_j a_ij · X_j (Rupiah)."""
    need: dict[str, float] = {}
    for (i, j), a in matrix.items():
        x = output.get(j, 0.0)
        if x > 0:
            need[i] = need.get(i, 0.0) + a * x
    return need


_CODE = re.compile(r"^\d{1,3}$")


def read_bps_table(table: Path, concordance: Path, *, total_row: str = "210") -> tuple[Matrix, dict[str, float]]:
    """Aggregate a BPS input–output transactions table (its published layout) to KBLI divisions.

    ``table`` (CSV or XLSX): title rows, then a header row whose cells are the sector codes (``001`` …);
    each data row starts with its sector code (and name); row ``total_row`` (BPS: 210, *jumlah input*)
    holds each sector's total input. ``concordance`` (CSV ``io_code,kbli_division``) maps BPS sectors to
    KBLI divisions; sectors outside manufacturing are left out. Returns the coefficients
    a_ij = Σ Z_pq / Σ X_q (p in i, q in j) and each division's total input.
    """
    rows = _table_rows(table)
    conc = {_code(r["io_code"]): r["kbli_division"].strip().zfill(2) for r in _csv_dicts(concordance)}
    header_at = next((k for k, r in enumerate(rows) if sum(bool(_CODE.match(c)) for c in r[1:]) >= 2), None)
    if header_at is None:
        raise DomainError("ecosystem.io.no_header", field="table")
    header = rows[header_at]
    columns = {k: _code(c) for k, c in enumerate(header) if k > 0 and _CODE.match(c)}
    flows: Matrix = {}
    totals: dict[str, float] = {}
    for r in rows[header_at + 1 :]:
        if not r or not _CODE.match(r[0].strip()):
            continue
        code = _code(r[0])
        for k, col in columns.items():
            j = conc.get(col)
            if j is None or k >= len(r):
                continue
            value = _number(r[k])
            if code == _code(total_row):
                totals[j] = totals.get(j, 0.0) + value
            elif (i := conc.get(code)) is not None:
                flows[(i, j)] = flows.get((i, j), 0.0) + value
    if not totals:
        raise DomainError("ecosystem.io.no_total_row", field="table", value=total_row)
    matrix = {(i, j): v / totals[j] for (i, j), v in flows.items() if totals.get(j, 0) > 0 and v > 0}
    return matrix, totals


def _code(text: str) -> str:
    return str(int(text.strip())) if text.strip().isdigit() else text.strip()


def _number(text: str) -> float:
    t = text.strip().replace(" ", "")
    if not t or t == "-":
        return 0.0
    if "," in t and "." in t:  # Indonesian 1.234,5
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        t = t.replace(",", ".") if t.count(",") == 1 and len(t.split(",")[1]) != 3 else t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return 0.0


def _csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _table_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() == ".xlsx":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return [[_cell(c) for c in row] for row in sheet]
    with path.open(encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return [list(r) for r in csv.reader(fh, delimiter=delimiter)]


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)

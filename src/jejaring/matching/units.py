"""Quantities: units to a base unit per dimension, periods to per-month figures."""

from __future__ import annotations

from dataclasses import dataclass

from jejaring.matching.text import fold

# unit → (dimension, factor to the base unit of that dimension)
_UNITS: dict[str, tuple[str, float]] = {
    "g": ("mass", 0.001),
    "gram": ("mass", 0.001),
    "kg": ("mass", 1.0),
    "kilogram": ("mass", 1.0),
    "kilo": ("mass", 1.0),
    "kuintal": ("mass", 100.0),
    "kwintal": ("mass", 100.0),
    "ton": ("mass", 1000.0),
    "tonne": ("mass", 1000.0),
    "t": ("mass", 1000.0),
    "ml": ("volume", 0.001),
    "l": ("volume", 1.0),
    "liter": ("volume", 1.0),
    "litre": ("volume", 1.0),
    "m3": ("volume", 1000.0),
    "kiloliter": ("volume", 1000.0),
    "m": ("length", 1.0),
    "meter": ("length", 1.0),
    "yard": ("length", 0.9144),
    "m2": ("area", 1.0),
    "meter persegi": ("area", 1.0),
    "pcs": ("count", 1.0),
    "pc": ("count", 1.0),
    "piece": ("count", 1.0),
    "pieces": ("count", 1.0),
    "buah": ("count", 1.0),
    "biji": ("count", 1.0),
    "unit": ("count", 1.0),
    "units": ("count", 1.0),
    "lembar": ("sheet", 1.0),
    "helai": ("sheet", 1.0),
    "potong": ("count", 1.0),
    "pasang": ("pair", 1.0),
    "pair": ("pair", 1.0),
    "pairs": ("pair", 1.0),
    "kodi": ("count", 20.0),
    "lusin": ("count", 12.0),
    "dozen": ("count", 12.0),
    "set": ("set", 1.0),
    "sets": ("set", 1.0),
    "stel": ("set", 1.0),
    "bungkus": ("pack", 1.0),
    "pack": ("pack", 1.0),
    "pak": ("pack", 1.0),
    "botol": ("bottle", 1.0),
    "bottle": ("bottle", 1.0),
    "karung": ("sack", 1.0),
    "sak": ("sack", 1.0),
    "m3 kayu": ("volume", 1000.0),
}
_PER_MONTH = {"sekali": 1.0, "minggu": 52.0 / 12.0, "bulan": 1.0, "tahun": 1.0 / 12.0}


@dataclass(frozen=True)
class Quantity:
    """An amount in the base unit of its dimension (kg, l, m, m², pieces, …)."""

    amount: float
    dimension: str


def unit_info(unit: str | None) -> tuple[str, float] | None:
    """(dimension, factor) of a unit name, or None when unknown."""
    if not unit:
        return None
    key = fold(unit)
    if key in _UNITS:
        return _UNITS[key]
    if key.endswith("s") and key[:-1] in _UNITS:
        return _UNITS[key[:-1]]
    return None


def to_base(amount: float | None, unit: str | None) -> Quantity | None:
    """The amount in its dimension's base unit; an unknown unit keeps its own name as dimension."""
    if amount is None:
        return None
    info = unit_info(unit)
    if info is None:
        return Quantity(float(amount), "unit:" + fold(unit or ""))
    return Quantity(float(amount) * info[1], info[0])


def unit_price(price: float | None, unit: str | None) -> Quantity | None:
    """A price per ``unit`` (Rupiah) as a price per base unit of its dimension (Rp 5.000/kg → Rp 5/g)."""
    if price is None:
        return None
    one = to_base(1.0, unit)
    return Quantity(price / one.amount, one.dimension) if one and one.amount > 0 else None


def per_month(amount: float | None, period: str | None) -> float | None:
    """A quantity per period expressed per month (a one-off quantity counts as one month)."""
    if amount is None:
        return None
    return float(amount) * _PER_MONTH.get(period or "bulan", 1.0)


def comparable(a: Quantity | None, b: Quantity | None) -> bool:
    """Whether two quantities can be compared (same dimension)."""
    return a is not None and b is not None and a.dimension == b.dimension

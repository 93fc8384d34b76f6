"""Numbers as people type them in forms: Indonesian first, English second."""

from __future__ import annotations

import pytest

from jejaring.core.numbers import parse_int, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("300.000.000", 300_000_000),
        ("Rp 1.500.000,-", 1_500_000),
        ("Rp1.500.000,50", 1_500_000.5),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("1.250", 1250),
        ("300,000,000", 300_000_000),
        ("-6,8401", -6.8401),
        (" 12 ", 12),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["tiga", "1.2.3", "12,34,56", "1e5"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_int_refuses_fractions() -> None:
    assert parse_int("1.000") == 1000
    with pytest.raises(ValueError):
        parse_int("2,5")

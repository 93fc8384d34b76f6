"""Reading rendered HTML in tests: one element's attribute, failing the test (not a type check) when it is missing."""

from __future__ import annotations

from bs4 import Tag


def attr(root: Tag, selector: str, name: str) -> str:
    """The attribute ``name`` of the element ``selector`` finds first under ``root``."""
    element = root.select_one(selector)
    assert element is not None, f"nothing matches {selector!r}"
    value = element.get(name)
    assert isinstance(value, str), f"{selector!r} has no attribute {name!r}"
    return value

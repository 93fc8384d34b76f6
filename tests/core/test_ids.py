"""Public IDs: every kind has its own prefix, and every place that issues an ID takes it from ``IdPrefix``."""

from __future__ import annotations

import ast
from pathlib import Path

from jejaring.core.ids import IdPrefix, canonical_public_id, is_valid_public_id, new_public_id, new_public_ids

SRC = Path(__file__).resolve().parents[2] / "src" / "jejaring"
ISSUERS = {"new_public_id", "new_public_ids", "_unique_id", "_unique_public_id"}


def test_every_kind_has_a_distinct_prefix() -> None:
    prefixes = [member.value for member in IdPrefix.__members__.values()]  # aliases included
    assert len(prefixes) == len(set(prefixes)), prefixes
    assert all(len(p) == 1 and p.isupper() for p in prefixes)


def _literal_prefixes() -> list[str]:
    """Calls that issue a public ID with a prefix typed as a string instead of an ``IdPrefix`` member."""
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in ISSUERS:
                continue
            args = list(node.args) + [k.value for k in node.keywords if k.arg == "prefix"]
            if any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_ids_are_issued_with_a_declared_prefix() -> None:
    assert _literal_prefixes() == []


def test_legacy_offer_prefix_is_read_as_the_current_one() -> None:
    pid = new_public_id(IdPrefix.OFFER)
    assert pid.startswith("O-") and is_valid_public_id(pid)
    assert canonical_public_id(" p" + pid[1:].lower(), IdPrefix.OFFER) == pid
    # a programme keeps "P": the legacy reading applies to offers only
    programme = new_public_id(IdPrefix.PROGRAMME)
    assert canonical_public_id(programme, IdPrefix.PROGRAMME) == programme
    assert canonical_public_id("K-7K3M9QX2-P", IdPrefix.OFFER) == "K-7K3M9QX2-P"
    assert all(i.startswith("S-") and is_valid_public_id(i) for i in new_public_ids(5, IdPrefix.SENTRA))

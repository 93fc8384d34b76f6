"""Public identifiers with a check character, in the spirit of Open Supply Hub's OS ID.

Form: ``<prefix>-<8 Crockford base-32 characters>-<check>``, e.g. ``F-7K3M9QX2-P``. The check
character follows ISO 7064 MOD 37-2, so any single mistyped character and any swap of two
neighbouring characters is detected. IDs are random (not sequential) and never reused.
"""

from __future__ import annotations

import secrets
from enum import StrEnum, unique

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base-32: no I, L, O, U
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"  # ISO 7064 MOD 37-2 symbols
_BODY_LEN = 8


@unique
class IdPrefix(StrEnum):
    """The prefix of each kind of public ID: one letter a kind, never shared (``@unique`` refuses a repeat)."""

    FIRM = "F"
    SENTRA = "S"
    CLAIM = "C"
    NEED = "N"
    OFFER = "O"
    PROPOSAL = "U"
    PARTNERSHIP = "K"
    PROGRAMME = "P"
    EVENT = "E"
    MEETING_REQUEST = "Q"
    MEETING = "T"


# Prefixes issued earlier for a kind: offers were "P-…" (as programmes are) until the prefixes became distinct.
LEGACY_PREFIXES: dict[IdPrefix, tuple[str, ...]] = {IdPrefix.OFFER: ("P",)}


def canonical_public_id(value: str, kind: IdPrefix) -> str:
    """``value`` normalised, with a legacy prefix of ``kind`` replaced by the current one (old links keep working).

    The check character covers the body only, so ``P-7K3M9QX2-P`` and ``O-7K3M9QX2-P`` are the same offer.
    """
    pid = value.strip().upper()
    head, sep, rest = pid.partition("-")
    if sep and head in LEGACY_PREFIXES.get(kind, ()):
        return f"{kind.value}-{rest}"
    return pid


def check_char(body: str) -> str:
    """The ISO 7064 MOD 37-2 check character of ``body``."""
    total = 0
    for ch in body:
        total = ((total + ALPHABET.index(ch)) * 2) % 37
    return CHECK_ALPHABET[(38 - total) % 37]


def new_public_id(prefix: IdPrefix = IdPrefix.FIRM) -> str:
    """A fresh random public ID such as ``F-7K3M9QX2-P``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY_LEN))
    return f"{prefix}-{body}-{check_char(body)}"


def is_valid_public_id(value: str) -> bool:
    """True when ``value`` is well formed and its check character matches."""
    parts = value.strip().upper().split("-")
    if len(parts) != 3 or len(parts[1]) != _BODY_LEN or len(parts[2]) != 1:
        return False
    body = parts[1]
    if any(ch not in ALPHABET for ch in body):
        return False
    return check_char(body) == parts[2]


def new_public_ids(n: int, prefix: IdPrefix = IdPrefix.FIRM) -> list[str]:
    """``n`` random public IDs with their ISO 7064 MOD 37-2 check character (vectorised)."""
    rng = np.random.default_rng()
    body = rng.integers(0, len(ALPHABET), size=(n, 8))
    total = np.zeros(n, dtype=np.int64)
    for k in range(8):
        total = ((total + body[:, k]) * 2) % 37
    check = (38 - total) % 37
    # one fixed-width byte string per ID: prefix, "-", eight body characters, "-", check character
    out = np.empty((n, len(prefix) + 11), dtype=np.uint8)
    out[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    out[:, len(prefix)] = out[:, len(prefix) + 9] = ord("-")
    out[:, len(prefix) + 1 : len(prefix) + 9] = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)[body]
    out[:, len(prefix) + 10] = np.frombuffer(CHECK_ALPHABET.encode("ascii"), dtype=np.uint8)[check]
    return out.view(f"S{out.shape[1]}").ravel().astype(f"U{out.shape[1]}").tolist()

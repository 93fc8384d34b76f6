"""Statuses of the accounts domain: firm claims."""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    """An owner's claim on a firm, decided by the province's officer."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

"""Statuses of matching's listings (needs and offers) and proposals."""

from __future__ import annotations

from enum import StrEnum


class ListingStatus(StrEnum):
    """A need or an offer: open to matches, or closed."""

    OPEN = "open"
    CLOSED = "closed"


class ProposalStatus(StrEnum):
    """A proposal made from a match ("Usulkan kemitraan")."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

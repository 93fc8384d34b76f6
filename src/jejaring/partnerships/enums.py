"""Statuses of a partnership (kemitraan, PP 7/2021), in the users' words."""

from __future__ import annotations

from enum import StrEnum


class PartnershipStatus(StrEnum):
    """Where a partnership stands: proposed, negotiating, agreed, active, finished or stopped."""

    USULAN = "usulan"  # proposed
    NEGOSIASI = "negosiasi"  # negotiating the agreement
    DISEPAKATI = "disepakati"  # both parties signed
    AKTIF = "aktif"  # orders and deliveries under way
    SELESAI = "selesai"  # finished as agreed
    DIHENTIKAN = "dihentikan"  # stopped early (needs a note)


class MemberRole(StrEnum):
    """A consortium member's place: the lead (carries the coordination) or a member."""

    LEAD = "lead"
    MEMBER = "member"


class AttachmentTarget(StrEnum):
    """What a file is attached to."""

    ORDER = "order"
    DELIVERY = "delivery"
    INVOICE = "invoice"
    PAYMENT = "payment"


FINAL = frozenset({PartnershipStatus.SELESAI, PartnershipStatus.DIHENTIKAN})
EDITABLE = (PartnershipStatus.USULAN, PartnershipStatus.NEGOSIASI)  # the agreement may still change
REALISED = (PartnershipStatus.AKTIF, PartnershipStatus.SELESAI)  # counts as a track record

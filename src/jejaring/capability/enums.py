"""Statuses and kinds of the capability domain."""

from __future__ import annotations

from enum import StrEnum


class Pillar(StrEnum):
    """The three pillars of the ITC SME Competitiveness Grid."""

    COMPETE = "compete"
    CONNECT = "connect"
    CHANGE = "change"


class CriterionKind(StrEnum):
    """How a criterion is answered."""

    BOOL = "bool"  # 0 or 1
    SCALE = "scale"  # 0 to 4


class AssessorKind(StrEnum):
    """Who filled an assessment."""

    SELF = "self"  # the owner (self-assessment)
    OFFICER = "officer"  # an officer of the province (or an admin)
    SYNTHETIC = "synthetic"  # demo data


class TargetKind(StrEnum):
    """What a target profile comes from."""

    NEED = "need"  # a buyer's need (matching)
    PATTERN = "pattern"  # a PP 7/2021 partnership pattern
    MARKET = "market"  # a product group × market region


class ProgrammeStatus(StrEnum):
    """Life of a programme."""

    PLANNED = "planned"
    RUNNING = "running"
    CLOSED = "closed"


class EnrolmentStatus(StrEnum):
    """Life of one firm's place in a programme."""

    SELECTED = "selected"
    PARTICIPATING = "participating"
    COMPLETED = "completed"
    DROPPED = "dropped"

"""Statuses of entity resolution's candidate pairs and runs."""

from __future__ import annotations

from enum import StrEnum


class CandidateStatus(StrEnum):
    """A scored pair of firm records: waiting for review, decided by a reviewer, or merged automatically."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    AUTO_MERGED = "auto_merged"


class RunStatus(StrEnum):
    """A resolution run."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

"""Statuses of intake's import jobs and quarantined rows."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """An import job."""

    NEEDS_MAPPING = "needs_mapping"  # unmapped headers wait for the uploader
    QUEUED = "queued"
    RUNNING = "running"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the process died; resumable from the last committed batch
    DONE = "done"
    FAILED = "failed"  # a fatal file error (unreadable, limits); nothing imported


ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCEL_REQUESTED})


class QuarantineStatus(StrEnum):
    """A refused row: still to correct, or corrected and imported."""

    OPEN = "open"
    RESOLVED = "resolved"

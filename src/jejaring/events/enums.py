"""Statuses and kinds of the events domain (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class EventMode(StrEnum):
    """Where meetings take place."""

    TATAP_MUKA = "tatap_muka"  # in person, at tables
    DARING = "daring"  # online only
    HIBRIDA = "hibrida"  # both


class EventStatus(StrEnum):
    """An event's life: drafted, open for registration, schedule published, finished."""

    DRAF = "draf"
    PENDAFTARAN = "pendaftaran"
    TERJADWAL = "terjadwal"
    SELESAI = "selesai"


class ParticipantRole(StrEnum):
    """An ordinary participant, or a hosted buyer who receives meetings at a fixed booth."""

    PESERTA = "peserta"
    PEMBELI_TAMU = "pembeli_tamu"


class ParticipantStatus(StrEnum):
    """Invited by the organiser, registered, checked in on the day, or absent."""

    DIUNDANG = "diundang"
    TERDAFTAR = "terdaftar"
    HADIR = "hadir"
    TIDAK_HADIR = "tidak_hadir"


class RequestStatus(StrEnum):
    """A meeting request: waiting for the other party, accepted, declined, or expired unanswered."""

    MENUNGGU = "menunggu"
    DITERIMA = "diterima"
    DITOLAK = "ditolak"
    KEDALUWARSA = "kedaluwarsa"


class MeetingOutcome(StrEnum):
    """What came of a meeting."""

    MINAT = "minat"  # interest
    TINDAK_LANJUT = "tindak_lanjut"  # follow-up agreed
    TIDAK_ADA = "tidak_ada"  # none
    BATAL = "batal"  # did not take place: a party did not come


class EventZone(StrEnum):
    """Indonesia's three time zones, by their IANA names (none keeps daylight saving time)."""

    WIB = "Asia/Jakarta"  # UTC+7
    WITA = "Asia/Makassar"  # UTC+8
    WIT = "Asia/Jayapura"  # UTC+9

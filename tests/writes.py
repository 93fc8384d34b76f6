"""Writes the freshness and cache tests make as the CLI and services make them: an admin actor, a file imported
through intake, a firm looked up by name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from jejaring.accounts.roles import ADMIN, PEMILIK, Actor
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import jobs, service
from jejaring.partnerships import service as partnerships_service
from jejaring.partnerships.schemas import ProposalIn
from jejaring.registry.models import Firm

ADMIN_ACTOR = Actor(
    email="admin@contoh.go.id", name="Admin", role=ADMIN, scopes=frozenset({"read", "write"}), via="session"
)


def upload_as_cli(engine: Engine, settings: Settings, path: Path) -> None:
    """Import a file as the CLI does (no refresh of the rollups afterwards)."""
    with session_scope(engine) as s:
        job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir, office="32")
        assert not service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
        job_id = job.id
    assert jobs.run_job(engine, job_id, settings).status == "done"


def firm_named(engine: Engine, name: str) -> Firm:
    """The firm called ``name`` (detached)."""
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.name == name))
        assert firm is not None
        s.expunge(firm)
        return firm


def propose_as_owner(engine: Engine, one: Firm, two: Firm) -> None:
    """The owner of ``one`` proposes a subcontracting partnership to ``two``."""
    owner = Actor(
        role=PEMILIK,
        email="pemilik@contoh.id",
        firm_ids=frozenset({one.id}),
        scopes=frozenset({"read", "write"}),
        via="session",
    )
    proposal = ProposalIn(proposer_firm=one.public_id, partner_firm=two.public_id, pattern="subkontrak", title="Roti")
    with session_scope(engine) as s:
        partnerships_service.propose(s, actor=owner, data=proposal)

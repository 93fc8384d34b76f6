"""Fixtures for accounts tests: an app on a fresh database, and a small world with every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jejaring.accounts import security, tokens
from jejaring.accounts.models import Claim, FirmOwner, User
from jejaring.accounts.roles import PEMILIK, Actor, system_actor
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.intake.models import ImportJob, QuarantineRow
from jejaring.matching import service as matching_service
from jejaring.matching.schemas import NeedIn
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmCreate, SentraCreate
from jejaring.web.app import create_app
from tests.accounts.helpers import create_token, create_user

# Seeded personal data: none of these may appear where the viewer is not entitled to them.
PRIVATE_A = {
    "owner": "Siti Rahmawati Prasetyo",
    "phone": "081299887766",
    "email": "rahasia.siti@pemilik.example",
    "nib": "9120001234567",
}
PRIVATE_B = {
    "owner": "Wayan Sukadana Putra",
    "phone": "081388776655",
    "email": "rahasia.wayan@pemilik.example",
    "nib": "8120007654321",
}

PERSONAS = ("anonymous", "admin", "analis", "petugas_33", "petugas_51", "pemilik_a", "pemilik_lain", "penyelenggara")


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small parameters in tests (the production parameters are covered by test_policy)."""
    monkeypatch.setattr(security, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class World:
    """Users of every role, two firms with personal data (Jawa Tengah, Bali), a sentra and a pending claim."""

    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # persona -> write-scoped API token
    read_tokens: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)  # persona -> id of its read token
    firm_a: str = ""  # public id, Jepara (33.20), owned by pemilik_a
    firm_a_id: int = 0
    firm_b: str = ""  # public id, Badung (51.03), no owner
    sentra: str = ""
    claim: str = ""  # a pending claim of pemilik_lain on firm B
    job_id: int = 0  # an import job of the Jawa Tengah office (33), with one quarantined row
    row_id: int = 0
    need: str = ""  # a need posted by pemilik_lain without a firm


def _firm(name: str, regency: str, private: dict[str, str]) -> FirmCreate:
    return FirmCreate(
        name=name,
        regency_code=regency,
        kbli_code="31001",
        products="mebel kayu",
        workers=8,
        investment=250_000_000,
        nib=private["nib"],
        owner_name=private["owner"],
        phone=private["phone"],
        email=private["email"],
    )


@pytest.fixture
def world(engine: Engine) -> World:
    """Seed the world once per test database."""
    w = World()
    with session_scope(engine) as session:
        a = registry_service.create_firm(session, data=_firm("CV Mebel Ukir Jepara Uji", "33.20", PRIVATE_A))
        b = registry_service.create_firm(session, data=_firm("UD Ukiran Badung Uji", "51.03", PRIVATE_B))
        s = registry_service.create_sentra(session, data=SentraCreate(name="Sentra Ukir Uji", regency_code="33.20"))
        w.firm_a, w.firm_a_id, w.firm_b, w.sentra = a.public_id, a.id, b.public_id, s.public_id
        specs = {
            "admin": ("admin", None),
            "analis": ("analis", None),
            "petugas_33": ("petugas_dinas", "33"),
            "petugas_51": ("petugas_dinas", "51"),
            "pemilik_a": ("pemilik_usaha", None),
            "pemilik_lain": ("pemilik_usaha", None),
            "penyelenggara": ("penyelenggara_acara", None),
        }
        for persona, (role, province) in specs.items():
            user = create_user(session, role=role, province=province, email=f"{persona}@uji.example")
            w.users[persona] = user
            w.tokens[persona] = create_token(session, user=user, scopes=["read", "write"])
            w.read_tokens[persona] = create_token(session, user=user, scopes=["read"])
            w.token_ids[persona] = max(t.id for t in tokens.list_tokens(session, actor=system_actor("cli"), user=user))
        session.add(FirmOwner(user_id=w.users["pemilik_a"].id, firm_id=a.id))
        claim = Claim(
            public_id=new_public_id(IdPrefix.PARTNERSHIP),
            firm_id=b.id,
            user_id=w.users["pemilik_lain"].id,
            province_code="51",
            regency_code="51.03",
            status="pending",
            evidence_text="Saya pemilik usaha ini, NIB terlampir pada berkas.",
        )
        session.add(claim)
        job = ImportJob(status="done", office="33", uploaded_by="petugas_33@uji.example", file_name="f.csv")
        job.stored_path = ""
        session.add(job)
        session.flush()
        row = QuarantineRow(job_id=job.id, row_number=2, values='{"nama_usaha": "UD Uji"}', errors="[]")
        session.add(row)
        poster = Actor(
            role=PEMILIK, email="pemilik_lain@uji.example", scopes=frozenset({"read", "write"}), via="session"
        )
        need = matching_service.create_need(session, actor=poster, data=NeedIn(title="Butuh rotan 5 ton per bulan"))
        session.flush()
        w.claim, w.job_id, w.row_id, w.need = claim.public_id, job.id, row.id, need.public_id
        session.expunge_all()
    return w


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    """A test client of the real app on the fresh database."""
    with TestClient(create_app(settings)) as c:
        yield c

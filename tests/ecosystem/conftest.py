"""A small, hand-made ecosystem whose gaps are known before the finder runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jejaring.accounts.roles import system_actor
from jejaring.ecosystem import service
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm, Sentra
from jejaring.registry.schemas import FirmCreate, SentraCreate

MEDAN = (3.59, 98.67)


def firm(session: Session, name: str, regency: str, *, roles: tuple[str, ...] = ("ikm",), **extra: Any) -> Firm:
    """Register a firm (at the regency seat unless coordinates are given)."""
    return registry_service.create_firm(
        session, data=FirmCreate(name=name, roles=list(roles), regency_code=regency, **extra)
    )


def sentra(session: Session, name: str, regency: str, kbli: str, members: list[Firm]) -> Sentra:
    """Register a sentra with its members."""
    s = registry_service.create_sentra(
        session, data=SentraCreate(name=name, regency_code=regency, kbli_code=kbli, commodity=name)
    )
    for m in members:
        registry_service.add_sentra_member(session, sentra=s, firm=m)
    return s


def _link(
    f: Firm, kind: str, partner: Firm | None = None, name: str | None = None, value: int | None = None
) -> service.LinkIn:
    return service.LinkIn(
        firm_id=f.id,
        province_code=f.province_code,
        regency_code=f.regency_code,
        kind=kind,
        source="declared",
        partner_firm_id=partner.id if partner else None,
        partner_name=name,
        partner_regency_code=partner.regency_code if partner else "33.75",
        value_per_year=value,
    )


def build_world(session: Session) -> dict[str, str]:
    """Three cities with gaps worked out by hand (see test_gaps.py)."""
    g = 1_000_000_000
    # Kota Pekalongan: a batik sentra (KBLI 13) of 3 IKM + 2 other IKM; cloth and dye suppliers only in Medan.
    batik = [firm(session, f"Batik {i}", "33.75", kbli_code="13134", production_value=g) for i in range(3)]
    others = [firm(session, f"Tahu {i}", "33.75") for i in range(2)]
    firm(
        session,
        "Kain Medan",
        "12.71",
        roles=("pemasok_bahan_baku",),
        kbli_code="13112",
        latitude=MEDAN[0],
        longitude=MEDAN[1],
    )
    firm(
        session,
        "Servis Medan",
        "12.71",
        roles=("layanan_purna_jual",),
        kbli_code="33121",
        latitude=MEDAN[0],
        longitude=MEDAN[1],
    )
    s_a = sentra(session, "Sentra Batik Kauman", "33.75", "13134", batik)
    # Kota Bandung: an apparel sentra (KBLI 14) with a local cloth supplier and a local repair service.
    konveksi = [firm(session, f"Konveksi {i}", "32.73", kbli_code="14111", production_value=g) for i in range(3)]
    kain = firm(session, "Kain Bandung", "32.73", roles=("pemasok_bahan_baku",), kbli_code="13112")
    firm(session, "Servis Bandung", "32.73", roles=("layanan_purna_jual",))
    dist = firm(session, "Distributor Bandung", "32.73", roles=("distributor",))
    s_b = sentra(session, "Sentra Konveksi Cigondewah", "32.73", "14111", konveksi)
    # Kota Semarang: two IKM linked to nobody but one financier.
    koperasi = firm(session, "Koperasi Semarang", "33.74", roles=("lembaga_keuangan",))
    semarang = [firm(session, f"Semarang {i}", "33.74") for i in range(2)]
    links = [_link(m, "bahan_baku", name=f"Pedagang Kain {i}", value=10**8) for i, m in enumerate(batik)]
    links += [_link(m, "bahan_baku", kain, value=10**8) for m in konveksi]
    links += [_link(m, "pemasaran_perdagangan", dist, value=2 * 10**8) for m in konveksi]
    links += [_link(m, "pembiayaan", koperasi) for m in semarang]
    service.declare_links(session, actor=system_actor(), links=links)
    assert others
    return {"a": s_a.public_id, "b": s_b.public_id, "konveksi": konveksi[0].public_id}

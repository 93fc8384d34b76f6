"""A first draft of the agreement, filled from the registry and the PP 7/2021 pattern (the parties edit it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from jejaring.accounts.authz import can_see_private
from jejaring.accounts.roles import Actor
from jejaring.partnerships import agreement, consortium, service
from jejaring.partnerships.models import Partnership
from jejaring.reference import catalog, wilayah

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


def identity(firm: Firm, *, with_private: bool) -> str:
    """A party's identity as an agreement states it: name, address, regency and province, NIB when visible."""
    parts = [firm.name]
    if firm.address:
        parts.append(firm.address)
    reg = wilayah.regency(firm.regency_code)
    prov = wilayah.province(firm.province_code)
    parts += [x["name"] for x in (reg, prov) if x]
    if with_private and firm.nib:
        parts.append(f"NIB {firm.nib}")
    if with_private and firm.private and firm.private.owner_name:
        parts.append(f"diwakili oleh {firm.private.owner_name}")
    return ", ".join(parts)


def _consortium_identities(session: Session, actor: Actor, partnership: Partnership) -> str:
    """A consortium's parties, lead first, each with its role and share (empty for a two-party partnership)."""
    lines = []
    for i, s in enumerate((s for s in consortium.signatories(session, partnership) if s.role), start=1):
        role = "ketua konsorsium" if s.role == "lead" else "anggota konsorsium"
        share = f"{s.share:,.0f}".replace(",", ".") if s.share is not None else "-"
        who = identity(s.firm, with_private=can_see_private(actor, s.firm))
        lines.append(f"{i}. {who} — {role}, bagian {share} {s.unit or ''}".rstrip())
    return "\n".join(lines)


def draft(session: Session, *, actor: Actor, partnership: Partnership) -> dict[str, Any]:
    """Suggested contents for every empty mandatory clause (nothing is saved until a party saves the form)."""
    larger, smaller = service.parties(session, partnership)
    pattern = next((p for p in catalog.partnership_patterns() if p["code"] == partnership.pattern_code), None)
    items = agreement.checklists().get(partnership.pattern_code, [])
    duties = "\n".join(f"- {i['text_id']}" for i in items)
    return {
        "identity_larger": identity(larger, with_private=can_see_private(actor, larger)),
        "identity_smaller": _consortium_identities(session, actor, partnership)
        or identity(smaller, with_private=can_see_private(actor, smaller)),
        "business_activity": (
            f"Kemitraan pola {pattern['name_id']} untuk: {partnership.title}. {pattern['description_id']}"
            if pattern
            else partnership.title
        ),
        "rights_obligations": duties
        + ("\n" if duties else "")
        + "- Pihak Usaha Mikro/Kecil memasok sesuai mutu, jumlah dan waktu yang disepakati dalam pesanan."
        + "\n- Pihak Usaha Menengah/Besar membayar tepat waktu sesuai jangka pembayaran.",
        "development_form": "Pembinaan mutu produksi, pendampingan teknis dan manajemen, serta akses pasar"
        " (PP 7/2021 Pasal 106).",
        "duration_months": 12,
        "payment_period_days": 30,
        "payment_mechanism": "Transfer bank ke rekening pihak penjual paling lambat sesuai jangka pembayaran"
        " sejak faktur dan BAST diterima.",
        "dispute_settlement": "Musyawarah untuk mufakat; bila tidak tercapai dalam 30 hari, melalui mediasi"
        " Dinas Perindustrian setempat, dan selanjutnya Pengadilan Negeri di domisili pihak Usaha Kecil.",
    }

"""The printed agreement: the same contents as the print page, as a PDF (fpdf2, core fonts, A4)."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from jejaring.core.dates import long_date
from jejaring.core.i18n import translate
from jejaring.reference import wilayah

CLAUSES = (
    "identity_larger",
    "identity_smaller",
    "business_activity",
    "rights_obligations",
    "development_form",
    "payment_mechanism",
    "dispute_settlement",
)
# The core PDF fonts are Latin-1: the few typographic characters we use are written in plain letters.
_PLAIN = str.maketrans(
    {
        "…": "...",
        "–": "-",
        "—": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "☑": "[x]",
        "☐": "[ ]",
        "×": "x",
        "\u2009": " ",
    }
)


def _latin(text: object) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def place_of(smaller: Any) -> str:
    """Where the agreement is made: the IKM party's regency or city."""
    reg = wilayah.regency(smaller.regency_code)
    name = reg["name"] if reg else ""
    for prefix in ("Kabupaten ", "Kota "):
        name = name.removeprefix(prefix)
    return name


def agreement_pdf(ctx: dict[str, Any]) -> bytes:
    """A4 PDF of the agreement in ``ctx`` (the print page's context)."""
    p, ag, smaller, pattern = ctx["p"], ctx["ag"], ctx["smaller"], ctx["pattern"]
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_title(_latin(f"Perjanjian Kemitraan {p.public_id}"))
    pdf.set_font("Times", "B", 14)
    pdf.multi_cell(0, 7, "PERJANJIAN KEMITRAAN", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Times", "", 11)
    pdf.multi_cell(
        0,
        6,
        _latin(f"Pola {pattern.get('name_id', p.pattern_code)} - PP 7/2021"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(0, 6, _latin(f"{p.public_id} - {p.title}"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    def clause(label: str, text: object) -> None:
        pdf.set_font("Times", "B", 11)
        pdf.multi_cell(0, 6, _latin(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Times", "", 11)
        pdf.multi_cell(0, 6, _latin(text if text not in (None, "") else "..."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    for f in CLAUSES[:5]:
        clause(translate(f"partnerships.field.{f}", "id"), getattr(ag, f) if ag else None)
    clause(translate("partnerships.field.start_date", "id"), long_date(ag.start_date) if ag else None)
    clause(translate("partnerships.field.duration_months", "id"), ag.duration_months if ag else None)
    clause(translate("partnerships.field.payment_period_days", "id"), ag.payment_period_days if ag else None)
    for f in CLAUSES[5:]:
        clause(translate(f"partnerships.field.{f}", "id"), getattr(ag, f) if ag else None)
    items = "\n".join(("[x] " if i["item"] in ctx["ticked"] else "[ ] ") + i["text_id"] for i in ctx["checklist"])
    clause(translate("partnerships.checklist", "id"), items)
    clause(
        translate("partnerships.field.independence_declared", "id"), "[x]" if ag and ag.independence_declared else "[ ]"
    )
    pdf.ln(4)
    signers = ctx["signatories"]
    when = long_date(ctx["signed_on"]) if ctx.get("signed_on") else "..................."
    pdf.multi_cell(0, 6, _latin(f"{place_of(smaller)}, {when}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    width = (pdf.w - 40) / 2
    for row in range(0, len(signers), 2):
        if pdf.get_y() > pdf.h - 80:
            pdf.add_page()
        y = pdf.get_y()
        for i, s in enumerate(signers[row : row + 2]):
            _signature_block(pdf, s, 20 + i * width, y, width, first=row + i == 0)
        pdf.set_xy(20, y + 58)
    return bytes(pdf.output())


def _signature_block(pdf: FPDF, s: Any, x: float, y: float, width: float, *, first: bool) -> None:
    """One party's signature block: its place, firm, the meterai line (first party), name, title and date."""
    side = {"larger": "first_party", "smaller": "second_party"}.get(s.side, "member_party")
    label = translate(f"partnerships.print.{side}", "id")
    if s.role:
        share = f", {s.share:g} {s.unit}" if s.share else ""
        label += f" ({translate('partnerships.ui.role.' + s.role, 'id')}{share})"
    pdf.set_xy(x, y)
    pdf.set_font("Times", "", 10)
    pdf.multi_cell(width - 5, 5, _latin(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font("Times", "B", 11)
    pdf.multi_cell(width - 5, 6, _latin(s.firm.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font("Times", "", 9)
    meterai = translate("partnerships.print.meterai", "id") if first else ""
    pdf.multi_cell(width - 5, 5, _latin(meterai), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(x, y + 34)
    pdf.set_font("Times", "", 11)
    name = s.signer_name or "......................."
    pdf.multi_cell(width - 5, 6, _latin(f"({name})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.multi_cell(width - 5, 6, _latin(s.signer_title or ""), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.multi_cell(
        width - 5, 6, _latin(long_date(s.signed_at) if s.signed_at else ""), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )

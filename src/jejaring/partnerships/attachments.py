"""Files attached to orders, deliveries (BAST scans), invoices and payments.

An upload is kept first (``keep``: checked for size and kind by its first bytes, written under
``data_dir/partnerships/files`` named by its SHA-256, with a receipt naming the uploader), and only then is the
form processed; a refused form shows the kept file's name and sends its receipt again, so nothing a user
uploads is lost. ``attach`` (a party, audited) links a kept file to the order, delivery, invoice or payment.
Only the parties list and download the files. The web forms, the JSON API and the CLI all go through ``keep``
and ``attach``; ``parse_target``, ``for_party`` and ``for_download`` serve all three.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import Actor
from jejaring.core.config import Settings
from jejaring.core.errors import DomainError, NotFound
from jejaring.partnerships import access, ledger
from jejaring.partnerships.enums import AttachmentTarget
from jejaring.partnerships.models import Attachment, Delivery, Invoice, Partnership, Payment, PurchaseOrder

# Only these kinds, recognised by their first bytes, not by the name the user gave.
KINDS = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
_RECEIPT = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
FIELD = "attachment"


@dataclass(frozen=True)
class Kept:
    """A kept upload: the receipt that names it in a later request, its safe name, kind, size and digest."""

    receipt: str
    filename: str
    content_type: str
    size: int
    sha256: str
    path: str  # relative to data_dir


def _root(settings: Settings) -> Path:
    return Path(settings.data_dir) / "partnerships"


def _write_once(path: Path, content: bytes) -> None:
    """Write atomically (a temporary file, then a rename), so a half-written file never takes the name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return
    tmp = path.with_suffix(path.suffix + f".{secrets.token_hex(4)}.part")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def keep(settings: Settings, *, uploader: str, filename: str, content: bytes) -> Kept:
    """Check and keep an upload before the form is processed; refuse (naming the field) what is too large or
    not a PDF, JPEG or PNG."""
    limit = settings.partnership_attachment_max_mb
    if len(content) > limit * 1024 * 1024:
        raise DomainError("partnerships.error.attachment_too_large", field=FIELD, name=filename, mb=limit)
    if not content:
        raise DomainError("partnerships.error.attachment_empty", field=FIELD, name=filename)
    kind = next((k for magic, k in KINDS.items() if content.startswith(magic)), None)
    if kind is None:
        raise DomainError("partnerships.error.attachment_type", field=FIELD, name=filename)
    content_type, suffix = kind
    digest = hashlib.sha256(content).hexdigest()
    rel = Path("partnerships") / "files" / digest[:2] / f"{digest}{suffix}"
    _write_once(Path(settings.data_dir) / rel, content)
    safe = (_SAFE_NAME.sub("_", Path(filename).name).strip() or f"lampiran{suffix}")[:200]
    kept = Kept(secrets.token_urlsafe(24), safe, content_type, len(content), digest, str(rel))
    receipt = {**kept.__dict__, "uploader": uploader}
    _write_once(_root(settings) / "receipts" / f"{kept.receipt}.json", json.dumps(receipt).encode())
    return kept


def kept(settings: Settings, *, uploader: str, receipt: str) -> Kept | None:
    """The upload a receipt names, when it was kept for this uploader (None otherwise)."""
    if not _RECEIPT.match(receipt):
        return None
    path = _root(settings) / "receipts" / f"{receipt}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    if data.pop("uploader", None) != uploader:
        return None
    return Kept(**data)


def _target_partnership_id(session: Session, kind: str, target_id: int) -> int | None:
    if kind == AttachmentTarget.ORDER:
        order = session.get(PurchaseOrder, target_id)
    elif kind == AttachmentTarget.DELIVERY:
        d = session.get(Delivery, target_id)
        order = session.get(PurchaseOrder, d.order_id) if d else None
    elif kind == AttachmentTarget.INVOICE:
        i = session.get(Invoice, target_id)
        order = session.get(PurchaseOrder, i.order_id) if i else None
    elif kind == AttachmentTarget.PAYMENT:
        pay = session.get(Payment, target_id)
        inv = session.get(Invoice, pay.invoice_id) if pay else None
        order = session.get(PurchaseOrder, inv.order_id) if inv else None
    else:
        return None
    return order.partnership_id if order else None


def attach(
    session: Session, *, actor: Actor, partnership: Partnership, kind: str, target_id: int, file: Kept
) -> Attachment:
    """A party links a kept upload to an order, delivery, invoice or payment of this partnership."""
    firm_id = access.require_party(actor, partnership, members=True)
    if _target_partnership_id(session, kind, target_id) != partnership.id:
        raise NotFound("partnerships.error.attachment_target", field="target", value=f"{kind} {target_id}")
    row = Attachment(
        partnership_id=partnership.id,
        target_kind=kind,
        target_id=target_id,
        filename=file.filename,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        stored_path=file.path,
        uploaded_by=actor.label,
        firm_id=firm_id,
    )
    after = {"kind": kind, "target": target_id, "filename": file.filename, "size": file.size, "sha256": file.sha256}
    ledger.record_entry(
        session, actor, partnership, firm_id, row, kind="attachment", after=after, filename=file.filename
    )
    return row


def parse_target(value: str) -> tuple[str, int]:
    """``"delivery:12"`` → (kind, id); refused, naming the field, when the kind or the number is wrong."""
    kind, _, target = value.strip().partition(":")
    if kind not in set(AttachmentTarget) or not target.isdigit():
        raise DomainError("partnerships.error.attachment_target", field="target", value=value)
    return kind, int(target)


def as_dict(row: Attachment) -> dict[str, object]:
    """An attachment as JSON (no stored path)."""
    return {
        "id": row.id,
        "target": f"{row.target_kind}:{row.target_id}",
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "created_at": row.created_at.isoformat(),
    }


def for_party(session: Session, actor: Actor, partnership: Partnership) -> list[Attachment]:
    """The partnership's files, for its parties only (others: not found)."""
    if access.signatory_firm_id(actor, partnership) is None:
        raise NotFound("partnerships.error.attachment_not_found", field="attachment", value=partnership.public_id)
    stmt = select(Attachment).where(Attachment.partnership_id == partnership.id).order_by(Attachment.id)
    return list(session.scalars(stmt))


def by_target(session: Session, partnership: Partnership) -> dict[tuple[str, int], list[Attachment]]:
    """The partnership's files keyed by (target kind, target id)."""
    out: dict[tuple[str, int], list[Attachment]] = {}
    stmt = select(Attachment).where(Attachment.partnership_id == partnership.id).order_by(Attachment.id)
    for a in session.scalars(stmt):
        out.setdefault((a.target_kind, a.target_id), []).append(a)
    return out


def for_download(
    session: Session, settings: Settings, actor: Actor, partnership: Partnership, attachment_id: int
) -> tuple[Attachment, Path]:
    """A file of this partnership and where it is, for its parties only (others: not found)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.partnership_id != partnership.id or access.signatory_firm_id(actor, partnership) is None:
        raise NotFound("partnerships.error.attachment_not_found", field="attachment", value=attachment_id)
    path = Path(settings.data_dir) / row.stored_path
    if not path.is_file():
        raise NotFound("partnerships.error.attachment_not_found", field="attachment", value=attachment_id)
    return row, path

"""Partnership tables: the partnership and its agreement, history, orders, deliveries (BAST),
invoices, payments, evaluations and in-app notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.partnerships.enums import PartnershipStatus


class Partnership(Base):
    """A kemitraan between a larger party (mitra besar) and a smaller party (IKM)."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    pattern_code: Mapped[str] = mapped_column(ForeignKey("ref_partnership_pattern.code"))
    larger_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    smaller_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    proposer_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    status: Mapped[str] = mapped_column(String(12), default=PartnershipStatus.USULAN, index=True)
    origin: Mapped[str] = mapped_column(String(20), default="direct")  # direct | match
    origin_ref: Mapped[str | None] = mapped_column(String(100))  # e.g. the need's public ID
    programme: Mapped[str | None] = mapped_column(String(200))  # programme or business-matching event
    province_code: Mapped[str] = mapped_column(String(2), index=True)  # of the smaller party
    proposal_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agreement: Mapped[Agreement | None] = relationship(back_populates="partnership", uselist=False)
    history: Mapped[list[StatusChange]] = relationship(order_by="StatusChange.id")
    orders: Mapped[list[PurchaseOrder]] = relationship(order_by="PurchaseOrder.id")
    members: Mapped[list[ConsortiumMember]] = relationship(order_by="ConsortiumMember.id")


class Agreement(Base):
    """The written agreement (perjanjian kemitraan) with its mandatory contents."""

    __tablename__ = "partnership_agreement"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True)
    identity_larger: Mapped[str | None] = mapped_column(Text)
    identity_smaller: Mapped[str | None] = mapped_column(Text)
    business_activity: Mapped[str | None] = mapped_column(Text)
    rights_obligations: Mapped[str | None] = mapped_column(Text)
    development_form: Mapped[str | None] = mapped_column(Text)  # bentuk pengembangan
    start_date: Mapped[date | None] = mapped_column(Date)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    payment_period_days: Mapped[int | None] = mapped_column(Integer)
    payment_mechanism: Mapped[str | None] = mapped_column(Text)
    dispute_settlement: Mapped[str | None] = mapped_column(Text)
    checklist: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of ticked pattern items
    independence_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    independence_flags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of reasons
    bilingual: Mapped[bool] = mapped_column(Boolean, default=False)
    text_en: Mapped[str | None] = mapped_column(Text)  # English version when a party is foreign
    signed_larger_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_smaller_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signer_larger_name: Mapped[str | None] = mapped_column(String(200))
    signer_larger_title: Mapped[str | None] = mapped_column(String(200))
    signer_smaller_name: Mapped[str | None] = mapped_column(String(200))
    signer_smaller_title: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="agreement")


class StatusChange(Base):
    """One transition of a partnership, by whom and why."""

    __tablename__ = "partnership_status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(255))
    party_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PurchaseOrder(Base):
    """A purchase order under an active partnership."""

    __tablename__ = "partnership_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[int] = mapped_column(BigInteger)  # Rupiah
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[Delivery]] = relationship(order_by="Delivery.id")
    invoices: Mapped[list[Invoice]] = relationship(order_by="Invoice.id")


class Delivery(Base):
    """A delivery with its handover record (Berita Acara Serah Terima, BAST)."""

    __tablename__ = "partnership_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("partnership_order.id", ondelete="CASCADE"), index=True)
    delivered_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[float] = mapped_column(Float)
    bast_number: Mapped[str] = mapped_column(String(60))
    received_by: Mapped[str] = mapped_column(String(200))
    accepted: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invoice(Base):
    """An invoice for delivered goods; due after the agreement's payment period."""

    __tablename__ = "partnership_invoice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("partnership_order.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # Rupiah
    overdue_notified_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payments: Mapped[list[Payment]] = relationship(order_by="Payment.id")


class Payment(Base):
    """A payment against an invoice."""

    __tablename__ = "partnership_payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("partnership_invoice.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evaluation(Base):
    """A periodic evaluation of one party by the other (scores 1–5)."""

    __tablename__ = "partnership_evaluation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    evaluator_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    evaluated_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    period: Mapped[str] = mapped_column(String(20))  # e.g. 2026-Q3
    quality: Mapped[int] = mapped_column(Integer)
    timeliness: Mapped[int] = mapped_column(Integer)
    payment: Mapped[int] = mapped_column(Integer)
    communication: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    """An in-app notification to the people of a firm (and e-mail when SMTP is configured)."""

    __tablename__ = "partnership_notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    message_key: Mapped[str] = mapped_column(String(80))
    params: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsortiumMember(Base):
    """A supplying firm of a consortium partnership, with its share; the lead is also the smaller party.

    Non-lead members sign here; the lead signs as the smaller party on the agreement.
    """

    __tablename__ = "partnership_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # MemberRole
    share: Mapped[float] = mapped_column(Float)  # quantity allotted, in ``unit``
    unit: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))


class Attachment(Base):
    """A file attached to an order, delivery (BAST scan), invoice or payment; kept under ``data_dir``."""

    __tablename__ = "partnership_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(10))  # AttachmentTarget
    target_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))  # the name the user gave, made safe
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(300))  # relative to data_dir
    uploaded_by: Mapped[str] = mapped_column(String(255))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

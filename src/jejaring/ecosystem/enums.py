"""Kinds of link, where a link came from, and kinds of gap."""

from __future__ import annotations

from enum import StrEnum


class LinkKind(StrEnum):
    """What the partner does for the firm (seen from the IKM)."""

    BAHAN_BAKU = "bahan_baku"  # the partner supplies raw materials or inputs
    PEMASARAN_PERDAGANGAN = "pemasaran_perdagangan"  # the partner buys, distributes or sells the output
    PURNA_JUAL = "purna_jual"  # the partner repairs, installs or maintains the firm's machinery
    PEMBIAYAAN = "pembiayaan"  # the partner finances the firm
    EKSPOR = "ekspor"  # the partner exports the firm's products


class LinkSource(StrEnum):
    """Where Jejaring learnt of a link."""

    PARTNERSHIP = "partnership"  # a PP 7/2021 partnership without orders yet
    ORDER = "order"  # a partnership with purchase orders (value from the orders)
    PROPOSAL = "proposal"  # an accepted match proposal
    SENTRA = "sentra"  # a service or supplier firm that is a member of the same sentra
    DECLARED = "declared"  # an uploaded linkage (keterkaitan) row


DERIVED_SOURCES = (LinkSource.PARTNERSHIP, LinkSource.ORDER, LinkSource.PROPOSAL, LinkSource.SENTRA)


class GapKind(StrEnum):
    """Kinds of gap the finder reports."""

    MISSING_SUPPLIER = "pemasok_hilang"
    SINGLE_SOURCE = "ketergantungan_tunggal"
    CRITICAL_PARTNER = "mitra_kritis"  # an articulation point of the linkage graph
    MARKET_ACCESS = "akses_pasar"
    AFTER_SALES = "purna_jual"


class PlaceKind(StrEnum):
    """The places a gap or an ecosystem page is about."""

    PROVINCE = "provinsi"
    REGENCY = "kabupaten"
    SENTRA = "sentra"


# Which partner role a kind of link runs to (registry roles), and which the partner search asks for.
ROLE_OF_KIND = {
    LinkKind.BAHAN_BAKU: "pemasok_bahan_baku",
    LinkKind.PEMASARAN_PERDAGANGAN: "distributor",
    LinkKind.PURNA_JUAL: "layanan_purna_jual",
    LinkKind.PEMBIAYAAN: "lembaga_keuangan",
    LinkKind.EKSPOR: "eksportir",
}
KIND_OF_ROLE = {role: kind for kind, role in ROLE_OF_KIND.items()}

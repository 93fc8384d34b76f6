"""Registry service: size class, public IDs, creation with code checks, search, aliases, privacy."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import catalog as messages
from jejaring.core.ids import IdPrefix, is_valid_public_id, new_public_id
from jejaring.registry import demo, service
from jejaring.registry.models import FIRM_ROLES, SIZE_CLASSES, FirmAlias
from jejaring.registry.schemas import FirmCreate, FirmFilter, FirmOut


@pytest.mark.parametrize(
    ("workers", "investment", "expected"),
    [
        (1, 0, "kecil"),
        (19, 999_999_999, "kecil"),
        (19, 1_000_000_000, "menengah"),
        (5, 14_000_000_000, "menengah"),
        (20, 0, "menengah"),
        (20, 15_000_000_000, "menengah"),
        (20, 15_000_000_001, "besar"),
        (500, 100_000_000_000, "besar"),
        (19, 50_000_000_000, "menengah"),
        (None, 1, None),
        (3, None, None),
    ],
)
def test_classify_size_permenperin_64_2016(workers, investment, expected) -> None:
    assert service.classify_size(workers, investment) == expected


def test_public_id_check_character_detects_typos() -> None:
    pid = new_public_id(IdPrefix.FIRM)
    assert is_valid_public_id(pid)
    prefix, body, check = pid.split("-")
    for i in range(len(body)):
        for ch in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if ch != body[i]:
                assert not is_valid_public_id(f"{prefix}-{body[:i]}{ch}{body[i + 1 :]}-{check}")
    for i in range(len(body) - 1):
        if body[i] != body[i + 1]:
            swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
            assert not is_valid_public_id(f"{prefix}-{swapped}-{check}")


def test_every_role_and_size_class_has_labels() -> None:
    for lang in ("id", "en"):
        cat = messages(lang)
        assert all(f"role.{r}" in cat for r in FIRM_ROLES)
        assert all(f"size.{s}" in cat for s in SIZE_CLASSES)


def _firm(**over) -> FirmCreate:
    data = {
        "name": "CV. Mebel Jati Makmur",
        "regency_code": "33.20",
        "district_code": "33.20.11",
        "kbli_code": "31001",
        "products": "kursi dan meja jati ukir",
        "workers": 12,
        "investment": 250_000_000,
        "certifications": [{"code": "svlk"}],
        "owner_name": "Pak Slamet",
        "phone": "081200000000",
        "email": "slamet@example.id",
        "reference_year": 2024,
    }
    data.update(over)
    return FirmCreate.model_validate(data)


def test_create_and_read_firm(session: Session) -> None:
    firm = service.create_firm(
        session, data=_firm(), source=service.SourceInfo(office="33", file_name="ikm.xlsx", row_number=2)
    )
    session.commit()
    assert firm.province_code == "33"
    assert firm.size_class == "kecil"
    assert firm.kbli_division == "31"
    assert firm.certificate_codes == ["SVLK"]
    assert is_valid_public_id(firm.public_id)
    got = service.get_firm(session, public_id=firm.public_id.lower())
    assert got.id == firm.id
    sources = service.firm_sources(session, firm=firm)
    assert sources[0].file_name == "ikm.xlsx" and sources[0].row_number == 2
    assert "kbli_code" in sources[0].fields


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"regency_code": "99.99"}, "error.unknown_regency"),
        ({"district_code": "32.09.01"}, "error.unknown_district"),
        ({"kbli_code": "99999"}, "error.unknown_kbli"),
        ({"certifications": [{"code": "Sertifikat Abal"}]}, "error.unknown_certificate"),
    ],
)
def test_unknown_codes_are_refused(session: Session, override, key) -> None:
    with pytest.raises(DomainError) as info:
        service.create_firm(session, data=_firm(**override))
    assert info.value.key == key


@pytest.mark.parametrize(
    "override",
    [
        {"name": ""},
        {"name": "x" * 301},
        {"nib": "12345"},
        {"workers": 0},
        {"investment": -5},
        {"latitude": 40.0},
        {"email": "not-an-email"},
        {"roles": ["alien"]},
        {"regency_code": "3320"},
    ],
)
def test_schema_rejects_bad_input(override) -> None:
    with pytest.raises(ValidationError):
        _firm(**override)


def test_search_filters(session: Session) -> None:
    loaded = demo.load_demo_if_empty(session)
    session.commit()
    assert loaded and loaded["firms"] >= 30
    assert demo.load_demo_if_empty(session) is None  # only when empty
    firms, total = service.search_firms(session, filters=FirmFilter(q="batik"))
    assert total >= 3 and all("batik" in (f.name + (f.products or "")).lower() for f in firms)
    _, jepara = service.search_firms(session, filters=FirmFilter(regency="33.20"))
    _, central_java = service.search_firms(session, filters=FirmFilter(province="33"))
    assert 0 < jepara < central_java
    svlk, _ = service.search_firms(session, filters=FirmFilter(certificate="SVLK"))
    assert svlk and all("SVLK" in f.certificate_codes for f in svlk)
    big, _ = service.search_firms(session, filters=FirmFilter(size_class="besar"))
    assert big and all(f.size_class == "besar" for f in big)
    exporters, _ = service.search_firms(session, filters=FirmFilter(role="eksportir"))
    assert exporters and all("eksportir" in f.role_codes for f in exporters)
    page1, total_all = service.search_firms(session, filters=FirmFilter(), page=1, page_size=10)
    page2, _ = service.search_firms(session, filters=FirmFilter(), page=2, page_size=10)
    assert len(page1) == 10 and not {f.id for f in page1} & {f.id for f in page2}
    assert total_all == loaded["firms"]


def test_alias_survives_merge(session: Session) -> None:
    a = service.create_firm(session, data=_firm(name="UD Rotan Jaya"))
    b = service.create_firm(session, data=_firm(name="UD. Rotan Jaya"))
    b.status = "merged"
    b.merged_into_id = a.id
    session.flush()
    assert service.get_firm(session, public_id=b.public_id).id == a.id
    session.add(FirmAlias(public_id="F-00000000-0", firm_id=a.id))
    session.flush()
    assert service.get_firm(session, public_id="F-00000000-0").id == a.id
    with pytest.raises(NotFound):
        service.get_firm(session, public_id="F-ZZZZZZZZ-1")


def test_public_output_has_no_personal_data(session: Session) -> None:
    firm = service.create_firm(session, data=_firm(nib="1234567890123"))
    dumped = FirmOut.model_validate(firm).model_dump_json(by_alias=True)
    for secret in ("Pak Slamet", "081200000000", "slamet@example.id", "1234567890123"):
        assert secret not in dumped

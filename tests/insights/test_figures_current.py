"""Figures are current after every write that changes what they count (SQLite and PostgreSQL): an upload that only
updates firms, a merge, a split, an edit and a partnership each change the figure the API serves next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.ecosystem import service as ecosystem_service
from jejaring.ecosystem.enums import LinkKind, LinkSource
from jejaring.registry import edits
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmUpdate
from jejaring.resolution import service as resolution_service
from jejaring.web.app import create_app
from tests.intake.conftest import good_row, write_csv
from tests.writes import ADMIN_ACTOR, propose_as_owner
from tests.writes import firm_named as _firm
from tests.writes import upload_as_cli as _upload


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _stats(client: TestClient) -> tuple[int, int]:
    body = client.get("/api/v1/stats").json()
    return body["ikm_units"], body["ikm_workers"]


def test_uploads_merges_splits_and_edits_show_at_once(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rows = [good_row(i) for i in range(1, 4)]
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", rows))
    assert _stats(client) == (3, 15)

    rows[0] = good_row(1, **{"Jumlah TK": "45"})  # an upload that changes a firm but adds none
    _upload(engine, settings, write_csv(tmp_path / "v2.csv", rows))
    assert _stats(client) == (3, 55)

    one, two = _firm(engine, "UD Sumber Rejeki 1"), _firm(engine, "UD Sumber Rejeki 2")
    with session_scope(engine) as s:
        resolution_service.merge_manually(s, actor=ADMIN_ACTOR, survivor_id=two.public_id, merged_id=one.public_id)
    units, _workers = _stats(client)
    assert units == 2

    with session_scope(engine) as s:
        resolution_service.split_firm(s, actor=ADMIN_ACTOR, public_id=one.public_id)
    assert _stats(client) == (3, 55)

    with session_scope(engine) as s:
        firm = s.get(Firm, two.id)
        assert firm is not None
        edits.update_firm(s, actor=ADMIN_ACTOR, firm=firm, data=FirmUpdate(workers=7))
    assert _stats(client) == (3, 57)


def test_an_edit_reaches_the_ecosystem_panel(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", [good_row(1), good_row(2)]))
    one, two = _firm(engine, "UD Sumber Rejeki 1"), _firm(engine, "UD Sumber Rejeki 2")
    link = ecosystem_service.LinkIn(
        firm_id=one.id,
        province_code="32",
        regency_code="32.09",
        kind=LinkKind.BAHAN_BAKU,
        source=LinkSource.DECLARED,
        partner_firm_id=two.id,
    )
    with session_scope(engine) as s:
        ecosystem_service.declare_links(s, actor=ADMIN_ACTOR, links=[link])

    def partner_names() -> list[str]:
        return [r["other_name"] for r in client.get(f"/api/v1/ecosystem/firms/{one.public_id}").json()["links"]]

    assert partner_names() == ["UD Sumber Rejeki 2"]
    with session_scope(engine) as s:
        firm = s.get(Firm, two.id)
        assert firm is not None
        edits.update_firm(s, actor=ADMIN_ACTOR, firm=firm, data=FirmUpdate(name="UD Sumber Rejeki Baru"))
    assert partner_names() == ["UD Sumber Rejeki Baru"]


def test_a_partnership_shows_in_the_realised_figures(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", [good_row(1), good_row(2)]))
    one, two = _firm(engine, "UD Sumber Rejeki 1"), _firm(engine, "UD Sumber Rejeki 2")

    def proposals() -> int:
        rows = client.get("/api/v1/partnerships/outcomes").json()
        return sum(r["proposals"] for r in rows)

    assert proposals() == 0
    propose_as_owner(engine, one, two)
    assert proposals() == 1

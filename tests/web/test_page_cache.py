"""The page and data caches (web.datacache, web.pagecache, the partner-search memo) never serve stale or private
content (SQLite and PostgreSQL): home, the firm directory, the firms API and the statistics page change at the
first request after an upload, a merge, a split, an edit and a partnership; every visitor gets their own CSRF
token and navigation; a cached block cannot read who is asking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jejaring.accounts.roles import ADMIN
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.registry import edits
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmUpdate
from jejaring.resolution import service as resolution_service
from jejaring.web import datacache, pagecache
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user, login
from tests.intake.conftest import good_row, write_csv
from tests.writes import ADMIN_ACTOR, propose_as_owner
from tests.writes import firm_named as _firm
from tests.writes import upload_as_cli as _upload


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _seen(client: TestClient) -> dict[str, Any]:
    """What the cached pages show, each asked twice (the second answer comes from the cache)."""
    for _ in range(2):
        api = client.get("/api/v1/firms", params={"q": "sumber"}).json()
        directory = client.get("/firms", params={"q": "sumber"}).text
        home = client.get("/").text
    return {
        "api": sorted((f["name"], f["workers"]) for f in api["items"]),
        "api_total": api["total"],
        "directory": sorted(re.findall(r'class="firm-link" href="/firms/[^"]+">([^<]+)<', directory)),
        "directory_count": re.search(r'id="firm-count">([^<]+)<', directory).group(1),
        "home_recent": sorted(set(re.findall(r">(UD Sumber Rejeki[^<]*)<", home))),
    }


def test_pages_are_current_after_every_write(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rows = [good_row(i) for i in range(1, 4)]
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", rows))
    first = _seen(client)
    assert first["api_total"] == 3 and len(first["directory"]) == 3 and len(first["home_recent"]) == 3
    assert datacache.stats()["hits"] > 0

    rows[0] = good_row(1, **{"Jumlah TK": "45"})  # an upload that changes a firm and adds none
    _upload(engine, settings, write_csv(tmp_path / "v2.csv", rows))
    assert ("UD Sumber Rejeki 1", 45) in _seen(client)["api"]

    one, two = _firm(engine, "UD Sumber Rejeki 1"), _firm(engine, "UD Sumber Rejeki 2")
    with session_scope(engine) as s:
        resolution_service.merge_manually(s, actor=ADMIN_ACTOR, survivor_id=two.public_id, merged_id=one.public_id)
    merged = _seen(client)
    assert merged["api_total"] == 2 and len(merged["directory"]) == 2

    with session_scope(engine) as s:
        resolution_service.split_firm(s, actor=ADMIN_ACTOR, public_id=one.public_id)
    assert _seen(client)["api_total"] == 3

    with session_scope(engine) as s:
        firm = s.get(Firm, two.id)
        assert firm is not None
        edits.update_firm(s, actor=ADMIN_ACTOR, firm=firm, data=FirmUpdate(name="UD Sumber Rejeki Baru", workers=7))
    edited = _seen(client)
    assert ("UD Sumber Rejeki Baru", 7) in edited["api"]
    assert "UD Sumber Rejeki Baru" in edited["directory"]
    assert "UD Sumber Rejeki Baru" in edited["home_recent"]


def test_a_partnership_shows_on_the_statistics_page_at_once(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", [good_row(1), good_row(2)]))
    one, two = _firm(engine, "UD Sumber Rejeki 1"), _firm(engine, "UD Sumber Rejeki 2")

    def proposals() -> str:
        client.get("/insights")
        page = client.get("/insights").text  # from the cache the second time
        section = page.split('id="realised-partnerships"', 1)[1]
        return re.findall(r'<td class="num">([^<]*)</td>', section)[0] if "<tbody>" in section else "none"

    before = proposals()
    propose_as_owner(engine, one, two)
    assert proposals() == "1" != before


def _token(page: str) -> str:
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_every_visitor_gets_their_own_token_navigation_and_headers(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    _upload(engine, settings, write_csv(tmp_path / "v1.csv", [good_row(1)]))
    app = create_app(settings)
    with TestClient(app) as anonymous, TestClient(app) as admin:
        with session_scope(engine) as s:
            create_user(s, role=ADMIN, email="admin@contoh.go.id")
        login(admin, "admin@contoh.go.id")
        for url in ("/", "/firms?q=sumber", "/firms?q=sumber&lang=en"):
            pages = [c.get(url) for c in (anonymous, admin, anonymous, admin)]  # the last two from the cache
            for response in pages:
                assert response.status_code == 200
                assert "script-src 'self'" in response.headers["content-security-policy"]
                assert pagecache.PLACEHOLDER not in response.text
            tokens = [_token(r.text) for r in pages]
            assert tokens[0] == tokens[2] != tokens[1] == tokens[3]  # each visitor's own token, also when cached
            assert all('id="nav-logout"' not in r.text for r in pages[0::2])  # the anonymous visitor: no sign-out
            assert all('id="nav-logout"' in r.text for r in pages[1::2])
            assert pages[2].text.split("<main", 1)[1] == pages[0].text.split("<main", 1)[1]


def test_a_cached_block_cannot_read_who_is_asking(client: TestClient) -> None:
    client.get("/")
    request = type("R", (), {"app": None, "url": None, "query_params": {}, "state": None})()
    public = pagecache._PublicRequest(request)
    assert public.state.csrf_token == pagecache.PLACEHOLDER
    with pytest.raises(pagecache.NotCacheable):
        _ = public.state.actor
    with pytest.raises(pagecache.NotCacheable):
        _ = public.cookies

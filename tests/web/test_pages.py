"""HTML pages and the JSON API, through the real app on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.registry import demo
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token
from tests.soup import attr

AUTH: dict[str, str] = {}  # filled by the client fixture with a real admin API token (write scope)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        demo.load_demo_if_empty(session)
        AUTH["Authorization"] = "Bearer " + create_user_with_token(session, role="admin", scopes=["read", "write"])
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def test_home_in_both_languages(client: TestClient) -> None:
    page = soup(client.get("/"))
    assert attr(page, "html", "lang") == "id"
    assert "Direktori Usaha" in page.text
    switch = page.select_one("#lang-switch")
    assert switch is not None
    r = client.get(switch["href"], follow_redirects=True)
    assert r.status_code == 200
    page = soup(r)
    assert attr(page, "html", "lang") == "en" and "Business directory" in page.text
    assert attr(soup(client.get("/?lang=id")), "html", "lang") == "id"


def test_firm_list_search_filter_and_detail(client: TestClient) -> None:
    page = soup(client.get("/firms", params={"q": "rotan"}))
    links = page.select("a.firm-link")
    assert links
    for a in links:  # each hit has "rotan" in its name or its products (shown on its page)
        assert "rotan" in client.get(a["href"]).text.lower(), a.text
    names = [a.text for a in links]
    assert any("Rotan" in n for n in names)
    detail = client.get(links[0]["href"])
    assert detail.status_code == 200
    d = soup(detail)
    assert d.select_one("#firm-name").text == links[0].text
    # personal data never shown
    assert "081234560007" not in detail.text and "Dedi Supriadi" not in detail.text
    filtered = soup(client.get("/firms", params={"province": "51", "size_class": "", "q": ""}))
    assert all("Bali" in row.select("td")[1].text for row in filtered.select("tbody tr")), (
        "province filter leaked other provinces"
    )


def test_htmx_gets_the_same_partial(client: TestClient) -> None:
    full = client.get("/firms", params={"q": "batik"})
    part = client.get("/firms", params={"q": "batik"}, headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in part.text
    assert "HX-Request" in part.headers["vary"]
    assert soup(part).select_one("#firm-count").text == soup(full).select_one("#firm-count").text


def test_pagination(client: TestClient) -> None:
    p1 = soup(client.get("/firms"))
    p2 = soup(client.get("/firms", params={"page": 2}))
    names1 = {a.text for a in p1.select("a.firm-link")}
    names2 = {a.text for a in p2.select("a.firm-link")}
    assert len(names1) == 25 and names2 and not names1 & names2


def test_sentra_pages(client: TestClient) -> None:
    page = soup(client.get("/sentra", params={"q": "mebel"}))
    link = page.select_one("tbody a")
    assert link is not None and "Mebel" in link.text
    detail = soup(client.get(link["href"]))
    assert detail.select("article ul li a"), "sentra members listed"


def test_unknown_pages_and_bad_params_are_4xx_pages(client: TestClient) -> None:
    r = client.get("/firms/F-ZZZZZZZZ-1")
    assert r.status_code == 404 and "<html" in r.text
    r = client.get("/firms", params={"page": "abc"})
    assert r.status_code == 422 and "page" in r.text
    r = client.get("/firms", params={"size_class": "raksasa"})
    assert r.status_code == 422
    assert client.get("/no/such/page").status_code == 404


def test_api_lists_and_reads(client: TestClient) -> None:
    r = client.get("/api/v1/firms", params={"q": "batik", "page_size": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 3 and len(body["items"]) == 2
    item = body["items"][0]
    assert "owner_name" not in item and "phone" not in item and "email" not in item and "nib" not in item
    one = client.get(f"/api/v1/firms/{item['public_id']}").json()
    assert one["name"] == item["name"]
    assert client.get("/api/v1/sentra").json()["total"] >= 5
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/firms" in spec["paths"]
    assert client.get("/api/v1/reference/kbli", params={"level": "golongan_pokok"}).json()[0]["code"] == "10"
    assert len(client.get("/api/v1/reference/regencies", params={"province": "34"}).json()) == 5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "A", "regency_code": "33.20", "workers": "many"}, "workers"),
        ({"name": "A", "regency_code": "99.99"}, "regency_code"),
        ({"name": "A", "regency_code": "33.20", "kbli_code": "00000"}, "kbli_code"),
        ({"name": "x" * 5000, "regency_code": "33.20"}, "name"),
        ({"regency_code": "33.20"}, "name"),
        ({"name": "A", "regency_code": "33.20", "unexpected": 1}, "unexpected"),
    ],
)
def test_api_bad_input_is_a_clear_4xx(client: TestClient, payload, field) -> None:
    r = client.post("/api/v1/firms", json=payload, headers=AUTH)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(field in d["field"] for d in detail), detail
    assert all(d["message"] for d in detail)


def test_api_write_needs_token(client: TestClient) -> None:
    payload = {"name": "UD Baru", "regency_code": "33.20", "kbli_code": "31001"}
    assert client.post("/api/v1/firms", json=payload).status_code == 401
    assert client.post("/api/v1/firms", json=payload, headers={"Authorization": "Bearer nope"}).status_code == 401
    r = client.post("/api/v1/firms", json=payload, headers=AUTH)
    assert r.status_code == 201
    assert client.get(f"/api/v1/firms/{r.json()['public_id']}").status_code == 200


def test_api_malformed_json_is_4xx(client: TestClient) -> None:
    r = client.post("/api/v1/firms", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 422

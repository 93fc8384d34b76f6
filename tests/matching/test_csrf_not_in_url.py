"""Issue 23 #9 (part): the /match search form (GET) carries no CSRF token; only its Save button (POST) does."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.web.app import create_app


def test_search_form_sends_no_csrf_token_in_the_url(settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        soup = BeautifulSoup(c.get("/match").text, "html.parser")
    form = soup.select_one("#need-form")
    assert form is not None and form["method"] == "get"
    # the controls a GET submission sends: named inputs, selects and textareas (a button only when clicked)
    sent = {el.get("name") for el in form.select("input[name], select[name], textarea[name]")}
    assert "csrf_token" not in sent
    save = form.select_one("#save-need")
    assert save is not None and save["formmethod"] == "post"
    assert save.get("name") == "csrf_token" and len(str(save.get("value", ""))) == 64

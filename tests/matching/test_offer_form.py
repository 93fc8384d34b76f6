"""The offer form as an owner uses it: their firms to choose from, an offer's kind, price and period,
regions chosen by name, and a minimum order above capacity refused with a clear message."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jejaring.core.db import session_scope
from jejaring.matching.models import Offer
from tests.accounts.conftest import World, _fast_argon2, app_client, world  # noqa: F401
from tests.accounts.helpers import login


def test_offer_form_for_an_owner(app_client: TestClient, world: World, engine: Engine) -> None:  # noqa: F811
    c = app_client
    token = login(c, "pemilik_a@uji.example")
    page = c.get("/offers/new").text
    assert 'id="offer-firm"' in page and "CV Mebel Ukir Jepara Uji" in page and 'name="firm" value' not in page
    assert "Jenis penawaran" in page and 'name="price_min"' in page and 'name="period"' in page
    assert 'list="region-names"' in page and '<option value="Kabupaten Jepara">' in page
    form = {
        "firm": world.firm_a,
        "title": "Meja ukir jati",
        "kind": "produk_jadi",
        "quantity": "40",
        "unit": "buah",
        "period": "bulan",
        "min_order": "50",
        "price_min": "1.500.000",  # typed as Indonesians write amounts
        "price_max": "Rp 2.500.000",
        "target_regions": ["Jawa Tengah", "Kota Semarang", ""],
        "csrf_token": token,
    }
    r = c.post("/offers", data=form, follow_redirects=False)
    assert r.status_code == 422 and "Pesanan minimum 50 buah lebih besar dari kapasitas 40 buah" in r.text
    assert 'value="Meja ukir jati"' in r.text and 'value="Kota Semarang"' in r.text
    form["min_order"] = "10"
    r = c.post("/offers", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    with session_scope(engine) as s:
        offer = s.scalar(select(Offer).where(Offer.title == "Meja ukir jati"))
        assert offer is not None and offer.public_id.startswith("O-")
        assert offer.target_regions == "33;33.74" and (offer.price_min, offer.price_max) == (1_500_000, 2_500_000)
        assert offer.period == "bulan" and offer.min_order == 10
    # another owner's firm is refused
    other = TestClient(c.app)
    token = login(other, "pemilik_lain@uji.example")
    r = other.post("/offers", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    # an old link in the form offers had before their prefix became distinct ("P-…") still opens the offer
    legacy = "P-" + offer.public_id[2:]
    assert c.get(f"/api/v1/offers/{legacy.lower()}").json()["public_id"] == offer.public_id

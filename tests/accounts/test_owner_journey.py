"""An owner's own journey: sign up, confirm, register a firm, see Usaha saya; menus by role; no firm, no proposal."""

from __future__ import annotations

import email
import email.policy
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select

from jejaring.accounts.models import AuditEvent, Claim, FirmOwner, User
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.registry.models import Firm
from jejaring.web.app import create_app
from tests.accounts.conftest import PRIVATE_A, World
from tests.accounts.helpers import PASSWORD, csrf_of, login
from tests.accounts.test_mail_and_cli import TinySmtp, smtp  # noqa: F401  (fixture)

_LINK = re.compile(r'id="signup-link">([^<]+)<')


def _sign_up(client: TestClient, address: str, password: str = PASSWORD, repeat: str | None = None):
    form = {
        "name": "Ibu Sri Wahyuni",
        "email": address,
        "password": password,
        "confirm_password": repeat or password,
        "csrf_token": csrf_of(client, "/signup"),
    }
    return client.post("/signup", data=form, follow_redirects=False)


def test_sign_up_confirm_register_firm_and_see_usaha_saya(app_client: TestClient, engine: Engine) -> None:
    c = app_client
    # mismatched passwords: the same form again, with the name and e-mail kept
    r = _sign_up(c, "sri@usaha.example", repeat="lain-sekali-123")
    assert r.status_code == 422 and "sri@usaha.example" in r.text and "Ibu Sri Wahyuni" in r.text
    r = _sign_up(c, "Sri@Usaha.example")
    assert r.status_code == 201 and 'id="signup-done"' in r.text
    link = _LINK.search(r.text)
    assert link, "outside production without SMTP the one-time link is shown"
    # not active before confirmation
    token = csrf_of(c)
    bad = c.post("/login", data={"email": "sri@usaha.example", "password": PASSWORD, "csrf_token": token})
    assert bad.status_code == 401
    assert _sign_up(c, "sri@usaha.example").status_code == 422  # the address is taken
    path = link.group(1).split("8000", 1)[1]
    r = c.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?confirmed=1")
    assert c.get(path, follow_redirects=False).status_code == 404  # one time only
    # signing in lands on Usaha saya, which guides to register or claim
    token = csrf_of(c)
    r = c.post("/login", data={"email": "sri@usaha.example", "password": PASSWORD, "csrf_token": token, "next": "/"},
               follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/my"
    page = c.get("/my").text
    assert 'id="my-no-firms"' in page and 'href="/firms/new"' in page
    # the menu of an owner: no upload, no data matching
    assert 'href="/intake"' not in page and 'href="/resolution"' not in page and 'href="/my"' in page
    # /firms/new is a form, not "Usaha dengan ID new tidak ditemukan"
    r = c.get("/firms/new")
    assert r.status_code == 200 and 'id="new-firm-form"' in r.text and "Kabupaten Jepara" in r.text
    token = csrf_of(c, "/firms/new")
    form = {
        "name": "Batik Tulis Sri Lestari",
        "regency_code": "33.20",
        "kbli_code": "13134",
        "products": "batik tulis",
        "workers": "12",
        "investment": "300.000.000",
        "capacity": "1.250",
        "capacity_unit": "lembar",
        "production_value": "Rp 1.500.000.000",
        "roles": ["ikm", "eksportir"],
        "csrf_token": token,
    }
    bad_form = {**form, "investment": "tiga ratus juta"}
    r = c.post("/firms/new", data=bad_form, follow_redirects=False)
    assert r.status_code == 422 and "tiga ratus juta" in r.text and "Batik Tulis Sri Lestari" in r.text
    r = c.post("/firms/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    public_id = r.headers["location"].split("/")[2].split("?")[0]
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.public_id == public_id))
        assert firm is not None
        assert (firm.investment, firm.capacity, firm.production_value) == (300_000_000, 1250.0, 1_500_000_000)
        assert sorted(r.role for r in firm.roles) == ["eksportir", "ikm"]
        user = s.scalar(select(User).where(User.email == "sri@usaha.example"))
        assert user is not None and user.active
        assert s.scalar(select(FirmOwner).where(FirmOwner.firm_id == firm.id, FirmOwner.user_id == user.id))
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor_user_id == user.id)))
        assert {"user.signup", "user.confirm", "firm.register"} <= actions
    page = c.get("/my").text
    assert "Batik Tulis Sri Lestari" in page and f"/firms/{public_id}/edit" in page
    assert "Batik Tulis Sri Lestari" in c.get("/account").text
    # the owner may edit their new firm
    assert c.get(f"/firms/{public_id}/edit").status_code == 200


def test_sign_up_mails_the_link_when_smtp_is_configured(settings: Settings, smtp: TinySmtp) -> None:  # noqa: F811
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_starttls": False})
    with TestClient(create_app(mail)) as c:
        r = _sign_up(c, "budi@usaha.example")
        assert r.status_code == 201 and "/account/confirm/" not in r.text
        assert len(smtp.messages) == 1 and "budi@usaha.example" in smtp.messages[0]
        body = email.message_from_string(smtp.messages[0], policy=email.policy.default).get_body()
        assert body is not None
        link = next(w for w in body.get_content().split() if "/account/confirm/" in w)
        assert c.get(link.split("8000", 1)[1], follow_redirects=False).status_code == 303
        login(c, "budi@usaha.example")


def test_nib_already_registered_must_be_claimed(app_client: TestClient, world: World) -> None:
    c = app_client
    token = login(c, "pemilik_lain@uji.example")
    form = {"name": "Nama Lain", "regency_code": "33.20", "nib": PRIVATE_A["nib"], "csrf_token": token}
    r = c.post("/firms/new", data=form, follow_redirects=False)
    assert r.status_code == 422 and world.firm_a in r.text and "ajukan klaim" in r.text
    assert 'value="Nama Lain"' in r.text


def test_officer_registers_only_in_own_province(app_client: TestClient, world: World) -> None:
    c = app_client
    token = login(c, "petugas_33@uji.example")
    page = c.get("/").text
    assert 'href="/intake"' in page and 'href="/resolution"' in page and 'href="/my"' not in page
    ok = c.post("/firms/new", data={"name": "UD Jepara Baru", "regency_code": "33.20", "csrf_token": token},
                follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    far = c.post("/firms/new", data={"name": "UD Bali Baru", "regency_code": "51.03", "csrf_token": token},
                 follow_redirects=False)  # fmt: skip
    assert far.status_code == 403


def test_buyer_without_firm_is_guided_to_claim_or_register(app_client: TestClient, world: World) -> None:
    c = app_client
    login(c, "pemilik_lain@uji.example")
    r = c.get(f"/partnerships/new?partner={world.firm_a}")
    assert r.status_code == 200 and 'id="proposal-no-firm"' in r.text
    assert 'name="proposer_firm"' not in r.text and 'href="/firms/new"' in r.text
    login(c, "pemilik_a@uji.example")
    r = c.get(f"/partnerships/new?partner={world.firm_b}")
    assert 'name="proposer_firm"' in r.text and 'id="proposal-no-firm"' not in r.text


def test_claims_needs_and_partnerships_have_distinct_id_prefixes(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    c = app_client
    token = login(c, "pemilik_lain@uji.example")
    with session_scope(engine) as s:
        s.execute(delete(FirmOwner))
    text = "Saya pemilik usaha ini sejak 2015; NIB dan akta terlampir."
    r = c.post(
        f"/firms/{world.firm_a}/claim", data={"evidence_text": text, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/claims/C-")
    with session_scope(engine) as s:
        newest = s.scalar(select(Claim).order_by(Claim.id.desc()).limit(1))
        assert newest is not None and newest.public_id.startswith("C-")


def test_favicon(app_client: TestClient) -> None:
    r = app_client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"


def test_claim_review_sets_the_claim_beside_the_registry(app_client: TestClient, world: World) -> None:
    from tests.accounts.conftest import PRIVATE_B

    owner = TestClient(app_client.app)
    token = login(owner, "pemilik_a@uji.example")
    form = {
        "evidence_text": "Saya pemilik UD Ukiran Badung Uji; akta dan NIB terlampir di berkas.",
        "claimed_nib": PRIVATE_B["nib"],
        "claimed_owner": "Made Wirawan",
        "claimed_address": "",
        "csrf_token": token,
    }
    bad = owner.post(f"/firms/{world.firm_b}/claim", data={**form, "claimed_nib": "12345"}, follow_redirects=False)
    assert bad.status_code == 422 and "13 angka" in bad.text and 'value="Made Wirawan"' in bad.text
    r = owner.post(f"/firms/{world.firm_b}/claim", data=form, follow_redirects=False)
    assert r.status_code == 303
    claim_path = r.headers["location"]
    mine = owner.get(claim_path).text
    assert 'id="claim-compare"' not in mine and PRIVATE_B["owner"] not in mine  # no registry data for the claimant
    officer = TestClient(app_client.app)
    login(officer, "petugas_51@uji.example")
    page = officer.get(claim_path).text
    table = page.split('id="claim-compare"')[1].split("</table>")[0]
    nib_row, owner_row = table.split("<tr")[2], table.split("<tr")[3]
    assert PRIVATE_B["nib"] in nib_row and "cocok" in nib_row and "tidak cocok" not in nib_row
    assert "Made Wirawan" in owner_row and PRIVATE_B["owner"] in owner_row and "tidak cocok" in owner_row


def test_firm_edit_covers_certificates_location_and_indonesian_numbers(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    c = app_client
    token = login(c, "pemilik_a@uji.example")
    page = c.get(f"/firms/{world.firm_a}/edit").text
    assert 'id="edit-certificates"' in page and 'id="edit-location"' in page
    form = {
        "name": "CV Mebel Ukir Jepara Uji",
        "investment": "1.500.000.000",
        "capacity": "2,5",
        "latitude": "-6,5887",
        "longitude": "110,6684",
        "desa": "Tahunan",
        "certificates": ["SNI", "SVLK"],
        "csrf_token": token,
    }
    r = c.post(f"/firms/{world.firm_a}/edit", data={**form, "latitude": "enam"}, follow_redirects=False)
    assert r.status_code == 422 and "enam" in r.text and 'value="Tahunan"' in r.text
    assert "Lintang (latitude): “enam” bukan angka" in r.text  # the message names the field by its label
    r = c.post(f"/firms/{world.firm_a}/edit", data={**form, "investment": "banyak"}, follow_redirects=False)
    assert r.status_code == 422 and "Nilai investasi" in r.text.split('id="edit-error"')[1].split("</p>")[0]
    assert c.post(f"/firms/{world.firm_a}/edit", data=form, follow_redirects=False).status_code == 303
    # the form shows the saved amounts as the reader types them, and reads them back unchanged
    page = c.get(f"/firms/{world.firm_a}/edit").text
    assert 'value="1.500.000.000"' in page and 'value="2,5"' in page and 'value="-6,5887"' in page
    page = c.get(f"/firms/{world.firm_a}/edit?lang=en").text
    assert 'value="1500000000"' in page and 'value="2.5"' in page and 'value="-6.5887"' in page
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.public_id == world.firm_a))
        assert firm is not None
        assert (firm.investment, firm.capacity, firm.desa) == (1_500_000_000, 2.5, "Tahunan")
        assert (firm.latitude, firm.longitude) == (-6.5887, 110.6684)
        assert firm.certificate_codes == ["SNI", "SVLK"]
    form["certificates"] = ["SVLK"]
    assert c.post(f"/firms/{world.firm_a}/edit", data=form, follow_redirects=False).status_code == 303
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.public_id == world.firm_a))
        assert firm is not None and firm.certificate_codes == ["SVLK"]
        edits = list(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == world.firm_a)))
        assert any('"SNI"' in (e.before_json or "") and '"SNI"' not in (e.after_json or "") for e in edits)


def test_officer_upload_form_presets_their_province_by_name(app_client: TestClient, world: World) -> None:
    c = app_client
    login(c, "petugas_51@uji.example")
    page = c.get("/intake").text
    assert '<option value="51" selected>Bali</option>' in page
    assert ">51 Bali<" not in page

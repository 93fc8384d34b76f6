"""Authorisation matrix and personal-data leak check, generated from the app's routes.

Every write route (POST, PUT, PATCH, DELETE) must be classified in ``WRITE_MATRIX`` — a route added later
by anyone fails ``test_every_write_route_is_classified`` until it is. Every persona not allowed must get
401 (anonymous) or 403 (or 404 where the resource is hidden from them), never a 2xx and never a 500.
Every GET route is then walked as every persona, and the seeded personal data (owner, phone, e-mail,
NIB) of a firm must not appear unless the persona is entitled to it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.accounts.conftest import PERSONAS, PRIVATE_A, PRIVATE_B, World
from tests.accounts.helpers import login

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
OFFICERS = frozenset({"admin", "petugas_33", "petugas_51"})
OFFICE_33 = frozenset({"admin", "petugas_33"})  # the Jawa Tengah import job and its quarantined row
RESOLVERS = OFFICERS | {"analis"}  # resolution: national roles, or the officer of the province concerned
FIRM_ACTORS = frozenset({"admin", "pemilik_a", "pemilik_lain"})  # act for a firm; the service checks which
EVERYONE = frozenset(PERSONAS)
READS_VIA_POST = frozenset({("POST", "/api/v1/match")})  # a search with a body: public, changes nothing
# Routes whose refusal depends on the partnership and the body (partnerships, not yet given bodies here): the
# service decides after the body is validated, so an empty body gives 422 to a signed-in wrong role. Their
# own tests send valid bodies; here anonymous must still get 401 and nobody may get a 2xx or a 500.
SCOPED_BY_PAYLOAD_PREFIXES = ("/api/v1/partnerships", "/partnerships")


def _firm_payload(w: World) -> dict[str, Any]:
    return {"name": "UD Matriks", "regency_code": "33.20", "kbli_code": "31001"}


FIRM_A_ACTORS = frozenset({"admin", "pemilik_a"})


def _listing(w: World) -> dict[str, Any]:
    return {"firm": w.firm_a, "title": "Butuh kayu jati 10 m3 per bulan"}


def _proposal(w: World) -> dict[str, Any]:
    return {"from_firm": w.firm_a, "to_firm": w.firm_b}


ORGANISERS = frozenset({"admin", "penyelenggara"})
EVENT_FIRMS = FIRM_ACTORS | {"petugas_33", "petugas_51"}  # a firm's owner, or the officer of its province


def _event(w: World) -> dict[str, Any]:
    return {"name": "Temu Bisnis Matriks", "starts_on": "2030-01-01"}


# capability: assessments by the firm's owner or its province's officer; programmes and interventions by the
# officer of the province named (admins everywhere). No programme exists here, so its routes answer 404.
FIRM_A_OFFICERS = frozenset({"admin", "petugas_33", "pemilik_a"})
OFFICERS_33 = frozenset({"admin", "petugas_33"})


def _assessment(w: World) -> dict[str, Any]:
    return {"firm": w.firm_a, "answers": {}}


def _intervention(w: World) -> dict[str, Any]:
    return {
        "code": "uji_matriks",
        "kind": "bimtek",
        "provider": "Dinas Uji",
        "name_id": "Bimtek Uji",
        "name_en": "Test training",
        "cost_firm": 0,
        "cost_gov": 1000,
        "duration": 1,
        "lifts": {"produksi": 1},
        "source": "uji matriks",
        "province_code": "33",
    }


def _intervention_form(w: World) -> dict[str, Any]:
    return {**_intervention(w), "lifts": "produksi=1"}


def _programme(w: World) -> dict[str, Any]:
    return {
        "name": "Program Uji",
        "province_code": "33",
        "start_date": "2030-01-01",
        "end_date": "2030-06-30",
        "budget": 1000000,
        "cohort_size": 5,
        "interventions": ["bimtek_uji"],
    }


# (method, path) -> (personas allowed, payload factory). Resources: firm A in Jawa Tengah (33) owned by
# pemilik_a; firm B in Bali (51) unowned; the claim is pemilik_lain's on firm B.
Payload = Callable[[World], dict[str, Any]]
WRITE_MATRIX: dict[tuple[str, str], tuple[frozenset[str], Payload]] = {
    # public forms (CSRF-protected, see test_signin)
    ("POST", "/login"): (EVERYONE, lambda w: {}),
    ("POST", "/logout"): (EVERYONE, lambda w: {}),
    ("POST", "/account/forgot"): (EVERYONE, lambda w: {}),
    ("POST", "/account/reset/{token}"): (EVERYONE, lambda w: {}),
    ("POST", "/signup"): (frozenset({"anonymous"}), lambda w: {}),  # owners sign themselves up
    # one's own account
    ("POST", "/account/password"): (SIGNED_IN, lambda w: {}),
    ("POST", "/notifications/read"): (SIGNED_IN, lambda w: {}),
    ("POST", "/api/v1/notifications/read"): (SIGNED_IN, lambda w: {}),
    ("POST", "/account/tokens"): (SIGNED_IN, lambda w: {"name": "x"}),
    ("POST", "/account/tokens/{token_id}/revoke"): (frozenset({"admin"}), lambda w: {}),  # admin's token
    ("DELETE", "/api/v1/me/tokens/{token_id}"): (frozenset({"admin"}), lambda w: {}),
    ("POST", "/api/v1/me/tokens"): (SIGNED_IN, lambda w: {"name": "x"}),  # browser sessions only (test_signin)
    # admins
    ("POST", "/admin/users"): (
        frozenset({"admin"}),
        lambda w: {"email": "m@uji.example", "name": "M", "role": "analis"},
    ),
    ("POST", "/admin/users/{user_id}/disable"): (frozenset({"admin"}), lambda w: {}),
    ("POST", "/admin/users/{user_id}/enable"): (frozenset({"admin"}), lambda w: {}),
    ("POST", "/admin/users/{user_id}/reset-link"): (frozenset({"admin"}), lambda w: {}),
    # claims
    ("POST", "/firms/{public_id}/claim"): (
        frozenset({"pemilik_a", "pemilik_lain"}),
        lambda w: {"evidence_text": "x" * 30},
    ),
    ("POST", "/claims/{public_id}/review"): (frozenset({"admin", "petugas_51"}), lambda w: {"decision": "approve"}),
    ("POST", "/api/v1/claims/{public_id}/review"): (
        frozenset({"admin", "petugas_51"}),
        lambda w: {"decision": "approve"},
    ),
    # registry
    ("POST", "/firms/new"): (
        frozenset({"admin", "petugas_33", "pemilik_a", "pemilik_lain"}),
        lambda w: {"name": "Baru", "regency_code": "33.20"},
    ),
    ("POST", "/firms/{public_id}/edit"): (frozenset({"admin", "petugas_33", "pemilik_a"}), lambda w: {"name": "Baru"}),
    ("PATCH", "/api/v1/firms/{public_id}"): (frozenset({"admin", "petugas_33", "pemilik_a"}), lambda w: {"workers": 9}),
    ("POST", "/api/v1/firms"): (frozenset({"admin", "petugas_33"}), _firm_payload),
    ("POST", "/api/v1/sentra"): (frozenset({"admin", "petugas_33"}), lambda w: {"name": "S", "regency_code": "33.20"}),
    # resolution (review queue of the provinces)
    ("POST", "/resolution/candidates/{candidate_id}/{decision}"): (RESOLVERS, lambda w: {}),
    ("POST", "/resolution/bulk"): (RESOLVERS, lambda w: {"candidate_ids": "1", "decision": "confirm"}),
    ("POST", "/api/v1/resolution/candidates/{candidate_id}/confirm"): (RESOLVERS, lambda w: {}),
    ("POST", "/api/v1/resolution/candidates/{candidate_id}/reject"): (RESOLVERS, lambda w: {}),
    ("POST", "/api/v1/resolution/candidates/bulk"): (
        RESOLVERS,
        lambda w: {"candidate_ids": [1], "decision": "confirm"},
    ),
    ("POST", "/api/v1/resolution/runs"): (frozenset({"admin", "analis"}), lambda w: {}),
    ("POST", "/api/v1/resolution/firms/{public_id}/split"): (
        frozenset({"admin", "analis", "petugas_33"}),
        lambda w: {},
    ),
    # insights
    ("POST", "/api/v1/insights/refresh"): (OFFICERS, lambda w: {}),
    # intake (provincial uploads)
    ("POST", "/intake"): (OFFICERS, lambda w: {}),
    ("POST", "/intake/jobs/{job_id}/cancel"): (OFFICE_33, lambda w: {}),
    ("POST", "/intake/jobs/{job_id}/resume"): (OFFICE_33, lambda w: {}),
    ("POST", "/intake/jobs/{job_id}/mapping"): (OFFICE_33, lambda w: {}),
    ("POST", "/intake/jobs/{job_id}/rows/{row_id}"): (OFFICE_33, lambda w: {}),
    ("POST", "/api/v1/intake/jobs"): (OFFICERS, lambda w: {}),
    ("POST", "/api/v1/intake/jobs/{job_id}/mapping"): (OFFICE_33, lambda w: {}),
    ("POST", "/api/v1/intake/jobs/{job_id}/cancel"): (OFFICE_33, lambda w: {}),
    # matching: public search; needs, offers and proposals are made for a firm (owner or admin)
    ("POST", "/api/v1/match"): (EVERYONE, lambda w: {}),
    ("POST", "/api/v1/needs"): (FIRM_A_ACTORS, _listing),
    # a need without a firm: its poster (pemilik_lain) or an admin
    ("POST", "/api/v1/needs/{public_id}/close"): (frozenset({"admin", "pemilik_lain"}), lambda w: {}),
    ("POST", "/api/v1/offers"): (FIRM_A_ACTORS, _listing),
    ("POST", "/api/v1/match/proposals"): (FIRM_A_ACTORS, _proposal),
    ("POST", "/needs"): (FIRM_A_ACTORS, _listing),
    ("POST", "/offers"): (FIRM_A_ACTORS, _listing),
    ("POST", "/match/proposals"): (FIRM_A_ACTORS, _proposal),
    # partnerships: only the parties act on one
    ("POST", "/api/v1/partnerships"): (FIRM_ACTORS, lambda w: {}),
    ("PUT", "/api/v1/partnerships/{public_id}/agreement"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/sign"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/transition"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/orders"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/orders/{order_id}/deliveries"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/orders/{order_id}/invoices"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/invoices/{invoice_id}/payments"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/evaluations"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/agreement"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/sign"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/transition"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/orders"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/orders/{order_id}/deliveries"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/orders/{order_id}/invoices"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/invoices/{invoice_id}/payments"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/evaluations"): (FIRM_ACTORS, lambda w: {}),
    # h22a: consortium proposals and ledger attachments (only the parties act)
    ("POST", "/api/v1/partnerships/consortium"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/consortium"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/partnerships/{public_id}/attachments"): (FIRM_ACTORS, lambda w: {}),
    ("POST", "/api/v1/partnerships/{public_id}/attachments"): (FIRM_ACTORS, lambda w: {}),  # h22d: the API too
    # events: organisers manage; firms (owner or the province's officer) take part. No event exists in this
    # world, so the event routes answer 404 to the signed in; tests/events checks the refusals on real events.
    ("POST", "/events"): (ORGANISERS, _event),
    ("POST", "/api/v1/events"): (ORGANISERS, _event),
    ("POST", "/events/{public_id}/invite"): (ORGANISERS, lambda w: {"firm": w.firm_a}),
    ("POST", "/events/{public_id}/participants/{pid}/booth"): (ORGANISERS, lambda w: {"booth": "1"}),
    ("POST", "/events/{public_id}/participants/{pid}/check-in"): (ORGANISERS, lambda w: {"present": "1"}),
    ("POST", "/events/{public_id}/schedule"): (ORGANISERS, lambda w: {}),
    ("POST", "/events/{public_id}/publish"): (ORGANISERS, lambda w: {}),
    ("POST", "/events/{public_id}/close"): (ORGANISERS, lambda w: {}),
    ("POST", "/api/v1/events/{public_id}/schedule"): (ORGANISERS, lambda w: {}),
    ("POST", "/api/v1/events/{public_id}/publish"): (ORGANISERS, lambda w: {}),
    ("POST", "/events/{public_id}/register"): (EVENT_FIRMS, lambda w: {"firm": w.firm_a}),
    ("POST", "/api/v1/events/{public_id}/participants"): (EVENT_FIRMS, lambda w: {"firm": w.firm_a}),
    ("POST", "/events/{public_id}/requests"): (EVENT_FIRMS, _proposal),
    ("POST", "/api/v1/events/{public_id}/requests"): (EVENT_FIRMS, _proposal),
    ("POST", "/events/requests/{request_id}/answer"): (EVENT_FIRMS, lambda w: {"accept": "1"}),
    ("POST", "/api/v1/events/requests/{request_id}/answer"): (EVENT_FIRMS, lambda w: {"accept": True}),
    ("POST", "/events/{public_id}/firms/{firm}/availability"): (EVENT_FIRMS, lambda w: {}),
    ("PUT", "/api/v1/events/{public_id}/participants/{firm}/availability"): (
        EVENT_FIRMS,
        lambda w: {"unavailable": [0]},
    ),
    ("POST", "/events/meetings/{meeting_id}/outcome"): (EVENT_FIRMS, lambda w: {"outcome": "minat"}),
    ("POST", "/api/v1/events/meetings/{meeting_id}/outcome"): (EVENT_FIRMS, lambda w: {"outcome": "minat"}),
    # capability (service authorisation: capability.assess on the firm, capability.programme on the province)
    ("POST", "/api/v1/capability/assessments"): (FIRM_A_OFFICERS, _assessment),
    ("POST", "/firms/{public_id}/capability/assess"): (FIRM_A_OFFICERS, lambda w: {}),
    ("POST", "/api/v1/capability/interventions"): (OFFICERS_33, _intervention),
    ("POST", "/capability/interventions"): (OFFICERS_33, _intervention_form),
    ("POST", "/api/v1/capability/programmes"): (OFFICERS_33, _programme),
    ("POST", "/capability/programmes"): (OFFICERS_33, _programme),
    ("POST", "/api/v1/capability/programmes/{public_id}/close"): (OFFICERS, lambda w: {}),
    ("POST", "/capability/programmes/{public_id}/close"): (OFFICERS, lambda w: {}),
    ("POST", "/api/v1/capability/programmes/{public_id}/enrolments"): (OFFICERS, lambda w: {"firms": [w.firm_a]}),
    ("POST", "/capability/programmes/{public_id}/enrol"): (OFFICERS, lambda w: {"firms": w.firm_a}),
    ("POST", "/api/v1/capability/programmes/{public_id}/enrolments/{firm}/status"): (
        OFFICERS,
        lambda w: {"status": "completed"},
    ),
    ("POST", "/capability/programmes/{public_id}/enrolments/{firm}/status"): (
        OFFICERS,
        lambda w: {"status": "completed"},
    ),
    ("POST", "/api/v1/capability/programmes/{public_id}/enrolments/{firm}/reassess"): (OFFICERS, _assessment),
    # markets: a firm's HS codes, by its owner or its province's officer (markets.set_hs)
    ("POST", "/api/v1/markets/firms/{public_id}/hs"): (FIRM_A_OFFICERS, lambda w: {"hs6": "940360"}),
    ("POST", "/markets/firm/{public_id}/hs"): (FIRM_A_OFFICERS, lambda w: {"hs6": "940360"}),
}


def _routes(app: Any) -> Iterator[tuple[str, str]]:
    for ctx in iter_route_contexts(app.routes):
        for method in sorted(getattr(ctx, "methods", None) or ()):
            yield method, str(ctx.path)


def _param_values(path: str, name: str, w: World, *, write: bool = False) -> list[str]:
    if name == "job_id":
        return [str(w.job_id)]
    if name == "row_id":
        return [str(w.row_id)]
    if name == "public_id":
        if path.startswith(("/needs", "/api/v1/needs")):
            return [w.need]
        if path.startswith(("/sentra", "/api/v1/sentra")):
            return [w.sentra]
        if "claim" in path and "/firms/" not in path:
            return [w.claim]
        if path.endswith("/claim"):
            return [w.firm_b]
        return [w.firm_a] if write else [w.firm_a, w.firm_b]
    if name == "token_id":
        return [str(w.token_ids["admin"])]
    if name == "user_id":
        return [str(w.users["analis"].id)]
    if name == "decision":
        return ["confirm"]
    if name == "code":
        return ["33", "51"]
    if name == "fmt":
        return ["csv"]
    if name == "name":
        try:
            from jejaring.insights import tables

            return sorted(tables.TABLES)
        except ImportError:
            return ["x"]
    return ["1"]


def _urls(path: str, w: World, *, write: bool = False) -> list[str]:
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    urls = []
    for combo in itertools.product(*[_param_values(path, n, w, write=write) for n in names]):
        url = path
        for n, v in zip(names, combo, strict=True):
            url = re.sub(r"{" + n + r"(?::\w+)?}", v, url, count=1)
        urls.append(url)
    return urls


@pytest.fixture
def browsers(app_client: TestClient, world: World) -> dict[str, tuple[TestClient, str]]:
    """A signed-in browser (client, CSRF token) per persona; the anonymous one has a CSRF cookie too."""
    out: dict[str, tuple[TestClient, str]] = {}
    for persona in PERSONAS:
        c = TestClient(app_client.app)
        if persona == "anonymous":
            from tests.accounts.helpers import csrf_of

            out[persona] = (c, csrf_of(c))
        else:
            out[persona] = (c, login(c, f"{persona}@uji.example"))
    return out


def test_every_write_route_is_classified(app_client: TestClient) -> None:
    writes = {(m, p) for m, p in _routes(app_client.app) if m in WRITE_METHODS}
    unclassified = sorted(writes - set(WRITE_MATRIX))
    assert not unclassified, f"write routes missing from WRITE_MATRIX (who may call them?): {unclassified}"
    stale = sorted(set(WRITE_MATRIX) - writes)
    assert not stale, f"WRITE_MATRIX lists routes that no longer exist: {stale}"


def test_authorisation_matrix(
    app_client: TestClient, world: World, browsers: dict[str, tuple[TestClient, str]]
) -> None:
    checked = 0
    failures: list[str] = []
    for method, path in sorted(_routes(app_client.app)):
        if method not in WRITE_METHODS or (method, path) not in WRITE_MATRIX:
            continue
        allowed, payload = WRITE_MATRIX[(method, path)]
        body = payload(world)
        is_api = path.startswith("/api/")
        for persona, url in itertools.product(PERSONAS, _urls(path, world, write=True)):
            if persona in allowed:
                continue
            attempts: list[tuple[str, Any]] = []
            if is_api:
                client = app_client
                headers = {} if persona == "anonymous" else {"Authorization": f"Bearer {world.tokens[persona]}"}
                attempts.append(("token", client.request(method, url, json=body, headers=headers)))
                if persona != "anonymous":  # a browser session with a valid CSRF token is refused too
                    c, csrf = browsers[persona]
                    attempts.append(("session", c.request(method, url, json=body, headers={"X-CSRF-Token": csrf})))
            else:
                c, csrf = browsers[persona]
                r = c.request(
                    method,
                    url,
                    data={**body, "csrf_token": csrf},
                    headers={"X-CSRF-Token": csrf},
                    follow_redirects=False,
                )
                attempts.append(("session", r))
            for how, r in attempts:
                checked += 1
                ok = r.status_code in (401, 403) or (persona != "anonymous" and r.status_code == 404)
                if persona != "anonymous" and r.status_code == 422 and path.startswith(SCOPED_BY_PAYLOAD_PREFIXES):
                    ok = True
                if not ok:
                    failures.append(f"{method} {url} as {persona} ({how}): {r.status_code} {r.text[:120]}")
    assert checked > 200
    assert not failures, "\n".join(failures)


def test_read_only_tokens_cannot_write(app_client: TestClient, world: World) -> None:
    failures = []
    for method, path in sorted(_routes(app_client.app)):
        if method not in WRITE_METHODS or not path.startswith("/api/") or (method, path) in READS_VIA_POST:
            continue
        _allowed, payload = WRITE_MATRIX.get((method, path), (frozenset(), lambda w: {}))
        for url in _urls(path, world, write=True):
            for persona in SIGNED_IN:
                headers = {"Authorization": f"Bearer {world.read_tokens[persona]}"}
                r = app_client.request(method, url, json=payload(world), headers=headers)
                if r.status_code not in (401, 403):
                    failures.append(f"{method} {url} as {persona} with a read token: {r.status_code}")
    assert not failures, "\n".join(failures)


ENTITLED = {  # persona -> firms whose personal data it may see
    "admin": ("a", "b"),
    "petugas_33": ("a",),
    "petugas_51": ("b",),
    "pemilik_a": ("a",),
}
EXTRA_GETS = ("/firms?q=Ukir", "/api/v1/firms?q=Ukir", "/?q=Ukir", "/sentra?q=Ukir", "/audit?province=33")


def test_no_personal_data_leaks(
    app_client: TestClient, world: World, browsers: dict[str, tuple[TestClient, str]]
) -> None:
    secrets = {"a": list(PRIVATE_A.values()), "b": list(PRIVATE_B.values())}
    urls = set(EXTRA_GETS)
    for method, path in _routes(app_client.app):
        if method == "GET" and not path.startswith(("/static", "/api/v1/docs", "/docs")):
            urls.update(_urls(path, world))
    leaks, pages = [], 0
    for persona in PERSONAS:
        forbidden = [v for firm, values in secrets.items() if firm not in ENTITLED.get(persona, ()) for v in values]
        client, _csrf = browsers[persona]
        token_headers = {} if persona == "anonymous" else {"Authorization": f"Bearer {world.tokens[persona]}"}
        for url in sorted(urls):
            r = client.get(url, headers=token_headers if url.startswith("/api/") else {}, follow_redirects=False)
            pages += 1
            assert r.status_code < 500, f"GET {url} as {persona}: {r.status_code}"
            body = r.content.decode("utf-8", "replace")
            leaks += [f"{persona} GET {url}: {v}" for v in forbidden if v in body]
    assert pages > 100
    assert not leaks, "personal data leaked:\n" + "\n".join(leaks)


def test_entitled_roles_do_see_personal_data(app_client: TestClient, world: World) -> None:
    """The leak test above must be able to fail: the values are really served to those entitled."""
    for persona, firms in ENTITLED.items():
        for firm in firms:
            pid = world.firm_a if firm == "a" else world.firm_b
            r = app_client.get(
                f"/api/v1/firms/{pid}/private", headers={"Authorization": f"Bearer {world.tokens[persona]}"}
            )
            assert r.status_code == 200 and r.json()["phone"] == (PRIVATE_A if firm == "a" else PRIVATE_B)["phone"]
    for persona in set(PERSONAS) - set(ENTITLED) - {"anonymous"}:
        r = app_client.get(
            f"/api/v1/firms/{world.firm_a}/private", headers={"Authorization": f"Bearer {world.tokens[persona]}"}
        )
        assert r.status_code == 403
    assert app_client.get(f"/api/v1/firms/{world.firm_a}/private").status_code == 401

"""Browser fixtures: a real `jejaring serve` process and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from jejaring.core.db import build_engine
from tests.conftest import IN_CI, PG_URL, _pg_exec

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVER_START_S = 300
PAGE_WAIT_MS = 90_000


def chromium_path() -> str | None:
    for path in (os.environ.get("JEJARING_TEST_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if path and Path(path).exists():
            return path
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(db_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JEJARING_DATABASE_URL": db_url,
        "JEJARING_DATA_DIR": str(data_dir),
        "JEJARING_LOAD_DEMO": "true",
        "JEJARING_DEMO_SOURCE": "handmade",
        # one worker a test server: the suite already runs two test processes on a two-core machine, and a second
        # worker loading its own partner-search model doubled every browser test's start-up
        "JEJARING_WORKERS": "1",
    }


def _pristine(db_url: str) -> bool:
    """Whether the test wrote nothing to its fresh database before starting the server (no firm, no user)."""
    engine = build_engine(db_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT (SELECT count(*) FROM firm) + (SELECT count(*) FROM account_user)"))
            return bool(found.scalar() == 0)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _demo_snapshots(
    tmp_path_factory: pytest.TempPathFactory, _templates: dict[str, str]
) -> Iterator[dict[str, tuple[str, Path]]]:
    """Per backend, made at its first use: a database and data folder after `jejaring serve`'s own preparation
    (migrations, reference and demo data, synthetic world trade, demo event, partner-search index), which each
    test server on a pristine database starts from, instead of loading the demo again (~3 s a test)."""
    made: dict[str, tuple[str, Path]] = {}
    yield made
    if "postgresql" in made:
        _pg_exec(f'DROP DATABASE IF EXISTS "{made["postgresql"][0]}" WITH (FORCE)')


def _snapshot(
    made: dict[str, tuple[str, Path]], backend: str, templates: dict[str, str], factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    if backend not in made:
        folder = factory.mktemp(f"demo-{backend}")
        if backend == "sqlite":
            shutil.copy(templates["sqlite"], folder / "demo.db")
            name, url = str(folder / "demo.db"), f"sqlite:///{folder / 'demo.db'}"
        else:
            name = f"jj_demo_{uuid.uuid4().hex[:10]}"
            _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        prepare = "from jejaring.cli import prepare_database; prepare_database(True)"
        done = subprocess.run(
            [sys.executable, "-c", prepare], env=_server_env(url, folder / "var"), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        made[backend] = (name, folder / "var")
    return made[backend]


def _restore(db_url: str, data_dir: Path, snapshot: tuple[str, Path]) -> None:
    """Make the test's database and data folder copies of the demo snapshot."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        shutil.copy(snapshot[0], str(url.database))
        if Path(snapshot[0] + "-wal").exists():  # not checkpointed yet: the log holds part of the demo
            shutil.copy(snapshot[0] + "-wal", f"{url.database}-wal")
    else:
        _pg_exec(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        _pg_exec(f'CREATE DATABASE "{url.database}" TEMPLATE "{snapshot[0]}"')
    shutil.copytree(snapshot[1], data_dir)


@pytest.fixture
def live_server(
    db_url: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _templates: dict[str, str],
    _demo_snapshots: dict[str, tuple[str, Path]],
) -> Iterator[str]:
    """`jejaring serve` started as a user starts it, on a free port, against the fresh database (with the demo
    data, copied from the snapshot when the test wrote nothing before)."""
    port = _free_port()
    env = _server_env(db_url, tmp_path / "var")
    if _pristine(db_url):
        backend = make_url(db_url).get_backend_name()
        _restore(db_url, tmp_path / "var", _snapshot(_demo_snapshots, backend, _templates, tmp_path_factory))
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jejaring.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # generous: on a loaded two-core machine, importing the app and migrating took over 90 s
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / "server.log").read_text())
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("server did not start: " + (tmp_path / "server.log").read_text())
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium via Playwright; skips with a notice outside CI when Chromium is missing."""
    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("NOTICE: no Chromium found (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser page."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="id-ID")
    pg = context.new_page()
    # generous waits: on a loaded two-core machine a first page load (templates, assets, argon2) takes seconds
    pg.set_default_timeout(PAGE_WAIT_MS)
    expect.set_options(timeout=PAGE_WAIT_MS // 3)
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot for review under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_cli(db_url: str, *args: str) -> str:
    """Run ``jejaring <args>`` on the database of ``db_url`` in a process of its own; its output."""
    env = {**os.environ, "JEJARING_DATABASE_URL": db_url, "JEJARING_LOAD_DEMO": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "jejaring.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def login(page, base: str, email: str, password: str) -> None:
    """Sign in through the form and wait until the sign-in page is left."""
    from playwright.sync_api import expect

    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    expect(page).not_to_have_url(re.compile(r"/login"))


# The language × width combinations a journey walks, split between the backends: each backend sees both languages
# and both widths, and every combination is walked once (the two runs of each journey halve the suite's time).
COMBOS = {"sqlite": (("id", "desktop"), ("en", "phone")), "postgresql": (("en", "desktop"), ("id", "phone"))}


def combos(db_url: str) -> tuple[tuple[str, str], ...]:
    """The (language, device) pairs a journey walks on the backend of ``db_url``."""
    return COMBOS[make_url(db_url).get_backend_name()]


def signed_in(
    browser, base: str, email: str, password: str, *, lang: str = "id", viewport: dict[str, int] | None = None
):
    """A new browser context in ``lang`` at ``viewport``, signed in as ``email``: (context, page)."""
    context = browser.new_context(viewport=viewport, locale="id-ID" if lang == "id" else "en-US")
    context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_selector("#nav-user", state="attached")
    return context, page


def demo_buyer_and_ikm(session):
    """The demo's large-industry buyer and an IKM of its supply chain (demo data loaded by `jejaring serve`)."""
    from sqlalchemy import select

    from jejaring.registry.models import Firm

    big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
    ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
    assert big is not None and ikm is not None, "demo data loaded by jejaring serve"
    return big, ikm


def add_owners(session, owners, password: str) -> None:
    """Business-owner accounts (``(email, name, firm)`` each) that own their firm, made through the service."""
    from jejaring.accounts import service as accounts_service
    from jejaring.accounts.models import FirmOwner
    from jejaring.accounts.roles import system_actor
    from jejaring.accounts.schemas import UserCreate

    for email, name, firm in owners:
        data = UserCreate(email=email, name=name, role="pemilik_usaha", must_change_password=False)
        user = accounts_service.create_user(session, actor=system_actor("cli"), data=data, password=password)
        session.add(FirmOwner(user_id=user.id, firm_id=firm.id))

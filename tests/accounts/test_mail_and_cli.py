"""Password-reset mail over a real SMTP conversation, and the accounts CLI, on both backends."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from jejaring.accounts.models import ApiToken, AuditEvent, User
from jejaring.cli import app as cli
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.web.app import create_app
from tests.accounts.conftest import World
from tests.accounts.helpers import csrf_of, login


class TinySmtp:
    """Just enough of an SMTP server (no TLS, no auth) to receive messages in a thread."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.messages: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                f.write(b"220 uji ESMTP\r\n")
                f.flush()
                data: list[bytes] | None = None
                for line in f:
                    if data is not None:
                        if line in (b".\r\n", b".\n"):
                            self.messages.append(b"".join(data).decode())
                            data = None
                            f.write(b"250 OK\r\n")
                        else:
                            data.append(line)
                        f.flush()
                        continue
                    cmd = line[:4].upper()
                    reply = {b"EHLO": b"250 uji\r\n", b"HELO": b"250 uji\r\n", b"QUIT": b"221 bye\r\n"}.get(
                        cmd, b"250 OK\r\n"
                    )
                    if cmd == b"DATA":
                        data, reply = [], b"354 go\r\n"
                    f.write(reply)
                    f.flush()
                    if cmd == b"QUIT":
                        break

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def smtp() -> Iterator[TinySmtp]:
    server = TinySmtp()
    yield server
    server.close()


def test_forgot_password_mails_a_one_time_link(settings: Settings, world: World, smtp: TinySmtp) -> None:
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_starttls": False})
    with TestClient(create_app(mail)) as c:
        token = csrf_of(c, "/account/forgot")
        r = c.post("/account/forgot", data={"email": "tidak.ada@uji.example", "csrf_token": token})
        assert r.status_code == 200 and 'id="forgot-sent"' in r.text and not smtp.messages
        r2 = c.post("/account/forgot", data={"email": "analis@uji.example", "csrf_token": token})
        assert r2.status_code == 200 and r.text == r2.text.replace("analis@uji.example", "tidak.ada@uji.example")
        assert len(smtp.messages) == 1 and "analis@uji.example" in smtp.messages[0]
        body = email.message_from_string(smtp.messages[0], policy=email.policy.default).get_body()
        assert body is not None
        link = next(w for w in body.get_content().split() if "/account/reset/" in w)
        path = link.split("8000", 1)[1]
        token = csrf_of(c, path)
        form = {"new_password": "sandi-dari-surel-1", "confirm_password": "sandi-dari-surel-1", "csrf_token": token}
        assert c.post(path, data=form, follow_redirects=False).status_code == 303
        login(c, "analis@uji.example", "sandi-dari-surel-1")


def test_users_and_tokens_cli(env_db: str, engine: Engine) -> None:
    run = CliRunner().invoke
    r = run(cli, ["users", "create", "dinas@uji.example", "--name", "Petugas Jateng", "--role", "petugas_dinas",
                  "--province", "33", "--regency", "33.20"])  # fmt: skip
    assert r.exit_code == 0, r.output
    one_time = r.output.split("One-time password:")[1].split()[0]
    assert len(one_time) >= 12
    bad = run(cli, ["users", "create", "x@uji.example", "--name", "X", "--role", "petugas_dinas"])
    assert bad.exit_code == 1 and "provinsi" in bad.output
    r = run(cli, ["users", "list"])
    assert r.exit_code == 0 and "dinas@uji.example" in r.output
    r = run(cli, ["tokens", "create", "dinas@uji.example", "--name", "ci", "--scope", "read", "--scope", "write"])
    assert r.exit_code == 0, r.output
    secret = r.output.strip().splitlines()[-1]
    assert secret.startswith("jjk_")
    with session_scope(engine) as s:
        row = s.scalar(select(ApiToken))
        assert row is not None and row.scopes == "read,write" and secret not in row.token_hash
        token_id = row.id
    assert run(cli, ["tokens", "list", "dinas@uji.example"]).output.count("jjk_") == 1
    assert run(cli, ["tokens", "revoke", str(token_id)]).exit_code == 0
    assert run(cli, ["users", "disable", "dinas@uji.example"]).exit_code == 0
    assert run(cli, ["users", "disable", "tidak.ada@uji.example"]).exit_code == 1
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.email == "dinas@uji.example"))
        assert user is not None and not user.active and user.regency_code == "33.20"
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["user.create", "token.create", "token.revoke", "user.disable"]


def test_first_start_creates_admin_once(env_db: str, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    from jejaring.accounts.cli import ensure_first_admin

    created = ensure_first_admin()
    assert created is not None and created[0] == "admin@jejaring.example"
    assert ensure_first_admin() is None
    with session_scope(engine) as s:
        admin = s.scalar(select(User))
        assert admin is not None and admin.role == "admin" and admin.must_change_password
        assert created[1] not in admin.password_hash

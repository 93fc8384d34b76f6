"""With SMTP configured, partnership notifications are also e-mailed to the firm's owners (a real SMTP
conversation with a small sink server on loopback)."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.models import FirmOwner
from jejaring.core.config import get_settings
from jejaring.partnerships import notify, service
from jejaring.partnerships.schemas import ProposalIn
from jejaring.registry import demo
from jejaring.registry.models import Firm
from tests.accounts.helpers import create_user
from tests.partnerships.test_lifecycle import owner

RECEIVED: list[str] = []


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept one message."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        data_mode, lines = False, list[str]()
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if line == ".":
                    RECEIVED.append("\n".join(lines))
                    data_mode = False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == "DATA":
                data_mode, lines = True, []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("JEJARING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("JEJARING_SMTP_PORT", str(port))
    monkeypatch.setenv("JEJARING_SMTP_STARTTLS", "false")
    get_settings.cache_clear()
    yield port
    server.shutdown()
    server.server_close()
    get_settings.cache_clear()


def test_proposal_is_mailed_to_the_partner_owner(session: Session, smtp_port: int) -> None:
    RECEIVED.clear()
    demo.load_demo_if_empty(session)
    big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
    ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
    assert big is not None and ikm is not None
    user = create_user(session, role="pemilik_usaha", email="pemilik.ikm@uji.example")
    session.add(FirmOwner(user_id=user.id, firm_id=ikm.id))
    session.flush()
    service.propose(
        session,
        actor=owner(big),
        data=ProposalIn(
            proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="subkontrak", title="Bracket knalpot"
        ),
    )
    assert len(RECEIVED) == 1
    assert "pemilik.ikm@uji.example" in RECEIVED[0] and "Bracket knalpot" in RECEIVED[0]
    assert notify.for_firms(session, firm_ids=frozenset({ikm.id}))  # and in the app

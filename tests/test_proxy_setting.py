"""Issue 23 #9 (part): X-Forwarded-For is not trusted unless a proxy is configured."""

from __future__ import annotations

from jejaring.cli import uvicorn_proxy_options
from jejaring.core.config import Settings


def test_forwarded_headers_are_not_trusted_by_default() -> None:
    assert uvicorn_proxy_options(Settings()) == {"proxy_headers": False}


def test_a_configured_proxy_is_trusted() -> None:
    options = uvicorn_proxy_options(Settings(trusted_proxies="10.0.0.5"))
    assert options == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}

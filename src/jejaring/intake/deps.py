"""Who may upload and correct: officers of the office's province (accounts domain), and the dev fallback.

With the accounts middleware installed, every write needs a signed-in user allowed ``province.write`` on
the office's region (admin everywhere; a petugas dinas only in their province or regency), and a
session-authenticated form must carry its CSRF token (``current_user`` checks it). Without the
middleware (development before accounts are wired), anonymous HTML uploads are accepted outside
production and recorded as ``pengembang``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from jejaring.accounts import authz
from jejaring.accounts.deps import ActorDep
from jejaring.accounts.roles import Actor

DEV_UPLOADER = "pengembang"


@dataclass(frozen=True)
class Uploader:
    """The one uploading: their name for provenance, their office (kode wilayah) and the actor itself."""

    name: str
    office: str | None
    actor: Actor | None

    def check_office(self, office: str | None) -> str | None:
        """The office to record: the one asked for (which must be in scope), else the user's own region."""
        if self.actor is None:
            return office
        office = office or self.actor.regency_code or self.actor.province_code
        authz.authorize(self.actor, "province.write", office or None)
        return office

    def check_job(self, job: object) -> None:
        """Refuse (403) a job of an office outside the uploader's region."""
        if self.actor is not None:
            authz.authorize(self.actor, "province.write", getattr(job, "office", None) or None)


def _accounts_installed(request: Request) -> bool:
    return hasattr(request.state, "actor") or hasattr(request.state, "auth_error")


def current_uploader(request: Request, actor: ActorDep) -> Uploader:
    """The uploader of a write request (401/403 when not allowed)."""
    if actor.is_authenticated or _accounts_installed(request) or request.app.state.settings.environment == "production":
        authz.authorize(actor, "province.write", actor.regency_code or actor.province_code)
        return Uploader(actor.label, actor.regency_code or actor.province_code, actor)
    return Uploader(DEV_UPLOADER, None, None)


def current_api_uploader(actor: ActorDep) -> Uploader:
    """The uploader of a JSON API write: always a signed-in user or a write token (401/403 otherwise)."""
    authz.authorize(actor, "province.write", actor.regency_code or actor.province_code)
    return Uploader(actor.label, actor.regency_code or actor.province_code, actor)


UploaderDep = Annotated[Uploader, Depends(current_uploader)]
ApiUploaderDep = Annotated[Uploader, Depends(current_api_uploader)]

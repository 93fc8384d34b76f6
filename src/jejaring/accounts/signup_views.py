"""HTML pages for owners' self sign-up and the confirmation link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from jejaring.accounts import signup
from jejaring.accounts.authz import Forbidden
from jejaring.accounts.deps import ActorDep, require_csrf
from jejaring.accounts.views import client_ip
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, lang: str, status_code: int = 200, **context: object) -> Response:
    base: dict[str, object] = {"error": None, "values": {}, "done": None}
    response = render(request, "accounts/signup.html", base | context, lang=lang, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/signup")
def signup_page(request: Request, lang: LangDep, actor: ActorDep) -> Response:
    """The sign-up form for business owners (signed-in users go to their own page)."""
    if actor.is_authenticated:
        return RedirectResponse("/my" if actor.role == "pemilik_usaha" else "/account", status_code=303)
    return _page(request, lang)


@router.post("/signup", dependencies=[Depends(require_csrf)])
def signup_submit(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    confirm_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Create the unconfirmed account and send (or show) its one-time confirmation link."""
    settings = request.app.state.settings
    values = {"name": name, "email": email}
    if actor.is_authenticated:
        raise Forbidden("accounts.signup.signed_in")
    try:
        if password != confirm_password:
            raise DomainError("accounts.error.password_mismatch", field="confirm_password")
        result = signup.sign_up(
            session,
            actor=actor,
            email=email,
            name=name,
            password=password,
            ip=client_ip(request),
            settings=settings,
            lang=lang,
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, lang, exc.status_code, error=translate(exc.key, lang, **exc.params), values=values)
    show_link = not result.mailed and settings.environment != "production"
    done = {"email": result.user.email, "mailed": result.mailed, "link": result.link if show_link else None}
    return _page(request, lang, 201, done=done)


@router.get("/account/confirm/{token}")
def confirm_page(token: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """Open the confirmation link: the account becomes active and the owner can sign in."""
    try:
        signup.confirm(session, token=token)
    except DomainError as exc:
        session.rollback()
        message = translate(exc.key, lang, **exc.params)
        return render(request, "error.html", {"message": message}, lang=lang, status_code=exc.status_code)
    return RedirectResponse("/login?confirmed=1&next=/my", status_code=303)

"""HTML pages for signing in and out, the one's own account (password, API tokens) and password reset."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from jejaring.accounts import ownership, resets, security, tokens
from jejaring.accounts import service as accounts_service
from jejaring.accounts.deps import ActorDep, UserDep, require_csrf
from jejaring.accounts.middleware import cookie_header, cookie_names
from jejaring.accounts.roles import PEMILIK
from jejaring.accounts.schemas import TokenCreate
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
CsrfDep = Depends(require_csrf)
Text = Annotated[str, Form(max_length=2000)]


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parsed = urlparse(target)
    return "/" if parsed.scheme or parsed.netloc else target


def client_ip(request: Request) -> str:
    """The client's address (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/login")
def login_page(request: Request, lang: LangDep, next: str = "/") -> Response:
    """The sign-in form."""
    return _no_store(render(request, "accounts/login.html", {"next": safe_next(next), "error": None}, lang=lang))


@router.post("/login", dependencies=[CsrfDep])
def login(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials (throttled per account and IP), open a session and go on."""
    settings = request.app.state.settings
    result = accounts_service.authenticate(
        session, email=email, password=password, ip=client_ip(request), settings=settings
    )
    if result.user is None:
        session.commit()  # the failure counts must persist
        status = 429 if result.error == "accounts.error.throttled" else 401
        context = {"next": safe_next(next), "error": translate(result.error or "", lang), "email": email}
        return _no_store(render(request, "accounts/login.html", context, lang=lang, status_code=status))
    token = accounts_service.start_session(session, user=result.user, ip=client_ip(request), settings=settings)
    target = "/account/password" if result.user.must_change_password else safe_next(next)
    if target == "/" and result.user.role == PEMILIK:
        target = "/my"  # Usaha saya: an owner's own page
    response = RedirectResponse(target, status_code=303)
    names = cookie_names(settings)
    response.headers.append(
        "set-cookie", cookie_header(settings, names.session, token, max_age=settings.session_hours * 3600)
    )
    response.headers.append("set-cookie", cookie_header(settings, names.csrf, security.new_secret(), max_age=None))
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """End the session (CSRF-checked like every write by a signed-in browser)."""
    settings = request.app.state.settings
    names = cookie_names(settings)
    accounts_service.end_session(session, token=request.cookies.get(names.session))
    response = RedirectResponse("/", status_code=303)
    response.headers.append("set-cookie", cookie_header(settings, names.session, "", max_age=0))
    return response


@router.get("/account")
def account_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """One's own account: who I am, my API tokens."""
    assert actor.user_id is not None
    user = accounts_service.get_user(session, user_id=actor.user_id)
    context = {
        "user": user,
        "tokens": tokens.list_tokens(session, actor=actor, user=user),
        "new_token": None,
        "firms": ownership.owned_firms(session, user_id=user.id),
    }
    return _no_store(render(request, "accounts/account.html", context, lang=lang))


@router.post("/account/tokens")
def create_token(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    name: Annotated[str, Form(max_length=100)],
    scope_write: Annotated[bool, Form()] = False,
    expires_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
) -> Response:
    """Create an API token and show its secret once."""
    assert actor.user_id is not None
    user = accounts_service.get_user(session, user_id=actor.user_id)
    scopes = ["read", "write"] if scope_write else ["read"]
    data = TokenCreate.model_validate({"name": name, "scopes": scopes, "expires_days": expires_days})
    _row, secret = tokens.create_token(session, actor=actor, user=user, data=data)
    context = {
        "user": user,
        "tokens": tokens.list_tokens(session, actor=actor, user=user),
        "new_token": secret,
        "firms": ownership.owned_firms(session, user_id=user.id),
    }
    return _no_store(render(request, "accounts/account.html", context, lang=lang, status_code=201))


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: int, session: SessionDep, actor: UserDep) -> Response:
    """Revoke one of my API tokens."""
    tokens.revoke_token(session, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/account/password")
def password_page(request: Request, lang: LangDep, actor: UserDep) -> Response:
    """The change-password form (first sign-in with a one-time password lands here)."""
    return _no_store(render(request, "accounts/password.html", {"error": None}, lang=lang))


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    confirm_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change my password; I sign in again afterwards."""
    assert actor.user_id is not None
    user = accounts_service.get_user(session, user_id=actor.user_id)
    try:
        if new_password != confirm_password:
            raise DomainError("accounts.error.password_mismatch", field="confirm_password")
        accounts_service.change_password(session, actor=actor, user=user, current=current_password, new=new_password)
    except DomainError as exc:
        session.rollback()
        message = translate(exc.key, lang, **exc.params)
        return _no_store(render(request, "accounts/password.html", {"error": message}, lang=lang, status_code=422))
    return RedirectResponse("/login?changed=1", status_code=303)


@router.get("/account/forgot")
def forgot_page(request: Request, lang: LangDep) -> Response:
    """Ask for a reset link (mailed when SMTP is configured, otherwise an admin prints one)."""
    context = {"mail": resets.mail_enabled(request.app.state.settings), "sent": False}
    return render(request, "accounts/forgot.html", context, lang=lang)


@router.post("/account/forgot", dependencies=[CsrfDep])
def forgot(
    request: Request, session: SessionDep, lang: LangDep, email: Annotated[str, Form(max_length=254)]
) -> Response:
    """Mail a reset link when possible; the answer never tells whether the account exists."""
    settings = request.app.state.settings
    if accounts_service.is_throttled(session, email=email, ip=client_ip(request), settings=settings):
        context = {
            "mail": resets.mail_enabled(settings),
            "sent": False,
            "error": translate("accounts.error.throttled", lang),
        }
        return render(request, "accounts/forgot.html", context, lang=lang, status_code=429)
    sent = resets.request_reset(session, email=email, settings=settings, lang=lang)
    return render(request, "accounts/forgot.html", {"mail": resets.mail_enabled(settings), "sent": sent}, lang=lang)


@router.get("/account/reset/{token}")
def reset_page(token: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """The new-password form behind a one-time link."""
    valid = resets.valid_reset(session, token=token) is not None
    context = {"valid": valid, "token": token, "error": None}
    return _no_store(render(request, "accounts/reset.html", context, lang=lang, status_code=200 if valid else 404))


@router.post("/account/reset/{token}", dependencies=[CsrfDep])
def reset(
    token: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    new_password: Annotated[str, Form(max_length=1000)],
    confirm_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Set the new password; the link is spent."""
    try:
        if new_password != confirm_password:
            raise DomainError("accounts.error.password_mismatch", field="confirm_password")
        resets.use_reset(session, token=token, password=new_password)
    except DomainError as exc:
        session.rollback()
        valid = resets.valid_reset(session, token=token) is not None
        context = {"valid": valid, "token": token, "error": translate(exc.key, lang, **exc.params)}
        return _no_store(render(request, "accounts/reset.html", context, lang=lang, status_code=422))
    return RedirectResponse("/login?changed=1", status_code=303)

"""``jejaring users …`` and ``jejaring tokens …``: run with the operator's rights (the CLI actor)."""

from __future__ import annotations

import typer
from rich.console import Console

from jejaring.accounts import resets, security, tokens
from jejaring.accounts import service as accounts_service
from jejaring.accounts.roles import ADMIN, ROLES, system_actor
from jejaring.accounts.schemas import TokenCreate, UserCreate
from jejaring.core.config import get_settings
from jejaring.core.db import get_engine, session_scope
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate

users_app = typer.Typer(help="Users: create, list, disable, enable, password-reset links.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
console = Console()
CLI = system_actor("cli")


def _fail(exc: DomainError) -> typer.Exit:
    lang = get_settings().default_language
    console.print(f"[red]{translate(exc.key, lang, **exc.params)}[/red]")
    return typer.Exit(1)


def ensure_first_admin() -> tuple[str, str] | None:
    """When there is no user at all, create the admin (JEJARING_ADMIN_EMAIL) with a one-time password."""
    settings = get_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        if accounts_service.count_users(session) > 0:
            return None
        password = security.new_password()
        data = UserCreate(email=settings.admin_email, name="Admin", role=ADMIN, must_change_password=True)
        accounts_service.create_user(session, actor=CLI, data=data, password=password)
        return settings.admin_email, password


@users_app.command("create")
def users_create(
    email: str = typer.Argument(..., help="E-mail address (the sign-in name)."),
    name: str = typer.Option(..., "--name", help="Full name."),
    role: str = typer.Option(..., "--role", help="One of: " + ", ".join(ROLES)),
    province: str | None = typer.Option(None, help="Province code (petugas dinas), e.g. 33."),
    regency: str | None = typer.Option(None, help="Regency code to narrow a petugas dinas, e.g. 33.20."),
    password: str | None = typer.Option(None, help="Password; default: a one-time password, printed."),
) -> None:
    """Create a user; without --password a one-time password is printed and must be changed at first sign-in."""
    one_time = password is None
    secret = password or security.new_password()
    try:
        data = UserCreate.model_validate(
            {
                "email": email,
                "name": name,
                "role": role,
                "province_code": province,
                "regency_code": regency,
                "must_change_password": one_time,
            }
        )
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    try:
        with session_scope() as session:
            user = accounts_service.create_user(session, actor=CLI, data=data, password=secret)
            user_id = user.id
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]User {data.email} created[/green] (id {user_id}, role {role}).")
    if one_time:
        console.print(f"One-time password: [bold]{secret}[/bold]")


@users_app.command("list")
def users_list() -> None:
    """List every user, tab-separated (id, e-mail, name, role, province, regency, active)."""
    with session_scope() as session:
        users = accounts_service.list_users(session, actor=CLI)
        rows = [
            (str(u.id), u.email, u.name, u.role, u.province_code or "-", u.regency_code or "-", str(u.active).lower())
            for u in users
        ]
    typer.echo("\t".join(("id", "email", "name", "role", "province", "regency", "active")))
    for row in rows:
        typer.echo("\t".join(row))


def _set_active(email: str, active: bool) -> None:
    try:
        with session_scope() as session:
            user = accounts_service.get_user_by_email(session, email=email)
            accounts_service.set_active(session, actor=CLI, user=user, active=active)
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"{email}: {'enabled' if active else 'disabled'}.")


@users_app.command("disable")
def users_disable(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    _set_active(email, False)


@users_app.command("enable")
def users_enable(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """Enable a disabled user again."""
    _set_active(email, True)


@users_app.command("reset-link")
def users_reset_link(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """Print a one-time password-reset link (valid JEJARING_PASSWORD_RESET_MINUTES) to hand to the user."""
    settings = get_settings()
    try:
        with session_scope() as session:
            user = accounts_service.get_user_by_email(session, email=email)
            link = resets.create_reset_link(session, actor=CLI, user=user, settings=settings)
    except DomainError as exc:
        raise _fail(exc) from exc
    typer.echo(link)


@users_app.command("signup-link")
def users_signup_link(email: str = typer.Argument(..., help="E-mail of the unconfirmed user.")) -> None:
    """Print a fresh one-time confirmation link for a self-registered owner (when no SMTP is configured)."""
    from jejaring.accounts import signup

    settings = get_settings()
    try:
        with session_scope() as session:
            user = accounts_service.get_user_by_email(session, email=email)
            link = signup.confirmation_link(session, user=user, settings=settings)
    except DomainError as exc:
        raise _fail(exc) from exc
    typer.echo(link)


@tokens_app.command("create")
def tokens_create(
    email: str = typer.Argument(..., help="E-mail of the token's user."),
    name: str = typer.Option(..., "--name", help="What the token is for."),
    scope: list[str] = typer.Option(["read"], "--scope", help="read and/or write (repeat the option)."),
    days: int | None = typer.Option(None, "--days", help="Expires after this many days (default: never)."),
) -> None:
    """Create an API token for a user; the secret is printed once and never stored."""
    try:
        data = TokenCreate.model_validate({"name": name, "scopes": scope, "expires_days": days})
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    try:
        with session_scope() as session:
            user = accounts_service.get_user_by_email(session, email=email)
            row, secret = tokens.create_token(session, actor=CLI, user=user, data=data)
            token_id = row.id
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"Token {token_id} for {email} ({','.join(data.scopes)}). Shown once:", highlight=False)
    typer.echo(secret)


@tokens_app.command("list")
def tokens_list(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """List a user's tokens, tab-separated (prefix, scopes, last use; never the secret)."""
    try:
        with session_scope() as session:
            user = accounts_service.get_user_by_email(session, email=email)
            rows = [
                (
                    str(t.id),
                    t.name,
                    t.prefix + "…",
                    t.scopes,
                    f"{t.created_at:%Y-%m-%d}",
                    f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-",
                    f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "-",
                )
                for t in tokens.list_tokens(session, actor=CLI, user=user)
            ]
    except DomainError as exc:
        raise _fail(exc) from exc
    typer.echo("\t".join(("id", "name", "prefix", "scopes", "created", "last_used", "revoked")))
    for row in rows:
        typer.echo("\t".join(row))


@tokens_app.command("revoke")
def tokens_revoke(token_id: int = typer.Argument(..., help="Token id (see `jejaring tokens list`).")) -> None:
    """Revoke an API token."""
    try:
        with session_scope() as session:
            tokens.revoke_token(session, actor=CLI, token_id=token_id)
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"Token {token_id} revoked.")

"""`jejaring partnerships`: overdue checks, outcome figures, listings and ledger files from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.db import session_scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from jejaring.accounts.roles import Actor

app = typer.Typer(
    help="Kemitraan (PP 7/2021): overdue alerts, realised outcomes, listings, ledger files.", no_args_is_help=True
)
console = Console()


@app.command("check-overdue")
def check_overdue(today: str = typer.Option("", help="Date to check against (YYYY-MM-DD; default today).")) -> None:
    """Alert both parties of every newly overdue invoice (run daily)."""
    from jejaring.partnerships import ledger

    day = date.fromisoformat(today) if today else date.today()
    with session_scope() as session:
        raised = ledger.check_overdue(session, today=day)
    console.print(f"overdue alerts raised: {raised}")


@app.command("outcomes")
def outcome_figures(
    by: str = typer.Option("total", help="total, province, sector, pattern or programme."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Realised outcomes: proposals → agreements → orders → value delivered and paid → on-time rate."""
    from jejaring.partnerships import outcomes

    if by not in outcomes.GROUPINGS:
        raise typer.BadParameter(f"choose one of {', '.join(outcomes.GROUPINGS)}", param_hint="--by")
    with session_scope() as session:
        rows = outcomes.outcome_metrics(session, by=by)
    if as_json:
        echo_json(rows)
        return
    table = Table(*rows[0].keys()) if rows else Table("group")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    console.print(table)


@app.command("list")
def list_all(status: str = typer.Option("", help="Only this status.")) -> None:
    """Every partnership (operator view)."""
    from jejaring.accounts.roles import system_actor
    from jejaring.partnerships import service

    with session_scope() as session:
        rows = service.list_for(session, actor=system_actor("cli"), status=status or None)
        for p in rows:
            console.print(f"{p.public_id}  {p.status:11} {p.pattern_code:22} {p.title}")


AS_USER = typer.Option(..., "--as", help="E-mail of the party's user the command acts as (files are the parties' own).")


def _party(session: Session, email: str) -> Actor:
    from jejaring.accounts import service as accounts_service
    from jejaring.accounts.roles import SCOPES

    user = accounts_service.get_user_by_email(session, email=email)
    return accounts_service.actor_for(session, user=user, via="cli", scopes=frozenset(SCOPES))


@app.command("attach")
def attach(
    partnership: str = typer.Argument(..., help="Partnership ID, e.g. K-7K3M9QX2-P."),
    target: str = typer.Option(
        ..., help='What the file belongs to: "order:ID", "delivery:ID", "invoice:ID" or "payment:ID".'
    ),
    file: Path = typer.Option(..., exists=True, dir_okay=False, help="A PDF, JPEG or PNG (BAST scan, invoice, …)."),
    as_user: str = AS_USER,
) -> None:
    """Attach a file to an order, delivery, invoice or payment, as one of the parties (kept first, then attached)."""
    from jejaring.core.config import get_settings
    from jejaring.core.errors import DomainError
    from jejaring.core.i18n import translate
    from jejaring.partnerships import attachments, service

    settings = get_settings()
    try:
        with session_scope() as session:
            actor = _party(session, as_user)
            p = service.get(session, actor=actor, public_id=partnership)
            kept = attachments.keep(settings, uploader=actor.label, filename=file.name, content=file.read_bytes())
            kind, target_id = attachments.parse_target(target)
            row = attachments.attach(session, actor=actor, partnership=p, kind=kind, target_id=target_id, file=kept)
            console.print(f"attached #{row.id}: {row.filename} ({row.content_type}, {row.size} bytes) to {target}")
    except DomainError as exc:
        console.print(f"[red]{translate(exc.key, 'en', **exc.params)}[/red]")
        raise typer.Exit(1) from exc


@app.command("attachments")
def list_attachments(
    partnership: str = typer.Argument(..., help="Partnership ID."),
    as_user: str = AS_USER,
    out: Path | None = typer.Option(None, help="Download this attachment (with --id) to this path."),
    attachment_id: int = typer.Option(0, "--id", help="The attachment to download."),
) -> None:
    """List the partnership's files (the parties only), or download one with --id and --out."""
    from jejaring.core.config import get_settings
    from jejaring.core.errors import DomainError
    from jejaring.core.i18n import translate
    from jejaring.partnerships import attachments, service

    try:
        with session_scope() as session:
            actor = _party(session, as_user)
            p = service.get(session, actor=actor, public_id=partnership)
            if attachment_id and out is not None:
                row, path = attachments.for_download(session, get_settings(), actor, p, attachment_id)
                out.write_bytes(path.read_bytes())
                console.print(f"{row.filename} → {out} ({row.size} bytes)")
                return
            for a in attachments.for_party(session, actor, p):
                console.print(f"#{a.id}  {a.target_kind}:{a.target_id}  {a.filename}  {a.size} bytes  {a.uploaded_by}")
    except DomainError as exc:
        console.print(f"[red]{translate(exc.key, 'en', **exc.params)}[/red]")
        raise typer.Exit(1) from exc

"""`jejaring partnerships`: overdue checks, outcome figures and listings from the command line."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console
from rich.table import Table

from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Kemitraan (PP 7/2021): overdue alerts, realised outcomes, listings.", no_args_is_help=True)
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

"""`jejaring events`: create an event, run its scheduler, print its outcome report."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console
from rich.table import Table

from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Temu bisnis: business-matching events and their meeting schedule.", no_args_is_help=True)
console = Console()


@app.command("create")
def create(
    name: str = typer.Option(..., help="Event name."),
    starts_on: str = typer.Option(..., help="First day (YYYY-MM-DD)."),
    days: int = typer.Option(1, help="Number of days."),
    slots: int = typer.Option(16, help="Meeting slots per day."),
    slot_minutes: int = typer.Option(20, help="Minutes per slot."),
    tables: int = typer.Option(20, help="Tables."),
    breaks: str = typer.Option("", help="Break slots within a day, 1-based, ';'-separated."),
    place: str = typer.Option("", help="Venue."),
    mode: str = typer.Option("tatap_muka", help="tatap_muka, daring or hibrida."),
    timezone: str = typer.Option(
        "Asia/Jakarta", help="Venue time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
    ),
    target_sectors: str = typer.Option("", help="KBLI prefixes the event is for, ';'-separated (e.g. 29;30)."),
    target_regions: str = typer.Option("", help="Province codes the event is for, ';'-separated (e.g. 32;33)."),
) -> None:
    """Create an event open for registration."""
    from jejaring.accounts.roles import system_actor
    from jejaring.events import service
    from jejaring.events.schemas import EventIn

    data = EventIn.model_validate(
        {
            "name": name,
            "starts_on": date.fromisoformat(starts_on),
            "days": days,
            "slots_per_day": slots,
            "slot_minutes": slot_minutes,
            "tables": tables,
            "breaks": breaks,
            "place": place,
            "mode": mode,
            "timezone": timezone,
            "target_sectors": target_sectors,
            "target_regions": target_regions,
        }
    )
    with session_scope() as session:
        event = service.create_event(session, actor=system_actor("cli"), data=data)
        console.print(f"event created: {event.public_id}")


@app.command("schedule")
def schedule(
    event_id: str = typer.Argument(..., help="The event's public ID."),
    seconds: float = typer.Option(60.0, help="Time limit for the scheduler."),
    publish: bool = typer.Option(False, help="Publish the schedule afterwards."),
) -> None:
    """Schedule the accepted requests (published meetings stay fixed); compare with the greedy baseline."""
    from jejaring.accounts.roles import system_actor
    from jejaring.events import requests, scheduling, service

    actor = system_actor("cli")
    with session_scope() as session:
        event = service.get_event(session, public_id=event_id)
        requests.expire_pending(session, event=event)
        c = scheduling.run_schedule(session, actor=actor, event=event, time_limit=seconds)
        r = c.result
        table = Table("", "scheduler", "greedy")
        table.add_row("meetings", str(len(r.placements)), str(c.greedy_meetings))
        table.add_row("weight", str(r.weight), str(c.greedy_weight))
        table.add_row("idle gaps", str(r.gaps), str(c.greedy_gaps))
        table.add_row("table changes", str(r.table_changes), str(c.greedy_table_changes))
        console.print(table)
        console.print(f"proven bound {r.bound} ({r.ratio:.2%} reached) in {r.seconds:.1f} s")
        if publish:
            console.print(f"published: {scheduling.publish(session, actor=actor, event=event)} meetings")


@app.command("report")
def report(
    event_id: str = typer.Argument("", help="An event's public ID (empty: all events)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Meetings → interest → proposals → agreements → first orders → value."""
    from jejaring.accounts.roles import system_actor
    from jejaring.events import agenda, service

    with session_scope() as session:
        event = service.get_event(session, public_id=event_id) if event_id else None
        rows = agenda.report(session, actor=system_actor("cli"), event=event)
    if as_json:
        echo_json(rows, default=str)
        return
    table = Table(*(rows[0].keys() if rows else ["event"]))
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    console.print(table)

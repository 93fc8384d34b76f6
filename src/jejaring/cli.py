"""The ``jejaring`` command line: serve, database, reference data and every domain's commands."""

from __future__ import annotations

import json
import logging

import typer
from rich.console import Console

from jejaring.accounts import cli as accounts_cli
from jejaring.capability import cli as capability_cli
from jejaring.core.cli import JSON_OPTION
from jejaring.core.config import Settings, get_settings
from jejaring.core.db import get_engine, session_scope
from jejaring.ecosystem import cli as ecosystem_cli
from jejaring.events import cli as events_cli
from jejaring.insights import cli as insights_cli
from jejaring.intake.cli import intake as intake_command
from jejaring.markets import cli as markets_cli
from jejaring.matching import cli as matching_cli
from jejaring.partnerships import cli as partnerships_cli
from jejaring.resolution import cli as resolution_cli
from jejaring.synth.cli import app as synth_app

app = typer.Typer(help="Jejaring: the IKM ecosystem platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
reference_app = typer.Typer(help="Reference data: wilayah, KBLI, HS, countries, certificates.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data for a living app.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(reference_app, name="reference")
app.add_typer(demo_app, name="demo")
app.add_typer(accounts_cli.users_app, name="users")
app.add_typer(accounts_cli.tokens_app, name="tokens")
app.add_typer(resolution_cli.app, name="resolve")
app.add_typer(synth_app, name="synth")
app.add_typer(partnerships_cli.app, name="partnerships")
app.add_typer(ecosystem_cli.app, name="ecosystem")
app.add_typer(events_cli.app, name="events")
app.add_typer(insights_cli.app, name="stats")
app.add_typer(capability_cli.app, name="capability")
app.command("intake")(intake_command)
app.command("match")(matching_cli.match)
app.add_typer(matching_cli.index_app, name="index")
app.add_typer(matching_cli.needs_app, name="needs")
app.add_typer(matching_cli.offers_app, name="offers")
app.add_typer(markets_cli.app, name="markets")
console = Console()
WORKER_HEALTHCHECK_SECONDS = 600


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def prepare_database(load_demo: bool) -> None:
    """Migrate, load reference data and, when the registry is empty, the demo data."""
    from jejaring.core import migrate
    from jejaring.reference import service as reference_service
    from jejaring.registry import bulk

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(get_engine(settings.database_url)) as session:
        reference_service.load_reference(session)
    bulk.restore_indexes(get_engine(settings.database_url))  # after a bulk load that was killed
    first_admin = accounts_cli.ensure_first_admin()
    if first_admin:
        console.print(
            f"[bold yellow]First start: admin {first_admin[0]} created.[/bold yellow] "
            f"One-time password (change it at first sign-in): [bold]{first_admin[1]}[/bold]",
            highlight=False,
        )
    if load_demo:
        loaded = load_demo_data(settings.demo_source, settings.demo_scale)
        if loaded:
            console.print(f"[green]Demo data loaded:[/green] {loaded}")
            from jejaring.capability import demo as capability_demo

            with session_scope(get_engine(settings.database_url)) as session:  # only with freshly loaded demo data
                capability_demo.seed_if_empty(session)
        world = markets_cli.ensure_demo_world()
        if world:
            console.print(f"[green]Synthetic world trade generated:[/green] {world['flows']:,} flows")
        _load_demo_event()
    _build_search_index(settings)


def _build_search_index(settings: Settings) -> None:
    """Build a missing partner-search index before serving, so the first search does not wait for it."""
    from jejaring.matching import lifecycle

    if not settings.matching_warm_up or settings.environment == "test" or lifecycle.open_index(settings).exists():
        return
    with session_scope(get_engine(settings.database_url)) as session:
        n = lifecycle.build(session, settings)
    console.print(f"Partner-search index built: {n:,} firms")


def _load_demo_event() -> None:
    from jejaring.events import demo as events_demo

    with session_scope(get_engine(get_settings().database_url)) as session:
        if events_demo.load_demo_event(session):
            console.print("[green]Demo event (temu bisnis) created.[/green]")


def load_demo_data(source: str, scale: float) -> dict[str, object] | None:
    """Load demo data when the registry is empty: the synthetic nation through intake, or the hand-made set."""
    from sqlalchemy import select

    from jejaring.registry import demo
    from jejaring.registry.models import Firm

    settings = get_settings()
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        if session.scalar(select(Firm.id).limit(1)) is not None:
            return None
        if source == "handmade":
            return demo.load_demo_if_empty(session)  # type: ignore[return-value]
    from jejaring.synth import flows

    console.print(f"Loading the synthetic demo nation (scale {scale}) through intake; this takes a minute once.")
    return flows.load_synthetic_demo(engine, settings, scale=scale, report=lambda m: console.print(f"  {m}"))


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default JEJARING_HOST)."),
    port: int | None = typer.Option(None, help="Port (default JEJARING_PORT)."),
    reload: bool = typer.Option(False, help="Reload on code changes (development; one worker)."),
    workers: int | None = typer.Option(None, min=1, help="Worker processes (default JEJARING_WORKERS)."),
) -> None:
    """Migrate the database, load reference (and demo) data, and serve the web app and API."""
    import uvicorn

    _setup_logging()
    settings = get_settings()
    prepare_database(settings.load_demo)
    h, p = host or settings.host, port or settings.port
    console.print(f"Jejaring: http://{h}:{p}/")
    proxy = uvicorn_proxy_options(settings)
    uvicorn.run(
        "jejaring.web.app:create_app",
        factory=True,
        host=h,
        port=p,
        reload=reload,
        workers=None if reload else (workers or settings.workers),
        # a worker importing the app and loading the partner-search model answers the supervisor's ping late (minutes
        # on a machine with a load average of 20): uvicorn's 5 s, even 120 s, killed starting workers as hung
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        proxy_headers=bool(proxy["proxy_headers"]),
        forwarded_allow_ips=str(proxy["forwarded_allow_ips"]) if "forwarded_allow_ips" in proxy else None,
    )


def uvicorn_proxy_options(settings: Settings) -> dict[str, object]:
    """Forwarded headers only from the configured proxies (uvicorn would trust loopback by default)."""
    if not settings.trusted_proxies.strip():
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies.strip()}


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations and load reference data."""
    from jejaring.core import migrate
    from jejaring.reference import service as reference_service

    url = get_settings().database_url
    migrate.upgrade(url, revision)
    if revision in ("head", "heads"):
        with session_scope(get_engine(url)) as session:
            written = reference_service.load_reference(session)
        console.print(f"Reference rows written: {sum(written.values())}")
    console.print("[green]Database is up to date.[/green]")


@db_app.command("check")
def db_check() -> None:
    """Fail when the models and the migrated schema differ (alembic check)."""
    from alembic.util.exc import AutogenerateDiffsDetected

    from jejaring.core import migrate

    try:
        migrate.check(get_settings().database_url)
    except AutogenerateDiffsDetected as exc:
        console.print(f"[red]Schema differs from the models:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print("[green]Schema matches the models.[/green]")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "-m", help="What the migration does.")) -> None:
    """Autogenerate a migration from the models (developers)."""
    from jejaring.core import migrate

    migrate.revision(get_settings().database_url, message)


@reference_app.command("load")
def reference_load() -> None:
    """Load or refresh the packaged reference data (idempotent)."""
    from jejaring.reference import service as reference_service

    with session_scope() as session:
        written = reference_service.load_reference(session)
    console.print(json.dumps(written, indent=2))


@reference_app.command("stats")
def reference_stats(as_json: bool = JSON_OPTION) -> None:
    """Row counts of every reference table and KBLI codes per level."""
    from jejaring.reference import service as reference_service

    with session_scope() as session:
        stats = reference_service.reference_stats(session)
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    for table, n in stats["tables"].items():
        console.print(f"{table:28} {n:>8,}")
    for level, n in stats["kbli_per_level"].items():
        console.print(f"KBLI {level:23} {n:>8,}")


@demo_app.command("load")
def demo_load(
    source: str = typer.Option("", help="synthetic or handmade (default JEJARING_DEMO_SOURCE)."),
    scale: float = typer.Option(0.0, help="Scale of the synthetic nation (default JEJARING_DEMO_SCALE)."),
) -> None:
    """Load the demo dataset when the registry is empty."""
    settings = get_settings()
    chosen = source or settings.demo_source
    if chosen not in ("synthetic", "handmade"):
        raise typer.BadParameter("choose synthetic or handmade", param_hint="--source")
    loaded = load_demo_data(chosen, scale or settings.demo_scale)
    console.print(f"Loaded: {loaded}" if loaded else "Registry not empty: nothing loaded.")


if __name__ == "__main__":
    app()

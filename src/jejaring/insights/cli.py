"""``jejaring stats``: headline figures from the registry; ``jejaring stats refresh`` rebuilds rollups."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from jejaring.core.db import session_scope

app = typer.Typer(help="Headline figures of the registry (insights).", invoke_without_command=True)
console = Console()


@app.callback()
def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Print IKM and industry units and workers, sentra, sector shares and IKM per province."""
    if ctx.invoked_subcommand is not None:
        return
    from jejaring.insights import labels, service

    with session_scope() as session:
        service.ensure_fresh(session)
        figures = service.stats(session)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    ikm, ind = figures["ikm_units"], figures["industry_units"]
    console.print(f"[bold]IKM[/bold]            {ikm:>12,} units  ({ikm / ind:.2%} of {ind:,})" if ind else "IKM: 0")
    iw, dw = figures["ikm_workers"], figures["industry_workers"]
    console.print(f"[bold]IKM workers[/bold]    {iw:>12,}        ({iw / dw:.2%} of {dw:,})" if dw else "Workers: 0")
    console.print(f"[bold]Sentra[/bold]         {figures['sentra']:>12,}")
    for sector, value in figures["sector_shares"].items():
        console.print(f"  {sector:18} {value:.2%}")
    table = Table("kode", "provinsi", "IKM", "tenaga kerja")
    for code, v in figures["by_province"].items():
        table.add_row(code, labels.province_names().get(code, code), f"{v['units']:,}", f"{v['workers']:,}")
    console.print(table)


@app.command("refresh")
def refresh() -> None:
    """Rebuild the insights rollups from the registry (run after imports)."""
    from jejaring.insights import service

    with session_scope() as session:
        entry = service.refresh_rollups(session)
        units, seconds = entry.firms, entry.seconds
    console.print(f"[green]Rollups refreshed:[/green] {units:,} industry units in {seconds:.1f} s")

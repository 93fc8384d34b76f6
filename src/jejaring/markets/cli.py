"""``jejaring markets``: load BACI files, generate the synthetic world, refresh indicators, recommend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from jejaring.core.cli import echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Export markets: trade data, indicators and recommendations.", no_args_is_help=True)
console = Console()


def _out(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        echo_json(data, indent=2, default=str)
    else:
        console.print(text)


@app.command("load-baci")
def load_baci(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A BACI CSV (t,i,j,k,v,q)."),
    accept_valid: bool = typer.Option(
        False, "--accept-valid", help="Load the valid rows even when some rows are refused."
    ),
    refresh: bool = typer.Option(True, help="Recompute the indicators after loading."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import one BACI file; refused rows are named by line (header = line 1), column and reason."""
    from jejaring.markets import baci, service

    try:
        report = service.load_baci(file, accept_valid=accept_valid)
    except baci.BaciFormatError as exc:
        _out({"error": str(exc)}, as_json, f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if report["loaded"] and refresh:
        report["indicators"] = service.refresh()
    lines = [f"read {report['rows_read']:,}, loaded {report['rows_loaded']:,}, refused {report['rows_refused']:,}"]
    lines += [f"  line {r['line']}, {r['column']}: {r['reason']} ({r['value']!r})" for r in report["refused"][:20]]
    if report.get("message"):
        lines.append(f"[yellow]{report['message']}[/yellow]")
    _out(report, as_json, "\n".join(lines))
    if report["rows_refused"] and not report["loaded"]:
        raise typer.Exit(1)


@app.command("synth")
def synth_world(
    countries: int = typer.Option(80, help="Largest economies to include (the planted ones are always added)."),
    products: int = typer.Option(400, help="HS6 products (5,613 = all of HS 2022)."),
    seed: int = typer.Option(20, help="Random seed."),
    refresh: bool = typer.Option(True, help="Recompute the indicators afterwards."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate the synthetic world-trade table (gravity model calibrated on atlas-common-data)."""
    from jejaring.markets import service, synth

    detail: dict[str, Any] = service.synthesize(spec=synth.WorldSpec(countries=countries, products=products, seed=seed))
    if refresh:
        detail["indicators"] = service.refresh()
    _out(detail, as_json, f"[green]Synthetic world:[/green] {detail['rows']:,} flows (seed {seed})")


@app.command("refresh")
def refresh_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Recompute every indicator from the trade table."""
    from jejaring.markets import service

    summary = service.refresh()
    _out(summary, as_json, f"[green]Indicators:[/green] {summary['products']:,} products in {summary['seconds']} s")


@app.command("recommend")
def recommend_cmd(
    firm: str | None = typer.Option(None, "--firm", help="Public ID of a firm."),
    sentra: str | None = typer.Option(None, "--sentra", help="Public ID of a sentra."),
    province: str | None = typer.Option(None, "--province", help="Province code, e.g. 33."),
    lang: str = typer.Option("id", help="Language of the reasons in the text output (id or en)."),
    limit: int = typer.Option(10, min=1, max=100),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Best markets and nearby products for a firm, a sentra or a province, each with its reasons."""
    from jejaring.markets import service

    chosen = [(k, v) for k, v in (("firm", firm), ("sentra", sentra), ("province", province)) if v]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --firm, --sentra, --province")
    kind, ref = chosen[0]
    with session_scope() as session:
        result = service.recommendations(session, kind=kind, ref=ref, lang=lang, limit=limit)
    lines = [f"[bold]{result['name']}[/bold]" + (" (synthetic trade data)" if result["synthetic"] else "")]
    for m in result["markets"]:
        lines.append(f"{m['market']} {m['hs6']}: {m['unrealised']:,.0f}")
        lines += [f"   - {w[lang]}" for w in m["why"]]
    for p in result["nearby_products"]:
        lines.append(f"+ {p['hs6']} {p['product']}: {p['score']:.3f}")
    _out(result, as_json, "\n".join(lines))


def ensure_demo_world() -> dict[str, Any] | None:
    """At demo start: the small synthetic world and its indicators, when there is no trade data yet."""
    from jejaring.markets import service

    return service.ensure_world()

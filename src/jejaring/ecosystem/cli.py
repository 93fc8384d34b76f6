"""`jejaring ecosystem`: links, gaps and the national summary; collect derived links; import a BPS I–O table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Ekosistem: keterkaitan (links), kesenjangan (gaps), ringkasan.", no_args_is_help=True)
console = Console()
PROVINCE = typer.Option(None, "--province", help="Province code, e.g. 33.")
REGENCY = typer.Option(None, "--regency", help="Regency code, e.g. 33.20.")
SENTRA = typer.Option(None, "--sentra", help="Sentra public ID.")
AS_JSON = JSON_OPTION
LANG = typer.Option("id", "--lang", help="Language of the reasons (id or en).")


@app.command("links")
def links(
    province: str | None = PROVINCE, regency: str | None = REGENCY, sentra: str | None = SENTRA, as_json: bool = AS_JSON
) -> None:
    """The links of a place (operator view, values included)."""
    from jejaring.accounts.roles import system_actor
    from jejaring.ecosystem import reports

    with session_scope() as session:
        place, _ = reports.resolve_place(session, province=province, regency=regency, sentra=sentra)
        rows = reports.links_for(session, actor=system_actor("cli"), place=place, limit=100_000)
    if as_json:
        echo_json(rows)
        return
    table = Table("firm", "kind", "partner", "value/year")
    for r in rows:
        table.add_row(str(r["firm_name"]), r["kind"], str(r["partner_name"]), str(r["value_per_year"] or "-"))
    console.print(table)


@app.command("gaps")
def gaps(
    province: str | None = PROVINCE,
    regency: str | None = REGENCY,
    sentra: str | None = SENTRA,
    as_json: bool = AS_JSON,
    lang: str = LANG,
    limit: int = typer.Option(0, help="Show only the first N (0: all)."),
) -> None:
    """Gaps of a place by score: a list of {kind, place, score, reason} with --json."""
    from jejaring.ecosystem import reports

    with session_scope() as session:
        place, _ = reports.resolve_place(session, province=province, regency=regency, sentra=sentra)
        reports.freshness(session, wait=True)  # a command waits for a stale rollup to be rebuilt
        found = reports.gaps_for(session, place)
    found = found[:limit] if limit else found
    if as_json:
        echo_json([g.as_dict(lang) for g in found])
        return
    table = Table("kind", "place", "score", "reason")
    for g in found:
        table.add_row(g.kind.value, g.place, f"{g.score:,.1f}", g.reason(lang))
    console.print(table)


@app.command("summary")
def summary(
    province: str | None = PROVINCE, regency: str | None = REGENCY, sentra: str | None = SENTRA, as_json: bool = AS_JSON
) -> None:
    """Share of IKM with at least one link of each kind."""
    from jejaring.ecosystem import reports

    with session_scope() as session:
        place, label = reports.resolve_place(session, province=province, regency=regency, sentra=sentra)
        reports.freshness(session, wait=True)
        data = reports.summary(session, place)
    if as_json:
        echo_json({"place": label, **data})
        return
    console.print(f"{label}: {data['ikm']} IKM, {data['linked']} with at least one link")
    for kind, v in data["kinds"].items():
        share = "-" if v["share"] is None else f"{100 * v['share']:.1f} %"
        console.print(f"  {kind:24} {v['ikm']:>8}  {share}")


@app.command("collect")
def collect() -> None:
    """Rebuild the links derived from partnerships, orders, accepted proposals and sentra membership."""
    from jejaring.accounts.roles import system_actor
    from jejaring.ecosystem import service

    with session_scope() as session:
        counts = service.collect_links(session, actor=system_actor("cli"))
    console.print(f"derived links: {counts}")
    rollup()


@app.command("rollup")
def rollup() -> None:
    """Compute every gap of the nation and store it, so that pages read stored gaps (after changes to links)."""
    from jejaring.accounts.roles import system_actor
    from jejaring.ecosystem import stored

    with session_scope() as session:
        done = stored.refresh(session, actor=system_actor("cli"))
    console.print(f"gaps stored: {done['gaps']} ({done['seconds']} s)")


@app.command("import-io")
def import_io(
    table: Path = typer.Argument(..., exists=True, help="BPS transactions table (CSV or XLSX, published layout)."),
    concordance: Path = typer.Argument(..., exists=True, help="CSV io_code,kbli_division."),
    total_row: str = typer.Option("210", help="Code of the total-input row (BPS: 210)."),
) -> None:
    """Replace the default I–O structure with a BPS table aggregated to KBLI divisions."""
    from jejaring.accounts.roles import system_actor
    from jejaring.ecosystem import inputoutput, service

    matrix, _ = inputoutput.read_bps_table(table, concordance, total_row=total_row)
    with session_scope() as session:
        n = service.replace_io_structure(session, actor=system_actor("cli"), matrix=matrix, source=table.name)
    console.print(f"coefficients imported: {n}")

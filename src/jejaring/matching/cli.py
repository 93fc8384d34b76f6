"""CLI of matching: ``jejaring match``, ``jejaring index build|refresh|status|eval``, ``jejaring needs|offers``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jejaring.accounts.roles import system_actor
from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.config import get_settings
from jejaring.core.db import get_engine, session_scope
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_messages

index_app = typer.Typer(help="The partner-search index (embedded tantivy + sentence embeddings).", no_args_is_help=True)
needs_app = typer.Typer(help="Needs (kebutuhan): post, list, find partners.", no_args_is_help=True)
offers_app = typer.Typer(help="Offers (penawaran): post and list.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(exc: Exception, lang: str = "id") -> typer.Exit:
    if isinstance(exc, DomainError):
        err.print(f"[red]{exc.field or '-'}:[/red] {translate(exc.key, lang, **exc.params)}")
    elif isinstance(exc, ValidationError):
        for line in validation_messages(exc.errors(), lang):
            err.print(f"[red]{line}[/red]", highlight=False)
    else:
        err.print(f"[red]{exc}[/red]")
    return typer.Exit(2)


def _print_outcome(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(data, indent=2)
        return
    u = data.get("understood") or {}
    read = "; ".join(f"{k}: {v}" for k, v in (u.get("read_from") or {}).items())
    if read:
        console.print(f"[dim]Dipahami / understood — {read}[/dim]", highlight=False)
    if not data["results"]:
        console.print("Tidak ada mitra yang cocok / no matching partners.")
    for i, r in enumerate(data["results"], 1):
        console.print(f"[bold]{i:>2}. {r['name']}[/bold]  [dim]{r['id']}[/dim]  skor {r['score']:.3f}")
        for line in r["why"]:
            console.print(f"      · {line}")
    c = data.get("consortium")
    if c:
        console.print(f"\n[bold]Konsorsium[/bold] ({c['status']}): {c['quantity']:g} {c['unit']}/bulan")
        for m in c["members"]:
            console.print(f"   {m['role']:>6}  {m['name']}  {m['share']:g} {c['unit']} ({m['share_pct']}%)")
        console.print(f"   {c['explanation']}")


def match(
    text: str = typer.Argument(..., help="What you need, in Indonesian or English."),
    near: str | None = typer.Option(None, "--near", help="Your kode wilayah (33.74) or regency name."),
    radius_km: float | None = typer.Option(None, "--radius-km", help="Only firms within this distance of --near."),
    cert: list[str] = typer.Option([], "--cert", help="Required certificate (repeatable): SNI, Halal, SVLK, …"),
    qty: float | None = typer.Option(None, "--qty", help="Quantity per month."),
    unit: str | None = typer.Option(None, "--unit", help="Unit of --qty: kg, ton, pcs, lembar, …"),
    role: list[str] = typer.Option([], "--role", help="Only firms with this role (repeatable)."),
    price_min: int | None = typer.Option(None, "--price-min", help="Budget: lowest price per --unit (Rupiah)."),
    price_max: int | None = typer.Option(None, "--price-max", help="Budget: highest price per --unit (Rupiah)."),
    limit: int = typer.Option(20, "--limit", min=1, max=100),
    lang: str = typer.Option("id", "--lang", help="Language of the explanations: id or en."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Find, rank and explain partners for a need; propose a consortium when no single firm suffices."""
    from jejaring.matching import search
    from jejaring.matching.schemas import MatchQuery

    settings = get_settings()
    try:
        query = MatchQuery(
            text=text,
            near=near,
            radius_km=radius_km,
            certificates=cert,
            quantity=qty,
            unit=unit,
            roles=role,
            price_min=price_min,
            price_max=price_max,
            limit=limit,
        )
        with session_scope(get_engine(settings.database_url)) as session:
            outcome = search.search(session, settings, query=query, lang=lang)
    except (DomainError, ValidationError) as exc:
        raise _fail(exc, lang) from exc
    _print_outcome(outcome.to_json(), as_json)


@index_app.command("build")
def index_build() -> None:
    """Rebuild the partner-search index from the registry, with progress."""
    from jejaring.matching import lifecycle

    settings = get_settings()
    with (
        Progress(TextColumn("indeks"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar,
        session_scope(get_engine(settings.database_url)) as session,
    ):
        task = bar.add_task("build", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        n = lifecycle.build(session, settings, progress=progress)
    stats = lifecycle.open_index(settings).stats()
    console.print(
        f"[green]{n:,} usaha diindeks[/green] in {stats.get('build_seconds')} s; "
        f"{stats.get('distinct_texts'):,} distinct product texts embedded; {lifecycle.index_folder(settings)}"
    )


@index_app.command("refresh")
def index_refresh() -> None:
    """Re-index firms and offers changed since the last build or refresh."""
    from jejaring.matching import lifecycle

    settings = get_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        n = lifecycle.refresh(session, settings)
    console.print(f"{n} firms re-indexed.")


@index_app.command("status")
def index_status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Documents, build time and watermark of the index."""
    from jejaring.matching import lifecycle

    stats = lifecycle.open_index(get_settings()).stats()
    typer.echo(
        json.dumps(stats, indent=2, default=str) if as_json else "\n".join(f"{k}: {v}" for k, v in stats.items())
    )


@index_app.command("eval")
def index_eval(
    as_json: bool = typer.Option(False, "--json"),
    verbose: bool = typer.Option(False, "--verbose", help="Show every query's figures."),
) -> None:
    """Load the evaluation corpus into a scratch database and print nDCG@10 and recall@20."""
    from jejaring.matching import evaluation

    report = evaluation.run()
    if as_json:
        echo_json(report, indent=2)
        return
    if verbose:
        for q in report["queries"]:
            console.print(f"{q['ndcg@10']:.3f}  {q['recall@20']:.3f}  {q['id']}: {q['text']}")
    for name in evaluation.SPLITS:
        part = report["splits"][name]
        console.print(
            f"{name:<7} queries {part['count']:>3}  nDCG@10 [bold]{part['ndcg@10']:.3f}[/bold] "
            f"(id {part['by_language']['id']:.3f}, en {part['by_language']['en']:.3f})  "
            f"recall@20 {part['recall@20']:.3f}"
        )
    console.print(
        f"all  queries {report['queries_count']:>3}  firms {report['firms']}  "
        f"nDCG@10 [bold]{report['ndcg@10']:.3f}[/bold]  recall@20 [bold]{report['recall@20']:.3f}[/bold]"
    )


def _listing_payload(**kw: object) -> dict[str, object]:
    return {k: v for k, v in kw.items() if v not in (None, [], "")}


@needs_app.command("add")
def needs_add(
    title: str = typer.Argument(..., help="Short title of the need."),
    firm: str | None = typer.Option(None, help="Public ID of the buying firm."),
    kind: str = typer.Option(
        "bahan_baku", help="bahan_baku, produk_jadi, subkontrak, distribusi, layanan_purna_jual, lainnya"
    ),
    description: str = typer.Option("", help="Free text, Indonesian or English."),
    kbli: str | None = typer.Option(None, help="KBLI 2020 five-digit code."),
    hs: list[str] = typer.Option([], help="HS code (repeatable)."),
    qty: float | None = typer.Option(None),
    unit: str | None = typer.Option(None),
    period: str = typer.Option("bulan", help="sekali, minggu, bulan, tahun"),
    cert: list[str] = typer.Option([], help="Required certificate (repeatable)."),
    location: str | None = typer.Option(None, help="kode wilayah or regency name (default: the firm's)."),
    max_distance_km: float | None = typer.Option(None),
    deadline: str | None = typer.Option(None, help="YYYY-MM-DD"),
    price_min: int | None = typer.Option(None),
    price_max: int | None = typer.Option(None),
) -> None:
    """Post a need (as the operator)."""
    from jejaring.matching import service
    from jejaring.matching.schemas import NeedIn

    try:
        data = NeedIn.model_validate(
            _listing_payload(
                title=title,
                firm=firm,
                kind=kind,
                description=description,
                kbli_code=kbli,
                hs_codes=hs,
                quantity=qty,
                unit=unit,
                period=period,
                certificates=cert,
                location=location,
                max_distance_km=max_distance_km,
                deadline=date.fromisoformat(deadline) if deadline else None,
                price_min=price_min,
                price_max=price_max,
            )
        )
        with session_scope() as session:
            need = service.create_need(session, actor=system_actor("cli"), data=data)
            pid = need.public_id
    except (DomainError, ValidationError, ValueError) as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Kebutuhan dicatat:[/green] {pid}")


@needs_app.command("list")
def needs_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Open needs, newest first."""
    from jejaring.matching import service

    with session_scope() as session:
        rows = [
            {"id": n.public_id, "title": n.title, "quantity": n.quantity, "unit": n.unit, "regency": n.regency_code}
            for n in service.list_needs(session)
        ]
    typer.echo(
        json.dumps(rows, ensure_ascii=False, indent=2)
        if as_json
        else "\n".join(f"{r['id']}  {r['title']}" for r in rows)
    )


@needs_app.command("close")
def needs_close(need_id: str = typer.Argument(..., help="Public ID of the need (N-…).")) -> None:
    """Close a need (it stays on record; as the operator)."""
    from jejaring.matching import service

    try:
        with session_scope() as session:
            need = service.get_need(session, public_id=need_id)
            service.close_listing(session, actor=system_actor("cli"), listing=need)
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Kebutuhan ditutup:[/green] {need_id.strip().upper()}")


@needs_app.command("match")
def needs_match(
    need_id: str = typer.Argument(..., help="Public ID of the need (K-…)."),
    lang: str = typer.Option("id", "--lang"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Ranked, explained partners (and a consortium) for a posted need."""
    from jejaring.matching import search, service

    settings = get_settings()
    try:
        with session_scope(get_engine(settings.database_url)) as session:
            need = service.get_need(session, public_id=need_id)
            data = search.match_need(session, settings, need=need, lang=lang).to_json()
    except DomainError as exc:
        raise _fail(exc, lang) from exc
    _print_outcome(data, as_json)


@offers_app.command("add")
def offers_add(
    title: str = typer.Argument(...),
    firm: str = typer.Option(..., help="Public ID of the offering firm."),
    kind: str = typer.Option("produk_jadi"),
    description: str = typer.Option(""),
    qty: float | None = typer.Option(None, help="Quantity available per period."),
    unit: str | None = typer.Option(None),
    min_order: float | None = typer.Option(None, help="Minimum order, in the same unit."),
    target_region: list[str] = typer.Option([], help="Region where buyers are wanted (repeatable)."),
    cert: list[str] = typer.Option([]),
) -> None:
    """Post an offer for a firm (as the operator)."""
    from jejaring.matching import service
    from jejaring.matching.schemas import OfferIn

    try:
        data = OfferIn.model_validate(
            _listing_payload(
                title=title,
                firm=firm,
                kind=kind,
                description=description,
                quantity=qty,
                unit=unit,
                min_order=min_order,
                target_regions=target_region,
                certificates=cert,
            )
        )
        with session_scope() as session:
            pid = service.create_offer(session, actor=system_actor("cli"), data=data).public_id
    except (DomainError, ValidationError) as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Penawaran dicatat:[/green] {pid}")


__all__ = ["index_app", "match", "needs_app", "offers_app"]

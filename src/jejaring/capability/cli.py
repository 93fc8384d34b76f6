"""`jejaring capability`: assessments, gaps and plans, programmes and demo assessments from the command line."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console

from jejaring.accounts.roles import Actor, system_actor
from jejaring.core.cli import JSON_OPTION, echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Kesiapan usaha: assessments, gaps, development plans and programmes.", no_args_is_help=True)
programmes_app = typer.Typer(help="Programmes: list, create, rank candidates, enrol, outcomes.", no_args_is_help=True)
app.add_typer(programmes_app, name="programmes")
console = Console()


def _actor() -> Actor:

    return system_actor("cli")


@app.command("assess")
def assess(
    firm: str = typer.Argument(..., help="Public ID of the firm."),
    answer: list[str] = typer.Option([], "--answer", "-a", help="criterion=value (repeatable); none: show current."),
    note: str = typer.Option("", help="A note stored with the assessment."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the firm's current assessment, or record a new version with --answer code=value."""
    from jejaring.capability import service
    from jejaring.capability.models import Assessment
    from jejaring.capability.schemas import AssessmentIn

    with session_scope() as session:
        if answer:
            pairs = dict(a.split("=", 1) for a in answer)
            data = AssessmentIn(firm=firm, answers={k: int(v) for k, v in pairs.items()}, note=note or None)
            row: Assessment | None = service.submit(session, actor=_actor(), data=data)
        else:
            _, row = service.latest_for(session, actor=_actor(), firm_public_id=firm)
        out = service.summary(row) if row else None
    if as_json:
        echo_json(out)
    elif out is None:
        console.print("No assessment yet.")
    else:
        console.print(f"version {out['version']} ({out['kind']}): overall {out['scores']['overall']}")
        for k, v in out["scores"].items():
            console.print(f"  {k:20} {v:6.1f}")


@app.command("plan")
def plan(
    firm: str = typer.Argument(..., help="Public ID of the firm."),
    region: str = typer.Option("", help="Market region (domestik, asean, oki, eu_uk, amerika_utara, asia_timur)."),
    pattern: str = typer.Option("", help="PP 7/2021 partnership pattern code."),
    need: str = typer.Option("", help="Public ID of a buyer's need."),
    budget: int = typer.Option(5_000_000, help="What the firm can spend, Rupiah."),
    months: float = typer.Option(12, help="Time limit in months."),
    lang: str = typer.Option("id", help="id or en."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Gaps to a market, pattern or buyer's need, and the plan that closes most of them."""
    from jejaring.capability import service
    from jejaring.capability.schemas import PlanIn

    kind = "need" if need else "pattern" if pattern else "market"
    data = PlanIn(
        kind=kind, need=need or None, pattern=pattern or None, region=region or None, budget=budget, months=months
    )
    with session_scope() as session:
        _, target, found, result = service.firm_plan(session, actor=_actor(), firm_public_id=firm, data=data, lang=lang)
    if as_json:
        out = {
            "target": target.label,
            "notes": target.notes,
            "gaps": [g.to_json() for g in found],
            "plan": result.to_json(),
        }
        echo_json(out)
        return
    console.print(f"[bold]{target.label}[/bold]")
    for n in target.notes:
        console.print(f"  ! {n}")
    for g in found:
        console.print(f"  - {g.text}")
    console.print(f"[bold]Plan[/bold] ({result.status}): {result.objective}")
    for s in result.steps:
        console.print(f"  {s.text}")


@app.command("seed")
def seed(
    sample: float = typer.Option(0.2, help="Share of IKM to assess (0–1)."),
    seed_value: int = typer.Option(7, "--seed", help="Random seed."),
) -> None:
    """Synthetic assessments for a sample of IKM (demo data; assumptions in docs/capability.md)."""
    from jejaring.capability import demo

    with session_scope() as session:
        n = demo.seed_assessments(session, share=sample, seed=seed_value)
    console.print(f"synthetic assessments written: {n}")


@programmes_app.command("list")
def programmes_list(as_json: bool = JSON_OPTION) -> None:
    """Every programme."""
    from jejaring.capability import programmes

    with session_scope() as session:
        rows = [
            {"id": p.public_id, "name": p.name, "province": p.province_code, "year": p.year, "status": p.status}
            for p in programmes.visible(session, actor=_actor())
        ]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        console.print(f"{r['id']}  {r['province']} {r['year']} {r['status']:8} {r['name']}")


@programmes_app.command("create")
def programmes_create(
    name: str = typer.Option(..., help="Programme name."),
    province: str = typer.Option(..., help="Province code, e.g. 33."),
    start: str = typer.Option(..., help="Start date YYYY-MM-DD."),
    end: str = typer.Option(..., help="End date YYYY-MM-DD."),
    budget: int = typer.Option(..., help="Budget, Rupiah."),
    cohort: int = typer.Option(20, help="Cohort size."),
    intervention: list[str] = typer.Option(..., "--intervention", "-i", help="Intervention code (repeatable)."),
) -> None:
    """Create a programme."""
    from jejaring.capability import programmes
    from jejaring.capability.schemas import ProgrammeIn

    data = ProgrammeIn(
        name=name,
        province_code=province,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        budget=budget,
        cohort_size=cohort,
        interventions=intervention,
    )
    with session_scope() as session:
        p = programmes.create(session, actor=_actor(), data=data)
        console.print(p.public_id)


@programmes_app.command("rank")
def programmes_rank(
    programme: str = typer.Argument(..., help="Programme public ID."),
    limit: int = typer.Option(20, help="How many."),
    as_json: bool = JSON_OPTION,
) -> None:
    """IKM of the programme's province ranked by expected gain per Rp1 juta."""
    from jejaring.capability import programmes

    with session_scope() as session:
        p = programmes.get(session, actor=_actor(), public_id=programme)
        found = programmes.candidates(session, actor=_actor(), programme=p, limit=limit)
        rows = [{"firm": r["firm"].public_id, "name": r["firm"].name, **r["candidate"].__dict__} for r in found["rows"]]
    if as_json:
        echo_json({"ranked": found["ranked"], "items": rows})
        return
    for r in rows:
        console.print(f"{r['firm']}  gain {r['gain']:6.2f}  per Rp1 jt {r['gain_per_million']:8.4f}  {r['name']}")


@programmes_app.command("enrol")
def programmes_enrol(programme: str = typer.Argument(...), firms: list[str] = typer.Argument(...)) -> None:
    """Enrol firms (public IDs) in a programme."""
    from jejaring.capability import programmes

    with session_scope() as session:
        p = programmes.get(session, actor=_actor(), public_id=programme)
        done = programmes.enrol(session, actor=_actor(), programme=p, firm_public_ids=firms)
    console.print(f"enrolled: {len(done)}")


@programmes_app.command("status")
def programmes_status(
    programme: str = typer.Argument(...), firm: str = typer.Argument(...), status: str = typer.Argument(...)
) -> None:
    """Record participating, completed or dropped for one enrolled firm."""
    from jejaring.capability import programmes

    with session_scope() as session:
        p = programmes.get(session, actor=_actor(), public_id=programme)
        e = programmes.get_enrolment(session, programme=p, firm_public_id=firm)
        programmes.set_status(session, actor=_actor(), programme=p, enrolment=e, status=status)
    console.print(f"{firm}: {status}")


@programmes_app.command("outcomes")
def programmes_outcomes(
    by: str = typer.Option("programme", help="programme, province or year."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Before/after scores, certificates obtained and partnerships per programme, province or year."""
    from jejaring.capability import programmes

    with session_scope() as session:
        rows = programmes.outcomes(session, actor=_actor(), by=by)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        console.print(r)

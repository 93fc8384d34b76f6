"""`jejaring resolve`: run entity resolution (incremental by default, --full for a batch)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from jejaring.accounts.roles import system_actor
from jejaring.core.cli import echo_json
from jejaring.core.db import session_scope

app = typer.Typer(help="Entity resolution: one firm, one record.", invoke_without_command=True)
console = Console(stderr=True)
CLI = system_actor("cli")


@app.callback()
def resolve(
    ctx: typer.Context,
    full: bool = typer.Option(False, "--full", help="Score every record, not only those new since the last run."),
    engine: str = typer.Option("duckdb", help="Execution engine: duckdb (default) or spark."),
    as_json: bool = typer.Option(False, "--json", help="Print the clusters as JSON."),
    only_multi: bool = typer.Option(False, "--only-multi", help="With --json: only clusters of two or more rows."),
) -> None:
    """Link firm records across offices, files and years; merge sure matches, queue the rest for review."""
    if ctx.invoked_subcommand is not None:
        return
    from jejaring.resolution import service

    with Progress(TextColumn("{task.description}"), BarColumn(), console=console, transient=True) as bar:
        task = bar.add_task("resolve", total=1.0)

        def report(stage: str, share: float) -> None:
            bar.update(task, completed=share, description=stage)

        with session_scope() as session:
            run = service.run(session, actor=CLI, full=full, engine=engine, progress=report)
            summary = {
                "run": run.id,
                "kind": run.kind,
                "records": run.records,
                "pairs_scored": run.pairs_scored,
                "merged": run.merged,
                "queued": run.queued,
            }
            clusters = service.clusters(session, only_multi=only_multi) if as_json else None
    if as_json:
        echo_json({"clusters": clusters})
    else:
        console.print(summary)


@app.command("split")
def split(public_id: str = typer.Argument(..., help="Public ID of the merged record to restore.")) -> None:
    """Undo a merge: the record becomes its own firm again."""
    from jejaring.resolution import service

    with session_scope() as session:
        firm = service.split_firm(session, actor=CLI, public_id=public_id)
        console.print(f"restored {firm.public_id}")


@app.command("merge")
def merge(survivor: str, merged: str) -> None:
    """Merge two firms by public ID (the first survives)."""
    from jejaring.resolution import service

    with session_scope() as session:
        service.merge_manually(session, actor=CLI, survivor_id=survivor, merged_id=merged)
        console.print(f"merged {merged} into {survivor}")

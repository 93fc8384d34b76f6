"""``jejaring synth``: write the synthetic national dataset."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from jejaring.synth import service

app = typer.Typer(help="Synthetic national IKM dataset (provincial files + ground truth).")
console = Console(stderr=True)


@app.callback(invoke_without_command=True)
def synth(
    scale: float = typer.Option(0.01, "--scale", help="1 = national (4.4 M IKM); 0.01 = 1%."),
    seed: int = typer.Option(42, "--seed", help="Random seed; the same seed gives the same files."),
    out: Path = typer.Option(Path("var/synth"), "--out", help="Output folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0 = up to 2)."),
) -> None:
    """Generate the synthetic dataset: provinsi/, ekosistem/ and ground_truth/ under OUT."""

    def progress(stage: str, done: int, total: int) -> None:
        if not as_json:
            console.print(f"{stage}: {done}/{total}", highlight=False)

    summary = service.generate(scale=scale, seed=seed, out=out, progress=progress, workers=workers or None)
    data = summary.as_dict()
    if as_json:
        typer.echo(json.dumps({k: v for k, v in data.items() if k != "files"} | {"files": len(summary.files)}))
        return
    console.print(
        f"[green]Synthetic data written to {out}[/green]: {summary.ikm_units:,} IKM, {summary.ikm_workers:,} workers, "
        f"{summary.sentra:,} sentra, {summary.rows:,} rows ({summary.invalid_rows:,} invalid), "
        f"{len(summary.files)} files in {summary.seconds:.1f} s"
    )


if __name__ == "__main__":
    app()

"""What the domains' commands share: the ``--json`` switch and how JSON is printed."""

from __future__ import annotations

import json
from typing import Any

import typer

JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")


def echo_json(data: Any, **options: Any) -> None:
    """Print ``data`` as JSON on stdout, non-ASCII characters kept (``options`` go to ``json.dumps``)."""
    typer.echo(json.dumps(data, ensure_ascii=False, **options))

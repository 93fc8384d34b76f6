"""The README's command-line reference and settings table are generated from the code and kept current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "readme.py"


def _generator():
    spec = importlib.util.spec_from_file_location("readme_generator", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_generated_parts_are_current() -> None:
    generator = _generator()
    current = generator.README.read_text("utf-8")
    assert generator.update(current) == current, "README.md is out of date: run `python scripts/readme.py`"


def test_generated_parts_name_every_command_and_setting() -> None:
    generator = _generator()
    cli, settings = generator.render_cli(), generator.render_settings()
    assert "- `jejaring resolve split PUBLIC_ID`: Undo a merge" in cli
    assert "- `jejaring users reset-link EMAIL`" in cli
    assert "| `JEJARING_DATABASE_URL` | `sqlite:///var/jejaring.db` |" in settings
    assert "| `JEJARING_SECRET_KEY` | a development value |" in settings

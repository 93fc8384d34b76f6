"""The jejaring CLI, invoked as a user would (typer runner, real database)."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from jejaring.cli import app

runner = CliRunner()


def test_help_everywhere() -> None:
    for args in (
        ["--help"],
        ["db", "--help"],
        ["reference", "--help"],
        ["serve", "--help"],
        ["demo", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_reference_stats_json(env_db: str) -> None:
    result = runner.invoke(app, ["reference", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert (stats["provinces"], stats["regencies"], stats["districts"]) == (38, 514, 7285)
    assert stats["kbli_per_level"]["golongan_pokok"] == 24


def test_db_upgrade_and_check(env_db: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0, result.output


def test_demo_load_once(env_db: str) -> None:
    first = runner.invoke(app, ["demo", "load", "--source", "handmade"])
    assert first.exit_code == 0 and "firms" in first.output
    second = runner.invoke(app, ["demo", "load", "--source", "handmade"])
    assert "nothing loaded" in second.output


def test_console_script_installed() -> None:
    out = subprocess.run([sys.executable, "-m", "jejaring.cli", "--help"], capture_output=True, text=True, check=True)
    assert "serve" in out.stdout

"""A small synthetic world and its indicators, generated once per test session (read-only for the tests)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from jejaring.markets import service, synth


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a 40-country synthetic world (best HS6 of every KBLI) and its indicators."""
    d = tmp_path_factory.mktemp("markets-world")
    spec = dataclasses.replace(service.demo_spec(), countries=40)
    service.synthesize(spec=spec, data_dir=d)
    service.refresh(d)
    return d


@pytest.fixture(scope="session")
def world_spec() -> synth.WorldSpec:
    """The spec of ``world_dir``."""
    return dataclasses.replace(service.demo_spec(), countries=40)

"""Imports every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from jejaring.core.db import Base

MODEL_MODULES = (
    "jejaring.reference.models",
    "jejaring.registry.models",
    "jejaring.accounts.models",
    "jejaring.matching.models",
    "jejaring.insights.models",
    "jejaring.resolution.models",
    "jejaring.partnerships.models",
    "jejaring.intake.models",
    "jejaring.notifications.models",
    "jejaring.ecosystem.models",
    "jejaring.capability.models",
    "jejaring.events.models",
    "jejaring.markets.models",
)


def load_metadata() -> MetaData:
    """Import every models module and return the complete metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata

"""Domain errors carry an i18n key, so every edge (HTML, API, CLI) can say them in the user's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses, with a message key, its parameters and the field concerned."""

    status_code = 422

    def __init__(self, key: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class NotFound(DomainError):
    """The thing asked for does not exist."""

    status_code = 404

"""Posted forms and query strings as Pydantic models; a refusal is raised as the JSON API's 422 (field-named)."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``; a refusal raised as ``RequestValidationError``, so the page names field and reason."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


async def form_model(request: Request, model: type[M], *, lists: tuple[str, ...] = (), join: bool = False) -> M:
    """The posted form as ``model``: empty fields left out, checkboxes as booleans, ``lists`` fields as lists;
    a field sent more than once keeps its last value, or with ``join`` its values joined by ``;``."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key, field in model.model_fields.items():
        if field.annotation is bool:
            data[key] = key in form
        elif key in lists:
            data[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif key in form and form[key] != "":
            if join:
                values = [v for v in form.getlist(key) if isinstance(v, str) and v != ""]
                data[key] = ";".join(values) if len(values) > 1 else (values[0] if values else None)
            else:
                value = form[key]
                data[key] = value if isinstance(value, str) else None
    return validated(model, data)

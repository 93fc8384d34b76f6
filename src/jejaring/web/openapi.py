"""The API's contract as generated clients read it: error bodies in the OpenAPI, and ``OPTIONS`` with ``Allow``.

Every error the API answers has one body, ``{"detail": [{"field", "message", "code"?}]}`` (a 404 or 405 of the
router: ``{"detail": "<text>"}``). FastAPI's generated document declares its own 422 shape and none of 400, 401,
403 and 404; here every API operation declares all five with the real schema. ``OPTIONS`` on any path answers
204 with every method the path's routes accept (Starlette answers 405 naming one route's methods only).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

ERROR_STATUSES = {
    "400": "Bad request: a file or a value that cannot be used (the message says which and why)",
    "401": "Not signed in, or the token is missing or invalid",
    "403": "Signed in, but not allowed to do this (role, region or token scope)",
    "404": "The record or page does not exist",
    "422": "A field is invalid (the message names the field and the reason)",
}


class ErrorItem(BaseModel):
    """One reason a request was refused."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="the field at fault, '-' when none")
    message: str = Field(description="the reason, in the request's language")
    code: str | None = Field(default=None, description="a stable key of the reason")


class ErrorResponse(BaseModel):
    """The body of every error answer of the API."""

    model_config = ConfigDict(extra="forbid")

    detail: list[ErrorItem] | str


def error_schemas() -> dict[str, Any]:
    """``ErrorResponse`` and ``ErrorItem`` as OpenAPI component schemas."""
    schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {**defs, "ErrorResponse": schema}


_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_METHODS = ("get", "put", "post", "delete", "patch")
_PROBED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document with the real error bodies declared on every operation (built once)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, servers=app.servers
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(error_schemas())
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for item in doc.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                responses[status] = {"description": text, "content": {"application/json": {"schema": _ERROR_REF}}}
    app.openapi_schema = doc
    return doc


def install(app: FastAPI) -> None:
    """Use :func:`document` as the app's OpenAPI and answer ``OPTIONS`` with ``Allow``."""
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
    app.add_middleware(AllowedMethods, app_routes=app)


def allowed_methods(app: FastAPI, scope: Scope) -> set[str]:
    """Every method some route of ``app`` accepts for the path of ``scope`` (empty: no route has the path). Each
    method is probed as the router would match it (included routers answer for their own routes)."""
    methods: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, Mount):  # static files: read only
            if route.matches({**scope, "method": "GET"})[0] != Match.NONE:
                methods |= {"GET", "HEAD"}
            continue
        for method in _PROBED:
            if method not in methods and route.matches({**scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return methods


class AllowedMethods:
    """``OPTIONS`` (other than a CORS preflight) answers 204 with ``Allow``; a 405 names every allowed method."""

    def __init__(self, app: ASGIApp, app_routes: FastAPI) -> None:
        self.app = app
        self.routes = app_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            methods = allowed_methods(self.routes, scope)
            if methods:
                allow = ", ".join(sorted(methods | {"OPTIONS"}))
                await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = ", ".join(sorted(allowed_methods(self.routes, scope) | {"OPTIONS"}))
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_allow)

"""Query-string parameters shared by the insights pages, exports and API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from jejaring.insights.freshness import ensure_fresh
from jejaring.insights.service import Scope
from jejaring.insights.tables import Params
from jejaring.web.deps import SessionDep


class InsightsQuery(BaseModel):
    """Scope and options of an insights page; blank values mean "all"."""

    model_config = ConfigDict(extra="ignore")

    year: int | None = Field(default=None, ge=0, le=2100)
    province: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None
    level: Literal["province", "regency"] = "province"
    measure: Literal["units", "workers"] = "units"

    def params(self) -> Params:
        """As table parameters."""
        return Params(scope=Scope(year=self.year, province=self.province), level=self.level, measure=self.measure)


def insights_query(request: Request, session: SessionDep) -> InsightsQuery:
    """Parse the query string (422 naming the field on bad input) and make sure rollups exist."""
    raw = {k: v for k, v in request.query_params.items() if v != "" and k in InsightsQuery.model_fields}
    try:
        query = InsightsQuery.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    ensure_fresh(session, max_firms=request.app.state.settings.insights_auto_refresh_max_firms)
    return query

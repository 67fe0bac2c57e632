"""Shapes shared by every router: problems, pages, links, money, GeoJSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, field_serializer

# Path and filter values: ids fit a 64-bit integer; slugs and codes are plain ASCII. Bounding
# them keeps nonsense out of the database layer (a NUL, a 30-digit id) before it gets there.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Slug = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[-a-zA-Z0-9_]+$")]
Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$")]
Cursor = Annotated[str, Field(max_length=500)]
Limit = Annotated[int, Field(ge=1, le=200)]


class FieldProblem(Schema):
    code: str
    detail: str
    field: str | None = None


class Problem(Schema):
    """An RFC 9457 problem: what went wrong, with SIZes' stable `code` and per-field errors."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] = []


class Money(Schema):
    """An amount of money: a decimal string (never a float) and an ISO 4217 currency code."""

    amount: Decimal = Field(description="Decimal string, e.g. '1250.00'.")
    currency: str = Field("GBP", pattern=r"^[A-Z]{3}$")

    @field_serializer("amount")
    def _amount(self, value: Decimal) -> str:
        return format(value, "f")


class PageMeta(Schema):
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= to get the next page; null on the last page."
    )
    limit: int


# --- GeoJSON (RFC 7946) ----------------------------------------------------------------------

Position = Annotated[list[float], Field(min_length=2, max_length=3)]


class MultiPolygon(Schema):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


class Feature(Schema):
    type: Literal["Feature"]
    id: str | int | None = None
    geometry: MultiPolygon | None
    properties: dict[str, Any] | None
    bbox: list[float] | None = None


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[Feature]

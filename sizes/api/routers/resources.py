"""Pooled information from sizes.resources: budgets, public ones only (read through the app's
own visibility selector with `user=None`, the public)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Schema
from pydantic import Field

from sizes.api.conventions import DEFAULT_LIMIT, ApiRouter, paginate, set_last_modified
from sizes.api.schemas import Cursor, Limit, Money, PageMeta, Slug
from sizes.resources.selectors import budgets_visible_to

router = ApiRouter(tags=["pooled information"])


class BudgetOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    organisation: str = Field(description="The organisation's slug.")
    service: str
    kind: str
    period_start: dt.date
    period_end: dt.date
    amount: Money
    zone_share: Money | None = Field(description="The amount spent in the zone, when given.")
    zone_share_percent: str | None = Field(description="Decimal string, e.g. '12.50'.")
    share_basis: str
    updated_at: dt.datetime
    version: int


class BudgetPage(PageMeta):
    items: list[BudgetOut]


class BudgetFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    organisation: Slug | None = Field(None, description="An organisation's slug.")
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


def _money(amount: Decimal | None, currency: str) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": currency}


def budget_out(b) -> dict:
    return {
        "id": b.pk,
        "zone": b.zone.slug,
        "organisation": b.organisation.slug,
        "service": b.service,
        "kind": b.kind,
        "period_start": b.period_start,
        "period_end": b.period_end,
        "amount": _money(b.amount, b.currency),
        "zone_share": _money(b.zone_share_amount, b.currency),
        "zone_share_percent": (
            None if b.zone_share_percent is None else format(b.zone_share_percent, "f")
        ),
        "share_basis": b.share_basis,
        "updated_at": b.updated_at,
        "version": b.version,
    }


@router.get("", response=BudgetPage, summary="List public budgets")
def list_budgets(request, response: HttpResponse, filters: Query[BudgetFilters]):
    """Public budgets of public zones. Money is a decimal string with its currency."""
    qs = budgets_visible_to(None)
    if filters.zone:
        qs = qs.filter(zone__slug=filters.zone)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    set_last_modified(response, max((b.updated_at for b in page.items), default=None))
    return {
        "items": [budget_out(b) for b in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }

"""Pooled information from sizes.resources: budgets, assets, objectives and plans (with a
plan's PDF), funders' and experts' pledges, and the zone's open-standard exports (360Giving,
Open Referral UK, budgets CSV).

Reads show public records only (through the app's own visibility selectors with `user=None`,
the public). Writes go through the app's services, so the web forms' rules and permission
checks apply unchanged (a member of a partner organisation of the zone adds or changes that
organisation's records); the token must also act for the organisation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from ninja import File, Header, Path, Query, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from sizes.api import selectors
from sizes.api.auth import token_auth
from sizes.api.conventions import (
    DEFAULT_LIMIT,
    ApiRouter,
    expected_version,
    paginate,
    set_last_modified,
)
from sizes.api.permissions import token_may_act_for
from sizes.api.schemas import Cursor, Id, Limit, Money, PageMeta, Problem, Slug
from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.partners.models import Organisation
from sizes.resources import exports, services
from sizes.resources import selectors as pooled
from sizes.resources.models import (
    Asset,
    AssetKind,
    Budget,
    BudgetKind,
    Objective,
    Plan,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Visibility,
)
from sizes.zones.models import PUBLIC, Zone

router = ApiRouter(tags=["pooled information"])

IfMatch = Annotated[
    str | None,
    Header(
        None, alias="If-Match", max_length=100,
        description='The version you read (the ETag of the record, or its version field): "3".',
    ),
]  # fmt: skip
Text = Annotated[str, Field(max_length=10000)]
ShortText = Annotated[str, Field(max_length=1000)]
DecimalText = Annotated[str, Field(max_length=40, description="A decimal string, e.g. '1250.00'.")]


class ListFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    organisation: Slug | None = Field(None, description="An organisation's slug.")
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


class RecordOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    organisation: str = Field(description="The organisation's slug.")
    visibility: Visibility
    updated_at: dt.datetime
    version: int


class OwnerIn(Schema):
    zone: Slug = Field(description="The zone's slug.")
    organisation: Slug = Field(
        description="The organisation's slug: a partner in the zone the token acts for."
    )


def _record(r) -> dict:
    return {
        "id": r.pk,
        "zone": r.zone.slug,
        "organisation": r.organisation.slug,
        "visibility": r.visibility,
        "updated_at": r.updated_at,
        "version": r.version,
    }


def _page(qs, filters: ListFilters, response, out) -> dict:
    if filters.zone:
        qs = qs.filter(zone__slug=filters.zone)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    set_last_modified(response, max((r.updated_at for r in page.items), default=None))
    return {
        "items": [out(r) for r in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


def _public_one(qs, pk: int, noun: str, response):
    record = qs.filter(pk=pk).first()
    if record is None:
        raise NotFound(f"There is no public {noun} with this id.", code=f"{noun}_not_found")
    _with_version(response, record)
    return record


def _with_version(response, record) -> None:
    # The ETag of a record is its version: send it back as If-Match to change it.
    response["ETag"] = f'"{record.version}"'
    set_last_modified(response, record.updated_at)


def _owner(request, payload: OwnerIn) -> tuple[Zone, Organisation]:
    zone = Zone.objects.public().filter(slug=payload.zone).first()
    if zone is None:
        raise NotFound("There is no public zone with this slug.", code="zone_not_found")
    org = Organisation.objects.filter(slug=payload.organisation).first()
    if org is None:
        raise NotFound("There is no organisation with this slug.", code="organisation_not_found")
    if not token_may_act_for(request.auth, org):
        raise NotAllowed(f"This token does not act for {org.name}.", code="token_scope")
    return zone, org


def _writable(request, model, pk: int, noun: str):
    """The record, if the token acts for its organisation: 403 if it does not (404 when the
    record is not public, so its existence does not leak)."""
    record = (
        model.objects.filter(pk=pk, zone__status__in=PUBLIC)
        .select_related("zone", "organisation")
        .first()
    )
    allowed = record is not None and token_may_act_for(request.auth, record.organisation)
    if record is None or (not allowed and not record.is_public):
        raise NotFound(f"There is no {noun} with this id.", code=f"{noun}_not_found")
    if not allowed:
        raise NotAllowed(
            f"This token does not act for {record.organisation.name}, which owns this {noun}.",
            code="token_scope",
        )
    return record


def _created(response, record, path: str, out):
    response["Location"] = f"/api/v1/{path}/{record.pk}"
    _with_version(response, record)
    return Status(201, out(record))


def _updated(response, record, out):
    _with_version(response, record)
    return Status(200, out(record))


WRITE = {"auth": token_auth}


def _create_responses(out) -> dict:
    return {201: out, 404: Problem, 409: Problem}


def _update_responses(out) -> dict:
    return {200: out, 409: Problem, 428: Problem}


# --- budgets ---------------------------------------------------------------------------------


class BudgetOut(RecordOut):
    service: str
    kind: BudgetKind
    period_start: dt.date
    period_end: dt.date
    amount: Money
    zone_share: Money | None = Field(description="The amount spent in the zone, when given.")
    zone_share_percent: str | None = Field(description="Decimal string, e.g. '12.50'.")
    share_basis: str


class BudgetPage(PageMeta):
    items: list[BudgetOut]


class MoneyIn(Schema):
    amount: DecimalText
    currency: str = Field("GBP", min_length=3, max_length=3, description="ISO 4217, e.g. GBP.")


class BudgetFields(Schema):
    """A budget, checked by the same rules as the web form. Give the period as dates or as a
    UK financial year ("2025-26"); give the share spent in the zone as an amount or a
    percentage."""

    service: ShortText
    kind: BudgetKind
    amount: MoneyIn
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    financial_year: Annotated[str, Field(max_length=20)] | None = None
    zone_share: MoneyIn | None = Field(None, description="In the same currency as amount.")
    zone_share_percent: DecimalText | None = None
    share_basis: Text
    visibility: Visibility = Visibility.PUBLIC


class BudgetCreate(BudgetFields, OwnerIn):
    pass


def _money(amount: Decimal | None, currency: str) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": currency}


def budget_out(b) -> dict:
    return _record(b) | {
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
    }


def _budget_fields(p: BudgetFields) -> dict:
    if p.zone_share is not None and p.zone_share.currency.upper() != p.amount.currency.upper():
        raise DomainError(
            code="currency_mismatch",
            message="Give the share spent in the zone in the same currency as the amount.",
            field="zone_share.currency",
        )
    return {
        "service": p.service,
        "kind": p.kind,
        "amount": p.amount.amount,
        "currency": p.amount.currency,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "financial_year": p.financial_year,
        "zone_share_amount": p.zone_share.amount if p.zone_share is not None else None,
        "zone_share_percent": p.zone_share_percent,
        "share_basis": p.share_basis,
        "visibility": p.visibility,
    }


@router.get("/budgets", response=BudgetPage, summary="List public budgets")
def list_budgets(request, response: HttpResponse, filters: Query[ListFilters]):
    """Public budgets of public zones. Money is a decimal string with its currency."""
    return _page(pooled.budgets_visible_to(None), filters, response, budget_out)


@router.get("/budgets/{id}", response=BudgetOut, summary="One public budget")
def get_budget(request, response: HttpResponse, id: Path[Id]):
    """The ETag is the budget's version: send it as If-Match to change it."""
    return budget_out(_public_one(pooled.budgets_visible_to(None), id, "budget", response))


@router.post("/budgets", response=_create_responses(BudgetOut), summary="Add a budget", **WRITE)
def create_budget(request, response: HttpResponse, payload: BudgetCreate):
    """Share what an organisation the token acts for spends on a service in the zone."""
    zone, org = _owner(request, payload)
    b = services.budget_create(
        actor=request.auth.user, zone=zone, organisation=org, **_budget_fields(payload)
    )
    return _created(response, b, "budgets", budget_out)


@router.put(
    "/budgets/{id}", response=_update_responses(BudgetOut), summary="Change a budget", **WRITE
)
def update_budget(
    request, response: HttpResponse, id: Path[Id], payload: BudgetFields, if_match: IfMatch
):
    """Replace the budget. Needs If-Match with the version you read (428 without it, 409 if it
    changed since)."""
    b = _writable(request, Budget, id, "budget")
    version = expected_version(if_match, required=True)
    b = services.budget_update(
        actor=request.auth.user, budget=b, expected_version=version, **_budget_fields(payload)
    )
    return _updated(response, b, budget_out)


# --- assets ----------------------------------------------------------------------------------


class AssetOut(RecordOut):
    kind: AssetKind
    name: str
    description: str
    lat: float | None
    lon: float | None
    area: dict | None = Field(description="GeoJSON MultiPolygon (WGS84), when an area.")
    location_note: str
    availability: str
    terms: str
    contact_route: str = Field(description="A way to reach the organisation, never a person.")


class AssetPage(PageMeta):
    items: list[AssetOut]


class AssetFields(Schema):
    """An asset the organisation makes available; its place is a point (lat and lon) or an
    area (GeoJSON, WGS84), or neither."""

    kind: AssetKind
    name: ShortText
    description: Text
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    area: dict | None = Field(None, description="GeoJSON Polygon or MultiPolygon, WGS84.")
    location_note: ShortText = ""
    availability: Text = ""
    terms: Text = ""
    contact_route: ShortText = ""
    visibility: Visibility = Visibility.PUBLIC


class AssetCreate(AssetFields, OwnerIn):
    pass


def asset_out(a) -> dict:
    return _record(a) | {
        "kind": a.kind,
        "name": a.name,
        "description": a.description,
        "lat": a.lat,
        "lon": a.lon,
        "area": a.area,
        "location_note": a.location_note,
        "availability": a.availability,
        "terms": a.terms,
        "contact_route": a.contact_route or "",
    }


@router.get("/assets", response=AssetPage, summary="List public assets")
def list_assets(request, response: HttpResponse, filters: Query[ListFilters]):
    """Buildings, rooms, parks, teams and data that partners make available in public zones."""
    return _page(pooled.assets_visible_to(None), filters, response, asset_out)


@router.get("/assets/{id}", response=AssetOut, summary="One public asset")
def get_asset(request, response: HttpResponse, id: Path[Id]):
    return asset_out(_public_one(pooled.assets_visible_to(None), id, "asset", response))


@router.post("/assets", response=_create_responses(AssetOut), summary="Add an asset", **WRITE)
def create_asset(request, response: HttpResponse, payload: AssetCreate):
    zone, org = _owner(request, payload)
    a = services.asset_create(
        actor=request.auth.user, zone=zone, organisation=org,
        **payload.dict(exclude={"zone", "organisation"}),
    )  # fmt: skip
    return _created(response, a, "assets", asset_out)


@router.put(
    "/assets/{id}", response=_update_responses(AssetOut), summary="Change an asset", **WRITE
)
def update_asset(
    request, response: HttpResponse, id: Path[Id], payload: AssetFields, if_match: IfMatch
):
    """Replace the asset. Needs If-Match with the version you read."""
    a = _writable(request, Asset, id, "asset")
    version = expected_version(if_match, required=True)
    a = services.asset_update(
        actor=request.auth.user, asset=a, expected_version=version, **payload.dict()
    )
    return _updated(response, a, asset_out)


# --- objectives and plans --------------------------------------------------------------------


class DatedOut(RecordOut):
    title: str
    summary: str
    start_date: dt.date | None
    end_date: dt.date | None
    link: str


class ObjectivePage(PageMeta):
    items: list[DatedOut]


class PlanOut(DatedOut):
    document: str | None = Field(description="Where to download the plan's PDF, if it has one.")


class PlanPage(PageMeta):
    items: list[PlanOut]


class DatedFields(Schema):
    """An objective or a plan. (A plan's PDF is uploaded on its own: POST
    /plans/{id}/document; changing the details keeps it.)"""

    title: ShortText
    summary: Text
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    link: ShortText = Field("", description="A full web address, https://…")
    visibility: Visibility = Visibility.PUBLIC


class DatedCreate(DatedFields, OwnerIn):
    pass


def objective_out(o) -> dict:
    return _record(o) | {
        "title": o.title,
        "summary": o.summary,
        "start_date": o.start_date,
        "end_date": o.end_date,
        "link": o.link,
    }


def plan_out(p) -> dict:
    document = reverse("resources:plan-document", args=[p.zone.slug, p.pk])
    return objective_out(p) | {"document": document if p.has_document else None}


@router.get("/objectives", response=ObjectivePage, summary="List public objectives")
def list_objectives(request, response: HttpResponse, filters: Query[ListFilters]):
    return _page(pooled.objectives_visible_to(None), filters, response, objective_out)


@router.get("/objectives/{id}", response=DatedOut, summary="One public objective")
def get_objective(request, response: HttpResponse, id: Path[Id]):
    qs = pooled.objectives_visible_to(None)
    return objective_out(_public_one(qs, id, "objective", response))


@router.post(
    "/objectives", response=_create_responses(DatedOut), summary="Add an objective", **WRITE
)
def create_objective(request, response: HttpResponse, payload: DatedCreate):
    zone, org = _owner(request, payload)
    o = services.objective_create(
        actor=request.auth.user, zone=zone, organisation=org,
        **payload.dict(exclude={"zone", "organisation"}),
    )  # fmt: skip
    return _created(response, o, "objectives", objective_out)


@router.put(
    "/objectives/{id}", response=_update_responses(DatedOut), summary="Change an objective",
    **WRITE,
)  # fmt: skip
def update_objective(
    request, response: HttpResponse, id: Path[Id], payload: DatedFields, if_match: IfMatch
):
    """Replace the objective. Needs If-Match with the version you read."""
    o = _writable(request, Objective, id, "objective")
    version = expected_version(if_match, required=True)
    o = services.objective_update(
        actor=request.auth.user, objective=o, expected_version=version, **payload.dict()
    )
    return _updated(response, o, objective_out)


@router.get("/plans", response=PlanPage, summary="List public plans")
def list_plans(request, response: HttpResponse, filters: Query[ListFilters]):
    return _page(pooled.plans_visible_to(None), filters, response, plan_out)


@router.get("/plans/{id}", response=PlanOut, summary="One public plan")
def get_plan(request, response: HttpResponse, id: Path[Id]):
    return plan_out(_public_one(pooled.plans_visible_to(None), id, "plan", response))


@router.post("/plans", response=_create_responses(PlanOut), summary="Add a plan", **WRITE)
def create_plan(request, response: HttpResponse, payload: DatedCreate):
    """A plan with a link to where it is published; then upload its PDF, if it has one, with
    POST /plans/{id}/document."""
    zone, org = _owner(request, payload)
    p = services.plan_create(
        actor=request.auth.user, zone=zone, organisation=org,
        **payload.dict(exclude={"zone", "organisation"}),
    )  # fmt: skip
    return _created(response, p, "plans", plan_out)


@router.put("/plans/{id}", response=_update_responses(PlanOut), summary="Change a plan", **WRITE)
def update_plan(
    request, response: HttpResponse, id: Path[Id], payload: DatedFields, if_match: IfMatch
):
    """Replace the plan's details (its PDF, if any, is kept). Needs If-Match."""
    p = _writable(request, Plan, id, "plan")
    version = expected_version(if_match, required=True)
    p = services.plan_update(
        actor=request.auth.user, plan=p, expected_version=version, **payload.dict()
    )
    return _updated(response, p, plan_out)


PDF_RESPONSES = {200: PlanOut, 409: Problem, 413: Problem, 428: Problem}


@router.post(
    "/plans/{id}/document", response=PDF_RESPONSES, summary="Upload or replace a plan's PDF",
    **WRITE,
)  # fmt: skip
def upload_plan_document(
    request, response: HttpResponse, id: Path[Id], if_match: IfMatch,
    document: File[UploadedFile],
):  # fmt: skip
    """Send the PDF as `multipart/form-data`, in a field named `document`, with If-Match (the
    plan's version: 428 without it, 409 if it changed since). The same rules as the web form:
    a PDF (its first bytes are checked, not its name), up to 5 MB (413 beyond). Replaces the
    plan's PDF, if it had one; the plan's version goes up by one."""
    p = _writable(request, Plan, id, "plan")
    version = expected_version(if_match, required=True)
    try:
        p = services.plan_document_replace(
            actor=request.auth.user, plan=p, document=document, expected_version=version
        )
    except DomainError as exc:
        if exc.code == "document_too_large":
            exc.status = 413
        raise
    return _updated(response, p, plan_out)


# --- pledges and grants ----------------------------------------------------------------------


class PledgeOut(RecordOut):
    kind: PledgeKind
    title: str
    amount: Money | None = Field(description="The money pledged (money pledges).")
    period_start: dt.date | None
    period_end: dt.date | None
    conditions: str
    expertise_days: str | None = Field(
        description="Days of expertise pledged, a decimal string, e.g. '5.0' (expertise)."
    )
    expertise_kind: str
    status: PledgeStatus
    granted_on: dt.date | None = Field(description="When it became a grant.")
    granted_amount: Money | None = Field(description="The amount granted (money pledges).")
    withdrawn_reason: str
    grant_ref: str = Field(description="The grant's identifier in 360Giving data.")


class PledgePage(PageMeta):
    items: list[PledgeOut]


class PledgeCreate(OwnerIn):
    """A pledge of money or of days of expertise, checked by the same rules as the web form.
    The organisation is a funder or an expert body the token acts for (it need not be a
    partner in the zone)."""

    kind: PledgeKind
    title: ShortText
    amount: MoneyIn | None = Field(None, description="For money: the amount and currency.")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    conditions: Text = ""
    expertise_days: DecimalText | None = Field(None, description="For expertise: e.g. '5'.")
    expertise_kind: ShortText = Field("", description="For expertise: e.g. 'legal advice'.")
    visibility: Visibility = Visibility.PUBLIC


class GrantIn(Schema):
    granted_on: dt.date = Field(description="The date of the grant (not in the future).")
    granted_amount: MoneyIn | None = Field(
        None, description="For money: the amount granted, in the pledge's currency."
    )


class WithdrawIn(Schema):
    reason: Text = Field(description="Why the pledge is withdrawn.")


def pledge_out(p) -> dict:
    return _record(p) | {
        "kind": p.kind,
        "title": p.title,
        "amount": _money(p.amount, p.currency),
        "period_start": p.period_start,
        "period_end": p.period_end,
        "conditions": p.conditions,
        "expertise_days": None if p.expertise_days is None else format(p.expertise_days, "f"),
        "expertise_kind": p.expertise_kind,
        "status": p.status,
        "granted_on": p.granted_on,
        "granted_amount": _money(p.granted_amount, p.currency),
        "withdrawn_reason": p.withdrawn_reason,
        "grant_ref": p.grant_ref,
    }


@router.get("/pledges", response=PledgePage, summary="List public pledges")
def list_pledges(request, response: HttpResponse, filters: Query[ListFilters]):
    """Public pledges of money or expertise to public zones, with their status (pledged,
    granted, withdrawn). Money is a decimal string with its currency."""
    return _page(pooled.pledges_visible_to(None), filters, response, pledge_out)


@router.get("/pledges/{id}", response=PledgeOut, summary="One public pledge")
def get_pledge(request, response: HttpResponse, id: Path[Id]):
    """The ETag is the pledge's version: send it as If-Match to record its grant or withdraw
    it."""
    return pledge_out(_public_one(pooled.pledges_visible_to(None), id, "pledge", response))


@router.post("/pledges", response=_create_responses(PledgeOut), summary="Pledge money or expertise",
             **WRITE)  # fmt: skip
def create_pledge(request, response: HttpResponse, payload: PledgeCreate):
    """Pledge money (`amount`) or days of expertise (`expertise_days`, `expertise_kind`) to a
    public zone that has not ended, for a funder or expert organisation the token acts for."""
    zone, org = _owner(request, payload)
    money = payload.amount
    p = services.pledge_create(
        actor=request.auth.user, zone=zone, organisation=org, kind=payload.kind,
        title=payload.title, amount=money.amount if money else None,
        currency=money.currency if money else "GBP", period_start=payload.period_start,
        period_end=payload.period_end, conditions=payload.conditions,
        expertise_days=payload.expertise_days, expertise_kind=payload.expertise_kind,
        visibility=payload.visibility,
    )  # fmt: skip
    p.refresh_from_db()  # money and days as stored ("15000.00", "5.0"), as reads show them
    return _created(response, p, "pledges", pledge_out)


@router.post(
    "/pledges/{id}/grant", response=_update_responses(PledgeOut),
    summary="Record that a pledge became a grant", **WRITE,
)  # fmt: skip
def grant_pledge(
    request, response: HttpResponse, id: Path[Id], payload: GrantIn, if_match: IfMatch
):
    """The date of the grant and, for money, the amount granted. Only an open pledge (not
    already granted or withdrawn: 409 `pledge_not_open`). Needs If-Match with the version you
    read. Public grants appear in the zone's 360Giving export."""
    p = _writable(request, Pledge, id, "pledge")
    version = expected_version(if_match, required=True)
    granted = payload.granted_amount
    if granted is not None and p.currency and granted.currency.upper() != p.currency.upper():
        raise DomainError(
            code="currency_mismatch",
            message=f"Give the amount granted in the pledge's currency, {p.currency}.",
            field="granted_amount.currency",
        )
    p = services.pledge_grant(
        actor=request.auth.user, pledge=p, granted_on=payload.granted_on,
        granted_amount=granted.amount if granted else None, expected_version=version,
    )  # fmt: skip
    p.refresh_from_db()
    return _updated(response, p, pledge_out)


@router.post(
    "/pledges/{id}/withdraw", response=_update_responses(PledgeOut),
    summary="Withdraw a pledge", **WRITE,
)  # fmt: skip
def withdraw_pledge(
    request, response: HttpResponse, id: Path[Id], payload: WithdrawIn, if_match: IfMatch
):
    """Withdraw an open pledge, saying why. Needs If-Match with the version you read."""
    p = _writable(request, Pledge, id, "pledge")
    version = expected_version(if_match, required=True)
    p = services.pledge_withdraw(
        actor=request.auth.user, pledge=p, reason=payload.reason, expected_version=version
    )
    return _updated(response, p, pledge_out)


# --- a zone's open-standard exports ----------------------------------------------------------


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.get(
    "/zones/{slug}/export/360giving.json",
    response={200: dict[str, Any]},
    summary="A zone's public grants as a 360Giving package",
)
def export_360giving(request, slug: Path[Slug]):
    """A 360Giving data package (schema 1.4) of the grants made to the zone (pledges that
    became grants, public ones). 404 `grants_not_found` when there are none yet."""
    zone = selectors.public_zone(slug=slug)
    package = exports.grants_360giving(zone, base_url=_base(request))
    if package is None:
        raise NotFound("This zone has no public grants yet.", code="grants_not_found")
    return JsonResponse(package, json_dumps_params={"indent": 1})


@router.get(
    "/zones/{slug}/export/openreferral.json",
    response={200: dict[str, Any]},
    summary="A zone's partners and services as Open Referral UK",
)
def export_openreferral(request, slug: Path[Slug]):
    """The zone's partner organisations and the services they run in it (from their public
    budgets), as Open Referral UK / HSDS 3.0 `organizations` and `services`."""
    zone = selectors.public_zone(slug=slug)
    body = exports.openreferral(zone, base_url=_base(request))
    return JsonResponse(body, json_dumps_params={"indent": 1})


@router.get(
    "/zones/{slug}/export/budgets.csv", response=str,
    summary="A zone's public budgets as CSV", openapi_extra={"x-media-type": "text/csv"},
)  # fmt: skip
def export_budgets_csv(request, slug: Path[Slug]):
    """UTF-8 CSV, one row per public budget; the columns are described in
    docs/pooled-information.md and in the zone's data package."""
    zone = selectors.public_zone(slug=slug)
    response = HttpResponse(exports.budgets_csv(zone), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{zone.slug}-budgets.csv"'
    return response

"""Writes of pooled information (budgets, assets, objectives, plans), pledges and identifiers.

Every write: checks permission on the object (deny by default), validates every field at
once (all problems reported together), runs in one transaction, bumps `version` on edits
(optimistic locking) and appends an audit event. A refused edit of another organisation's
record is audited too, in its own transaction, before the refusal is raised.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, NotAllowed, Problem, RulesNotMet
from sizes.core.text import clean_text
from sizes.core.versioning import bump_version
from sizes.geo import geometry as g
from sizes.resources import permissions as perms
from sizes.resources import validation as v
from sizes.resources.models import (
    Asset,
    AssetKind,
    Budget,
    BudgetKind,
    Objective,
    OrganisationIdentifier,
    Plan,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Visibility,
)
from sizes.zones.permissions import require

# --- shared helpers --------------------------------------------------------------------------


class _Collector:
    """Run checks, keep every problem, raise them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def check(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            for p in exc.details or [Problem(exc.code, exc.message, exc.field)]:
                self.problems.append(p)
            return None

    def add(self, code: str, message: str, field: str | None = None) -> None:
        self.problems.append(Problem(code, message, field))

    def raise_if_any(self, message: str = "Some of the details need correcting.") -> None:
        if len(self.problems) == 1:
            p = self.problems[0]
            raise DomainError(code=p.code, message=p.message, field=p.field)
        if self.problems:
            raise RulesNotMet(message, self.problems, code="invalid")


def _visibility(value, c: _Collector) -> str:
    if value not in Visibility.values:
        c.add(
            "visibility_invalid", "Choose who can see it: everyone, or partners only.", "visibility"
        )
    return value


def _text(c, value, field, label, max_length, required=True):
    return c.check(
        clean_text, value, field=field, label=label, max_length=max_length, required=required
    )


def _link(c, value, field="link") -> str:
    value = (value or "").strip()
    if value and not (value.startswith("https://") or value.startswith("http://")):
        c.add(f"{field}_invalid", "Enter a full web address, starting https://.", field)
    if len(value) > 500:
        c.add(f"{field}_too_long", "The web address must be 500 characters or fewer.", field)
    return value


def _refuse_and_audit(*, actor, record, action: str, message: str) -> None:
    """Record a refused edit (so attempts on other organisations' records show in the trail),
    then refuse it."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        audit_record(
            actor=actor,
            action=f"{action}.refused",
            obj=record,
            zone_id=record.zone_id,
            reason="Not a member of the organisation that owns this record.",
        )
    raise NotAllowed(message)


def _changes(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _create(model, *, actor, zone, organisation, action: str, fields: dict):
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = model.objects.create(
                    zone=zone, organisation=organisation, created_by=actor, **fields
                )
        except IntegrityError:
            raise DomainError(
                code="duplicate",
                message=f"{organisation.name} has already recorded this in this zone.",
                status=409,
            ) from None
        audit_record(
            actor=actor,
            action=f"{action}.created",
            obj=record,
            zone_id=zone.pk,
            changes={"organisation": [None, organisation.name]}
            | {k: [None, val] for k, val in fields.items() if k != "area"},
        )
    return record


def _check_edit(actor, record, action: str) -> None:
    if not perms.can_edit_record(actor, record):
        _refuse_and_audit(
            actor=actor,
            record=record,
            action=action,
            message=f"Only members of {record.organisation.name} can change its records.",
        )


def _update(record, *, actor, action: str, fields: dict, expected_version):
    model = type(record)
    _check_edit(actor, record, action)
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        bump_version(record, expected_version=expected_version)
        before = {k: getattr(record, k) for k in fields}
        for k, val in fields.items():
            setattr(record, k, val)
        record.updated_at = timezone.now()
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise DomainError(
                code="duplicate",
                message=f"{record.organisation.name} has already recorded this in this zone.",
                status=409,
            ) from None
        audit_record(
            actor=actor,
            action=f"{action}.updated",
            obj=record,
            zone_id=record.zone_id,
            changes=_changes(before, fields),
        )
    return record


def _require_share(actor, zone, organisation) -> None:
    require(
        perms.can_share_for(actor, zone, organisation),
        f"Only members of {organisation.name}, as a partner in this zone, can add its records.",
    )


# --- budgets ---------------------------------------------------------------------------------


def budget_fields(
    *,
    service,
    amount,
    currency,
    share_basis,
    kind,
    visibility=Visibility.PUBLIC,
    period_start=None,
    period_end=None,
    financial_year=None,
    zone_share_amount=None,
    zone_share_percent=None,
) -> dict:
    """Check a budget's fields (every problem at once) and return them cleaned."""
    c = _Collector()
    out = {
        "service": _text(c, service, "service", "the service", 200),
        "amount": c.check(v.check_amount, amount, field="amount", label="the amount"),
        "currency": c.check(v.check_currency, currency),
        "share_basis": _text(c, share_basis, "share_basis", "the basis of the estimate", 2000),
        "kind": kind,
        "visibility": _visibility(visibility, c),
    }
    if kind not in BudgetKind.values:
        c.add("kind_invalid", "Choose new money, redirected money or in kind.", "kind")
    if financial_year not in (None, ""):
        fy = c.check(v.parse_financial_year, financial_year)
        if fy:
            period_start, period_end = fy
    if c.check(v.check_period, period_start, period_end) is None:
        pass
    out["period_start"], out["period_end"] = period_start, period_end
    has_amount = zone_share_amount not in (None, "")
    has_percent = zone_share_percent not in (None, "")
    out["zone_share_amount"] = out["zone_share_percent"] = None
    if has_amount and has_percent:
        c.add(
            "share_both",
            "Give the share spent in the zone as an amount or as a percentage, not both.",
            "zone_share_amount",
        )
    elif not has_amount and not has_percent:
        c.add(
            "share_required",
            "Enter the share spent in the zone, as an amount or as a percentage.",
            "zone_share_amount",
        )
    elif has_amount:
        share = c.check(
            v.check_amount,
            zone_share_amount,
            field="zone_share_amount",
            label="the amount spent in the zone",
            allow_zero=True,
        )
        if share is not None and out["amount"] is not None and share > out["amount"]:
            c.add(
                "share_more_than_amount",
                f"The amount spent in the zone ({share:,.2f}) is more than the whole budget "
                f"({out['amount']:,.2f}).",
                "zone_share_amount",
            )
        out["zone_share_amount"] = share
    else:
        out["zone_share_percent"] = c.check(v.check_percent, zone_share_percent)
    c.raise_if_any()
    return out


def budget_create(*, actor, zone, organisation, **fields) -> Budget:
    _require_share(actor, zone, organisation)
    return _create(
        Budget,
        actor=actor,
        zone=zone,
        organisation=organisation,
        action="budget",
        fields=budget_fields(**fields),
    )


def budget_update(*, actor, budget: Budget, expected_version=None, **fields) -> Budget:
    _check_edit(actor, budget, "budget")
    return _update(
        budget,
        actor=actor,
        action="budget",
        fields=budget_fields(**fields),
        expected_version=expected_version,
    )


# --- assets ----------------------------------------------------------------------------------


def asset_fields(
    *,
    kind,
    name,
    description,
    visibility=Visibility.PUBLIC,
    lat=None,
    lon=None,
    area=None,
    location_note="",
    availability="",
    terms="",
    contact_route="",
) -> dict:
    """Check an asset's fields; the location is a point (lat and lon) or an area (GeoJSON)."""
    c = _Collector()
    out = {
        "kind": kind,
        "name": _text(c, name, "name", "the asset's name", 200),
        "description": _text(c, description, "description", "a description", 5000),
        "visibility": _visibility(visibility, c),
        "location_note": _text(c, location_note, "location_note", "the note", 300, False),
        "availability": _text(c, availability, "availability", "availability", 2000, False),
        "terms": _text(c, terms, "terms", "the terms", 2000, False),
        "contact_route": None,
        "lat": None,
        "lon": None,
        "area": None,
    }
    contact = _text(c, contact_route, "contact_route", "the contact route", 300, False)
    if contact is not None:
        out["contact_route"] = c.check(v.check_contact_route, contact)
    if kind not in AssetKind.values:
        c.add("kind_invalid", "Choose what kind of asset it is.", "kind")
    has_point = lat not in (None, "") or lon not in (None, "")
    has_area = area not in (None, "", {})
    if has_point and has_area:
        c.add(
            "location_both",
            "Give the location as a point or as an area, not both.",
            "lat",
        )
    elif has_point:
        point = c.check(g.check_lat_lon, lat, lon)
        if point:
            out["lat"], out["lon"] = round(point[0], 6), round(point[1], 6)
    elif has_area:
        geom = c.check(g.geometry_from_geojson, area)
        if geom is not None:
            out["area"] = g.to_geojson(geom)
    for p in c.problems:
        if p.field is None and p.code in g.CODES:
            object.__setattr__(p, "field", "area" if has_area else "lat")
    c.raise_if_any()
    return out


def asset_create(*, actor, zone, organisation, **fields) -> Asset:
    _require_share(actor, zone, organisation)
    return _create(
        Asset,
        actor=actor,
        zone=zone,
        organisation=organisation,
        action="asset",
        fields=asset_fields(**fields),
    )


def asset_update(*, actor, asset: Asset, expected_version=None, **fields) -> Asset:
    _check_edit(actor, asset, "asset")
    return _update(
        asset,
        actor=actor,
        action="asset",
        fields=asset_fields(**fields),
        expected_version=expected_version,
    )


# --- objectives ------------------------------------------------------------------------------


def _dated_fields(c, *, title, summary, start_date, end_date, link, visibility) -> dict:
    out = {
        "title": _text(c, title, "title", "a title", 200),
        "summary": _text(c, summary, "summary", "a summary", 5000),
        "start_date": start_date,
        "end_date": end_date,
        "link": _link(c, link),
        "visibility": _visibility(visibility, c),
    }
    if start_date and end_date and end_date < start_date:
        c.add(
            "period_ends_before_start",
            f"The end date ({end_date:%-d %B %Y}) is before the start date "
            f"({start_date:%-d %B %Y}).",
            "end_date",
        )
    return out


def objective_fields(
    *, title, summary, start_date=None, end_date=None, link="", visibility=Visibility.PUBLIC
) -> dict:
    c = _Collector()
    out = _dated_fields(
        c,
        title=title,
        summary=summary,
        start_date=start_date,
        end_date=end_date,
        link=link,
        visibility=visibility,
    )
    c.raise_if_any()
    return out


def objective_create(*, actor, zone, organisation, **fields) -> Objective:
    _require_share(actor, zone, organisation)
    return _create(
        Objective,
        actor=actor,
        zone=zone,
        organisation=organisation,
        action="objective",
        fields=objective_fields(**fields),
    )


def objective_update(*, actor, objective: Objective, expected_version=None, **fields):
    _check_edit(actor, objective, "objective")
    return _update(
        objective,
        actor=actor,
        action="objective",
        fields=objective_fields(**fields),
        expected_version=expected_version,
    )


# --- plans and their PDF documents -----------------------------------------------------------


def max_pdf_bytes() -> int:
    return int(getattr(settings, "SIZES_MAX_PDF_BYTES", 5 * 1024 * 1024))


def upload_dir() -> Path:
    """Where uploaded PDFs live: outside static files, never served by the web server."""
    base = getattr(settings, "SIZES_UPLOAD_DIR", None) or (Path(settings.DATA_DIR) / "uploads")
    return Path(base) / "plans"


def read_pdf(upload) -> tuple[bytes, str]:
    """Read an uploaded file (a Django UploadedFile, or bytes); refuse anything but a PDF
    within the size limit. Returns the content and a safe display name."""
    if isinstance(upload, bytes | bytearray):
        data, name = bytes(upload), "plan.pdf"
    else:
        limit = max_pdf_bytes()
        if getattr(upload, "size", 0) > limit:
            raise _too_big(upload.size)
        data = upload.read(limit + 1)
        name = getattr(upload, "name", "") or "plan.pdf"
    if len(data) > max_pdf_bytes():
        raise _too_big(len(data))
    if not data:
        raise DomainError(code="document_empty", message="The file is empty.", field="document")
    if not data.startswith(b"%PDF-"):
        raise DomainError(
            code="document_not_pdf",
            message="The file must be a PDF. This file does not start like a PDF does: save "
            "or export it as PDF and try again.",
            field="document",
        )
    safe = "".join(ch for ch in Path(name).name if ch.isalnum() or ch in "._- ")[:150].strip()
    if not safe.lower().endswith(".pdf"):
        safe = (safe or "plan") + ".pdf"
    return data, safe


def _too_big(size: int) -> DomainError:
    return DomainError(
        code="document_too_large",
        message=f"The file is {size / 1_048_576:.1f} MB; the most we accept is "
        f"{max_pdf_bytes() / 1_048_576:.0f} MB.",
        field="document",
    )


def _store_pdf(data: bytes) -> str:
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".pdf"
    path = folder / name
    with open(path, "xb") as f:
        f.write(data)
    return name


def plan_document_path(plan: Plan) -> Path | None:
    if not plan.document_name:
        return None
    path = upload_dir() / plan.document_name
    return path if path.is_file() else None


def plan_fields(
    *,
    title,
    summary,
    start_date=None,
    end_date=None,
    link="",
    visibility=Visibility.PUBLIC,
    document=None,
) -> tuple[dict, tuple[bytes, str] | None]:
    c = _Collector()
    out = _dated_fields(
        c,
        title=title,
        summary=summary,
        start_date=start_date,
        end_date=end_date,
        link=link,
        visibility=visibility,
    )
    pdf = c.check(read_pdf, document) if document is not None else None
    c.raise_if_any()
    return out, pdf


def _with_document(fields: dict, pdf, write):
    """Store the PDF (if any) under a new random name, then `write(fields)`; if the write is
    refused (a version conflict, a duplicate), remove the file again, so nothing is kept."""
    if not pdf:
        return write(fields)
    data, name = pdf
    stored = _store_pdf(data)
    try:
        return write(
            fields
            | {
                "document_name": stored,
                "document_original_name": name,
                "document_size": len(data),
            }
        )
    except BaseException:
        (upload_dir() / stored).unlink(missing_ok=True)
        raise


def plan_create(*, actor, zone, organisation, **fields) -> Plan:
    _require_share(actor, zone, organisation)
    cleaned, pdf = plan_fields(**fields)
    return _with_document(
        cleaned,
        pdf,
        lambda f: _create(Plan, actor=actor, zone=zone, organisation=organisation, action="plan",
                          fields=f),
    )  # fmt: skip


def plan_update(*, actor, plan: Plan, expected_version=None, **fields) -> Plan:
    _check_edit(actor, plan, "plan")
    cleaned, pdf = plan_fields(**fields)
    return _with_document(
        cleaned,
        pdf,
        lambda f: _update(plan, actor=actor, action="plan", fields=f,
                          expected_version=expected_version),
    )  # fmt: skip


def plan_document_replace(*, actor, plan: Plan, document, expected_version=None) -> Plan:
    """Upload or replace a plan's PDF alone, keeping its other details (the API's upload; the
    web form sends the PDF with the details, through `plan_update`). The same permission check
    and the same PDF rules (size, a PDF's first bytes) as the form; audited as a change of the
    plan, and a refused upload keeps no file."""
    _check_edit(actor, plan, "plan")
    if document is None:
        raise DomainError(
            code="document_required", message="Choose a PDF file to upload.", field="document"
        )
    pdf = read_pdf(document)
    return _with_document(
        {},
        pdf,
        lambda f: _update(plan, actor=actor, action="plan", fields=f,
                          expected_version=expected_version),
    )  # fmt: skip


# --- pledges and grants ----------------------------------------------------------------------


def pledge_fields(
    *,
    kind,
    title,
    amount=None,
    currency="GBP",
    period_start=None,
    period_end=None,
    conditions="",
    expertise_days=None,
    expertise_kind="",
    visibility=Visibility.PUBLIC,
) -> dict:
    c = _Collector()
    out = {
        "kind": kind,
        "title": _text(c, title, "title", "a title for the pledge", 200),
        "conditions": _text(c, conditions, "conditions", "the conditions", 5000, False),
        "visibility": _visibility(visibility, c),
        "amount": None,
        "currency": "",
        "period_start": period_start,
        "period_end": period_end,
        "expertise_days": None,
        "expertise_kind": "",
    }
    c.check(v.check_period, period_start, period_end, required=False)
    if kind == PledgeKind.MONEY:
        out["amount"] = c.check(v.check_amount, amount, field="amount", label="the amount")
        out["currency"] = c.check(v.check_currency, currency)
    elif kind == PledgeKind.EXPERTISE:
        days = c.check(v._decimal, expertise_days, field="expertise_days", label="the days")
        if days is not None and not (Decimal("0.5") <= days <= 1000):
            c.add(
                "expertise_days_out_of_range",
                "Enter the days of expertise, from 0.5 to 1000.",
                "expertise_days",
            )
        out["expertise_days"] = days
        out["expertise_kind"] = _text(
            c, expertise_kind, "expertise_kind", "the kind of expertise", 200
        )
    else:
        c.add("kind_invalid", "Choose whether you pledge money or expertise.", "kind")
    c.raise_if_any()
    return out


def pledge_create(*, actor, zone, organisation, **fields) -> Pledge:
    require(
        perms.can_pledge_for(actor, zone, organisation),
        "Only members of a funder or expert organisation can pledge, to a zone that is public "
        "and has not ended.",
    )
    pledge = _create(
        Pledge,
        actor=actor,
        zone=zone,
        organisation=organisation,
        action="pledge",
        fields=pledge_fields(**fields),
    )
    Pledge.objects.filter(pk=pledge.pk).update(grant_ref=f"SIZES-{pledge.pk}")
    pledge.grant_ref = f"SIZES-{pledge.pk}"
    return pledge


def _check_pledge(actor, pledge) -> None:
    if not perms.can_manage_pledge(actor, pledge):
        _refuse_and_audit(
            actor=actor,
            record=pledge,
            action="pledge",
            message=f"Only members of {pledge.organisation.name} can change its pledges.",
        )


def _pledge_transition(actor, pledge, expected_version, action, apply) -> Pledge:
    _check_pledge(actor, pledge)
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("organisation").get(pk=pledge.pk)
        if pledge.status != PledgeStatus.PLEDGED:
            raise DomainError(
                code="pledge_not_open",
                message=f"This pledge has already been {pledge.get_status_display().lower()}.",
                status=409,
            )
        bump_version(pledge, expected_version=expected_version)
        changes = apply(pledge)
        pledge.updated_at = timezone.now()
        pledge.save()
        audit_record(
            actor=actor, action=action, obj=pledge, zone_id=pledge.zone_id, changes=changes
        )
    return pledge


def pledge_grant(
    *, actor, pledge: Pledge, granted_on: dt.date | None, granted_amount=None, expected_version=None
) -> Pledge:
    """Record that a pledge became a grant: the date, and for money the amount awarded."""
    _check_pledge(actor, pledge)
    c = _Collector()
    if granted_on is None:
        c.add("granted_on_required", "Enter the date of the grant.", "granted_on")
    elif granted_on > timezone.localdate():
        c.add("granted_on_future", "The date of the grant cannot be in the future.", "granted_on")
    amount = None
    if pledge.kind == PledgeKind.MONEY:
        amount = c.check(
            v.check_amount, granted_amount, field="granted_amount", label="the amount granted"
        )
    c.raise_if_any()

    def apply(p):
        before = {
            "status": p.status,
            "granted_on": p.granted_on,
            "granted_amount": p.granted_amount,
        }
        p.status, p.granted_on, p.granted_amount = PledgeStatus.GRANTED, granted_on, amount
        return _changes(
            before, {"status": p.status, "granted_on": granted_on, "granted_amount": amount}
        )

    return _pledge_transition(actor, pledge, expected_version, "pledge.granted", apply)


def pledge_withdraw(*, actor, pledge: Pledge, reason: str, expected_version=None) -> Pledge:
    _check_pledge(actor, pledge)
    reason = clean_text(reason, field="reason", label="why it is withdrawn", max_length=2000)

    def apply(p):
        p.status, p.withdrawn_reason = PledgeStatus.WITHDRAWN, reason
        return {"status": [PledgeStatus.PLEDGED, PledgeStatus.WITHDRAWN], "reason": [None, reason]}

    return _pledge_transition(actor, pledge, expected_version, "pledge.withdrawn", apply)


# --- organisation identifiers ----------------------------------------------------------------


def organisation_identifier_add(*, actor, organisation, org_id: str) -> OrganisationIdentifier:
    """Add an identifier in org-id form ("GB-CHC-1234567") to an organisation."""
    require(
        perms.can_manage_identifiers(actor, organisation),
        "Only a signing member of the organisation, or an administrator, can add identifiers.",
    )
    scheme, ident = v.parse_org_id(org_id)
    with transaction.atomic():
        existing = OrganisationIdentifier.objects.filter(scheme=scheme, identifier=ident).first()
        if existing is not None:
            who = (
                "this organisation"
                if existing.organisation_id == organisation.pk
                else existing.organisation.name
            )
            raise DomainError(
                code="org_id_taken",
                message=f"{scheme}-{ident} is already recorded for {who}.",
                field="org_id",
                status=409,
            )
        item = OrganisationIdentifier.objects.create(
            organisation=organisation, scheme=scheme, identifier=ident
        )
        audit_record(
            actor=actor,
            action="organisation_identifier.added",
            obj=item,
            changes={"org_id": [None, item.org_id], "organisation": [None, organisation.name]},
        )
    return item


def organisation_identifier_remove(*, actor, identifier: OrganisationIdentifier) -> None:
    require(
        perms.can_manage_identifiers(actor, identifier.organisation),
        "Only a signing member of the organisation, or an administrator, can remove identifiers.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="organisation_identifier.removed",
            obj=identifier,
            changes={"org_id": [identifier.org_id, None]},
        )
        identifier.delete()

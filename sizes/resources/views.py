"""Pages and exports of pooled information. Views parse, call one service or selector, render.

Every read goes through the `*_visible_to` selectors; exports pass no user (public only).
"""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.partners.models import Membership, Organisation, Partnership
from sizes.resources import charts, exports, forms, importer, selectors, services
from sizes.resources import permissions as perms
from sizes.resources.models import (
    Asset,
    Budget,
    Objective,
    Plan,
    Pledge,
    PledgeStatus,
    Visibility,
)
from sizes.resources.permissions import member_org_ids
from sizes.zones.forms import add_domain_error
from sizes.zones.models import Theme, Zone
from sizes.zones.selectors import zone_get_for_user

# --- the zone section ------------------------------------------------------------------------


def _sharing_orgs(user, zone):
    """The person's organisations that may add records to the zone."""
    if not user.is_authenticated or not zone.is_public:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.APPROVED,
        partnerships__zone=zone,
    ).distinct()


def _pledging_orgs(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    ids = [
        o.pk
        for o in Organisation.objects.filter(
            memberships__user=user, memberships__status=Membership.Status.APPROVED
        ).distinct()
        if perms.is_pledger(o)
    ]
    return Organisation.objects.filter(pk__in=ids)


def zone_resources_context(
    request,
    zone,
    *,
    pooled: dict[int, set[str]] | None = None,
    organisations: dict[int, Organisation] | None = None,
) -> dict:
    """Everything `resources/_zone_section.html` needs, for the person asking. `pooled`: the
    zone's `zone_pooled_summary`, and `organisations`: id -> Organisation of its partners, when
    the page has read them already.

    `res_public_assets` are the zone's assets anyone may see (as `assets_visible_to(None,
    zone)` in id order), for the zone page's map: taken from what this person may see, which
    includes them all, rather than read again."""
    user = request.user
    # Read once for the five kinds of records and the controls below.
    mine = member_org_ids(user)
    budgets = list(selectors.budgets_visible_to(user, zone, member_orgs=mine))
    assets = list(selectors.assets_visible_to(user, zone, member_orgs=mine))
    public_assets = sorted(
        (a for a in assets if a.visibility == Visibility.PUBLIC and zone.is_public),
        key=lambda a: a.pk,
    )
    objectives = list(selectors.objectives_visible_to(user, zone, member_orgs=mine))
    plans = list(selectors.plans_visible_to(user, zone, member_orgs=mine))
    totals = selectors.budget_totals(budgets)
    currency = totals.currencies[0] if totals.currencies else "GBP"
    chart_values = [
        (p, totals.by_period[p][currency])
        for p in totals.periods
        if currency in totals.by_period[p]
    ]
    partners = sorted({k.split("|", 1)[1] for k in totals.by_period_partner})
    sharing = set(_sharing_orgs(user, zone).values_list("pk", flat=True))
    pledging = set(_pledging_orgs(user).values_list("pk", flat=True))
    return {
        "res_budgets": budgets,
        "res_totals": totals,
        "res_currency": currency,
        "res_chart": charts.bar_chart(
            chart_values,
            currency=currency,
            title=f"Amount spent in the zone by period, in {currency}: "
            + "; ".join(f"{p}: {v:,.0f}" for p, v in chart_values),
        ),
        "res_period_partners": partners,
        "res_assets": assets,
        "res_public_assets": public_assets,
        "res_objectives": objectives,
        "res_plans": plans,
        "res_pledges": list(selectors.pledges_visible_to(user, zone, member_orgs=mine)),
        "res_two_stars": selectors.two_stars_check(
            zone=zone,
            user=user,
            summary=pooled,
            visible_records={
                "budget": budgets,
                "asset": assets,
                "objective": objectives,
                "plan": plans,
            },
            organisations=organisations,
        ),  # fmt: skip
        "res_labels": selectors.POOLED_LABELS,
        "res_can_share": bool(sharing),
        "res_can_pledge": zone.is_public and bool(pledging),
        "res_editable_org_ids": sharing,
        "res_pledger_org_ids": pledging,
    }


def zone_resources(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    return render(
        request, "resources/zone.html", {"zone": zone, **zone_resources_context(request, zone)}
    )


# --- add and edit records --------------------------------------------------------------------

RECORDS = {
    "budget": (Budget, forms.BudgetForm, services.budget_create, services.budget_update),
    "asset": (Asset, forms.AssetForm, services.asset_create, services.asset_update),
    "objective": (
        Objective,
        forms.ObjectiveForm,
        services.objective_create,
        services.objective_update,
    ),
    "plan": (Plan, forms.PlanForm, services.plan_create, services.plan_update),
}
NOUNS = {"budget": "a budget", "asset": "an asset", "objective": "an objective", "plan": "a plan"}


def _initial(kind: str, record) -> dict:
    form_cls = RECORDS[kind][1]
    data = {"version": record.version}
    for name in form_cls.base_fields:
        if name in ("organisation", "version", "document", "financial_year"):
            continue
        value = getattr(record, name, None)
        if name == "area":
            value = json.dumps(value) if value else ""
        data[name] = "" if value is None else value
    return data


def _service_kwargs(kind: str, form, request) -> dict:
    fields = form.service_fields()
    if kind == "plan":
        fields["document"] = request.FILES.get("document") or None
    return fields


@require_http_methods(["GET", "POST"])
@login_required
def record_add(request, slug, kind):
    zone = zone_get_for_user(slug=slug, user=request.user)
    owners = _sharing_orgs(request.user, zone)
    if not owners.exists():
        raise NotAllowed(
            f"Only members of a partner organisation of this zone can add {NOUNS[kind]}."
        )
    model, form_cls, create, _ = RECORDS[kind]
    post = request.method == "POST"
    form = form_cls(request.POST if post else None, request.FILES if post else None, owners=owners)
    if post and form.is_valid():
        try:
            create(
                actor=request.user,
                zone=zone,
                organisation=form.cleaned_data["organisation"],
                **_service_kwargs(kind, form, request),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc, field_map={"area": "area"})
        else:
            messages.success(request, f"Saved {NOUNS[kind][NOUNS[kind].index(' ') + 1 :]}.")
            return redirect("resources:zone", zone.slug)
    return render(
        request,
        "resources/form.html",
        {"form": form, "zone": zone, "heading": f"Add {NOUNS[kind]}", "kind": kind},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_edit(request, slug, kind, pk):
    zone = zone_get_for_user(slug=slug, user=request.user)
    model, form_cls, _, update = RECORDS[kind]
    record = selectors.records_visible_to(model, request.user, zone).filter(pk=pk).first()
    if record is None:
        raise NotFound(f"There is no {kind} at this address.")
    post = request.method == "POST"
    form = form_cls(
        request.POST if post else None,
        request.FILES if post else None,
        initial=_initial(kind, record),
        editing=True,
    )
    if not post and not perms.can_edit_record(request.user, record):
        raise NotAllowed(f"Only members of {record.organisation.name} can change its records.")
    if post and form.is_valid():
        try:
            update(
                actor=request.user,
                **{kind: record},
                expected_version=form.cleaned_data["version"],
                **_service_kwargs(kind, form, request),
            )
        except DomainError as exc:
            if exc.status in (403, 404, 409):
                if exc.status == 409 and exc.code == "version_conflict":
                    form.add_error(None, exc.message)
                    return render(
                        request,
                        "resources/form.html",
                        {"form": form, "zone": zone, "heading": f"Edit {NOUNS[kind]}"},
                        status=409,
                    )
                if exc.status != 409:
                    raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("resources:zone", zone.slug)
    return render(
        request,
        "resources/form.html",
        {"form": form, "zone": zone, "heading": f"Edit {NOUNS[kind]}", "kind": kind},
        status=400 if form.is_bound else 200,
    )


@require_GET
def plan_document(request, slug, pk):
    """Serve a plan's PDF as a download only, after the same visibility check as the plan."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    plan = selectors.plans_visible_to(request.user, zone).filter(pk=pk).first()
    path = services.plan_document_path(plan) if plan else None
    if path is None:
        raise NotFound("There is no document at this address.")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="application/pdf",
        as_attachment=True,
        filename=plan.document_original_name or "plan.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- pledges ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def pledge_add(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    owners = _pledging_orgs(request.user)
    if not owners.exists():
        raise NotAllowed("Only members of a funder or expert organisation can pledge.")
    form = forms.PledgeForm(request.POST if request.method == "POST" else None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_create(
                actor=request.user,
                zone=zone,
                organisation=form.cleaned_data["organisation"],
                **form.service_fields(),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "Thank you: your pledge is recorded.")
            return redirect("resources:zone", zone.slug)
    return render(
        request,
        "resources/form.html",
        {"form": form, "zone": zone, "heading": "Pledge money or expertise"},
        status=400 if form.is_bound else 200,
    )


def _pledge_for(request, slug, pk) -> tuple[Zone, Pledge]:
    zone = zone_get_for_user(slug=slug, user=request.user)
    pledge = selectors.pledges_visible_to(request.user, zone).filter(pk=pk).first()
    if pledge is None:
        raise NotFound("There is no pledge at this address.")
    if not perms.can_manage_pledge(request.user, pledge):
        raise NotAllowed(f"Only members of {pledge.organisation.name} can change its pledges.")
    return zone, pledge


@require_http_methods(["GET", "POST"])
@login_required
def pledge_grant(request, slug, pk):
    zone, pledge = _pledge_for(request, slug, pk)
    form = forms.GrantForm(
        request.POST if request.method == "POST" else None,
        initial={"version": pledge.version, "granted_amount": pledge.amount or ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_grant(
                actor=request.user,
                pledge=pledge,
                granted_on=form.cleaned_data["granted_on"],
                granted_amount=form.cleaned_data["granted_amount"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The grant is recorded.")
            return redirect("resources:zone", zone.slug)
    return render(
        request,
        "resources/form.html",
        {"form": form, "zone": zone, "heading": f"Record the grant: {pledge.title}"},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def pledge_withdraw(request, slug, pk):
    zone, pledge = _pledge_for(request, slug, pk)
    form = forms.WithdrawForm(
        request.POST if request.method == "POST" else None, initial={"version": pledge.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_withdraw(
                actor=request.user,
                pledge=pledge,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The pledge is withdrawn.")
            return redirect("resources:zone", zone.slug)
    return render(
        request,
        "resources/form.html",
        {"form": form, "zone": zone, "heading": f"Withdraw the pledge: {pledge.title}"},
        status=400 if form.is_bound else 200,
    )


# --- CSV import ------------------------------------------------------------------------------

SESSION_KEY = "resources_import"


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    owners = _sharing_orgs(request.user, zone)
    if not owners.exists():
        raise NotAllowed("Only members of a partner organisation of this zone can import.")
    post = request.method == "POST"
    form = forms.ImportForm(
        request.POST if post else None, request.FILES if post else None, owners=owners
    )
    preview = token = None
    if post and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importer.max_import_bytes():
            form.add_error("file", "The file is larger than 2 MB. Split it into parts.")
        else:
            data = upload.read()
            org = form.cleaned_data["organisation"]
            kind = form.cleaned_data["kind"]
            preview = importer.preview(kind=kind, data=data, zone=zone, organisation=org)
            if preview.file_problem:
                form.add_error("file", preview.file_problem)
                preview = None
            elif preview.ok:
                token = secrets.token_urlsafe(16)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "zone": zone.pk,
                    "organisation": org.pk,
                    "kind": kind,
                    "data": data.decode("utf-8-sig"),
                }
    status = 200
    if form.is_bound and (form.errors or (preview and not preview.ok)):
        status = 400
    return render(
        request,
        "resources/import.html",
        {"form": form, "zone": zone, "preview": preview, "token": token},
        status=status,
    )


@require_http_methods(["POST"])
@login_required
def import_confirm(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    form = forms.ConfirmImportForm(request.POST)
    stored = request.session.get(SESSION_KEY) or {}
    if (
        not form.is_valid()
        or stored.get("token") != form.cleaned_data["token"]
        or stored.get("zone") != zone.pk
    ):
        raise DomainError(
            code="import_expired",
            message="This import has expired or was already done. Upload the file again.",
            status=400,
        )
    org = Organisation.objects.get(pk=stored["organisation"])
    count = importer.commit(
        actor=request.user,
        kind=stored["kind"],
        data=stored["data"].encode("utf-8"),
        zone=zone,
        organisation=org,
    )
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"Imported {count} {stored['kind']} for {org.name}.")
    return redirect("resources:zone", zone.slug)


# --- exports ---------------------------------------------------------------------------------


def _public_zone(slug) -> Zone:
    zone = Zone.objects.public().filter(slug=slug).first()
    if zone is None:
        raise Http404
    return zone


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _json(data, status=200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"indent": 1})


@require_GET
def export_360giving(request, slug):
    zone = _public_zone(slug)
    package = exports.grants_360giving(zone, base_url=_base(request))
    if package is None:
        return _json({"error": "This zone has no public grants yet."}, status=404)
    return _json(package)


@require_GET
def export_openreferral(request, slug):
    return _json(exports.openreferral(_public_zone(slug), base_url=_base(request)))


@require_GET
def export_budgets_csv(request, slug):
    zone = _public_zone(slug)
    response = HttpResponse(exports.budgets_csv(zone), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{zone.slug}-budgets.csv"'
    return response


@require_GET
def export_datapackage(request, slug):
    return _json(exports.budgets_datapackage(_public_zone(slug)))


@require_GET
def assets_geojson(request, slug):
    zone = _public_zone(slug)
    response = JsonResponse(selectors.asset_features(selectors.assets_visible_to(None, zone)))
    response["Content-Type"] = "application/geo+json"
    return response


# --- organisations ---------------------------------------------------------------------------


def organisation_resources(request, slug):
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound("There is no organisation at this address.")
    user = request.user
    return render(
        request,
        "resources/organisation.html",
        {
            "org": org,
            "identifiers": selectors.organisation_identifiers(organisation=org),
            "can_manage_identifiers": perms.can_manage_identifiers(user, org),
            "sections": [
                (label, list(selectors.records_visible_to(model, user, organisation=org)))
                for label, model in (
                    ("Budgets", Budget),
                    ("Assets", Asset),
                    ("Objectives", Objective),
                    ("Plans", Plan),
                    ("Pledges", Pledge),
                )
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def identifier_add(request, slug):
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound("There is no organisation at this address.")
    if not perms.can_manage_identifiers(request.user, org):
        raise NotAllowed("Only a signing member of the organisation can add identifiers.")
    form = forms.IdentifierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_identifier_add(
                actor=request.user, organisation=org, org_id=form.cleaned_data["org_id"]
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The identifier is added.")
            return redirect("resources:organisation", org.slug)
    return render(
        request,
        "resources/form.html",
        {
            "form": form,
            "zone": None,
            "heading": f"Add an identifier for {org.name}",
            "cancel": reverse("resources:organisation", args=[org.slug]),
        },
        status=400 if form.is_bound else 200,
    )


# --- funders ---------------------------------------------------------------------------------


def _zones_at_place(place: str) -> tuple[list[int] | None, str]:
    """Zone ids at a postcode or touching a ward, and a description of the place."""
    from sizes.geo.models import AreaType, ReferenceArea
    from sizes.geo.postcodes import normalise_postcode
    from sizes.geo.selectors import lookup_postcode, zones_touching_area

    try:
        normalise_postcode(place)
    except DomainError:
        ward = (
            ReferenceArea.objects.filter(type=AreaType.WARD, name__iexact=place.strip())
            .order_by("-vintage")
            .first()
        ) or (
            ReferenceArea.objects.filter(type=AreaType.WARD, code__iexact=place.strip())
            .order_by("-vintage")
            .first()
        )
        if ward is None:
            raise DomainError(
                code="place_unknown",
                message=f"We could not find a postcode or ward called {place[:60]!r}. Enter a "
                "full postcode, like B30 2AA, or a ward name, like Stirchley.",
                field="place",
            ) from None
        return [z.zone.pk for z in zones_touching_area(area=ward)], f"{ward.name} ward"
    found = lookup_postcode(place)
    return [z.zone.pk for z in found.in_force + found.proposed], found.place


def funders(request):
    themes = list(Theme.objects.filter(zones__isnull=False).distinct())
    form = forms.FunderFilterForm(request.GET or None, themes=themes)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    zone_ids, place_label, status = None, "", 200
    if data.get("place"):
        try:
            zone_ids, place_label = _zones_at_place(data["place"])
        except DomainError as exc:
            form.add_error("place", exc.message)
            zone_ids, status = [], 400
    elif form.is_bound and form.errors:
        status = 400
    zones = list(
        selectors.zones_for_funders(
            theme=data.get("theme") or None, outcome=data.get("outcome") or None, zone_ids=zone_ids
        )
    )
    pledges = {}
    for p in selectors.pledges_visible_to(request.user).filter(zone__in=zones):
        pledges.setdefault(p.zone_id, []).append(p)
    return render(
        request,
        "resources/funders.html",
        {
            "form": form,
            "zones": zones,
            "pledges": pledges,
            "place_label": place_label,
            "can_pledge": _pledging_orgs(request.user).exists(),
            "granted": PledgeStatus.GRANTED,
            "partner_counts": dict(
                Partnership.objects.filter(zone__in=zones)
                .values_list("zone_id")
                .annotate(n=Count("id"))
            ),
        },
        status=status,
    )

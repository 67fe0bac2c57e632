"""Pages of the variations register. Views parse, call one service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sizes.core import gcfreeze
from sizes.core.errors import Conflict, DomainError, NotAllowed, NotFound
from sizes.core.pagination import paginate
from sizes.engagement.views import comments_context
from sizes.geo.models import ReferenceArea
from sizes.geo.selectors import zones_touching_area
from sizes.partners.models import Membership, Organisation
from sizes.variations import forms, selectors, services
from sizes.variations import permissions as perms
from sizes.variations.models import (
    LIVE,
    Subject,
    Variation,
    VariationStatus,
    ZoneVariationPolicy,
)
from sizes.zones.forms import add_domain_error, message_form
from sizes.zones.models import IN_FORCE, PUBLIC, Zone
from sizes.zones.selectors import zone_get_for_user


def _variation(pk) -> Variation:
    v = Variation.objects.select_related("zone", "owner").filter(pk=pk).first()
    if v is None or v.zone.status not in PUBLIC:
        raise NotFound("There is no variation at this address.")
    return v


def _owners_for(user, zone):
    """Organisations this person belongs to that are partners in the zone."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.APPROVED,
        partnerships__zone=zone,
    ).distinct()


def register(request):
    f = forms.FilterForm(request.GET)
    data = f.cleaned_data if f.is_valid() else {}
    zone_slug, partner, subject, status, ward_code = (
        data.get("zone") or None,
        data.get("partner") or None,
        data.get("subject") or None,
        data.get("status") or None,
        (data.get("ward") or "").strip().upper() or None,
    )
    if status not in VariationStatus.values:
        status = None
    on = data.get("on")
    problems = [] if f.is_valid() else [e for errs in f.errors.values() for e in errs]
    zone = selectors.zone_for_filter(zone_slug) if zone_slug else None
    zone_ids, ward = None, None
    if ward_code:
        ward = (
            ReferenceArea.objects.filter(type="ward", code=ward_code).order_by("-vintage").first()
        )
        if ward is None:
            problems.append(f"We have no ward with the code {ward_code[:20]}.")
            zone_ids = []
        else:
            zone_ids = [z.zone.pk for z in zones_touching_area(area=ward)]

    def public(**kwargs):
        qs = selectors.variations_public(
            zone=zone, owner_slug=partner, subject=subject, zone_ids=zone_ids,
            status=None if on else status, **kwargs,
        )  # fmt: skip
        if on:
            # What applied then: the variations active on that day, whatever they are now.
            qs = qs.filter(pk__in=selectors.variations_in_force_on(on=on).values("pk"))
        if zone_slug and zone is None:
            qs = qs.none()
        return qs

    variations = public()
    if zone is not None:
        zone_slug = zone.slug
    page = paginate(
        request, variations, groups=selectors.register_groups(counting=public(counting=True))
    )
    # EXISTS, not a join with DISTINCT: the join reads every variation (100,000 of them) to
    # find the first 201 names.
    zones = selectors.filter_choices(
        Zone.objects.public()
        .filter(Exists(Variation.objects.filter(zone=OuterRef("pk"))))
        .order_by("name")
        .values_list("slug", "name", named=True)
    )
    partners = selectors.filter_choices(
        Organisation.objects.filter(Exists(Variation.objects.filter(owner=OuterRef("pk"))))
        .order_by("name")
        .values_list("slug", "name", named=True)
    )
    response = render(
        request,
        "variations/register.html",
        {
            "page": page,
            "groups": selectors.variations_by_subject(page.object_list),
            "filters": {
                "zone": zone_slug, "partner": partner, "subject": subject, "status": status,
                "ward": ward_code, "on": on,
            },
            "ward": ward,
            "problems": problems,
            "zones": zones,
            "partners": partners,
            "subjects": Subject.choices,
            "statuses": VariationStatus.choices,
        },
        status=400 if problems else 200,
    )  # fmt: skip
    gcfreeze.release(page.object_list)  # freed now, not by a collector pause later
    return response


def detail(request, pk):
    v = _variation(pk)
    user = request.user
    live = v.status in LIVE
    can = {
        "edit": live and v.status != VariationStatus.ACTIVE and perms.can_edit_variation(user, v),
        "agree": v.status == VariationStatus.PROPOSED
        and (perms.can_agree_for_owner(user, v) or perms.can_agree_as_steward(user, v)),
        "activate": v.status == VariationStatus.AGREED and perms.can_activate_or_end(user, v),
        "end": live and perms.can_activate_or_end(user, v),
    }
    return render(
        request,
        "variations/detail.html",
        {
            "v": v,
            "zone": v.zone,
            "can": can,
            "events": list(v.events.all()),
            **comments_context(request, v),
        },
    )


def _form_page(request, template, form, zone, status=200, **ctx):
    return render(request, template, {"form": form, "zone": zone, **ctx}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def propose(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    owners = _owners_for(request.user, zone)
    if not owners.exists():
        raise NotAllowed(
            "Only members of a partner organisation of this zone can propose a variation."
        )
    form = forms.VariationForm(
        request.POST if request.method == "POST" else None, zone=zone, owners=owners
    )
    if request.method == "POST" and form.is_valid():
        try:
            v = services.variation_propose(
                actor=request.user,
                zone=zone,
                owner=form.cleaned_data["owner"],
                **form.service_fields(),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "The variation has been proposed. Your organisation's signer and a steward of "
                "the zone must both agree it.",
            )
            return redirect("variations:detail", v.pk)
    status = 400 if form.is_bound else 200
    return _form_page(
        request, "variations/form.html", form, zone, status, in_force=zone.status in IN_FORCE
    )


def _initial(v: Variation) -> dict:
    fields = [
        "title", "subject", "action", "standard_rule", "standard_rule_url", "difference",
        "reason", "applies_to", "guaranteed", "cap", "scope", "start_date", "end_date",
        "accountable_name", "accountable_role", "version",
    ]  # fmt: skip
    data = {f: getattr(v, f) for f in fields}
    data["outcomes"] = [str(pk) for pk in v.outcomes.values_list("pk", flat=True)]
    return data


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk):
    v = _variation(pk)
    if not perms.can_edit_variation(request.user, v):
        raise NotAllowed(f"Only members of {v.owner.name} can edit its variations.")
    owners = Organisation.objects.filter(pk=v.owner_id)
    if request.method == "POST":
        form = forms.EditVariationForm(request.POST, zone=v.zone, owners=owners)
        if form.is_valid():
            try:
                v = services.variation_update(
                    actor=request.user,
                    variation=v,
                    expected_version=form.cleaned_data["version"],
                    **form.service_fields(),
                )
            except Conflict as exc:
                v.refresh_from_db()
                fresh = forms.EditVariationForm(initial=_initial(v), zone=v.zone, owners=owners)
                return render(
                    request,
                    "variations/form.html",
                    {"form": fresh, "errors_form": message_form(exc.message), "zone": v.zone,
                     "v": v},
                    status=409,
                )  # fmt: skip
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, "Your changes have been saved.")
                return redirect("variations:detail", v.pk)
        return _form_page(request, "variations/form.html", form, v.zone, 400, v=v)
    form = forms.EditVariationForm(initial=_initial(v), zone=v.zone, owners=owners)
    return _form_page(request, "variations/form.html", form, v.zone, v=v)


def _transition(request, pk, *, form_class, template, call, success):
    v = _variation(pk)
    form = form_class(request.POST if request.method == "POST" else None,
                      initial={"version": v.version})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            call(v, form.cleaned_data)
        except Conflict as exc:
            v.refresh_from_db()
            return render(
                request, template,
                {"form": form_class(initial={"version": v.version}), "v": v, "zone": v.zone,
                 "errors_form": message_form(exc.message)},
                status=409,
            )  # fmt: skip
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("variations:detail", v.pk)
    status = 400 if form.is_bound else 200
    return render(request, template, {"form": form, "v": v, "zone": v.zone}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def agree(request, pk):
    return _transition(
        request, pk, form_class=forms.ConfirmForm, template="variations/agree.html",
        call=lambda v, d: services.variation_agree(
            actor=request.user, variation=v, expected_version=d["version"]
        ),
        success="Your agreement has been recorded.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def activate(request, pk):
    return _transition(
        request, pk, form_class=forms.ConfirmForm, template="variations/activate.html",
        call=lambda v, d: services.variation_activate(
            actor=request.user, variation=v, expected_version=d["version"]
        ),
        success="The variation is now in effect.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def end(request, pk):
    return _transition(
        request, pk, form_class=forms.EndForm, template="variations/end.html",
        call=lambda v, d: services.variation_end(
            actor=request.user, variation=v, reason=d["reason"], expected_version=d["version"]
        ),
        success="The variation has ended.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def baseline(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    owners = _owners_for(request.user, zone)
    if not owners.exists():
        raise NotAllowed("Only members of a partner organisation of this zone can do that.")
    form = forms.BaselineForm(request.POST if request.method == "POST" else None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            services.baseline_publish(
                actor=request.user, zone=zone, organisation=form.cleaned_data["organisation"],
                service=form.cleaned_data["service"], statement=form.cleaned_data["statement"],
            )  # fmt: skip
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The standard service has been published.")
            return redirect("zones:detail", zone.slug)
    status = 400 if form.is_bound else 200
    return _form_page(request, "variations/baseline.html", form, zone, status)


@require_http_methods(["GET", "POST"])
@login_required
def limits(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    if not perms.can_set_limits(request.user, zone):
        raise NotAllowed("Only council administrators can set a zone's limits.")
    policy = ZoneVariationPolicy.objects.filter(zone=zone).first()
    initial = (
        {"allowed_subjects": policy.allowed_subjects, "max_active": policy.max_active}
        if policy
        else {}
    )
    form = forms.LimitsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.zone_variation_limits_set(
                actor=request.user, zone=zone,
                allowed_subjects=form.cleaned_data["allowed_subjects"],
                max_active=form.cleaned_data["max_active"],
            )  # fmt: skip
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The zone's limits on variations have been saved.")
            return redirect("zones:detail", zone.slug)
    status = 400 if form.is_bound else 200
    return _form_page(request, "variations/limits.html", form, zone, status)


def zone_section_context(request, zone) -> dict:
    """What the zone page needs for its "What is different here" section."""
    variations = list(selectors.variations_public(zone=zone))
    user = request.user
    return {
        "zone_variations": variations,  # all of them, whatever their subject (the star grade)
        "variation_groups": selectors.variations_by_subject(variations),
        "baselines": list(zone.baselines.select_related("organisation")),
        "variation_policy": ZoneVariationPolicy.objects.filter(zone=zone).first(),
        "can_propose_variation": zone.status in IN_FORCE and _owners_for(user, zone).exists(),
        "can_set_limits": perms.can_set_limits(user, zone),
    }

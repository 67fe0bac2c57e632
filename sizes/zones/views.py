"""Zone pages. Each view: check who may see it → parse the form → call one service → on a
`DomainError` show its message beside the fields and change nothing → on success redirect
with a message. No rules live here: permissions come from `permissions.py`, everything else
from `services.py` and `selectors.py`.
"""

from django import forms as djforms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core import gcfreeze
from sizes.core.errors import Conflict, DomainError, NotFound
from sizes.core.pagination import paginate
from sizes.engagement import views as engagement_views
from sizes.outcomes.grades import Known, zone_grades
from sizes.outcomes.selectors import evidence_snapshot, evidence_summary_text
from sizes.outcomes.views import zone_outcomes_context
from sizes.partners import permissions as pperms
from sizes.partners import services as partner_services
from sizes.partners.models import Membership, Partnership
from sizes.resources.selectors import zone_pooled_summary
from sizes.resources.views import zone_resources_context
from sizes.variations.views import zone_section_context
from sizes.zones import forms, selectors, services
from sizes.zones import permissions as perms
from sizes.zones.models import ENDED, IN_FORCE, ZoneStatus

EDITABLE = (ZoneStatus.DRAFT, ZoneStatus.PROPOSED, *IN_FORCE)


def _zone(request, slug):
    return selectors.zone_get_for_user(slug=slug, user=request.user)


def _steward_zone(request, slug, message="Only the zone's stewards can do that."):
    zone = _zone(request, slug)
    perms.require(perms.is_steward(request.user, zone), message)
    return zone


def _data(request):
    """The submitted data on a POST (even if empty), None on a GET: binds forms correctly."""
    return request.POST if request.method == "POST" else None


def _page(request, template, form, zone=None, status=200, **context):
    return render(request, template, {"form": form, "zone": zone, **context}, status=status)


# --- Register and detail ---------------------------------------------------------------------


def register(request):
    status = request.GET.get("status") or None
    theme = request.GET.get("theme") or None
    if status not in ZoneStatus.values:
        status = None
    page = paginate(
        request, selectors.zones_for_register(user=request.user, status=status, theme=theme)
    )
    zones = list(page.object_list)
    response = render(
        request,
        "zones/register.html",
        {
            "zones": zones,
            "page": page,
            "stars": {pk: grade.stars for pk, grade in zone_grades(zones=zones).items()},
            "status": status,
            "theme": theme,
            "statuses": ZoneStatus.choices,
            "themes": selectors.themes_in_use(),
        },
    )
    gcfreeze.release(zones)  # freed now, not by a collector pause later
    return response


def _detail_context(request, zone) -> dict:
    user = request.user
    steward = perms.is_steward(user, zone)
    # Read once, used by several sections: the partners (with their organisations), what each
    # has pooled (the resources section and the star grade), the reviews (the page's list and
    # the grade).
    partnerships = list(zone.partnerships.all())
    organisations = {p.organisation_id: p.organisation for p in partnerships}
    pooled = zone_pooled_summary(zone=zone, partner_ids=organisations.keys())
    reviews = list(zone.reviews.select_related("recorded_by"))
    variations_section = zone_section_context(request, zone)
    # Every variation of the zone, for the grade: the section reads them all when the zone is
    # public (a draft zone's are not read, and the grade reads them itself).
    variations = variations_section["zone_variations"]
    signable = set()
    if user.is_authenticated:
        signable = set(
            Membership.objects.filter(
                user=user, status=Membership.Status.APPROVED, can_sign=True
            ).values_list("organisation_id", flat=True)
        )
    return {
        "zone": zone,
        "partnerships": partnerships,
        "signable": signable,
        "outcomes": list(zone.outcomes.all()),
        "reviews": reviews,
        "can": {
            "edit": steward and zone.status in EDITABLE,
            "add_outcome": steward and zone.status not in ENDED,
            "invite": perms.can_manage_partners(user, zone) and zone.status not in ENDED,
            "publish": steward and zone.status == ZoneStatus.DRAFT,
            "declare": perms.can_declare_zone(user, zone) and zone.status == ZoneStatus.PROPOSED,
            "withdraw": steward and zone.status in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED),
            "review": perms.can_record_review(user, zone) and zone.status in IN_FORCE,
            "reply": perms.can_manage_partners(user, zone),
            "comment": perms.can_comment(user, zone),
            "steward": steward,
        },
        **variations_section,
        # What each partner has pooled: the resources section and the star grade both show it.
        **zone_resources_context(request, zone, pooled=pooled, organisations=organisations),
        **zone_outcomes_context(
            request,
            zone,
            known=Known(
                pooled=pooled,
                names={pk: org.name for pk, org in organisations.items()},
                reviews=reviews,
                variations=variations if zone.is_public else None,
            ),
        ),
        **engagement_views.zone_engagement_context(request, zone),
        **engagement_views.comments_context(request, zone),
        "days_left": zone.consultation_days_left(),
        "is_ended": zone.status in ENDED,
    }


def detail(request, slug):
    zone = _zone(request, slug)
    context = _detail_context(request, zone)
    response = render(request, "zones/detail.html", context)
    variations = [v for _, group in context["variation_groups"] for v in group]
    # Freed now, not by a collector pause later (sizes/core/gcfreeze.py).
    gcfreeze.release([zone, *context["partnerships"], *variations])
    return response


@require_POST
@login_required
def comment(request, slug):
    """Older form address for zone comments: the engagement app handles every comment."""
    zone = _zone(request, slug)
    return engagement_views.comment_add(request, "zone", zone.pk)


# --- Propose and edit ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def propose(request):
    perms.require(perms.can_propose_zone(request.user), "Sign in to propose a zone.")
    form = forms.ProposeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcomes = [(data["outcome_title"], data["outcome_description"])]
        publish = request.POST.get("action") == "publish"
        try:
            with transaction.atomic():
                zone = services.zone_create(
                    actor=request.user,
                    name=data["name"],
                    summary=data["summary"],
                    intention=data["intention"],
                    review_date=data["review_date"],
                    themes=form.theme_names(),
                    outcomes=outcomes if data["outcome_title"] else [],
                )
                if publish:
                    zone = services.zone_publish(actor=request.user, zone=zone)
        except DomainError as exc:
            if exc.status == 403:
                raise
            forms.add_domain_error(form, exc, field_map={"too_many_themes": "themes"})
        else:
            if publish:
                messages.success(
                    request,
                    f"{zone.name} has been proposed. Public consultation is open until "
                    f"{zone.consultation_ends:%-d %B %Y}.",
                )
            else:
                messages.success(request, f"{zone.name} has been saved as a draft.")
            return redirect("zones:detail", zone.slug)
    status = 400 if form.is_bound else 200
    return _page(
        request,
        "zones/propose.html",
        form,
        status=status,
        consultation_days=settings.SIZES_CONSULTATION_DAYS,
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, slug):
    zone = _steward_zone(request, slug, "Only the zone's stewards can edit it.")
    with_date = zone.status in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED)
    if request.method == "POST":
        form = forms.EditZoneForm(request.POST, with_review_date=with_date)
        if form.is_valid():
            data = form.cleaned_data
            try:
                zone = services.zone_update(
                    actor=request.user,
                    zone=zone,
                    expected_version=data["version"],
                    name=data["name"],
                    summary=data["summary"],
                    intention=data["intention"],
                    review_date=data.get("review_date"),
                    themes=form.theme_names(),
                    reason=data["reason"],
                )
            except Conflict as exc:
                # Someone saved first: show what is saved now, with its version, and say so.
                zone.refresh_from_db()
                fresh = forms.EditZoneForm(
                    initial={**forms.ZoneForm.initial_for(zone), "version": zone.version},
                    with_review_date=with_date,
                )
                conflict = forms.message_form(exc.message)
                return render(
                    request,
                    "zones/edit.html",
                    {"form": fresh, "errors_form": conflict, "zone": zone},
                    status=409,
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                forms.add_domain_error(form, exc, field_map={"too_many_themes": "themes"})
            else:
                messages.success(request, "Your changes have been saved.")
                return redirect("zones:detail", zone.slug)
        return _page(request, "zones/edit.html", form, zone, status=400)
    form = forms.EditZoneForm(
        initial={**forms.ZoneForm.initial_for(zone), "version": zone.version},
        with_review_date=with_date,
    )
    return _page(request, "zones/edit.html", form, zone)


# --- Outcomes and partners -------------------------------------------------------------------


def _simple_form_view(request, zone, form, template, action, success, field_map=None, **ctx):
    """Render `form`; on a valid POST call `action(cleaned_data)`; redirect to the zone."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            forms.add_domain_error(form, exc, field_map=field_map)
        else:
            messages.success(request, success)
            return redirect("zones:detail", zone.slug)
    status = 400 if form.is_bound else 200
    return _page(request, template, form, zone, status=status, **ctx)


@require_http_methods(["GET", "POST"])
@login_required
def outcome_add(request, slug):
    zone = _steward_zone(request, slug, "Only the zone's stewards can add outcomes.")
    form = forms.OutcomeForm(_data(request))
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/outcome_add.html",
        lambda d: services.outcome_add(
            actor=request.user, zone=zone, title=d["title"], description=d["description"]
        ),
        "The outcome has been added.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def partner_invite(request, slug):
    zone = _zone(request, slug)
    perms.require(
        perms.can_manage_partners(request.user, zone),
        "Only the zone's stewards can invite partners.",
    )
    form = forms.InviteForm(_data(request), zone=zone, initial={"role": "partner"})

    def invite(d):
        partner_services.partnership_invite(
            actor=request.user,
            zone=zone,
            organisation=d["organisation"],
            role=d["role"],
            commitment=d["commitment"],
        )

    return _simple_form_view(
        request,
        zone,
        form,
        "zones/partner_invite.html",
        invite,
        "The organisation has been invited. Someone who can sign for it will answer.",
        field_map={"already_partner": "organisation"},
    )


def _partnership(zone, pk) -> Partnership:
    partnership = (
        Partnership.objects.filter(zone=zone, pk=pk).select_related("organisation").first()
    )
    if partnership is None:
        raise NotFound("This organisation is not a partner in this zone.")
    return partnership


@require_http_methods(["GET", "POST"])
@login_required
def partner_answer(request, slug, pk):
    zone = _zone(request, slug)
    partnership = _partnership(zone, pk)
    org = partnership.organisation
    perms.require(
        pperms.can_sign_for(request.user, org),
        f"Only a member authorised to sign for {org.name} can answer.",
    )
    initial = {}
    if partnership.response != Partnership.Response.PENDING:
        initial = {"response": partnership.response, "response_text": partnership.response_text}
    form = forms.AnswerForm(_data(request), initial=initial)
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/partner_answer.html",
        lambda d: partner_services.partnership_respond(
            actor=request.user,
            partnership=partnership,
            response=d["response"],
            text=d["response_text"],
        ),
        f"Your answer for {org.name} has been published.",
        partnership=partnership,
    )


@require_http_methods(["GET", "POST"])
@login_required
def objection_reply(request, slug, pk):
    zone = _zone(request, slug)
    perms.require(
        perms.can_manage_partners(request.user, zone),
        "Only the zone's stewards can answer an objection.",
    )
    partnership = _partnership(zone, pk)
    form = forms.ObjectionReplyForm(
        _data(request), initial={"objection_answer": partnership.objection_answer}
    )
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/objection_reply.html",
        lambda d: partner_services.partnership_answer_objection(
            actor=request.user, partnership=partnership, answer=d["objection_answer"]
        ),
        f"Your answer to {partnership.organisation.name} has been published.",
        partnership=partnership,
    )


# --- Lifecycle -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def publish(request, slug):
    zone = _steward_zone(request, slug, "Only the zone's stewards can publish it.")
    form = djforms.Form(_data(request))
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/publish.html",
        lambda _: services.zone_publish(actor=request.user, zone=zone),
        "The zone has been proposed and its public consultation is open.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def declare(request, slug):
    zone = _zone(request, slug)
    perms.require(
        perms.can_declare_zone(request.user, zone), "Only the zone's stewards can declare it."
    )
    form = djforms.Form(_data(request))
    status = 200
    if request.method == "POST":
        try:
            services.zone_declare(actor=request.user, zone=zone)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            forms.add_domain_error(form, exc)
            status = 400
        else:
            messages.success(request, f"{zone.name} has been declared.")
            return redirect("zones:detail", zone.slug)
    checklist = selectors.zone_declaration_checklist(zone=zone)
    return _page(
        request,
        "zones/declare.html",
        form,
        zone,
        status=status,
        checklist=checklist,
        summary_description="This zone cannot be declared yet.",
        ready=not any(rule["problems"] for rule in checklist),
    )


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request, slug):
    zone = _steward_zone(request, slug, "Only the zone's stewards can withdraw it.")
    form = forms.WithdrawForm(_data(request))
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/withdraw.html",
        lambda d: services.zone_withdraw(actor=request.user, zone=zone, reason=d["reason"]),
        "The zone has been withdrawn.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request, slug):
    zone = _zone(request, slug)
    perms.require(
        perms.can_record_review(request.user, zone),
        "Only the zone's stewards can record a review.",
    )
    # Pre-fill the evidence summary with the evidence as it stands (the review freezes it).
    initial = {"evidence_summary": evidence_summary_text(evidence_snapshot(zone=zone))}
    form = forms.ReviewForm(_data(request), initial=initial)
    return _simple_form_view(
        request,
        zone,
        form,
        "zones/review.html",
        lambda d: services.zone_record_review(
            actor=request.user,
            zone=zone,
            evidence_summary=d["evidence_summary"],
            decision=d["decision"],
            new_review_date=d["new_review_date"],
        ),
        "The review has been recorded.",
        field_map={"review_date": "new_review_date", "review_date_missing": "new_review_date"},
    )

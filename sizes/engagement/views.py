"""Engagement pages. Views parse the request, call one service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.engagement import forms, selectors, services
from sizes.engagement import permissions as perms
from sizes.engagement.models import Idea, IdeaStatus, Suggestion, SuggestionStatus
from sizes.geo.models import AreaType, ReferenceArea
from sizes.partners.models import Organisation
from sizes.zones.forms import add_domain_error
from sizes.zones.models import ENDED, IN_FORCE, Theme, Zone
from sizes.zones.services import themes_ensure_defaults


def _data(request):
    return request.POST if request.method == "POST" else None


# --- Accounts -------------------------------------------------------------------------------


def verify_email(request, token):
    try:
        user = services.email_verify(token=token)
    except DomainError as exc:
        return render(request, "engagement/verify_email.html", {"error": exc}, status=exc.status)
    return render(request, "engagement/verify_email.html", {"verified_user": user})


@require_POST
@login_required
def verify_email_send(request):
    try:
        services.email_verification_send(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"We have sent a new link to {request.user.email}.")
    return redirect("engagement:profile-edit")


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request):
    user = request.user
    profile = services.profile_get(user=user)
    initial = {
        "display_name": user.display_name,
        "home_postcode": profile.home_postcode,
        "role": profile.role,
        "frequency": profile.frequency,
    }
    form = forms.ProfileForm(_data(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.profile_update(actor=user, user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your details have been saved.")
            return redirect("engagement:profile-edit")
    return render(
        request,
        "engagement/profile_edit.html",
        {"form": form, "profile": profile},
        status=400 if form.is_bound else 200,
    )


# --- Suggestions ----------------------------------------------------------------------------


def _suggestion(pk) -> Suggestion:
    s = selectors.suggestions_list().filter(pk=pk).first()
    if s is None:
        raise NotFound("There is no suggestion at this address.")
    return s


def suggestions(request):
    sort = request.GET.get("sort", "support")
    if sort not in selectors.SUGGESTION_SORTS:
        sort = "support"
    density, width, height = selectors.suggestion_density()
    return render(
        request,
        "engagement/suggestions.html",
        {
            "suggestions": list(selectors.suggestions_list(sort=sort)[:200]),
            "sort": sort,
            "sorts": selectors.SUGGESTION_SORTS,
            "density": density,
            "map_width": width,
            "map_height": height,
        },
    )


def _suggestion_form(request):
    themes_ensure_defaults()
    return forms.SuggestionForm(
        _data(request),
        themes=Theme.objects.filter(is_default=True),
        wards=ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD).order_by("name"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def suggestion_new(request):
    form = _suggestion_form(request)
    if form.is_bound and form.is_valid():
        try:
            s = services.suggestion_create(actor=request.user, **form.service_fields())
        except DomainError as exc:
            if exc.status in (403, 404) and exc.code != "postcode_unknown":
                raise
            add_domain_error(form, exc, field_map={"area_codes": "areas"})
        else:
            messages.success(request, "Thank you. Your suggestion has been published.")
            return redirect("engagement:suggestion", s.pk)
    return render(
        request,
        "engagement/suggestion_form.html",
        {"form": form, "verified": services.profile_get(user=request.user).is_verified},
        status=400 if form.is_bound else 200,
    )


def suggestion_detail(request, pk):
    s = _suggestion(pk)
    user = request.user
    supported = user.is_authenticated and s.supports.filter(user=user).exists()
    return render(
        request,
        "engagement/suggestion_detail.html",
        {
            "s": s,
            "supported": supported,
            "can_decide": s.status == SuggestionStatus.OPEN and perms.is_admin(user),
            **_comments_context(request, "suggestion", s),
        },
    )


@require_POST
@login_required
def suggestion_support(request, pk):
    s = _suggestion(pk)
    try:
        if request.POST.get("withdraw"):
            services.suggestion_withdraw_support(actor=request.user, suggestion=s)
            messages.success(request, "You no longer support this suggestion.")
        else:
            services.suggestion_support(actor=request.user, suggestion=s)
            messages.success(request, "Thank you for your support.")
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return render(
            request,
            "engagement/suggestion_detail.html",
            {"s": s, "supported": s.supports.filter(user=request.user).exists(),
             "error": exc.message, "can_decide": False,
             **_comments_context(request, "suggestion", s)},
            status=exc.status,
        )  # fmt: skip
    return redirect("engagement:suggestion", s.pk)


@require_http_methods(["GET", "POST"])
@login_required
def suggestion_to_zone(request, pk):
    s = _suggestion(pk)
    if not perms.is_admin(request.user):
        raise NotAllowed("Only council administrators can turn a suggestion into a zone.")
    initial = {"name": s.place, "summary": s.why}
    form = forms.SuggestionToZoneForm(_data(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            zone = services.suggestion_to_zone(
                actor=request.user, suggestion=s, **form.cleaned_data
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The zone has been proposed and is open for consultation.")
            return redirect("zones:detail", zone.slug)
    return render(
        request, "engagement/suggestion_to_zone.html", {"form": form, "s": s},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def suggestion_decline(request, pk):
    s = _suggestion(pk)
    if not perms.is_admin(request.user):
        raise NotAllowed("Only council administrators can decline a suggestion.")
    form = forms.ReasonForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.suggestion_decline(
                actor=request.user, suggestion=s, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "The suggestion has been declined. The reason is public.")
            return redirect("engagement:suggestion", s.pk)
    return render(
        request, "engagement/suggestion_decline.html", {"form": form, "s": s},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


def _comments_context(request, kind, obj) -> dict:
    """Comments on an object, for pages that show them (filled in with comments)."""
    return {}


# --- Ideas from the edge --------------------------------------------------------------------


def _public_zone(slug):
    zone = Zone.objects.public().filter(slug=slug).first()
    if zone is None:
        raise NotFound("There is no zone at this address.")
    return zone


def _idea(slug, pk) -> Idea:
    idea = selectors.ideas_for_zone(zone=_public_zone(slug)).filter(pk=pk).first()
    if idea is None:
        raise NotFound("There is no idea at this address.")
    return idea


def ideas(request, slug):
    zone = _public_zone(slug)
    return render(
        request,
        "engagement/ideas.html",
        {
            "zone": zone,
            "ideas": list(selectors.ideas_for_zone(zone=zone)),
            "today": timezone.localdate(),
            "can_propose": zone.status not in ENDED,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def idea_new(request, slug):
    zone = _public_zone(slug)
    orgs = Organisation.objects.filter(partnerships__zone=zone).distinct().order_by("name")
    profile = services.profile_get(user=request.user)
    form = forms.IdeaForm(_data(request), organisations=orgs, initial={"role": profile.role})
    if form.is_bound and form.is_valid():
        try:
            idea = services.idea_propose(actor=request.user, zone=zone, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Your idea has been sent to {idea.organisation.name}. They must answer by "
                f"{idea.answer_due:%-d %B %Y}.",
            )
            return redirect("engagement:idea", zone.slug, idea.pk)
    return render(
        request,
        "engagement/idea_form.html",
        {"form": form, "zone": zone, "verified": profile.is_verified},
        status=400 if form.is_bound else 200,
    )


def idea_detail(request, slug, pk):
    idea = _idea(slug, pk)
    can_answer = idea.status in (IdeaStatus.OPEN, IdeaStatus.LATER) and perms.can_answer_idea(
        request.user, idea
    )
    return render(
        request,
        "engagement/idea_detail.html",
        {
            "idea": idea,
            "zone": idea.zone,
            "can_answer": can_answer,
            "overdue": idea.is_overdue(timezone.localdate()),
            **_comments_context(request, "idea", idea),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def idea_answer(request, slug, pk):
    idea = _idea(slug, pk)
    if not perms.can_answer_idea(request.user, idea):
        raise NotAllowed(f"Only members of {idea.organisation.name} can answer this idea.")
    form = forms.IdeaAnswerForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.idea_answer(actor=request.user, idea=idea, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your answer has been published.")
            return redirect("engagement:idea", idea.zone.slug, idea.pk)
    return render(
        request,
        "engagement/idea_answer.html",
        {"form": form, "idea": idea, "zone": idea.zone},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def idea_adopt(request, slug, pk):
    from sizes.variations.forms import VariationForm

    idea = _idea(slug, pk)
    zone = idea.zone
    if not perms.can_answer_idea(request.user, idea):
        raise NotAllowed(f"Only members of {idea.organisation.name} can answer this idea.")
    initial = {
        "owner": idea.organisation.pk,
        "title": idea.title,
        "difference": idea.proposal,
        "reason": idea.obstacle,
    }
    form = VariationForm(
        _data(request),
        zone=zone,
        owners=Organisation.objects.filter(pk=idea.organisation_id),
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            idea = services.idea_adopt(actor=request.user, idea=idea, **form.service_fields())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "The idea has been adopted as a proposed variation. Your organisation's signer "
                "and a steward of the zone must both agree it.",
            )
            return redirect("variations:detail", idea.variation.pk)
    return render(
        request,
        "engagement/idea_adopt.html",
        {"form": form, "idea": idea, "zone": zone, "in_force": zone.status in IN_FORCE},
        status=400 if form.is_bound else 200,
    )


def zone_engagement_context(request, zone) -> dict:
    """What the zone page's engagement section (`engagement/_zone_section.html`) needs."""
    today = timezone.localdate()
    if not zone.is_public:
        return {"engagement": None}
    return {
        "engagement": {
            "overdue_ideas": list(selectors.ideas_overdue(zone=zone, today=today)),
            "ideas_count": selectors.ideas_for_zone(zone=zone).count(),
            "suggestions": list(zone.suggestions.all()),
            "can_propose_idea": zone.status not in ENDED,
        }
    }

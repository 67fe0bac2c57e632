"""Engagement pages. Views parse the request, call one service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from markupsafe import Markup

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.core.ratelimit import client_ip, set_retry_after
from sizes.engagement import forms, selectors, services
from sizes.engagement import permissions as perms
from sizes.engagement.models import (
    Comment,
    CommentStatus,
    Follow,
    Idea,
    IdeaStatus,
    Meeting,
    Suggestion,
    SuggestionStatus,
)
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
    shown = list(selectors.suggestions_list(sort=sort)[:200])
    return render(
        request,
        "engagement/suggestions.html",
        {
            "suggestions": shown,
            "map_data": selectors.suggestions_map_data(shown),
            "map_bounds": selectors.service_area_bounds(),
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
            add_domain_error(form, exc, field_map={"area_codes": "areas", "map": "postcode"})
        else:
            messages.success(request, "Thank you. Your suggestion has been published.")
            return redirect("engagement:suggestion", s.pk)
    return render(
        request,
        "engagement/suggestion_form.html",
        {
            "form": form,
            "verified": services.profile_get(user=request.user).is_verified,
            "map_bounds": selectors.service_area_bounds(),
        },
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
            "map_data": selectors.suggestions_map_data([s]),
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
            {
                "s": s,
                "map_data": selectors.suggestions_map_data([s]),
                "supported": s.supports.filter(user=request.user).exists(),
                "error": exc.message,
                "can_decide": False,
                **_comments_context(request, "suggestion", s),
            },
            status=exc.status,
        )
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
        request,
        "engagement/suggestion_to_zone.html",
        {"form": form, "s": s},
        status=400 if form.is_bound else 200,
    )


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
        request,
        "engagement/suggestion_decline.html",
        {"form": form, "s": s},
        status=400 if form.is_bound else 200,
    )


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
            "next_meeting": zone.meetings.filter(
                ends_at__gte=timezone.now(), cancelled=False
            ).first(),
            "can_schedule": perms.can_manage_meetings(request.user, zone),
            "following": request.user.is_authenticated
            and Follow.objects.filter(user=request.user, zone=zone).exists(),
        }
    }


# --- Comments -------------------------------------------------------------------------------


def _target_url(target) -> str:
    kind = services._comment_target_kind(target)
    if kind == "zone":
        return reverse("zones:detail", args=[target.slug])
    if kind == "variation":
        return reverse("variations:detail", args=[target.pk])
    if kind == "suggestion":
        return reverse("engagement:suggestion", args=[target.pk])
    return reverse("engagement:idea", args=[target.zone.slug, target.pk])


def comments_context(request, target, form=None) -> dict:
    """Context for `engagement/_comments.html`: the comments on `target` and a form.

    Other apps' pages (variations) can include the partial with this context.
    """
    kind = services._comment_target_kind(target)
    comments = list(
        Comment.objects.filter(**{kind: target})
        .exclude(status=CommentStatus.PENDING)
        .select_related("author")
    )
    return {
        "comments": comments,
        "comment_form": form or forms.CommentForm(),
        "comment_action": reverse("engagement:comment-add", args=[kind, target.pk]),
        "comment_next": _target_url(target),
        "can_moderate": perms.can_moderate(request.user),
    }


def _comments_context(request, kind, obj) -> dict:
    ctx = comments_context(request, obj)
    # Safe: a rendered, autoescaped template.
    return {
        "comments_section": Markup(  # noqa: S704
            render_to_string("engagement/_comments.html", ctx, request=request)
        )
    }


def _comment_target(kind, pk):
    from sizes.variations.models import Variation
    from sizes.zones.models import PUBLIC

    models = {"zone": Zone, "variation": Variation, "suggestion": Suggestion, "idea": Idea}
    if kind not in models:
        raise NotFound("There is nothing to comment on at this address.")
    target = models[kind].objects.filter(pk=pk).first()
    if target is None or not services.comment_target_is_public(target):
        raise NotFound("There is nothing to comment on at this address.")
    if kind == "variation" and target.zone.status not in PUBLIC:
        raise NotFound("There is nothing to comment on at this address.")
    return target


@require_POST
@login_required
def comment_add(request, kind, pk):
    target = _comment_target(kind, pk)
    form = forms.CommentForm(request.POST)
    status, error = 400, None
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                target=target,
                body=form.cleaned_data["body"],
                format=form.cleaned_data["format"] or "text",
                ip=client_ip(request),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
            status, error = exc.status, exc
        else:
            messages.success(request, "Your comment has been published.")
            return redirect(_target_url(target) + "#comments")
    response = render(
        request,
        "engagement/comment_form.html",
        {
            "form": form,
            "target": target,
            "target_url": _target_url(target),
            "comment_action": reverse("engagement:comment-add", args=[kind, pk]),
        },
        status=status,
    )
    return set_retry_after(response, error) if error else response


def _comment(pk) -> Comment:
    comment = Comment.objects.select_related("author").filter(pk=pk).first()
    if comment is None or not services.comment_target_is_public(comment.target):
        raise NotFound("There is no comment at this address.")
    return comment


@require_http_methods(["GET", "POST"])
@login_required
def comment_report(request, pk):
    comment = _comment(pk)
    form = forms.ReportForm(_data(request))
    status, error = (400 if form.is_bound else 200), None
    if form.is_bound and form.is_valid():
        try:
            services.comment_report(
                actor=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
            status, error = exc.status, exc
        else:
            messages.success(request, "Thank you. A moderator will look at the comment.")
            return redirect(_target_url(comment.target) + "#comments")
    response = render(
        request,
        "engagement/comment_report.html",
        {"form": form, "comment": comment, "target_url": _target_url(comment.target)},
        status=status,
    )
    return set_retry_after(response, error) if error else response


@require_http_methods(["GET", "POST"])
@login_required
def comment_moderate(request, pk):
    comment = _comment(pk)
    if not perms.can_moderate(request.user):
        raise NotAllowed("Only moderators can hide or restore comments.")
    form = forms.ModerateForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.comment_moderate(actor=request.user, comment=comment, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, "Done. The reason is public.")
            return redirect("engagement:comments-review")
    return render(
        request,
        "engagement/comment_moderate.html",
        {"form": form, "comment": comment, "target_url": _target_url(comment.target)},
        status=400 if form.is_bound else 200,
    )


@login_required
def comments_review(request):
    if not perms.can_moderate(request.user):
        raise NotAllowed("Only moderators can review comments.")
    from django.db.models import Count

    pending = (
        Comment.objects.filter(status=CommentStatus.PENDING)
        .select_related("author")
        .annotate(report_count=Count("reports"))
    )
    reported = (
        Comment.objects.filter(status=CommentStatus.VISIBLE, reports__isnull=False)
        .select_related("author")
        .annotate(report_count=Count("reports"))
        .order_by("-report_count")
    )
    return render(
        request,
        "engagement/comments_review.html",
        {
            "pending": list(pending),
            "reported": list(reported),
            "url_for": lambda c: _target_url(c.target),
        },
    )


# --- Meetings -------------------------------------------------------------------------------


def _meeting(pk) -> Meeting:
    m = Meeting.objects.select_related("zone").filter(pk=pk).first()
    if m is None or not m.zone.is_public:
        raise NotFound("There is no meeting at this address.")
    return m


def meetings(request, slug):
    zone = _public_zone(slug)
    now = timezone.now()
    qs = zone.meetings.all()
    return render(
        request,
        "engagement/meetings.html",
        {
            "zone": zone,
            "upcoming": list(qs.filter(ends_at__gte=now)),
            "past": list(qs.filter(ends_at__lt=now).order_by("-starts_at")),
            "can_schedule": perms.can_manage_meetings(request.user, zone),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request, slug):
    zone = _public_zone(slug)
    if not perms.can_manage_meetings(request.user, zone):
        raise NotAllowed("Only the zone's stewards can schedule its meetings.")
    form = forms.MeetingForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            m = services.meeting_schedule(actor=request.user, zone=zone, **form.service_fields())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc, field_map={"starts_at": "date", "ends_at": "end_time"})
        else:
            messages.success(
                request, "The meeting has been scheduled and added to the zone's calendar."
            )
            return redirect("engagement:meeting", m.pk)
    return render(
        request,
        "engagement/meeting_form.html",
        {"form": form, "zone": zone},
        status=400 if form.is_bound else 200,
    )


def meeting_detail(request, pk):
    m = _meeting(pk)
    return render(
        request,
        "engagement/meeting_detail.html",
        {
            "m": m,
            "zone": m.zone,
            "started": m.starts_at <= timezone.now(),
            "can_record": perms.can_manage_meetings(request.user, m.zone),
        },
    )


def meeting_ics(request, pk):
    from django.http import HttpResponse

    from sizes.engagement.calendar import meeting_calendar

    m = _meeting(pk)
    cal = meeting_calendar(
        m, domain=request.get_host().split(":")[0] or "sizes", absolute=request.build_absolute_uri
    )
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{m.pk}.ics"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def meeting_record(request, pk):
    m = _meeting(pk)
    if not perms.can_manage_meetings(request.user, m.zone):
        raise NotAllowed("Only the zone's stewards can record its meetings.")
    initial = {
        k: getattr(m, k)
        for k in (
            "version",
            "minutes",
            "decisions",
            "attended_residents",
            "attended_partners",
            "attended_others",
        )
    }
    form = forms.MeetingRecordForm(_data(request), initial=initial)
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.meeting_record(
                actor=request.user, meeting=m, expected_version=data.pop("version"), **data
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, "The minutes have been published.")
            return redirect("engagement:meeting", m.pk)
    return render(
        request,
        "engagement/meeting_record.html",
        {"form": form, "m": m, "zone": m.zone},
        status=status,
    )


# --- Follows and notifications --------------------------------------------------------------


@require_POST
@login_required
def follow_zone(request, slug):
    zone = _public_zone(slug)
    if request.POST.get("stop"):
        Follow.objects.filter(user=request.user, zone=zone).delete()
        messages.success(request, f"You no longer follow {zone.name}.")
    else:
        services.follow_zone(actor=request.user, zone=zone)
        messages.success(request, f"You follow {zone.name}. We will email you when it changes.")
    return redirect("zones:detail", zone.slug)


@require_http_methods(["GET", "POST"])
@login_required
def follows(request):
    form = forms.FollowAreaForm(_data(request))
    if form.is_bound:
        if request.POST.get("remove"):
            follow = Follow.objects.filter(
                pk=request.POST.get("remove") or 0, user=request.user
            ).first()
            if follow is None:
                raise NotFound("You do not follow that.")
            services.follow_remove(actor=request.user, follow=follow)
            messages.success(request, "Stopped.")
            return redirect("engagement:follows")
        if form.is_valid():
            try:
                services.follow_area(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.status in (403,):
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, "Done. We will email you about zones in that area.")
                return redirect("engagement:follows")
    return render(
        request,
        "engagement/follows.html",
        {
            "form": form,
            "follows": list(Follow.objects.filter(user=request.user).select_related("zone")),
            "profile": services.profile_get(user=request.user),
        },
        status=400 if form.is_bound else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button; POST (the button, or a mail client's one-click
    List-Unsubscribe-Post): stop every notification. The signed token is the authority."""
    from sizes.engagement.notify import unsubscribe as do_unsubscribe
    from sizes.engagement.notify import unsubscribe_user_id

    if unsubscribe_user_id(token) is None:
        return render(request, "engagement/unsubscribe.html", {"bad": True}, status=400)
    done = request.method == "POST" and do_unsubscribe(token=token)
    return render(request, "engagement/unsubscribe.html", {"done": done, "token": token})


# --- Privacy --------------------------------------------------------------------------------


@login_required
def privacy(request):
    return render(request, "engagement/privacy.html", {})


@login_required
def privacy_download(request):
    import json

    from django.http import HttpResponse

    from sizes.engagement.privacy import privacy_export

    data = privacy_export(user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = 'attachment; filename="my-sizes-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request):
    from django.contrib.auth import logout

    from sizes.engagement.privacy import account_delete as delete

    form = forms.DeleteAccountForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            delete(actor=request.user, user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        else:
            logout(request)
            messages.success(request, "Your account has been deleted.")
            return redirect("web:home")
    return render(request, "engagement/account_delete.html", {"form": form},
                  status=400 if form.is_bound else 200)  # fmt: skip

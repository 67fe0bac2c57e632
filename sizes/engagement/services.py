"""Writes for engagement. Each checks permission, cleans the input, writes and audits.

Personal data (email, home postcode) is never written to the audit trail: profile changes are
recorded as "changed", not with their values.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point

from sizes.audit.services import audit_record
from sizes.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    Problem,
)
from sizes.core.ratelimit import rate_limit
from sizes.core.text import clean_text
from sizes.engagement import permissions as perms
from sizes.engagement.emails import absolute, email_enqueue
from sizes.engagement.models import (
    Comment,
    CommentFormat,
    CommentReport,
    CommentStatus,
    Follow,
    Frequency,
    Idea,
    IdeaStatus,
    Meeting,
    Profile,
    Role,
    Suggestion,
    SuggestionStatus,
    Support,
)
from sizes.geo import geometry as g
from sizes.geo.models import AreaType, ReferenceArea
from sizes.geo.postcodes import normalise_postcode
from sizes.zones.models import Theme, Zone

VERIFY_SALT = "sizes.engagement.verify-email"


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def profile_get(*, user) -> Profile:
    """The person's profile, created empty the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


# --- Email verification -------------------------------------------------------------------


def email_verification_token(*, user) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object({"u": user.pk, "e": user.email})


def email_verification_send(*, user) -> None:
    """Email a link that proves the person reads `user.email`; it expires (see settings)."""
    if not user.email:
        raise DomainError(code="email_missing", message="Add an email address first.")
    link = absolute(reverse("engagement:verify-email", args=[email_verification_token(user=user)]))
    hours = settings.SIZES_VERIFY_LINK_HOURS
    email_enqueue(
        to=user.email,
        subject="Confirm your email address",
        body=(
            f"Hello {user.username},\n\nConfirm that this is your email address by opening this "
            f"link within {hours} hours:\n\n{link}\n\nIf you did not create an account on "
            "SIZes, ignore this email.\n"
        ),
    )


def email_verify(*, token: str):
    """Mark the email in a verification link as verified; refuse expired or used links."""
    from sizes.accounts.models import User

    try:
        data = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=settings.SIZES_VERIFY_LINK_HOURS * 3600
        )
    except signing.SignatureExpired:
        raise DomainError(
            code="link_expired",
            message="This link has expired. Sign in and ask for a new one from your account page.",
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise DomainError(
            code="link_invalid",
            message="This link is not valid. Check you copied all of it from the email.",
        ) from None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email != data.get("e"):
        raise DomainError(
            code="link_invalid",
            message="This link is for an email address the account no longer uses.",
        )
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=profile_get(user=user).pk)
        if profile.is_verified:
            raise DomainError(
                code="link_used",
                message="This link has already been used: your email address is confirmed.",
                status=409,
            )
        profile.email_verified = user.email
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified", "email_verified_at"])
        audit_record(actor=user, action="account.email_verified", obj=user)
    return user


def require_verified(user, doing: str) -> None:
    """Refuse people who are not signed in, or have not confirmed their email address."""
    if not _signed_in(user):
        raise NotAllowed(f"Sign in to {doing}.")
    if not profile_get(user=user).is_verified:
        raise NotAllowed(
            f"Confirm your email address to {doing}: open the link we sent you, or ask for a "
            "new one from your account page.",
            code="email_unverified",
        )


# --- Profile ------------------------------------------------------------------------------


def profile_update(
    *,
    actor,
    user,
    display_name: str = "",
    home_postcode: str = "",
    role: str = "",
    frequency: str = Frequency.IMMEDIATE,
) -> Profile:
    """Change a person's own details. The home postcode is normalised and never published."""
    if not _signed_in(actor) or actor.pk != user.pk:
        raise NotAllowed("You can change only your own details.")
    display_name = clean_text(
        display_name, field="display_name", label="your name", max_length=150, required=False
    )
    postcode = (home_postcode or "").strip()
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except DomainError as e:
            raise DomainError(code=e.code, message=e.message, field="home_postcode") from None
    if role and role not in Role.values:
        raise DomainError(code="role_invalid", message="Choose how you take part.", field="role")
    if frequency not in Frequency.values:
        raise DomainError(
            code="frequency_invalid", message="Choose how often we email you.", field="frequency"
        )
    with transaction.atomic():
        profile = profile_get(user=user)
        changed = []
        if user.display_name != display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])
            changed.append("display_name")
        for name, value in (("home_postcode", postcode), ("role", role), ("frequency", frequency)):
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        profile.save()
        if changed:
            # Values are personal: record what changed, not what it changed to.
            audit_record(
                actor=actor,
                action="account.profile_updated",
                obj=user,
                changes={name: ["(changed)", "(changed)"] for name in changed},
            )
    return profile


def profile_mark_verified(*, user) -> Profile:
    """Treat the account's current email as confirmed (demo data and administrators' tools)."""
    profile = profile_get(user=user)
    profile.email_verified = user.email
    profile.email_verified_at = timezone.now()
    profile.save(update_fields=["email_verified", "email_verified_at"])
    return profile


# --- Suggestions ----------------------------------------------------------------------------


def _service_bbox() -> tuple[float, float, float, float] | None:
    raw = (settings.SIZES_SERVICE_AREA_BBOX or "").strip()
    if not raw:
        return None
    min_lon, min_lat, max_lon, max_lat = (float(x) for x in raw.split(","))
    return min_lon, min_lat, max_lon, max_lat


def wards_at(*, lat: float, lon: float) -> list[ReferenceArea]:
    """The latest-vintage wards containing a point."""
    point = Point(lon, lat)
    candidates = ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD).containing_point(
        lat=lat, lon=lon
    )
    return [a for a in candidates if g.from_geojson(a.geometry).intersects(point)]


def _outside_service_area() -> DomainError:
    return DomainError(
        code="outside_service_area",
        message="That place is outside the area this service covers. Suggest a place inside it.",
        field="place",
    )


def _check_point(lat, lon) -> list[ReferenceArea]:
    """Refuse a point outside the service area; return the wards it falls in."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise DomainError(code="point_invalid", message="Choose a point on the map.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(code="point_invalid", message="Choose a point on the map.")
    wards = wards_at(lat=lat, lon=lon)
    bbox = _service_bbox()
    if bbox is not None:
        if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            raise _outside_service_area()
    elif ReferenceArea.objects.filter(type=AreaType.WARD).exists() and not wards:
        raise _outside_service_area()
    return wards


def wards_touching(area) -> list[ReferenceArea]:
    """The latest-vintage wards an area (a shapely geometry, WGS84) overlaps."""
    candidates = ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD).overlapping_bbox(
        area.bounds
    )
    return [
        a
        for a in candidates.order_by("name")
        if g.from_geojson(a.geometry).intersection(area).area > 0
    ]


def _drawn_place(drawn: str) -> tuple[float | None, float | None, object | None]:
    """What was marked on the suggestion map: (lat, lon, None) for one point, or
    (None, None, area) for drawn shapes. The map sends a GeoJSON FeatureCollection."""
    obj = g.load_json(drawn)
    features = obj.get("features") if isinstance(obj, dict) else None
    if isinstance(features, list):
        geometries = [f.get("geometry") if isinstance(f, dict) else None for f in features]
    else:
        geometries = [obj.get("geometry") if isinstance(obj, dict) else obj]
    points = [x for x in geometries if isinstance(x, dict) and x.get("type") == "Point"]
    if points:
        if len(geometries) != 1:
            raise DomainError(
                code="place_ambiguous",
                message="Mark one point, or draw an area, on the map, not both.",
            )
        coords = points[0].get("coordinates")
        if not (isinstance(coords, list) and len(coords) == 2):
            raise DomainError(code="point_invalid", message="Choose a point on the map.")
        return coords[1], coords[0], None
    return None, None, g.geometry_from_geojson(obj)


def _check_area(area) -> list[ReferenceArea]:
    """Refuse a drawn area that is too big or outside the service area; return its wards."""
    limit_km2 = settings.SIZES_SUGGESTION_MAX_KM2
    km2 = g.area_m2(area) / 1_000_000
    if km2 > limit_km2:
        raise DomainError(
            code="area_too_large",
            message=f"The area you drew is {km2:,.0f} km²; draw an area of at most "
            f"{limit_km2:,} km² — a neighbourhood or a district, not a whole city.",
        )
    wards = wards_touching(area)
    bbox = _service_bbox()
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = area.bounds
        inside = bbox[0] <= min_lon and max_lon <= bbox[2]
        if not (inside and bbox[1] <= min_lat and max_lat <= bbox[3]):
            raise _outside_service_area()
    elif ReferenceArea.objects.filter(type=AreaType.WARD).exists() and not wards:
        raise _outside_service_area()
    return wards


def _themes(slugs) -> list[Theme]:
    slugs = [s for s in (slugs or []) if s]
    themes = list(Theme.objects.filter(slug__in=slugs))
    if len(themes) != len(set(slugs)):
        raise DomainError(
            code="themes_invalid", message="Choose themes from the list.", field="themes"
        )
    if not themes:
        raise DomainError(
            code="themes_required", message="Choose at least one theme.", field="themes"
        )
    return themes


def suggestion_create(
    *,
    actor,
    place: str,
    why: str,
    themes: list[str],
    lat: float | None = None,
    lon: float | None = None,
    postcode: str = "",
    area_codes: list[str] | None = None,
    drawn: str = "",
) -> Suggestion:
    """Suggest a place for a zone: a point (marked on the map, given as lat/lon, or a
    postcode's centre), an area drawn on the map (`drawn`: GeoJSON from the map), or reference
    areas.

    The place must be inside the service area (`SIZES_SERVICE_AREA_BBOX`, or any imported
    ward). The postcode is used to find the point and is not stored.
    """
    require_verified(actor, "suggest a place for a zone")
    problems: list[Problem] = []
    clean = {}
    for field, label, max_length in (
        ("place", "a name for the place", 150),
        ("why", "why a zone would help", 2000),
    ):
        try:
            clean[field] = clean_text(
                locals()[field], field=field, label=label, max_length=max_length
            )
        except DomainError as e:
            problems.append(Problem(e.code, e.message, field))
    try:
        theme_objs = _themes(themes)
    except DomainError as e:
        problems.append(Problem(e.code, e.message, "themes"))
    area_codes = [c.strip().upper() for c in (area_codes or []) if c and c.strip()]
    postcode = (postcode or "").strip()
    drawn = (drawn or "").strip()
    given = sum([lat is not None or lon is not None, bool(postcode), bool(area_codes), bool(drawn)])
    areas, wards, shape = [], [], None
    if given != 1:
        problems.append(
            Problem(
                "place_missing" if given == 0 else "place_ambiguous",
                "Give the place in one way: a point or an area on the map, a postcode, or "
                "wards from the list.",
                "postcode",
            )
        )
    else:
        try:
            if postcode:
                from sizes.geo.selectors import postcode_get

                found = postcode_get(postcode)
                lat, lon = found.lat, found.lon
            if drawn:
                lat, lon, shape = _drawn_place(drawn)
            if shape is not None:
                wards = _check_area(shape)
            elif area_codes:
                latest = ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD)
                areas = list(latest.filter(code__in=area_codes))
                if len(areas) != len(set(area_codes)) or len(areas) > 20:
                    raise DomainError(code="areas_invalid", message="Choose wards from the list.")
                wards = areas
            else:
                wards = _check_point(lat, lon)
        except DomainError as e:
            field = "areas" if area_codes else "map" if drawn else "postcode"
            problems.append(Problem(e.code, e.message, field))
    if problems:
        raise DomainError(
            code="suggestion_invalid", message="Check the suggestion.", details=problems
        )
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            author=actor,
            place=clean["place"],
            why=clean["why"],
            lat=None if areas or shape is not None else lat,
            lon=None if areas or shape is not None else lon,
            area=g.to_geojson(shape) if shape is not None else None,
        )
        suggestion.themes.set(theme_objs)
        suggestion.areas.set(areas)
        suggestion.wards.set(wards)
        audit_record(
            actor=actor,
            action="suggestion.created",
            obj=suggestion,
            changes={
                "place": [None, suggestion.place],
                "why": [None, suggestion.why],
                "areas": [None, [a.code for a in areas]],
                "drawn_area": [None, shape is not None],
            },
        )
    return suggestion


def suggestion_support(*, actor, suggestion: Suggestion) -> Support:
    """Add the person's support (one per account; not for their own suggestion)."""
    require_verified(actor, "support a suggestion")
    if suggestion.status != SuggestionStatus.OPEN:
        raise InvalidTransition("This suggestion has been decided: it no longer takes support.")
    if suggestion.author_id == actor.pk:
        raise DomainError(code="own_suggestion", message="You cannot support your own suggestion.")
    try:
        with transaction.atomic():
            support = Support.objects.create(suggestion=suggestion, user=actor)
    except IntegrityError:
        raise Conflict("You already support this suggestion.", code="already_supported") from None
    return support


def suggestion_withdraw_support(*, actor, suggestion: Suggestion) -> None:
    if not _signed_in(actor):
        raise NotAllowed("Sign in first.")
    Support.objects.filter(suggestion=suggestion, user=actor).delete()


def _lock_open(suggestion: Suggestion) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.OPEN:
        raise InvalidTransition("This suggestion has already been decided.")
    return suggestion


def suggestion_to_zone(
    *,
    actor,
    suggestion: Suggestion,
    name: str,
    summary: str,
    intention: str,
    review_date: dt.date,
) -> Zone:
    """Turn a suggestion into a proposed zone (open for consultation), linked both ways.

    The steward who does it becomes the zone's steward; the zone takes the suggestion's themes,
    and, when the suggestion names wards, its boundary is their union.
    """
    from sizes.geo.models import BoundaryMethod
    from sizes.geo.services import zone_boundary_from_areas, zone_set_boundary
    from sizes.zones.services import zone_create, zone_publish

    if not perms.is_admin(actor):
        raise NotAllowed("Only council administrators can turn a suggestion into a zone.")
    with transaction.atomic():
        suggestion = _lock_open(suggestion)
        zone = zone_create(
            actor=actor,
            name=name,
            summary=summary,
            intention=intention,
            review_date=review_date,
            themes=[t.name for t in suggestion.themes.all()],
        )
        codes = [a.code for a in suggestion.areas.all()]
        if codes:
            zone_set_boundary(
                actor=actor,
                zone=zone,
                geometry=zone_boundary_from_areas(area_type=AreaType.WARD, codes=codes),
                method=BoundaryMethod.AREAS,
                source="wards " + ", ".join(codes),
            )
        zone = zone_publish(actor=actor, zone=zone)
        suggestion.status = SuggestionStatus.PROPOSED
        suggestion.zone = zone
        suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.proposed",
            obj=suggestion,
            zone_id=zone.pk,
            changes={
                "status": [SuggestionStatus.OPEN, SuggestionStatus.PROPOSED],
                "zone": [None, zone.slug],
            },
        )
    return zone


def suggestion_decline(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Decline a suggestion with a public reason."""
    if not perms.is_admin(actor):
        raise NotAllowed("Only council administrators can decline a suggestion.")
    reason = clean_text(reason, field="reason", label="the reason", max_length=2000)
    with transaction.atomic():
        suggestion = _lock_open(suggestion)
        suggestion.status = SuggestionStatus.DECLINED
        suggestion.decision_reason = reason
        suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.declined",
            obj=suggestion,
            reason=reason,
            changes={"status": [SuggestionStatus.OPEN, SuggestionStatus.DECLINED]},
        )
    return suggestion


# --- Ideas from the edge --------------------------------------------------------------------


def idea_propose(
    *, actor, zone: Zone, organisation, title: str, obstacle: str, proposal: str, role: str = ""
) -> Idea:
    """Send an idea to a partner of a public zone: what gets in the way, what to do instead.

    The proposer says how they take part (frontline worker, service user or resident); the
    partner must answer within `SIZES_IDEA_ANSWER_DAYS` days.
    """
    from sizes.zones.models import ENDED

    require_verified(actor, "send an idea")
    if not zone.is_public:
        raise NotFound("There is no zone at this address.")
    if zone.status in ENDED:
        raise InvalidTransition("This zone has ended: it no longer takes ideas.")
    problems: list[Problem] = []
    clean = {}
    for field, value, label, max_length in (
        ("title", title, "a short title for your idea", 150),
        ("obstacle", obstacle, "what gets in the way", 3000),
        ("proposal", proposal, "what you would do instead", 3000),
    ):
        try:
            clean[field] = clean_text(value, field=field, label=label, max_length=max_length)
        except DomainError as e:
            problems.append(Problem(e.code, e.message, field))
    role = role or profile_get(user=actor).role
    if role not in Role.values:
        problems.append(
            Problem(
                "role_required",
                "Say whether you are a frontline worker, a service user or a resident.",
                "role",
            )
        )
    if organisation is None or not zone.partnerships.filter(organisation=organisation).exists():
        problems.append(
            Problem(
                "organisation_invalid",
                "Choose a partner organisation of this zone.",
                "organisation",
            )
        )
    if problems:
        raise DomainError(code="idea_invalid", message="Check your idea.", details=problems)
    due = timezone.localdate() + dt.timedelta(days=settings.SIZES_IDEA_ANSWER_DAYS)
    with transaction.atomic():
        idea = Idea.objects.create(
            zone=zone,
            organisation=organisation,
            author=actor,
            author_role=role,
            answer_due=due,
            **clean,
        )
        audit_record(
            actor=actor,
            action="idea.proposed",
            obj=idea,
            zone_id=zone.pk,
            changes={"title": [None, idea.title], "organisation": [None, organisation.name]},
        )
    return idea


def _lock_answerable(idea: Idea, actor) -> Idea:
    if not perms.can_answer_idea(actor, idea):
        raise NotAllowed(f"Only members of {idea.organisation.name} can answer this idea.")
    idea = Idea.objects.select_for_update().select_related("zone", "organisation").get(pk=idea.pk)
    if idea.status not in (IdeaStatus.OPEN, IdeaStatus.LATER):
        raise InvalidTransition("This idea has already been answered.")
    return idea


def idea_adopt(*, actor, idea: Idea, **variation_fields) -> Idea:
    """Adopt an idea: it becomes a proposed variation of the partner's rule, linked to it.

    `variation_fields` are those `variation_propose` needs (title, subject, action, standard
    rule, difference, reason, outcomes, limits, dates, accountable leader).
    """
    from sizes.variations.services import variation_propose

    with transaction.atomic():
        idea = _lock_answerable(idea, actor)
        before = idea.status
        variation = variation_propose(
            actor=actor, zone=idea.zone, owner=idea.organisation, **variation_fields
        )
        idea.status = IdeaStatus.ADOPTED
        idea.variation = variation
        idea.answer = f"Adopted as a proposed variation: {variation.title}."
        idea.answered_by, idea.answered_at = actor, timezone.now()
        idea.save()
        audit_record(
            actor=actor,
            action="idea.adopted",
            obj=idea,
            zone_id=idea.zone_id,
            changes={"status": [before, idea.status], "variation": [None, variation.pk]},
        )
    return idea


def idea_answer(*, actor, idea: Idea, decision: str, reason: str) -> Idea:
    """Answer an idea without adopting it: consider it later, or decline it; the reason is
    public."""
    if decision not in (IdeaStatus.LATER, IdeaStatus.DECLINED):
        raise DomainError(code="decision_invalid", message="Choose an answer.", field="decision")
    reason = clean_text(reason, field="reason", label="the reason", max_length=3000)
    with transaction.atomic():
        idea = _lock_answerable(idea, actor)
        before = idea.status
        if before == decision:
            raise InvalidTransition("The idea already has this answer.")
        idea.status = decision
        idea.answer = reason
        idea.answered_by, idea.answered_at = actor, timezone.now()
        idea.save()
        action = "idea.declined" if decision == IdeaStatus.DECLINED else "idea.later"
        audit_record(
            actor=actor,
            action=action,
            obj=idea,
            zone_id=idea.zone_id,
            reason=reason,
            changes={"status": [before, decision]},
        )
    return idea


# --- Comments -------------------------------------------------------------------------------


def _comment_target_kind(target) -> str:
    from sizes.variations.models import Variation

    if isinstance(target, Zone):
        return "zone"
    if isinstance(target, Variation):
        return "variation"
    if isinstance(target, Suggestion):
        return "suggestion"
    if isinstance(target, Idea):
        return "idea"
    raise DomainError(code="target_invalid", message="You cannot comment on that.")


def comment_target_is_public(target) -> bool:
    kind = _comment_target_kind(target)
    if kind == "zone":
        return target.is_public
    if kind in ("variation", "idea"):
        return target.zone.is_public
    return True


def comment_add(
    *,
    actor,
    zone=None,
    target=None,
    body: str,
    format: str = CommentFormat.TEXT,
    ip: str | None = None,
) -> Comment:
    """Publish a comment on a public zone, variation, suggestion or idea.

    `zone=` is kept for the zone pages (`sizes.zones.services.comment_add`). Rate limited per
    account and per IP (`SIZES_RATE_LIMIT_PER_ACCOUNT`, `SIZES_RATE_LIMIT_PER_IP` an hour).
    """
    target = target if target is not None else zone
    kind = _comment_target_kind(target)
    body = clean_text(body, field="body", label="your comment", max_length=5000)
    if not _signed_in(actor) or not comment_target_is_public(target):
        raise NotAllowed(
            "Sign in to comment on a public zone." if kind == "zone" else "Sign in to comment."
        )
    if format not in CommentFormat.values:
        raise DomainError(
            code="format_invalid", message="Choose plain text or Markdown.", field="format"
        )
    rate_limit(action="comment", user=actor, ip=ip)
    zone_id = target.pk if kind == "zone" else getattr(target, "zone_id", None)
    with transaction.atomic():
        comment = Comment.objects.create(author=actor, body=body, format=format, **{kind: target})
        audit_record(
            actor=actor,
            action="comment.added",
            obj=comment,
            zone_id=zone_id,
            changes={"body": [None, body], "on": [None, f"{kind} {target.pk}"]},
        )
    return comment


def _comment_zone_id(comment: Comment):
    target = comment.target
    if comment.zone_id:
        return comment.zone_id
    return getattr(target, "zone_id", None)


def comment_report(*, actor, comment: Comment, reason: str = "", ip: str | None = None) -> bool:
    """Report a comment (once per account). Returns True when this report hid it pending review
    (at `SIZES_COMMENT_REPORTS_TO_HIDE` reports)."""
    if not _signed_in(actor):
        raise NotAllowed("Sign in to report a comment.")
    reason = clean_text(reason, field="reason", label="the reason", max_length=500, required=False)
    rate_limit(action="report", user=actor, ip=ip)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        try:
            with transaction.atomic():
                CommentReport.objects.create(comment=comment, user=actor, reason=reason)
        except IntegrityError:
            raise Conflict(
                "You have already reported this comment.", code="already_reported"
            ) from None
        audit_record(
            actor=actor,
            action="comment.reported",
            obj=comment,
            zone_id=_comment_zone_id(comment),
            reason=reason,
        )
        hid = (
            comment.status == CommentStatus.VISIBLE
            and comment.moderated_at is None
            and comment.reports.count() >= settings.SIZES_COMMENT_REPORTS_TO_HIDE
        )
        if hid:
            comment.status, comment.hidden = CommentStatus.PENDING, True
            comment.save(update_fields=["status", "hidden"])
            audit_record(
                actor=None,
                action="comment.pending",
                obj=comment,
                zone_id=_comment_zone_id(comment),
                changes={"status": [CommentStatus.VISIBLE, CommentStatus.PENDING]},
            )
    return hid


def comment_moderate(*, actor, comment: Comment, decision: str, reason: str) -> Comment:
    """Hide a comment for good or restore it, with a public reason. The text stays in the
    audit trail (from when it was added), not on the page."""
    if not perms.can_moderate(actor):
        raise NotAllowed("Only moderators can hide or restore comments.")
    if decision not in ("hide", "restore"):
        raise DomainError(
            code="decision_invalid", message="Choose hide or restore.", field="decision"
        )
    reason = clean_text(reason, field="reason", label="the reason", max_length=1000)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        before = comment.status
        after = CommentStatus.HIDDEN if decision == "hide" else CommentStatus.VISIBLE
        comment.status, comment.hidden = after, after != CommentStatus.VISIBLE
        comment.moderation_reason = reason
        comment.moderated_by, comment.moderated_at = actor, timezone.now()
        comment.save()
        audit_record(
            actor=actor,
            action=f"comment.{'hidden' if decision == 'hide' else 'restored'}",
            obj=comment,
            zone_id=_comment_zone_id(comment),
            reason=reason,
            changes={"status": [before, after]},
        )
    return comment


# --- Meetings -------------------------------------------------------------------------------


def _meeting_fields(data: dict) -> dict:
    """Check a meeting's when, where and agenda; collect every problem."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    problems: list[Problem] = []
    out = {}
    for field, label, max_length, required in (
        ("title", "a title", 150, True),
        ("place", "the place", 300, False),
        ("agenda", "the agenda", 5000, True),
    ):
        try:
            out[field] = clean_text(
                data.get(field), field=field, label=label, max_length=max_length, required=required
            )
        except DomainError as e:
            problems.append(Problem(e.code, e.message, field))
    url = (data.get("online_url") or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
            if len(url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(
                Problem(
                    "online_url_invalid",
                    "Enter a full web address for the online meeting, like "
                    "https://meet.example.org/zone.",
                    "online_url",
                )
            )
    out["online_url"] = url
    if not out.get("place") and not url and "place" not in [p.field for p in problems]:
        problems.append(
            Problem(
                "place_required", "Enter the place, or a link to join online (or both).", "place"
            )
        )
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime):
        problems.append(Problem("starts_at_missing", "Enter when the meeting starts.", "starts_at"))
    if not isinstance(ends, dt.datetime):
        problems.append(Problem("ends_at_missing", "Enter when the meeting ends.", "ends_at"))
    elif isinstance(starts, dt.datetime) and ends <= starts:
        problems.append(
            Problem("ends_before_start", "The meeting must end after it starts.", "ends_at")
        )
    out["starts_at"], out["ends_at"] = starts, ends
    if problems:
        raise DomainError(code="meeting_invalid", message="Check the meeting.", details=problems)
    return out


def meeting_schedule(*, actor, zone: Zone, **data) -> Meeting:
    """Schedule a meeting of a public zone (stewards only); it must start in the future."""
    if not perms.can_manage_meetings(actor, zone):
        raise NotAllowed("Only the zone's stewards can schedule its meetings.")
    if not zone.is_public:
        raise InvalidTransition("Open the zone for consultation before scheduling meetings.")
    clean = _meeting_fields(data)
    if clean["starts_at"] <= timezone.now():
        raise DomainError(
            code="starts_in_past",
            message="The meeting must start in the future.",
            details=[
                Problem("starts_in_past", "The meeting must start in the future.", "starts_at")
            ],
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(zone=zone, created_by=actor, **clean)
        audit_record(
            actor=actor,
            action="meeting.scheduled",
            obj=meeting,
            zone_id=zone.pk,
            changes={k: [None, v] for k, v in clean.items()},
        )
    return meeting


def meeting_record(
    *,
    actor,
    meeting: Meeting,
    expected_version: int | None,
    minutes: str,
    decisions: str = "",
    attended_residents: int | None = None,
    attended_partners: int | None = None,
    attended_others: int | None = None,
) -> Meeting:
    """Publish (or correct) the minutes, decisions and attendance counts after a meeting."""
    from sizes.core.versioning import bump_version

    if not perms.can_manage_meetings(actor, meeting.zone):
        raise NotAllowed("Only the zone's stewards can record its meetings.")
    minutes = clean_text(minutes, field="minutes", label="the minutes", max_length=20000)
    decisions = clean_text(
        decisions, field="decisions", label="the decisions", max_length=5000, required=False
    )
    counts = {
        "attended_residents": attended_residents,
        "attended_partners": attended_partners,
        "attended_others": attended_others,
    }
    for name, value in counts.items():
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 100_000):
            raise DomainError(
                code=f"{name}_invalid",
                field=name,
                message="Enter attendance as a whole number, or leave it empty.",
            )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.starts_at > timezone.now():
            raise InvalidTransition("Minutes can be published only after the meeting has started.")
        before = {
            "minutes": meeting.minutes,
            "decisions": meeting.decisions,
            **{k: getattr(meeting, k) for k in counts},
        }
        bump_version(meeting, expected_version=expected_version)
        meeting.minutes, meeting.decisions = minutes, decisions
        for name, value in counts.items():
            setattr(meeting, name, value)
        meeting.updated_at = timezone.now()
        meeting.save()
        after = {"minutes": minutes, "decisions": decisions, **counts}
        audit_record(
            actor=actor,
            action="meeting.recorded",
            obj=meeting,
            zone_id=meeting.zone_id,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return meeting


# --- Follows --------------------------------------------------------------------------------

MAX_RADIUS_M = 20_000


def follow_zone(*, actor, zone: Zone) -> Follow:
    """Follow a public zone (idempotent)."""
    if not _signed_in(actor):
        raise NotAllowed("Sign in to follow a zone.")
    if not zone.is_public:
        raise NotFound("There is no zone at this address.")
    follow, _ = Follow.objects.get_or_create(user=actor, zone=zone)
    return follow


def follow_area(*, actor, postcode: str = "", radius_m) -> Follow:
    """Follow every zone within `radius_m` metres of a postcode (yours by default)."""
    from sizes.geo.selectors import postcode_get

    if not _signed_in(actor):
        raise NotAllowed("Sign in to follow zones near you.")
    postcode = (postcode or "").strip() or profile_get(user=actor).home_postcode
    if not postcode:
        raise DomainError(
            code="postcode_required",
            field="postcode",
            message="Enter a postcode, or add your home postcode to your details.",
        )
    try:
        radius = int(radius_m)
    except (TypeError, ValueError):
        radius = 0
    if not 50 <= radius <= MAX_RADIUS_M:
        raise DomainError(
            code="radius_invalid",
            field="radius_m",
            message=f"Enter a distance between 50 and {MAX_RADIUS_M} metres.",
        )
    try:
        found = postcode_get(postcode)
    except DomainError as e:
        raise DomainError(code=e.code, message=e.message, field="postcode", status=400) from None
    return Follow.objects.create(
        user=actor, postcode=found.postcode, lat=found.lat, lon=found.lon, radius_m=radius
    )


def follow_remove(*, actor, follow: Follow) -> None:
    if not _signed_in(actor) or follow.user_id != actor.pk:
        raise NotAllowed("You can stop only your own follows.")
    follow.delete()

"""Writes to zones. One function per transition; each checks permission, the rules, the
version (optimistic locking), writes in one transaction and records an audit event.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sizes.audit.services import audit_record, field_changes
from sizes.core.errors import Conflict, DomainError, InvalidTransition, Problem, RulesNotMet
from sizes.core.faults import fault_point
from sizes.core.text import clean_text, unique_slug
from sizes.core.versioning import bump_version
from sizes.engagement.services import comment_add  # re-exported: comments live in engagement
from sizes.variations.services import variations_end_with_zone, variations_tick
from sizes.zones import permissions as perms
from sizes.zones.models import DEFAULT_THEMES, ENDED, Outcome, Review, Theme, Zone, ZoneStatus
from sizes.zones.selectors import review_date_problems, zone_declaration_problems

EDITABLE = (ZoneStatus.DRAFT, ZoneStatus.PROPOSED, ZoneStatus.DECLARED, ZoneStatus.REVIEW_DUE)
MAX_THEMES = 12


def themes_ensure_defaults() -> None:
    """Create the default theme list (idempotent)."""
    for name in DEFAULT_THEMES:
        Theme.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "is_default": True}
        )


def _themes_from_names(names: list[str]) -> list[Theme]:
    cleaned = []
    for raw in names:
        name = clean_text(raw, field="theme", label="a theme", max_length=80, required=False)
        if name and slugify(name) and name.lower() not in {n.lower() for n in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_THEMES:
        raise DomainError(
            code="too_many_themes", message=f"Choose at most {MAX_THEMES} themes for a zone."
        )
    themes = []
    for name in cleaned:
        theme = Theme.objects.filter(slug=slugify(name)).first()
        if theme is None:
            theme = Theme.objects.create(name=name, slug=slugify(name))
        themes.append(theme)
    return themes


def _snapshot(zone: Zone) -> dict:
    return {
        "name": zone.name,
        "summary": zone.summary,
        "intention": zone.intention,
        "review_date": zone.review_date,
        "status": zone.status,
        "themes": sorted(t.name for t in zone.themes.all()) if zone.pk else [],
    }


def _lock(zone: Zone) -> Zone:
    """Re-read the zone with a row lock, inside the caller's transaction."""
    return Zone.objects.select_for_update().get(pk=zone.pk)


def _check_version(zone: Zone, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != zone.version:
        raise Conflict()


def _validate_fields(*, name, summary, intention) -> tuple[str, str, str]:
    return (
        clean_text(name, field="name", label="a name for the zone", max_length=200),
        clean_text(summary, field="summary", label="a summary", max_length=5000),
        clean_text(
            intention,
            field="intention",
            label="the statement of shared intention",
            max_length=10000,
        ),
    )


def zone_create(
    *,
    actor,
    name: str,
    summary: str,
    intention: str,
    review_date: date,
    themes: list[str] | None = None,
    outcomes: list[tuple[str, str]] | None = None,
) -> Zone:
    """Create a draft zone; the person who proposes it becomes its steward."""
    perms.require(perms.can_propose_zone(actor), "Sign in to propose a zone.")
    name, summary, intention = _validate_fields(name=name, summary=summary, intention=intention)
    today = timezone.localdate()
    if review_date is None or review_date <= today:
        raise DomainError(
            code="review_date_past", message="The intended review date must be in the future."
        )
    outcomes = outcomes or []
    with transaction.atomic():
        theme_objs = _themes_from_names(themes or [])
        zone = Zone.objects.create(
            name=name,
            slug=unique_slug(Zone, name),
            summary=summary,
            intention=intention,
            review_date=review_date,
            created_by=actor,
        )
        zone.themes.set(theme_objs)
        zone.stewards.add(actor)
        audit_record(
            actor=actor,
            action="zone.created",
            obj=zone,
            zone_id=zone.pk,
            changes=field_changes({}, _snapshot(zone)),
        )
        for title, description in outcomes:
            outcome_add(actor=actor, zone=zone, title=title, description=description)
    return zone


def zone_update(
    *,
    actor,
    zone: Zone,
    expected_version: int,
    name: str,
    summary: str,
    intention: str,
    review_date: date | None = None,
    themes: list[str] | None = None,
    reason: str = "",
) -> Zone:
    """Edit a zone's words and themes (and, before declaration, its intended review date).

    Refuses with a Conflict if someone else saved the zone since `expected_version` was read.
    """
    name, summary, intention = _validate_fields(name=name, summary=summary, intention=intention)
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(perms.can_edit_zone(actor, zone), "Only the zone's stewards can edit it.")
        if zone.status not in EDITABLE:
            raise InvalidTransition(f"A {zone.get_status_display().lower()} zone cannot be edited.")
        bump_version(zone, expected_version=expected_version)
        before = _snapshot(zone)
        if review_date is not None and review_date != zone.review_date:
            if zone.status not in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED):
                raise DomainError(
                    code="review_date_locked",
                    message="Once a zone is declared its review date changes only at a review.",
                )
            if review_date <= timezone.localdate():
                raise DomainError(
                    code="review_date_past",
                    message="The intended review date must be in the future.",
                )
            zone.review_date = review_date
        zone.name, zone.summary, zone.intention = name, summary, intention
        zone.updated_at = timezone.now()
        zone.save()
        if themes is not None:
            zone.themes.set(_themes_from_names(themes))
        changes = field_changes(before, _snapshot(zone))
        audit_record(
            actor=actor,
            action="zone.updated",
            obj=zone,
            zone_id=zone.pk,
            changes=changes,
            reason=reason,
        )
    return zone


def _set_status(zone: Zone, status: str, **fields) -> dict:
    before = {"status": zone.status, **{k: getattr(zone, k) for k in fields}}
    zone.status = status
    for k, v in fields.items():
        setattr(zone, k, v)
    zone.version += 1
    zone.updated_at = timezone.now()
    zone.save()
    return field_changes(before, {"status": status, **fields})


def zone_publish(*, actor, zone: Zone, expected_version: int | None = None) -> Zone:
    """Open a draft for public consultation (draft → proposed)."""
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(perms.can_edit_zone(actor, zone), "Only the zone's stewards can publish it.")
        if zone.status != ZoneStatus.DRAFT:
            raise InvalidTransition("Only a draft can be opened for consultation.")
        _check_version(zone, expected_version)
        today = timezone.localdate()
        changes = _set_status(
            zone,
            ZoneStatus.PROPOSED,
            proposed_on=today,
            consultation_ends=today + timedelta(days=settings.SIZES_CONSULTATION_DAYS),
        )
        audit_record(
            actor=actor, action="zone.proposed", obj=zone, zone_id=zone.pk, changes=changes
        )
    return zone


def zone_declare(*, actor, zone: Zone, expected_version: int | None = None) -> Zone:
    """Declare a proposed zone, if every rule holds; otherwise list every unmet rule."""
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(
            perms.can_declare_zone(actor, zone), "Only the zone's stewards can declare it."
        )
        _check_version(zone, expected_version)
        problems = zone_declaration_problems(zone=zone)
        if problems:
            raise RulesNotMet("This zone cannot be declared yet.", problems)
        changes = _set_status(zone, ZoneStatus.DECLARED, declared_on=timezone.localdate())
        audit_record(
            actor=actor, action="zone.declared", obj=zone, zone_id=zone.pk, changes=changes
        )
    return zone


def zone_withdraw(*, actor, zone: Zone, reason: str) -> Zone:
    """End a draft or proposal that was never declared (→ withdrawn), with a public reason."""
    reason = clean_text(reason, field="reason", label="the reason", max_length=2000)
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(perms.can_edit_zone(actor, zone), "Only the zone's stewards can withdraw it.")
        if zone.status not in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED):
            raise InvalidTransition(
                "Only a draft or proposed zone can be withdrawn. A declared zone ends at a review."
            )
        changes = _set_status(
            zone,
            ZoneStatus.WITHDRAWN,
            ended_on=timezone.localdate(),
            end_reason=f"Withdrawn: {reason}",
        )
        audit_record(
            actor=actor,
            action="zone.withdrawn",
            obj=zone,
            zone_id=zone.pk,
            changes=changes,
            reason=reason,
        )
    return zone


def zone_record_review(
    *,
    actor,
    zone: Zone,
    evidence_summary: str,
    decision: str,
    new_review_date: date | None = None,
) -> Review:
    """Record a review of a declared zone and carry out its decision: renew or dissolve."""
    evidence_summary = clean_text(
        evidence_summary,
        field="evidence_summary",
        label="a summary of the evidence",
        max_length=20000,
    )
    if decision not in Review.Decision.values:
        raise DomainError(code="decision_invalid", message="Choose whether to renew or dissolve.")
    today = timezone.localdate()
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(
            perms.can_record_review(actor, zone), "Only the zone's stewards can record a review."
        )
        if zone.status not in (ZoneStatus.DECLARED, ZoneStatus.REVIEW_DUE):
            raise InvalidTransition("Only a declared zone, or one due for review, can be reviewed.")
        if decision == Review.Decision.RENEW:
            problems = review_date_problems(new_review_date, today=today)
            if problems:
                raise RulesNotMet("The zone cannot be renewed with that date.", problems)
        review = Review.objects.create(
            zone=zone,
            held_on=today,
            evidence_summary=evidence_summary,
            decision=decision,
            new_review_date=new_review_date if decision == Review.Decision.RENEW else None,
            recorded_by=actor,
        )
        # Freeze the evidence as it stands before the decision (outcome figures, DiD, SROI,
        # grade) into the review.
        from sizes.outcomes.services import review_evidence_freeze

        review_evidence_freeze(actor=actor, review=review)
        if decision == Review.Decision.RENEW:
            changes = _set_status(
                zone, ZoneStatus.DECLARED, review_date=new_review_date, review_due_since=None
            )
            action = "zone.renewed"
        else:
            changes = _set_status(
                zone,
                ZoneStatus.DISSOLVED,
                ended_on=today,
                end_reason=f"Dissolved after the review on {today:%-d %B %Y}.",
            )
            ended = variations_end_with_zone(zone=zone, today=today, actor=actor)
            fault_point("zones.review.dissolve", variations_ended=ended)
            action = "zone.dissolved"
        audit_record(
            actor=actor,
            action=action,
            obj=zone,
            zone_id=zone.pk,
            changes={**changes, "review_id": review.pk},
        )
    return review


def zone_mark_review_due(*, zone: Zone, today: date) -> bool:
    """Declared → review_due once the review date has come. Returns False if nothing changed."""
    with transaction.atomic():
        zone = _lock(zone)
        if zone.status != ZoneStatus.DECLARED or zone.review_date > today:
            return False
        changes = _set_status(zone, ZoneStatus.REVIEW_DUE, review_due_since=zone.review_date)
        audit_record(
            actor=None,
            action="zone.review_due",
            obj=zone,
            zone_id=zone.pk,
            changes=changes,
            reason="The review date has come.",
        )
    return True


def zone_dissolve_unreviewed(*, zone: Zone, today: date) -> bool:
    """Review_due → dissolved when the grace period has passed with no review."""
    grace = settings.SIZES_REVIEW_GRACE_DAYS
    with transaction.atomic():
        zone = _lock(zone)
        if zone.status != ZoneStatus.REVIEW_DUE or zone.review_due_since is None:
            return False
        if today <= zone.review_due_since + timedelta(days=grace):
            return False
        reason = (
            f"Dissolved automatically on {today:%-d %B %Y}: it was not reviewed within {grace} "
            f"days of its review date ({zone.review_due_since:%-d %B %Y})."
        )
        changes = _set_status(zone, ZoneStatus.DISSOLVED, ended_on=today, end_reason=reason)
        variations_end_with_zone(zone=zone, today=today)
        audit_record(
            actor=None,
            action="zone.dissolved",
            obj=zone,
            zone_id=zone.pk,
            changes=changes,
            reason=reason,
        )
    return True


@dataclass(frozen=True)
class TickResult:
    marked_review_due: int
    dissolved: int
    variations_ended: int = 0


def zones_tick(*, today: date | None = None) -> TickResult:
    """Apply the time limits; safe to run any number of times (idempotent)."""
    from sizes.zones.selectors import zones_due_for_review, zones_past_grace

    today = today or timezone.localdate()
    marked = sum(
        zone_mark_review_due(zone=z, today=today) for z in zones_due_for_review(today=today)
    )
    dissolved = sum(
        zone_dissolve_unreviewed(zone=z, today=today) for z in zones_past_grace(today=today)
    )
    variations_ended = variations_tick(today=today)
    return TickResult(
        marked_review_due=marked, dissolved=dissolved, variations_ended=variations_ended
    )


def outcome_add(*, actor, zone: Zone, title: str, description: str = "") -> Outcome:
    title = clean_text(title, field="title", label="the outcome's title", max_length=200)
    description = clean_text(
        description, field="description", label="the description", max_length=5000, required=False
    )
    with transaction.atomic():
        zone = _lock(zone)
        perms.require(
            perms.can_edit_zone(actor, zone), "Only the zone's stewards can add outcomes."
        )
        if zone.status in ENDED:
            raise InvalidTransition("This zone has ended; its outcomes can no longer change.")
        outcome = Outcome.objects.create(zone=zone, title=title, description=description)
        audit_record(
            actor=actor,
            action="outcome.added",
            obj=outcome,
            zone_id=zone.pk,
            changes={"title": [None, title], "description": [None, description]},
        )
    return outcome


def outcome_remove(*, actor, outcome: Outcome) -> None:
    with transaction.atomic():
        zone = _lock(outcome.zone)
        perms.require(
            perms.can_edit_zone(actor, zone), "Only the zone's stewards can remove outcomes."
        )
        if zone.status not in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED):
            raise InvalidTransition("Outcomes can be removed only before the zone is declared.")
        audit_record(
            actor=actor,
            action="outcome.removed",
            obj=outcome,
            zone_id=zone.pk,
            changes={"title": [outcome.title, None]},
        )
        outcome.delete()


__all__ = [
    "Problem",
    "TickResult",
    "comment_add",
    "outcome_add",
    "outcome_remove",
    "themes_ensure_defaults",
    "zone_create",
    "zone_declare",
    "zone_dissolve_unreviewed",
    "zone_mark_review_due",
    "zone_publish",
    "zone_record_review",
    "zone_update",
    "zone_withdraw",
    "zones_tick",
]

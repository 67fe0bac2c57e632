"""Writes to the variations register. Each checks permission first (a refusal is itself
audited, outside the transaction so it survives), then the rules, then writes and audits."""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from sizes.audit.services import audit_record, field_changes
from sizes.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotAllowed,
    Problem,
    RulesNotMet,
)
from sizes.core.text import clean_text
from sizes.variations import permissions as perms
from sizes.variations.models import (
    LIVE,
    Action,
    BaselineStatement,
    Scope,
    Subject,
    Variation,
    VariationEvent,
    VariationStatus,
    ZoneVariationPolicy,
)
from sizes.zones.models import IN_FORCE, Outcome, Zone


def _require(allowed: bool, *, actor, action: str, obj=None, zone_id=None, message: str) -> None:
    """Refuse with NotAllowed, leaving an audit event of the refused attempt."""
    if allowed:
        return
    audit_record(
        actor=actor, action=f"refused.{action}", obj=obj, zone_id=zone_id,
        object_type=None if obj is not None else "variations.variation",
        object_id=None if obj is not None else "",
        reason=message,
    )  # fmt: skip
    raise NotAllowed(message)


def rule_key(text: str) -> str:
    """Normalise a standard rule's name, so the same rule is recognised across zones."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _snapshot(v: Variation) -> dict:
    fields = [
        "subject", "action", "title", "standard_rule", "standard_rule_url", "difference",
        "reason", "applies_to", "guaranteed", "cap", "scope", "sub_area", "start_date",
        "end_date", "accountable_name", "accountable_role", "status",
    ]  # fmt: skip
    data = {f: getattr(v, f) for f in fields}
    if v.pk:
        data["outcomes"] = sorted(v.outcomes.values_list("pk", flat=True))
    return data


def _validate(zone: Zone, data: dict) -> dict:
    """Check and clean a variation's fields against its zone; collect every problem."""
    problems: list[Problem] = []
    out = {}

    def text(field, label, max_length, required=True):
        try:
            out[field] = clean_text(
                data.get(field), field=field, label=label, max_length=max_length,
                required=required,
            )  # fmt: skip
        except DomainError as e:
            problems.append(Problem(e.code, e.message, field))

    text("title", "a title", 200)
    text("standard_rule", "the standard rule it departs from", 300)
    text("difference", "what is different inside the zone", 5000)
    text("reason", "why the variation is made", 5000)
    text("applies_to", "who the variation applies to", 2000)
    text("guaranteed", "what stays guaranteed", 2000)
    text("cap", "the cap", 300, required=False)
    text("accountable_name", "the name of the accountable leader", 150)
    text("accountable_role", "the accountable leader's role", 150)
    out["standard_rule_url"] = (data.get("standard_rule_url") or "").strip()[:200]
    if data.get("subject") not in Subject.values:
        problems.append(
            Problem("subject_invalid", "Choose what the variation is about.", "subject")
        )
    if data.get("action") not in Action.values:
        problems.append(Problem("action_invalid", "Choose the kind of change.", "action"))
    out["subject"], out["action"] = data.get("subject"), data.get("action")
    scope = data.get("scope") or Scope.WHOLE_ZONE
    if scope not in Scope.values:
        problems.append(Problem("scope_invalid", "Choose where the variation applies.", "scope"))
    out["scope"] = scope
    out["sub_area"] = data.get("sub_area") if scope == Scope.SUB_AREA else None
    if scope == Scope.SUB_AREA and not out["sub_area"]:
        problems.append(
            Problem("sub_area_missing", "Give the part of the zone it applies to.", "sub_area")
        )
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, dt.date):
        problems.append(Problem("start_date_missing", "Enter the start date.", "start_date"))
    else:
        if zone.declared_on and start < zone.declared_on:
            problems.append(
                Problem(
                    "start_before_zone",
                    f"The start date must be on or after the zone was declared "
                    f"({zone.declared_on:%-d %B %Y}).",
                    "start_date",
                )
            )
        if start > zone.review_date:
            problems.append(
                Problem(
                    "start_after_zone",
                    f"The start date must be before the zone's review date "
                    f"({zone.review_date:%-d %B %Y}).",
                    "start_date",
                )
            )
    if end is not None:
        if not isinstance(end, dt.date):
            problems.append(Problem("end_date_invalid", "Enter a real end date.", "end_date"))
        elif isinstance(start, dt.date) and end < start:
            problems.append(
                Problem("end_before_start", "The end date must be after the start date.",
                        "end_date")
            )  # fmt: skip
        elif end > zone.review_date:
            problems.append(
                Problem(
                    "end_after_zone",
                    f"The end date must be no later than the zone's review date "
                    f"({zone.review_date:%-d %B %Y}).",
                    "end_date",
                )
            )
    out["start_date"], out["end_date"] = start, end
    outcome_ids = [int(i) for i in data.get("outcomes") or [] if str(i).isdigit()]
    outcomes = list(Outcome.objects.filter(zone=zone, pk__in=outcome_ids))
    if not outcomes or len(outcomes) != len(set(outcome_ids)):
        problems.append(
            Problem(
                "outcomes_invalid",
                "Link the variation to at least one of this zone's outcomes.",
                "outcomes",
            )
        )
    out["outcomes"] = outcomes
    policy = ZoneVariationPolicy.objects.filter(zone=zone).first()
    if policy and policy.allowed_subjects and out["subject"] not in policy.allowed_subjects:
        allowed = ", ".join(Subject(s).label.lower() for s in policy.allowed_subjects)
        problems.append(
            Problem(
                "subject_not_allowed",
                f"Variations of this kind are not allowed in this zone (allowed: {allowed}).",
                "subject",
            )
        )
    if problems:
        raise RulesNotMet("The variation was not saved.", problems, code="variation_invalid")
    return out


def _log(variation: Variation, status: str, on: dt.date, reason: str = "") -> None:
    VariationEvent.objects.create(variation=variation, status=status, on=on, reason=reason)


def variation_propose(*, actor, zone: Zone, owner, **data) -> Variation:
    """Record a proposed variation of `owner`'s standard rule inside a declared zone."""
    _require(
        perms.can_propose_variation(actor, zone, owner), actor=actor, action="variation.propose",
        zone_id=zone.pk,
        message=f"Only members of {owner.name}, a partner in this zone, can propose variations.",
    )  # fmt: skip
    with transaction.atomic():
        zone = Zone.objects.select_for_update().get(pk=zone.pk)
        if zone.status not in IN_FORCE:
            raise InvalidTransition(
                "Variations can be recorded only in a declared zone "
                f"(this zone is {zone.get_status_display().lower()})."
            )
        clean = _validate(zone, data)
        outcomes = clean.pop("outcomes")
        variation = Variation.objects.create(
            zone=zone, owner=owner, created_by=actor,
            rule_key=rule_key(clean["standard_rule"]), **clean,
        )  # fmt: skip
        variation.outcomes.set(outcomes)
        _log(variation, VariationStatus.PROPOSED, timezone.localdate())
        audit_record(
            actor=actor, action="variation.proposed", obj=variation, zone_id=zone.pk,
            changes=field_changes({}, _snapshot(variation)),
        )  # fmt: skip
    return variation


def _lock(variation: Variation) -> Variation:
    return (
        Variation.objects.select_for_update().select_related("zone", "owner").get(pk=variation.pk)
    )


def _check_version(variation: Variation, expected_version) -> None:
    if expected_version is not None and int(expected_version) != variation.version:
        raise Conflict()


def variation_update(*, actor, variation: Variation, expected_version: int, **data) -> Variation:
    """Edit a proposed or agreed variation; editing an agreed one needs agreeing again."""
    _require(
        perms.can_edit_variation(actor, variation), actor=actor, action="variation.update",
        obj=variation, zone_id=variation.zone_id,
        message=f"Only members of {variation.owner.name} can edit its variations.",
    )  # fmt: skip
    with transaction.atomic():
        variation = _lock(variation)
        _check_version(variation, expected_version)
        if variation.status not in (VariationStatus.PROPOSED, VariationStatus.AGREED):
            raise InvalidTransition(
                f"An {variation.get_status_display().lower()} variation cannot be edited; end it "
                "and propose a new one."
            )
        before = _snapshot(variation)
        clean = _validate(variation.zone, data)
        outcomes = clean.pop("outcomes")
        for k, v in clean.items():
            setattr(variation, k, v)
        variation.rule_key = rule_key(variation.standard_rule)
        if variation.status == VariationStatus.AGREED:
            variation.status = VariationStatus.PROPOSED
            _log(
                variation, VariationStatus.PROPOSED, timezone.localdate(), "Changed after agreement"
            )
        variation.owner_agreed_by = variation.steward_agreed_by = None
        variation.owner_agreed_at = variation.steward_agreed_at = None
        variation.version += 1
        variation.save()
        variation.outcomes.set(outcomes)
        audit_record(
            actor=actor, action="variation.updated", obj=variation, zone_id=variation.zone_id,
            changes=field_changes(before, _snapshot(variation)),
        )  # fmt: skip
    return variation


def variation_agree(*, actor, variation: Variation, expected_version: int | None = None):
    """Agree a proposed variation, for its owner and/or as the zone's steward.

    It becomes agreed once both sides have agreed.
    """
    as_owner = perms.can_agree_for_owner(actor, variation)
    as_steward = perms.can_agree_as_steward(actor, variation)
    _require(
        as_owner or as_steward, actor=actor, action="variation.agree", obj=variation,
        zone_id=variation.zone_id,
        message="Only a signer for the owning partner or a steward of the zone can agree this.",
    )  # fmt: skip
    with transaction.atomic():
        variation = _lock(variation)
        _check_version(variation, expected_version)
        if variation.status != VariationStatus.PROPOSED:
            raise InvalidTransition("Only a proposed variation can be agreed.")
        now = timezone.now()
        if as_owner and not variation.owner_agreed_by_id:
            variation.owner_agreed_by, variation.owner_agreed_at = actor, now
        if as_steward and not variation.steward_agreed_by_id:
            variation.steward_agreed_by, variation.steward_agreed_at = actor, now
        sides = [s for s, ok in (("owner", as_owner), ("steward", as_steward)) if ok]
        if variation.owner_agreed_by_id and variation.steward_agreed_by_id:
            variation.status = VariationStatus.AGREED
            _log(variation, VariationStatus.AGREED, timezone.localdate())
        variation.version += 1
        variation.save()
        audit_record(
            actor=actor, action="variation.agreed", obj=variation, zone_id=variation.zone_id,
            changes={"agreed_as": [None, sides], "status": [None, variation.status]},
        )  # fmt: skip
    return variation


def variation_activate(*, actor, variation: Variation, expected_version: int | None = None):
    """Put an agreed variation into effect, on or after its start date, within the zone's limits."""
    _require(
        perms.can_activate_or_end(actor, variation), actor=actor, action="variation.activate",
        obj=variation, zone_id=variation.zone_id,
        message="Only the owning partner or the zone's stewards can put this into effect.",
    )  # fmt: skip
    today = timezone.localdate()
    with transaction.atomic():
        zone = Zone.objects.select_for_update().get(pk=variation.zone_id)
        variation = _lock(variation)
        _check_version(variation, expected_version)
        if variation.status != VariationStatus.AGREED:
            raise InvalidTransition(
                "Only an agreed variation can be put into effect: the owning partner and a "
                "steward of the zone must both agree it first."
            )
        problems = []
        if zone.status not in IN_FORCE:
            problems.append(Problem("zone_not_in_force", "The zone is not in force."))
        if today < variation.start_date:
            problems.append(
                Problem(
                    "before_start",
                    f"It cannot start before its start date ({variation.start_date:%-d %B %Y}).",
                )
            )
        if variation.end_date and today > variation.end_date:
            problems.append(Problem("after_end", "Its end date has passed."))
        policy = ZoneVariationPolicy.objects.filter(zone=zone).first()
        if policy and policy.allowed_subjects and variation.subject not in policy.allowed_subjects:
            problems.append(
                Problem("subject_not_allowed", "Variations of this kind are not allowed here.")
            )
        if policy and policy.max_active is not None:
            active = Variation.objects.filter(zone=zone, status=VariationStatus.ACTIVE).count()
            if active >= policy.max_active:
                problems.append(
                    Problem(
                        "too_many_active",
                        f"This zone allows at most {policy.max_active} active variation(s) at "
                        "once; end one first.",
                    )
                )
        if problems:
            raise RulesNotMet("The variation cannot be put into effect.", problems)
        variation.status = VariationStatus.ACTIVE
        variation.activated_on = today
        variation.version += 1
        variation.save()
        _log(variation, VariationStatus.ACTIVE, today)
        audit_record(
            actor=actor, action="variation.activated", obj=variation, zone_id=zone.pk,
            changes={"status": [VariationStatus.AGREED, VariationStatus.ACTIVE]},
        )  # fmt: skip
    return variation


def _finish(variation: Variation, *, actor, today: dt.date, reason: str) -> None:
    before = variation.status
    status = (
        VariationStatus.ENDED if before == VariationStatus.ACTIVE else VariationStatus.WITHDRAWN
    )
    variation.status = status
    variation.ended_on = today
    variation.end_reason = reason
    variation.version += 1
    variation.save()
    _log(variation, status, today, reason)
    audit_record(
        actor=actor, action=f"variation.{status}", obj=variation, zone_id=variation.zone_id,
        changes={"status": [before, status]}, reason=reason,
    )  # fmt: skip


def variation_end(*, actor, variation: Variation, reason: str, expected_version=None):
    """End an active variation, or withdraw one not yet active, with a public reason."""
    reason = clean_text(reason, field="reason", label="the reason", max_length=2000)
    _require(
        perms.can_activate_or_end(actor, variation), actor=actor, action="variation.end",
        obj=variation, zone_id=variation.zone_id,
        message="Only the owning partner or the zone's stewards can end this variation.",
    )  # fmt: skip
    with transaction.atomic():
        variation = _lock(variation)
        _check_version(variation, expected_version)
        if variation.status not in LIVE:
            raise InvalidTransition("This variation has already ended.")
        _finish(variation, actor=actor, today=timezone.localdate(), reason=reason)
    return variation


def variations_end_with_zone(*, zone: Zone, today: dt.date, actor=None) -> int:
    """End every live variation of a zone that has ended; call inside the zone's transaction."""
    reason = f"Ended because the zone was {zone.get_status_display().lower()}."
    n = 0
    for variation in Variation.objects.select_for_update().filter(zone=zone, status__in=LIVE):
        _finish(variation, actor=actor, today=today, reason=reason)
        n += 1
    return n


def variations_tick(*, today: dt.date) -> int:
    """End active variations whose end date has passed. Idempotent."""
    n = 0
    for variation in Variation.objects.filter(status=VariationStatus.ACTIVE, end_date__lt=today):
        with transaction.atomic():
            variation = _lock(variation)
            if variation.status == VariationStatus.ACTIVE:
                _finish(variation, actor=None, today=today, reason="Reached its end date.")
                n += 1
    return n


def zone_variation_limits_set(
    *, actor, zone: Zone, allowed_subjects: list[str], max_active: int | None
) -> ZoneVariationPolicy:
    """A council admin limits the subjects allowed and the number of active variations."""
    _require(
        perms.can_set_limits(actor, zone), actor=actor, action="variation.limits", obj=zone,
        zone_id=zone.pk, message="Only council administrators can set a zone's limits.",
    )  # fmt: skip
    bad = [s for s in allowed_subjects if s not in Subject.values]
    if bad:
        raise DomainError(code="subject_invalid", message=f"Unknown subject: {', '.join(bad)}.")
    if max_active is not None and (not isinstance(max_active, int) or max_active < 0):
        raise DomainError(
            code="max_active_invalid", message="The most active variations must be 0 or more."
        )
    with transaction.atomic():
        policy, _ = ZoneVariationPolicy.objects.select_for_update().get_or_create(zone=zone)
        before = {"allowed_subjects": policy.allowed_subjects, "max_active": policy.max_active}
        policy.allowed_subjects, policy.max_active, policy.set_by = (
            sorted(set(allowed_subjects)), max_active, actor,
        )  # fmt: skip
        policy.save()
        audit_record(
            actor=actor, action="zone.variation_limits", obj=policy, zone_id=zone.pk,
            changes=field_changes(
                before, {"allowed_subjects": policy.allowed_subjects, "max_active": max_active}
            ),
        )  # fmt: skip
    return policy


def baseline_publish(*, actor, zone: Zone, organisation, service: str, statement: str):
    """A partner states the standard service it provides in the zone (replaces an earlier one)."""
    _require(
        perms.can_publish_baseline(actor, zone, organisation), actor=actor,
        action="baseline.publish", obj=zone, zone_id=zone.pk,
        message=f"Only members of {organisation.name}, a partner here, can publish its baseline.",
    )  # fmt: skip
    service = clean_text(service, field="service", label="the service", max_length=200)
    statement = clean_text(statement, field="statement", label="the statement", max_length=5000)
    with transaction.atomic():
        baseline, created = BaselineStatement.objects.update_or_create(
            zone=zone, organisation=organisation, service=service,
            defaults={"statement": statement},
        )  # fmt: skip
        audit_record(
            actor=actor, action="baseline.published", obj=baseline, zone_id=zone.pk,
            changes={"service": [None, service], "statement": [None, statement]},
        )  # fmt: skip
    return baseline

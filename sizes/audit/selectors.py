"""Reads of the audit trail for the public: a zone's history and a variation's history.

The stored events name the account that acted (`actor_label` is a username). The public pages
never show it: a person appears by the part they played — the organisation they answered
for, "a steward of the zone", "a council administrator" — or as "a member of the public";
changes nobody made by hand appear as "automatic (time limit)". Refused attempts (actions
starting "refused.") are kept for stewards and auditors, not shown publicly. Comment text is
left out too: comments have their own moderation, which a history page must not bypass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from sizes.audit.models import AuditEvent
from sizes.core.errors import NotFound
from sizes.partners.models import Membership, Partnership
from sizes.variations.models import Action as VariationAction
from sizes.variations.models import Scope, Subject, Variation, VariationStatus
from sizes.zones.models import PUBLIC, Outcome, Zone, ZoneStatus

AUTOMATIC = "automatic (time limit)"
PUBLIC_MEMBER = "a member of the public"
STEWARD = "a steward of the zone"
COUNCIL_ADMIN = "a council administrator"
SITE_ADMIN = "a site administrator"
CLOSED_ACCOUNT = "someone whose account has since been closed"

# Changes never shown field by field: internal ids, geometry, and comment text (moderated).
HIDDEN_FIELDS = {"review_id", "previous_boundary_id", "body", "agreed_as", "sub_area"}

FIELD_LABELS = {
    "name": "Name",
    "summary": "Summary",
    "intention": "Statement of intention",
    "review_date": "Review date",
    "status": "Status",
    "themes": "Themes",
    "proposed_on": "Proposed on",
    "consultation_ends": "Consultation ends",
    "declared_on": "Declared on",
    "review_due_since": "Review due since",
    "ended_on": "Ended on",
    "end_reason": "Why it ended",
    "title": "Title",
    "description": "Description",
    "organisation": "Organisation",
    "role": "Role",
    "commitment": "Commitment",
    "response": "Answer",
    "response_text": "Reservations or objection",
    "objection_answer": "Answer to the objection",
    "subject": "About",
    "action": "Kind of change",
    "standard_rule": "Standard rule",
    "standard_rule_url": "Link to the standard rule",
    "difference": "What is different",
    "reason": "Why",
    "applies_to": "Applies to",
    "guaranteed": "What stays guaranteed",
    "cap": "Cap",
    "scope": "Where it applies",
    "start_date": "Start date",
    "end_date": "End date",
    "accountable_name": "Accountable leader",
    "accountable_role": "Accountable leader's role",
    "outcomes": "Linked outcomes",
    "allowed_subjects": "Subjects allowed",
    "max_active": "Most active at once",
    "area_m2": "Area (square metres)",
    "fringe_m": "Fringe width (metres)",
    "fringe_drawn": "Fringe drawn by hand",
    "method": "How the boundary was made",
    "source": "Source",
    "service": "Service",
    "statement": "Standard service",
}

# Plain names for stored codes, per field.
_CHOICES = {
    "subject": dict(Subject.choices),
    "action": dict(VariationAction.choices),
    "scope": dict(Scope.choices),
    "role": dict(Partnership.Role.choices),
    "response": dict(Partnership.Response.choices),
}
_VARIATION_STATUS = dict(VariationStatus.choices)
_ZONE_STATUS = dict(ZoneStatus.choices)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    """One public line of history: when, who (by role), what happened, and what changed."""

    id: int
    at: dt.datetime
    who: str
    text: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    object_type: str = ""
    object_id: str = ""

    @property
    def is_new(self) -> bool:
        """True when every change sets a first value: show the values, not before/after."""
        return bool(self.changes) and all(c.before == "(none)" for c in self.changes)


def public_events() -> QuerySet[AuditEvent]:
    """Events fit to show publicly: everything except refused attempts ("refused.…", and a
    pooled record's "….refused"), and the events of pooled records (budgets, assets,
    objectives, plans, pledges) that are now for partners only: their values must not reach a
    public page, feed or API answer through the history."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from sizes.resources.models import Asset, Budget, Objective, Plan, Pledge, Visibility

    qs = AuditEvent.objects.exclude(action__startswith="refused.").exclude(
        action__endswith=".refused"
    )
    for model in (Budget, Asset, Objective, Plan, Pledge):
        private = (
            model.objects.exclude(visibility=Visibility.PUBLIC)
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        qs = qs.exclude(object_type=model._meta.label_lower, object_id__in=private)
    return qs


def _value(name: str, value, object_type: str = "") -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if name == "status":
        labels = _VARIATION_STATUS if object_type.startswith("variations.") else _ZONE_STATUS
        return str(labels.get(value, value)).lower()
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    if name == "allowed_subjects" and isinstance(value, list):
        return ", ".join(str(_CHOICES["subject"].get(v, v)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{dt.date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            pass
    return str(value)


def _changes(event: AuditEvent, outcome_titles: dict[int, str]) -> list[Change]:
    rows = []
    for name, pair in (event.changes or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(pair, list) or len(pair) != 2:
            continue
        before, after = pair
        if event.action == "variation.agreed" and name == "status":
            # Stored as [None, status after]; only the agreement of both sides changes it.
            if after != VariationStatus.AGREED:
                continue
            before = VariationStatus.PROPOSED
        if name == "outcomes":
            before = [outcome_titles.get(i, "an outcome since removed") for i in before or []]
            after = [outcome_titles.get(i, "an outcome since removed") for i in after or []]
        before = _value(name, before, event.object_type)
        after = _value(name, after, event.object_type)
        if before == after:
            continue
        label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
        rows.append(Change(label, before, after))
    return rows


class _Context:
    """What is needed to name actors by role and objects by name, loaded once per page."""

    def __init__(self, zones: list[Zone], events: list[AuditEvent]):
        self.steward_ids = {
            (z.pk, u) for z in zones for u in z.stewards.values_list("pk", flat=True)
        }
        partnership_ids = [
            int(e.object_id) for e in events
            if e.object_type == "partners.partnership" and e.object_id.isdigit()
        ]  # fmt: skip
        self.partnerships = Partnership.objects.select_related("organisation").in_bulk(
            partnership_ids
        )
        variation_ids = [
            int(e.object_id) for e in events
            if e.object_type == "variations.variation" and e.object_id.isdigit()
        ]  # fmt: skip
        self.variations = Variation.objects.select_related("owner").in_bulk(variation_ids)
        actor_ids = {e.actor_id for e in events if e.actor_id}
        self.orgs_of: dict[int, dict[int, str]] = {}
        for user_id, org_id, org_name in Membership.objects.filter(
            user_id__in=actor_ids, status=Membership.Status.APPROVED
        ).values_list("user_id", "organisation_id", "organisation__name"):
            self.orgs_of.setdefault(user_id, {})[org_id] = org_name
        self.users = get_user_model().objects.only("pk", "is_council_admin", "is_superuser")
        self.users = self.users.in_bulk(actor_ids)
        self.partner_orgs = {
            (p.zone_id, p.organisation_id)
            for p in Partnership.objects.filter(zone__in=zones).only("zone_id", "organisation_id")
        }
        self.outcome_titles = dict(
            Outcome.objects.filter(zone__in=zones).values_list("pk", "title")
        )

    def organisation_of(self, event: AuditEvent):
        """The organisation the object belongs to (a partnership's or a variation's owner)."""
        if event.object_type == "partners.partnership":
            p = self.partnerships.get(int(event.object_id)) if event.object_id.isdigit() else None
            return p.organisation if p else None
        if event.object_type == "variations.variation":
            v = self.variations.get(int(event.object_id)) if event.object_id.isdigit() else None
            return v.owner if v else None
        return None

    def who(self, event: AuditEvent) -> str:
        """The actor by role; never a username."""
        if event.actor_id is None:
            return AUTOMATIC if event.actor_label == "system" else CLOSED_ACCOUNT
        orgs = self.orgs_of.get(event.actor_id, {})
        is_steward = (event.zone_id, event.actor_id) in self.steward_ids
        org = self.organisation_of(event)
        if event.action.startswith("comment."):
            return STEWARD if is_steward else PUBLIC_MEMBER
        if event.action == "variation.agreed":
            sides = (event.changes or {}).get("agreed_as", [None, []])[1] or []
            if "owner" in sides and org is not None:
                return org.name
            if "steward" in sides:
                return STEWARD
        if org is not None and org.pk in orgs:
            return org.name
        if is_steward:
            return STEWARD
        user = self.users.get(event.actor_id)
        if user is not None and user.is_council_admin:
            return COUNCIL_ADMIN
        if user is not None and user.is_superuser:
            return SITE_ADMIN
        for org_id, name in sorted(orgs.items()):
            if (event.zone_id, org_id) in self.partner_orgs:
                return name
        return PUBLIC_MEMBER


def _after(event: AuditEvent, name: str):
    pair = (event.changes or {}).get(name)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _describe(event: AuditEvent, ctx: _Context, who: str) -> str:
    """The event as one plain-English sentence."""
    a = event.action
    org = ctx.organisation_of(event)
    org_name = org.name if org else (_after(event, "organisation") or "An organisation")
    variation = ctx.variations.get(int(event.object_id)) if event.object_id.isdigit() else None
    title = f"“{variation.title}”" if variation and a.startswith("variation.") else "a variation"
    Who = who[:1].upper() + who[1:]  # noqa: N806 - the sentence-case form of `who`
    if a == "zone.created":
        return f"{Who} started a draft of the zone."
    if a == "zone.updated":
        return f"{Who} changed the zone's details."
    if a == "zone.proposed":
        return f"{Who} opened the zone for public consultation."
    if a == "zone.declared":
        return f"{Who} declared the zone."
    if a == "zone.withdrawn":
        return f"{Who} withdrew the proposal."
    if a == "zone.renewed":
        return f"{Who} recorded a review and renewed the zone."
    if a == "zone.dissolved":
        if event.actor_id is None:
            return "The zone was dissolved automatically: it was not reviewed in time."
        return f"{Who} recorded a review and dissolved the zone."
    if a == "zone.review_due":
        return "The zone's review date came: it is now due for review."
    if a == "zone.boundary_set":
        return f"{Who} set the zone's boundary."
    if a == "zone.variation_limits":
        return f"{Who} set limits on the zone's variations."
    if a == "outcome.added":
        return f"{Who} added an outcome: “{_after(event, 'title') or ''}”."
    if a == "outcome.removed":
        before = (event.changes or {}).get("title", [""])[0]
        return f"{Who} removed an outcome: “{before}”."
    if a == "comment.added":
        return f"{Who} commented on the zone."
    if a == "partnership.invited":
        role = _value("role", _after(event, "role")).lower()
        return f"{Who} invited {org_name} to take part (as {role})."
    if a == "partnership.answered":
        response = _after(event, "response")
        if response == Partnership.Response.AGREED:
            return f"{org_name} agreed to take part."
        if response == Partnership.Response.RESERVATIONS:
            return f"{org_name} agreed to take part, with reservations."
        if response == Partnership.Response.OBJECTED:
            return f"{org_name} objected to the zone."
        return f"{org_name} answered the invitation."
    if a == "partnership.objection_answered":
        return f"{Who} answered the objection of {org_name}."
    if a == "baseline.published":
        return f"{Who} published its standard service: {_after(event, 'service') or ''}."
    if a == "variation.proposed":
        return f"{Who} proposed a variation: {title}."
    if a == "variation.updated":
        return f"{Who} changed the variation {title}."
    if a == "variation.agreed":
        if _after(event, "status") == VariationStatus.AGREED:
            return f"{Who} agreed the variation {title}: both sides have now agreed it."
        return f"{Who} agreed the variation {title}."
    if a == "variation.activated":
        return f"{Who} put the variation {title} into effect."
    if a == "variation.ended":
        if event.actor_id is None and not event.reason.startswith("Ended because"):
            return f"The variation {title} ended automatically on its end date."
        return f"{Who} ended the variation {title}."
    if a == "variation.withdrawn":
        return f"{Who} withdrew the variation {title}."
    return f"{Who}: {a.replace('.', ' ').replace('_', ' ')}."


def _entries(events: list[AuditEvent], zones: list[Zone]) -> list[HistoryEntry]:
    ctx = _Context(zones, events)
    entries = []
    for e in events:
        who = ctx.who(e)
        entries.append(
            HistoryEntry(
                id=e.pk,
                at=e.at,
                who=who,
                text=_describe(e, ctx, who),
                changes=_changes(e, ctx.outcome_titles),
                reason=e.reason,
                object_type=e.object_type,
                object_id=e.object_id,
            )  # fmt: skip
        )
    return entries


def public_zone_get(*, slug: str) -> Zone:
    """A public zone by slug; NotFound for drafts and unknown slugs alike."""
    zone = Zone.objects.public().filter(slug=slug).first()
    if zone is None:
        raise NotFound("There is no public zone at this address.")
    return zone


def public_variation_get(*, pk: int) -> Variation:
    """A variation of a public zone; NotFound otherwise."""
    variation = (
        Variation.objects.filter(pk=pk, zone__status__in=PUBLIC)
        .select_related("zone", "owner")
        .first()
    )
    if variation is None:
        raise NotFound("There is no public variation at this address.")
    return variation


def zone_history(*, zone: Zone, limit: int | None = None) -> list[HistoryEntry]:
    """Every public event of a zone and what belongs to it, newest first."""
    events = public_events().filter(zone_id=zone.pk).order_by("-at", "-id")
    if limit:
        events = events[:limit]
    return _entries(list(events), [zone])


def variation_history(*, variation: Variation) -> list[HistoryEntry]:
    """Every public event of one variation, newest first."""
    events = public_events().filter(object_type="variations.variation", object_id=str(variation.pk))
    return _entries(list(events.order_by("-at", "-id")), [variation.zone])


def object_history(*, obj, zone: Zone | None = None) -> list[HistoryEntry]:
    """Every public event of one object (a budget, a meeting, an idea, ...), newest first. The
    caller checks the object itself is public; `public_events` leaves out partners-only
    records' events whatever the caller does."""
    events = public_events().filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return _entries(list(events.order_by("-at", "-id")), [zone] if zone is not None else [])


def history_entries(*, events: list[AuditEvent]) -> list[HistoryEntry]:
    """Describe arbitrary public events (for feeds), loading their zones."""
    zones = list(Zone.objects.filter(pk__in={e.zone_id for e in events if e.zone_id}))
    return _entries(events, zones)

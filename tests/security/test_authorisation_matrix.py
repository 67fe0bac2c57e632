# ruff: noqa: E501  (the matrix is a table: one row a line reads better than wrapped rows)
"""The authorisation matrix (issue 10, item 1): who may do what, on whose objects, everywhere.

Every URL route (walked from Django's resolver) and every API operation (read from the API's
OpenAPI document) has rows in `MATRIX`. A row names the method, *who may* (a rule over the seven
roles and the two sides A and B of `tests/security/world.py`), how to build the URL and the
submitted data for side A or side B, and anything to set up first. Then, for every row × role ×
side, one test:

- allowed GET: the page answers 200 (or the row's status) and shows no private data it should
  not (for public pages);
- allowed write: the request succeeds and an audit event by that person is written;
- refused (anything): 401/403/404 or a redirect to sign in (a form that offers only the
  person's own organisations may refuse with 400 instead, where the row says so); nothing in
  the database changed, and no audit event of a change was written (services do record
  *refused attempts*, as `…refused…` events: those are expected and allowed).

`test_every_route_is_in_the_matrix` fails when a route or operation has no row (add one) or a
row names a route that no longer exists (remove it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.engagement.models import Follow
from sizes.variations.models import Variation, VariationStatus
from sizes.zones.models import Zone, ZoneStatus
from tests.security.world import ROLES, SIDES, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for this module inside a transaction rolled back at the end; each
    test runs in a savepoint inside it (pytest-django's `db`), so what a test changes is undone
    before the next."""
    uploads = tmp_path_factory.mktemp("uploads")
    with (
        override_settings(
            SIZES_UPLOAD_DIR=uploads,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            w = build_world()
            # One session per role, made once: a test sends its role's cookie.
            for role in ROLES[1:]:
                c = Client()
                c.force_login(w.users[role])
                w.sessions[role] = c.cookies[settings.SESSION_COOKIE_NAME].value
            yield w
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- who may: rules over (role, side) ------------------------------------------------------------

ADMINS = {"council_admin", "site_admin"}


def _member(side: str) -> str:
    return {"A": "member_a", "B": "member_b", "-": ""}[side]


RULES: dict[str, Callable[[str, str], bool]] = {
    # Anyone at all, signed in or not.
    "everyone": lambda r, s: True,
    # Any signed-in person (acting on their own account, or on public things).
    "signed_in": lambda r, s: r != "anonymous",
    # Stewards of the zone (the steward stewards zone A only) and council/site admins.
    "steward": lambda r, s: r in ADMINS or (r == "steward" and s == "A"),
    # Members of the organisation that owns the object (A's member for side A).
    "owner": lambda r, s: r == _member(s),
    "owner_or_steward": lambda r, s: (
        r == _member(s) or r in ADMINS or (r == "steward" and s == "A")
    ),
    "owner_or_admin": lambda r, s: r == _member(s) or r in ADMINS,
    # Members of any partner organisation of the zone (A and B are partners of both zones).
    "partner_member": lambda r, s: r in ("member_a", "member_b"),
    # Partners-only readers: partner members and admins.
    "partner_member_or_admin": lambda r, s: r in ("member_a", "member_b") or r in ADMINS,
    "admin": lambda r, s: r in ADMINS,
    "site_admin": lambda r, s: r == "site_admin",
}

# --- the rows ------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # route name ("zones:edit"), API operation ("POST /api/v1/variations"), or path
    method: str  # GET / POST / PUT
    who: str | None  # a key of RULES, or None for "n/a"
    url: Callable[[World, str], str] | None = None
    data: Callable[[World, str], dict] | None = None
    prepare: Callable[[World, str], None] | None = None
    sides: tuple[str, ...] = SIDES
    # The status an allowed request answers with (None: any success, 2xx or a redirect).
    ok: int | None = None
    # True: an audit event by the person; "any": an audit event (its actor may be gone, as when
    # deleting one's own account); False: not audited (the reason is in `note`).
    audited: bool | str = True
    # An allowed write stores something (checked through the database when it is not audited).
    stores: bool = True
    # Refused with a redirect to the admin's own sign-in page, whoever asks (Django admin).
    admin_login: bool = False
    # A form that offers only the person's own organisations refuses others with a 400.
    form_refusal: bool = False
    # Exact statuses for particular (role, side) pairs, overriding the rule (e.g. "already a
    # member" is a 400 for a member asking to join their own organisation).
    special: dict = field(default_factory=dict)
    api: bool = False
    # For an API PUT: the world attribute whose side object's version goes in If-Match.
    if_match: str = "variation"
    # An API POST that changes an object sends If-Match too (the PUT always does).
    post_if_match: bool = False
    note: str = ""
    xfail: str = ""


def _z(name, *extra):
    """URL of a zone-scoped route: `extra` names world attributes whose side object's pk follows."""
    return lambda w, s: reverse(name, args=[w.zone[s].slug, *[getattr(w, a)[s].pk for a in extra]])


def _pk(name, attr):
    return lambda w, s: reverse(name, args=[getattr(w, attr)[s].pk])


def _fixed(name, *args):
    return lambda w, s: reverse(name, args=list(args))


def _parts(prefix: str, d: dt.date) -> dict:
    return {f"{prefix}_day": d.day, f"{prefix}_month": d.month, f"{prefix}_year": d.year}


def _today():
    return timezone.localdate()


def _variation_form(w, s, **over):
    data = {
        "owner": w.org[s].pk,
        "title": "Bins emptied on Sundays",
        "subject": "asset",
        "action": "change",
        "standard_rule": "Bins are emptied on weekdays only",
        "difference": "Bins are emptied on Sundays too.",
        "reason": "Weekend markets leave rubbish.",
        "outcomes": [str(w.outcome[s].pk)],
        "applies_to": "The market square.",
        "guaranteed": "Weekday collections stay the same.",
        "scope": "whole_zone",
        **_parts("start_date", _today() + dt.timedelta(days=30)),
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
    }
    return data | over


def _variation_api(w, s, **over):
    data = {
        "subject": "asset",
        "action": "change",
        "title": "Bins emptied on Sundays",
        "standard_rule": "Bins are emptied on weekdays only",
        "difference": "Bins are emptied on Sundays too.",
        "reason": "Weekend markets leave rubbish.",
        "applies_to": "The market square.",
        "guaranteed": "Weekday collections stay the same.",
        "start_date": (_today() + dt.timedelta(days=30)).isoformat(),
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
        "outcomes": [w.outcome[s].pk],
    }
    return data | over


def _record(s, kind, **over):
    base = {
        "budget": {
            "service": "Street cleaning", "financial_year": "2025-26", "amount": "5000",
            "currency": "GBP", "zone_share_percent": "10", "share_basis": "Area share.",
            "kind": "redirected", "visibility": "public",
        },
        "asset": {
            "kind": "room", "name": "Meeting room", "description": "Seats 20.",
            "contact_route": "Ask at the desk.", "visibility": "public",
        },
        "objective": {"title": "More walking", "summary": "Walks weekly.", "visibility": "public"},
        "plan": {"title": "A plan", "summary": "What we will do.", "visibility": "public"},
    }[kind]  # fmt: skip
    return base | over


def _record_api(kind):
    if kind == "budget":
        return {"service": "Street cleaning", "kind": "redirected",
                "amount": {"amount": "5000", "currency": "GBP"}, "financial_year": "2025-26",
                "zone_share_percent": "10", "share_basis": "Area share."}  # fmt: skip
    if kind == "asset":
        return {"kind": "room", "name": "Meeting room", "description": "Seats 20.",
                "contact_route": "Ask at the desk."}  # fmt: skip
    return {"title": f"A new {kind}", "summary": "What we will do."}


def _add(kind):
    return lambda w, s: {"organisation": w.org[s].pk, "version": 0} | _record(s, kind)


def _edit(kind):
    return lambda w, s: (
        {"organisation": w.org[s].pk, "version": getattr(w, kind)[s].version} | (_record(s, kind))
    )


def _set_zone(status, **fields):
    def prepare(w, s):
        Zone.objects.filter(pk=w.zone[s].pk).update(status=status, **fields)

    return prepare


def _set_variation(status):
    def prepare(w, s):
        now = timezone.now()
        extra = {"owner_agreed_at": now, "steward_agreed_at": now}
        if status == VariationStatus.ACTIVE:
            extra["activated_on"] = _today()
        Variation.objects.filter(pk=w.variation[s].pk).update(status=status, **extra)

    return prepare


def _objected(w, s):
    w.partnership[s].__class__.objects.filter(pk=w.partnership[s].pk).update(
        response="objected", response_text="We object."
    )


def _follow(w, s):
    Follow.objects.create(user=w.users[_member(s)], zone=w.zone[s])


def _sroi_input() -> str:
    path = Path(__file__).resolve().parents[2] / "sizes/outcomes/tests/data/sroi_example.json"
    return path.read_text()


def _csv_upload(w, s):
    body = (
        b"service,financial_year,amount,currency,zone_share_percent,share_basis,kind,visibility\n"
        b"Libraries,2025-26,1000,GBP,10,Area share,redirected,public\n"
    )
    return {
        "organisation": w.org[s].pk,
        "kind": "budgets",
        "file": SimpleUploadedFile("budgets.csv", body, content_type="text/csv"),
    }


def _pdf_upload(w, s):
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return {"document": SimpleUploadedFile("plan.pdf", pdf, content_type="application/pdf")}


def _pledge_api(w, s):
    return {"zone": w.zone[s].slug, "organisation": w.org[s].slug, "kind": "money",
            "title": "Fund", "amount": {"amount": "100", "currency": "GBP"}}  # fmt: skip


VERSION = {"version": 1}

# fmt: off
MATRIX: list[Row] = [
    # ---- site pages -------------------------------------------------------------------------
    Row("web:home", "GET", "everyone", _fixed("web:home"), sides=("-",)),
    Row("web:about", "GET", "everyone", _fixed("web:about"), sides=("-",)),
    Row("geo:lookup", "GET", "everyone", _fixed("geo:lookup"), sides=("-",)),
    Row("geo:ward", "GET", "everyone", lambda w, s: reverse("geo:ward", args=[w.ward_code]), sides=("-",)),
    Row("outcomes:lessons", "GET", "everyone", _fixed("outcomes:lessons"), sides=("-",)),
    Row("outcomes:proxies", "GET", "everyone", _fixed("outcomes:proxies"), sides=("-",)),
    Row("resources:funders", "GET", "everyone", _fixed("resources:funders"), sides=("-",)),
    # ---- zones ------------------------------------------------------------------------------
    Row("zones:register", "GET", "everyone", _fixed("zones:register"), sides=("-",)),
    Row("zones:map-geojson", "GET", "everyone", _fixed("zones:map-geojson"), sides=("-",)),
    Row("zones:propose", "GET", "signed_in", _fixed("zones:propose"), sides=("-",)),
    Row("zones:propose", "POST", "signed_in", _fixed("zones:propose"), sides=("-",),
        data=lambda w, s: {"name": "A new zone", "summary": "S.", "intention": "I.",
                           **_parts("review_date", _today() + dt.timedelta(days=400))}),
    Row("zones:detail", "GET", "everyone", _z("zones:detail")),
    Row("zones:boundary-geojson", "GET", "everyone", _z("zones:boundary-geojson")),
    Row("zones:edit", "GET", "steward", _z("zones:edit")),
    Row("zones:edit", "POST", "steward", _z("zones:edit"),
        data=lambda w, s: {"name": f"Zone {s} renamed", "summary": "S.", "intention": "I.",
                           "reason": "Clearer.", "version": w.zone[s].version,
                           **_parts("review_date", _today() + dt.timedelta(days=300))}),
    Row("zones:boundary", "GET", "steward", _z("zones:boundary")),
    Row("zones:boundary", "POST", "steward", _z("zones:boundary"),
        data=lambda w, s: {"method": "point", "lat": "52.44", "lon": "-1.925",
                           "radius_m": "200", "fringe_m": "100"}),
    Row("zones:outcome-add", "GET", "steward", _z("zones:outcome-add")),
    Row("zones:outcome-add", "POST", "steward", _z("zones:outcome-add"),
        data=lambda w, s: {"title": "Cleaner streets"}),
    Row("zones:partner-invite", "GET", "steward", _z("zones:partner-invite")),
    Row("zones:partner-invite", "POST", "steward", _z("zones:partner-invite"),
        data=lambda w, s: {"organisation": w.outsider_org.pk, "role": "partner",
                           "commitment": "We will help."}),
    Row("zones:partner-answer", "GET", "owner", _z("zones:partner-answer", "partnership")),
    Row("zones:partner-answer", "POST", "owner", _z("zones:partner-answer", "partnership"),
        data=lambda w, s: {"response": "reservations", "response_text": "Some doubts."}),
    Row("zones:objection-reply", "GET", "steward", _z("zones:objection-reply", "partnership"),
        prepare=_objected),
    Row("zones:objection-reply", "POST", "steward", _z("zones:objection-reply", "partnership"),
        prepare=_objected, data=lambda w, s: {"objection_answer": "We hear you."}),
    Row("zones:publish", "GET", "steward", _z("zones:publish"), prepare=_set_zone(ZoneStatus.DRAFT)),
    Row("zones:publish", "POST", "steward", _z("zones:publish"),
        prepare=_set_zone(ZoneStatus.DRAFT), data=lambda w, s: {}),
    Row("zones:declare", "GET", "steward", _z("zones:declare"),
        prepare=_set_zone(ZoneStatus.PROPOSED, declared_on=None)),
    Row("zones:declare", "POST", "steward", _z("zones:declare"),
        prepare=_set_zone(ZoneStatus.PROPOSED, declared_on=None), data=lambda w, s: {}),
    Row("zones:withdraw", "GET", "steward", _z("zones:withdraw"),
        prepare=_set_zone(ZoneStatus.PROPOSED, declared_on=None)),
    Row("zones:withdraw", "POST", "steward", _z("zones:withdraw"),
        prepare=_set_zone(ZoneStatus.PROPOSED, declared_on=None),
        data=lambda w, s: {"reason": "No longer needed."}),
    Row("zones:review", "GET", "steward", _z("zones:review")),
    Row("zones:review", "POST", "steward", _z("zones:review"),
        data=lambda w, s: {"evidence_summary": "It worked.", "decision": "renew",
                           **_parts("new_review_date", _today() + dt.timedelta(days=500))}),
    Row("zones:comment", "GET", None, note="POST only (405)"),
    Row("zones:comment", "POST", "signed_in", _z("zones:comment"),
        data=lambda w, s: {"body": "Good idea."}),
    # ---- organisations ----------------------------------------------------------------------
    Row("partners:organisations", "GET", "everyone", _fixed("partners:organisations"), sides=("-",)),
    Row("partners:organisation", "GET", "everyone", lambda w, s: reverse("partners:organisation", args=[w.org[s].slug])),
    Row("partners:organisation-create", "GET", "admin", _fixed("partners:organisation-create"), sides=("-",)),
    Row("partners:organisation-create", "POST", "admin", _fixed("partners:organisation-create"), sides=("-",),
        data=lambda w, s: {"name": "Org D Trust", "kind": "voluntary"}),
    Row("partners:organisation-join", "GET", None, note="POST only (405)"),
    Row("partners:organisation-join", "POST", "signed_in",
        lambda w, s: reverse("partners:organisation-join", args=[w.org[s].slug]),
        data=lambda w, s: {}, special={("member_a", "A"): 400, ("member_b", "B"): 400},
        note="a member asking to join their own organisation is told they are one (400)"),
    Row("partners:membership-decide", "GET", None, note="POST only (405)"),
    Row("partners:membership-decide", "POST", "owner_or_admin",
        lambda w, s: reverse("partners:membership-decide", args=[w.org[s].slug, w.applicant[s].pk]),
        data=lambda w, s: {"decision": "approve"}),
    Row("resources:organisation", "GET", "everyone",
        lambda w, s: reverse("resources:organisation", args=[w.org[s].slug])),
    Row("resources:identifier-add", "GET", "owner_or_admin",
        lambda w, s: reverse("resources:identifier-add", args=[w.org[s].slug])),
    Row("resources:identifier-add", "POST", "owner_or_admin",
        lambda w, s: reverse("resources:identifier-add", args=[w.org[s].slug]),
        data=lambda w, s: {"org_id": f"GB-CHC-{'1' if s == 'A' else '2'}234567"}),
    # ---- variations -------------------------------------------------------------------------
    Row("variations:register", "GET", "everyone", _fixed("variations:register"), sides=("-",)),
    Row("variations:detail", "GET", "everyone", _pk("variations:detail", "variation")),
    Row("variations:propose", "GET", "partner_member", _z("variations:propose")),
    Row("variations:propose", "POST", "owner", _z("variations:propose"), data=_variation_form,
        form_refusal=True),
    Row("variations:edit", "GET", "owner", _pk("variations:edit", "variation")),
    Row("variations:edit", "POST", "owner", _pk("variations:edit", "variation"),
        data=lambda w, s: _variation_form(w, s, version=w.variation[s].version)),
    Row("variations:agree", "GET", "signed_in", _pk("variations:agree", "variation"),
        note="the confirmation page is shown to anyone signed in; the agreement is checked on POST"),
    Row("variations:agree", "POST", "owner_or_steward", _pk("variations:agree", "variation"),
        data=lambda w, s: {"version": w.variation[s].version}),
    Row("variations:activate", "GET", "signed_in", _pk("variations:activate", "variation"),
        prepare=_set_variation(VariationStatus.AGREED),
        note="the confirmation page is shown to anyone signed in; activation is checked on POST"),
    Row("variations:activate", "POST", "owner_or_steward", _pk("variations:activate", "variation"),
        prepare=_set_variation(VariationStatus.AGREED),
        data=lambda w, s: {"version": w.variation[s].version}),
    Row("variations:end", "GET", "signed_in", _pk("variations:end", "variation"),
        note="the confirmation page is shown to anyone signed in; ending is checked on POST"),
    Row("variations:end", "POST", "owner_or_steward", _pk("variations:end", "variation"),
        data=lambda w, s: {"version": w.variation[s].version, "reason": "Not needed."}),
    Row("variations:baseline", "GET", "partner_member", _z("variations:baseline")),
    Row("variations:baseline", "POST", "owner", _z("variations:baseline"), form_refusal=True,
        data=lambda w, s: {"organisation": w.org[s].pk, "service": "Libraries",
                           "statement": "Open 9 to 5."}),
    Row("variations:limits", "GET", "admin", _z("variations:limits")),
    Row("variations:limits", "POST", "admin", _z("variations:limits"),
        data=lambda w, s: {"allowed_subjects": ["asset"], "max_active": "3"}),
    Row("accountability:zone", "GET", "everyone", _z("accountability:zone")),
    Row("accountability:zone-pdf", "GET", "everyone", _z("accountability:zone-pdf")),
    Row("accountability:ward", "GET", "everyone",
        lambda w, s: reverse("accountability:ward", args=[w.ward_code]), sides=("-",)),
    Row("accountability:ward-pdf", "GET", "everyone",
        lambda w, s: reverse("accountability:ward-pdf", args=[w.ward_code]), sides=("-",)),
    Row("history:zone", "GET", "everyone", _z("history:zone")),
    Row("history:variation", "GET", "everyone", _pk("history:variation", "variation")),
    # ---- feeds ------------------------------------------------------------------------------
    Row("feeds:zones", "GET", "everyone", _fixed("feeds:zones"), sides=("-",)),
    Row("feeds:zone", "GET", "everyone", _z("feeds:zone")),
    Row("feeds:calendar", "GET", "everyone", _fixed("feeds:calendar"), sides=("-",)),
    Row("feeds:zone-calendar", "GET", "everyone", _z("feeds:zone-calendar")),
    # ---- pooled information -----------------------------------------------------------------
    Row("resources:zone", "GET", "everyone", _z("resources:zone")),
    Row("resources:assets-geojson", "GET", "everyone", _z("resources:assets-geojson")),
    Row("resources:export-360giving", "GET", "everyone", _z("resources:export-360giving")),
    Row("resources:export-openreferral", "GET", "everyone", _z("resources:export-openreferral")),
    Row("resources:export-budgets", "GET", "everyone", _z("resources:export-budgets")),
    Row("resources:export-datapackage", "GET", "everyone", _z("resources:export-datapackage")),
    Row("resources:plan-document", "GET", "everyone", _z("resources:plan-document", "plan")),
    *[row for kind in ("budget", "asset", "objective", "plan") for row in (
        Row(f"resources:{kind}-add", "GET", "partner_member", _z(f"resources:{kind}-add")),
        Row(f"resources:{kind}-add", "POST", "owner", _z(f"resources:{kind}-add"),
            data=_add(kind), form_refusal=True),
        Row(f"resources:{kind}-edit", "GET", "owner", _z(f"resources:{kind}-edit", kind)),
        Row(f"resources:{kind}-edit", "POST", "owner", _z(f"resources:{kind}-edit", kind),
            data=_edit(kind)),
    )],
    Row("resources:pledge-add", "GET", "partner_member", _z("resources:pledge-add"),
        note="A and B are a funder and a university: both may pledge"),
    Row("resources:pledge-add", "POST", "owner", _z("resources:pledge-add"), form_refusal=True,
        data=lambda w, s: {"organisation": w.org[s].pk, "kind": "money", "title": "Fund",
                           "amount": "100", "currency": "GBP", "visibility": "public"}),
    Row("resources:pledge-grant", "GET", "owner", _z("resources:pledge-grant", "pledge")),
    Row("resources:pledge-grant", "POST", "owner", _z("resources:pledge-grant", "pledge"),
        data=lambda w, s: {"version": w.pledge[s].version, "granted_amount": "100",
                           **_parts("granted_on", _today())}),
    Row("resources:pledge-withdraw", "GET", "owner", _z("resources:pledge-withdraw", "pledge")),
    Row("resources:pledge-withdraw", "POST", "owner", _z("resources:pledge-withdraw", "pledge"),
        data=lambda w, s: {"version": w.pledge[s].version, "reason": "Budget cut."}),
    Row("resources:import", "GET", "partner_member", _z("resources:import")),
    Row("resources:import", "POST", "owner", _z("resources:import"), data=_csv_upload,
        form_refusal=True, audited=False, stores=False, ok=200,
        note="the upload only previews (kept in the uploader's session); confirming writes"),
    Row("resources:import-confirm", "GET", None, note="POST only (405)"),
    Row("resources:import-confirm", "POST", "nobody_without_session", _z("resources:import-confirm"),
        data=lambda w, s: {"token": "not-a-token-from-this-session"},
        note="the token is one the same session got from its own preview; any other is a 400"),
    # ---- evidence ---------------------------------------------------------------------------
    Row("outcomes:outcome", "GET", "everyone", _z("outcomes:outcome", "outcome")),
    Row("outcomes:zone_sroi", "GET", "everyone", _z("outcomes:zone_sroi")),
    Row("outcomes:zone_sroi", "POST", "steward", _z("outcomes:zone_sroi"), ok=302,
        data=lambda w, s: {"input": _sroi_input(), "save": "on", "title": "Year one",
                           "period": "FY 2024/25"},
        special={(r, s): 200 for r in ROLES[:5] for s in SIDES if not (r == "steward" and s == "A")},
        note="anyone may calculate (200, nothing saved); only stewards may save"),
    Row("outcomes:sroi_detail", "GET", "steward", _z("outcomes:sroi_detail", "analysis"),
        note="an unpublished analysis is the stewards' only"),
    Row("outcomes:sroi_detail", "POST", "steward", _z("outcomes:sroi_detail", "analysis"),
        data=lambda w, s: {"version": w.analysis[s].version}),
    Row("outcomes:indicator_new", "GET", "steward", _z("outcomes:indicator_new", "outcome")),
    Row("outcomes:indicator_new", "POST", "steward", _z("outcomes:indicator_new", "outcome"),
        data=lambda w, s: {"name": "Walkers", "definition": "People walking", "unit": "people",
                           "polarity": "higher", "source": "Count", "licence": "OGL",
                           "geography_level": "zone", "aggregation": "sum"}),
    Row("outcomes:indicator_edit", "GET", "steward", _z("outcomes:indicator_edit", "indicator")),
    Row("outcomes:indicator_edit", "POST", "steward", _z("outcomes:indicator_edit", "indicator"),
        data=lambda w, s: {"name": "Walkers", "definition": "People walking", "unit": "%",
                           "polarity": "higher", "source": "Count", "licence": "OGL",
                           "geography_level": "zone", "aggregation": "mean",
                           "version": w.indicator[s].version}),
    Row("outcomes:indicator_baseline", "GET", "steward", _z("outcomes:indicator_baseline", "indicator")),
    Row("outcomes:indicator_baseline", "POST", "steward", _z("outcomes:indicator_baseline", "indicator"),
        data=lambda w, s: {"baseline_value": "30", "version": w.indicator[s].version,
                           **_parts("baseline_date", dt.date(2024, 1, 1))}),
    Row("outcomes:measurement_new", "GET", "steward", _z("outcomes:measurement_new", "indicator")),
    Row("outcomes:measurement_new", "POST", "steward", _z("outcomes:measurement_new", "indicator"),
        data=lambda w, s: {"period": "2025", "value": "40"}),
    Row("outcomes:comparison_choose", "GET", "steward", _z("outcomes:comparison_choose", "indicator")),
    Row("outcomes:comparison_choose", "POST", "steward", _z("outcomes:comparison_choose", "indicator"),
        data=lambda w, s: {"codes": w.lsoa_code}),
    Row("outcomes:lesson_new", "GET", "steward", _z("outcomes:lesson_new", "review")),
    Row("outcomes:lesson_new", "POST", "steward", _z("outcomes:lesson_new", "review"),
        data=lambda w, s: {"title": "Walks work", "what_worked": "Early walks."}),
    Row("outcomes:lesson_publish", "GET", None, note="POST only (405)"),
    Row("outcomes:lesson_publish", "POST", "steward", _z("outcomes:lesson_publish", "lesson"),
        data=lambda w, s: {}),
    Row("outcomes:adoption_new", "GET", "steward", _z("outcomes:adoption_new", "variation"),
        prepare=_set_variation(VariationStatus.ACTIVE)),
    Row("outcomes:adoption_new", "POST", "steward", _z("outcomes:adoption_new", "variation"),
        prepare=_set_variation(VariationStatus.ACTIVE),
        data=lambda w, s: {"adopted_beyond": "Solihull", **_parts("adopted_on", _today())}),
    Row("outcomes:sroi_calculate", "POST", "everyone", _fixed("outcomes:sroi_calculate"), sides=("-",),
        data="sroi-json", audited=False, stores=False, ok=200, note="a calculator: stores nothing"),
    Row("outcomes:sroi_calculate", "GET", None, note="POST only (405)"),
    # ---- engagement -------------------------------------------------------------------------
    Row("engagement:suggestions", "GET", "everyone", _fixed("engagement:suggestions"), sides=("-",)),
    Row("engagement:suggestion", "GET", "everyone",
        lambda w, s: reverse("engagement:suggestion", args=[w.suggestion.pk]), sides=("-",)),
    Row("engagement:suggestion-new", "GET", "signed_in", _fixed("engagement:suggestion-new"), sides=("-",)),
    Row("engagement:suggestion-new", "POST", "signed_in", _fixed("engagement:suggestion-new"), sides=("-",),
        data="suggestion"),
    Row("engagement:suggestion-support", "GET", None, note="POST only (405)"),
    Row("engagement:suggestion-support", "POST", "signed_in",
        lambda w, s: reverse("engagement:suggestion-support", args=[w.suggestion.pk]),
        sides=("-",), data=lambda w, s: {}, audited=False,
        note="a person's support is counted, not audited"),
    Row("engagement:suggestion-to-zone", "GET", "admin",
        lambda w, s: reverse("engagement:suggestion-to-zone", args=[w.suggestion.pk]), sides=("-",)),
    Row("engagement:suggestion-to-zone", "POST", "admin",
        lambda w, s: reverse("engagement:suggestion-to-zone", args=[w.suggestion.pk]), sides=("-",),
        data=lambda w, s: {"name": "Library hub zone", "summary": "S.", "intention": "I.",
                           **_parts("review_date", _today() + dt.timedelta(days=400))}),
    Row("engagement:suggestion-decline", "GET", "admin",
        lambda w, s: reverse("engagement:suggestion-decline", args=[w.suggestion.pk]), sides=("-",)),
    Row("engagement:suggestion-decline", "POST", "admin",
        lambda w, s: reverse("engagement:suggestion-decline", args=[w.suggestion.pk]), sides=("-",),
        data=lambda w, s: {"reason": "Covered by another zone."}),
    Row("engagement:ideas", "GET", "everyone", _z("engagement:ideas")),
    Row("engagement:idea", "GET", "everyone", _z("engagement:idea", "idea")),
    Row("engagement:idea-new", "GET", "signed_in", _z("engagement:idea-new")),
    Row("engagement:idea-new", "POST", "signed_in", _z("engagement:idea-new"),
        data=lambda w, s: {"role": "resident", "organisation": w.org[s].pk, "title": "Open late",
                           "obstacle": "Closes at 5.", "proposal": "Open till 8."}),
    Row("engagement:idea-answer", "GET", "owner", _z("engagement:idea-answer", "idea")),
    Row("engagement:idea-answer", "POST", "owner", _z("engagement:idea-answer", "idea"),
        data=lambda w, s: {"decision": "later", "reason": "Next year."}),
    Row("engagement:idea-adopt", "GET", "owner", _z("engagement:idea-adopt", "idea")),
    Row("engagement:idea-adopt", "POST", "owner", _z("engagement:idea-adopt", "idea"),
        data=_variation_form),
    Row("engagement:meetings", "GET", "everyone", _z("engagement:meetings")),
    Row("engagement:meeting", "GET", "everyone", _pk("engagement:meeting", "meeting")),
    Row("engagement:meeting-ics", "GET", "everyone", _pk("engagement:meeting-ics", "meeting")),
    Row("engagement:meeting-new", "GET", "steward", _z("engagement:meeting-new")),
    Row("engagement:meeting-new", "POST", "steward", _z("engagement:meeting-new"),
        data=lambda w, s: {"title": "Open meeting", "start_time": "18:30", "end_time": "20:00",
                           "place": "Library", "agenda": "Plans.",
                           **_parts("date", _today() + dt.timedelta(days=20))}),
    Row("engagement:meeting-record", "GET", "steward", _pk("engagement:meeting-record", "meeting")),
    Row("engagement:meeting-record", "POST", "steward", _pk("engagement:meeting-record", "meeting"),
        data=lambda w, s: {"version": w.meeting[s].version, "minutes": "We met.",
                           "attended_residents": "5"}),
    Row("engagement:follow-zone", "GET", None, note="POST only (405)"),
    Row("engagement:follow-zone", "POST", "signed_in", _z("engagement:follow-zone"),
        data=lambda w, s: {}, audited=False,
        note="a personal subscription, kept out of the public trail"),
    Row("engagement:follows", "GET", "signed_in", _fixed("engagement:follows"), sides=("-",)),
    Row("engagement:follows", "POST", "owner", _fixed("engagement:follows"), prepare=_follow,
        data=lambda w, s: {"remove": Follow.objects.get(user=w.users[_member(s)]).pk},
        audited=False,
        note="removing a follow: only its own person (someone else's is a 404); not audited"),
    Row("engagement:comment-add", "GET", None, note="POST only (405)"),
    Row("engagement:comment-add", "POST", "signed_in",
        lambda w, s: reverse("engagement:comment-add", args=["zone", w.zone[s].pk]),
        data=lambda w, s: {"body": "I agree."}),
    Row("engagement:comment-report", "GET", "signed_in", _pk("engagement:comment-report", "comment")),
    Row("engagement:comment-report", "POST", "signed_in", _pk("engagement:comment-report", "comment"),
        data=lambda w, s: {"reason": "Rude."}),
    Row("engagement:comment-moderate", "GET", "admin", _pk("engagement:comment-moderate", "comment")),
    Row("engagement:comment-moderate", "POST", "admin", _pk("engagement:comment-moderate", "comment"),
        data=lambda w, s: {"decision": "hide", "reason": "Off topic."}),
    Row("engagement:comments-review", "GET", "admin", _fixed("engagement:comments-review"), sides=("-",)),
    # ---- accounts ---------------------------------------------------------------------------
    Row("accounts:sign-in", "GET", "everyone", _fixed("accounts:sign-in"), sides=("-",)),
    Row("accounts:sign-in", "POST", None, note="credentials, not authorisation: accounts tests"),
    Row("accounts:sign-up", "GET", "everyone", _fixed("accounts:sign-up"), sides=("-",)),
    Row("accounts:sign-up", "POST", None, note="credentials, not authorisation: accounts tests"),
    Row("accounts:sign-out", "POST", None, note="ends the person's own session only"),
    Row("accounts:profile", "GET", "signed_in", _fixed("accounts:profile"), sides=("-",)),
    Row("tokens:list", "GET", "signed_in", _fixed("tokens:list"), sides=("-",)),
    Row("tokens:list", "POST", "owner", _fixed("tokens:list"), ok=201, form_refusal=True,
        data=lambda w, s: {"name": "Laptop", "organisations": [str(w.org[s].pk)]},
        note="a token only for organisations the person belongs to"),
    Row("tokens:revoke", "GET", None, note="POST only (405)"),
    Row("tokens:revoke", "POST", "owner", _pk("tokens:revoke", "token"), data=lambda w, s: {}),
    Row("engagement:verify-email-send", "POST", "signed_in", _fixed("engagement:verify-email-send"),
        sides=("-",), data=lambda w, s: {}, audited=False, stores=False,
        note="emails the person themself"),
    Row("engagement:verify-email", "GET", "everyone",
        lambda w, s: reverse("engagement:verify-email", args=[w.verify_token]), sides=("-",),
        note="the signed token is the authority"),
    Row("engagement:profile-edit", "GET", "signed_in", _fixed("engagement:profile-edit"), sides=("-",)),
    Row("engagement:profile-edit", "POST", "signed_in", _fixed("engagement:profile-edit"), sides=("-",),
        data=lambda w, s: {"display_name": "New name", "frequency": "weekly"}),
    Row("engagement:password-reset", "GET", "everyone", _fixed("engagement:password-reset"), sides=("-",)),
    Row("engagement:password-reset", "POST", None, note="credentials, not authorisation: engagement tests"),
    Row("engagement:password-reset-sent", "GET", "everyone", _fixed("engagement:password-reset-sent"), sides=("-",)),
    Row("engagement:password-reset-confirm", "GET", "everyone",
        _fixed("engagement:password-reset-confirm", "MQ", "bad-token"), sides=("-",),
        note="a bad link shows the 'link expired' page to everyone"),
    Row("engagement:password-reset-complete", "GET", "everyone", _fixed("engagement:password-reset-complete"), sides=("-",)),
    Row("engagement:unsubscribe", "GET", "everyone",
        lambda w, s: reverse("engagement:unsubscribe", args=[w.unsubscribe_token]), sides=("-",),
        note="the signed token is the authority (one-click unsubscribe from email)"),
    Row("engagement:unsubscribe", "POST", "everyone",
        lambda w, s: reverse("engagement:unsubscribe", args=[w.unsubscribe_token]), sides=("-",),
        data=lambda w, s: {}, audited=False, ok=200,
        stores=False, note="the token's person stops all email (an unversioned setting); not audited"),
    Row("engagement:privacy", "GET", "signed_in", _fixed("engagement:privacy"), sides=("-",)),
    Row("engagement:privacy-download", "GET", "signed_in", _fixed("engagement:privacy-download"), sides=("-",),
        note="the person's own data only"),
    Row("engagement:account-delete", "GET", "signed_in", _fixed("engagement:account-delete"), sides=("-",)),
    Row("engagement:account-delete", "POST", "signed_in", _fixed("engagement:account-delete"), sides=("-",),
        data=lambda w, s: {"password": "a-long-test-password"}, audited="any",
        note="the person's own account (the event outlives the account)"),
    # ---- API: documents beside the typed API, and aliases -----------------------------------
    Row("api:openapi-json", "GET", "everyone", lambda w, s: "/api/v1/openapi.json", sides=("-",)),
    Row("api:openapi-view", "GET", "everyone", lambda w, s: "/api/v1/docs", sides=("-",)),
    Row("api:api-root", "GET", "everyone", lambda w, s: "/api/v1/", sides=("-",), ok=404,
        note="django-ninja's root: nothing there, for everyone"),
    Row("api:not-found", "GET", "everyone", lambda w, s: "/api/v1/no/such/thing", sides=("-",), ok=404),
    # ---- API operations (keys are "METHOD path" from the OpenAPI document) -------------------
    Row("GET /api/v1/zones", "GET", "everyone", lambda w, s: "/api/v1/zones", sides=("-",), api=True),
    Row("GET /api/v1/zones/{slug}", "GET", "everyone", lambda w, s: f"/api/v1/zones/{w.zone[s].slug}", api=True),
    Row("GET /api/v1/zones/{slug}/boundary", "GET", "everyone",
        lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/boundary", api=True),
    Row("GET /api/v1/zones/{slug}/fringe", "GET", "everyone",
        lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/fringe", api=True),
    Row("GET /api/v1/zones/{slug}/history", "GET", "everyone",
        lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/history", api=True),
    Row("GET /api/v1/zones/{slug}/outcomes", "GET", "everyone",
        lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/outcomes", api=True),
    Row("GET /api/v1/zones/{slug}/grade", "GET", "everyone",
        lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/grade", api=True),
    Row("GET /api/v1/variations", "GET", "everyone", lambda w, s: "/api/v1/variations", sides=("-",), api=True),
    Row("GET /api/v1/variations/{id}", "GET", "everyone",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}", api=True),
    Row("GET /api/v1/variations/{id}/history", "GET", "everyone",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}/history", api=True),
    Row("GET /api/v1/organisations", "GET", "everyone", lambda w, s: "/api/v1/organisations", sides=("-",), api=True),
    Row("GET /api/v1/organisations/{slug}", "GET", "everyone",
        lambda w, s: f"/api/v1/organisations/{w.org[s].slug}", api=True),
    Row("GET /api/v1/reviews", "GET", "everyone", lambda w, s: "/api/v1/reviews", sides=("-",), api=True),
    Row("GET /api/v1/reviews/{id}", "GET", "everyone",
        lambda w, s: f"/api/v1/reviews/{w.review[s].pk}", api=True),
    Row("GET /api/v1/budgets", "GET", "everyone", lambda w, s: "/api/v1/budgets", sides=("-",), api=True),
    Row("GET /api/v1/lookup", "GET", "everyone", lambda w, s: "/api/v1/lookup?lat=52.43&lon=-1.925",
        sides=("-",), api=True),
    Row("GET /api/v1/export/zones.geojson", "GET", "everyone", lambda w, s: "/api/v1/export/zones.geojson",
        sides=("-",), api=True),
    Row("GET /api/v1/export/zones.csv", "GET", "everyone", lambda w, s: "/api/v1/export/zones.csv",
        sides=("-",), api=True),
    # Writes need a token; only members of an organisation can make one (scoped to it), so the
    # resident, the steward and the admins have none and are refused with 401.
    Row("POST /api/v1/variations", "POST", "owner", lambda w, s: "/api/v1/variations", api=True,
        data=lambda w, s: _variation_api(w, s, zone=w.zone[s].slug, owner=w.org[s].slug), ok=201),
    Row("PUT /api/v1/variations/{id}", "PUT", "owner",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}", api=True, ok=200,
        data=lambda w, s: _variation_api(w, s, title="Bins on Sundays and holidays")),
    Row("POST /api/v1/variations/{id}/agree", "POST", "owner",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}/agree", api=True, ok=200,
        data=lambda w, s: {}),
    Row("POST /api/v1/variations/{id}/activate", "POST", "owner",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}/activate", api=True, ok=200,
        prepare=_set_variation(VariationStatus.AGREED), data=lambda w, s: {}),
    Row("POST /api/v1/variations/{id}/end", "POST", "owner",
        lambda w, s: f"/api/v1/variations/{w.variation[s].pk}/end", api=True, ok=200,
        data=lambda w, s: {"reason": "Not needed."}),
    Row("POST /api/v1/sroi/calculate", "POST", "everyone", lambda w, s: "/api/v1/sroi/calculate", sides=("-",),
        api=True, data="sroi-json", audited=False, stores=False, ok=200, note="a calculator: stores nothing, needs no token"),
    *[Row(f"GET /api/v1/zones/{{slug}}/export/{name}", "GET", "everyone",
          (lambda n: lambda w, s: f"/api/v1/zones/{w.zone[s].slug}/export/{n}")(name), api=True)
      for name in ("360giving.json", "openreferral.json", "budgets.csv")],
    *[row for kind in ("budget", "asset", "objective", "plan") for row in (
        Row(f"GET /api/v1/{kind}s", "GET", "everyone", (lambda k: lambda w, s: f"/api/v1/{k}s")(kind),
            sides=("-",), api=True),
        Row(f"GET /api/v1/{kind}s/{{id}}", "GET", "everyone",
            (lambda k: lambda w, s: f"/api/v1/{k}s/{getattr(w, k)[s].pk}")(kind), api=True),
        Row(f"POST /api/v1/{kind}s", "POST", "owner", (lambda k: lambda w, s: f"/api/v1/{k}s")(kind),
            api=True, ok=201, data=(lambda k: lambda w, s: _record_api(k) | {"zone": w.zone[s].slug, "organisation": w.org[s].slug})(kind)),
        Row(f"PUT /api/v1/{kind}s/{{id}}", "PUT", "owner",
            (lambda k: lambda w, s: f"/api/v1/{k}s/{getattr(w, k)[s].pk}")(kind), api=True, ok=200,
            data=(lambda k: lambda w, s: _record_api(k))(kind), if_match=kind),
    )],
    Row("POST /api/v1/plans/{id}/document", "POST", "owner",
        lambda w, s: f"/api/v1/plans/{w.plan[s].pk}/document", api=True, ok=200, data=_pdf_upload,
        if_match="plan", post_if_match=True, note="multipart/form-data: the same PDF rules as the web form"),
    Row("GET /api/v1/pledges", "GET", "everyone", lambda w, s: "/api/v1/pledges", sides=("-",), api=True),
    Row("GET /api/v1/pledges/{id}", "GET", "everyone", lambda w, s: f"/api/v1/pledges/{w.pledge[s].pk}", api=True),
    Row("POST /api/v1/pledges", "POST", "owner", lambda w, s: "/api/v1/pledges", api=True, ok=201,
        data=_pledge_api, note="A and B are a funder and a university: both may pledge"),
    Row("POST /api/v1/pledges/{id}/grant", "POST", "owner",
        lambda w, s: f"/api/v1/pledges/{w.pledge[s].pk}/grant", api=True, ok=200,
        data=lambda w, s: {"granted_on": _today().isoformat(),
                           "granted_amount": {"amount": "100", "currency": "GBP"}},
        if_match="pledge", post_if_match=True),
    Row("POST /api/v1/pledges/{id}/withdraw", "POST", "owner",
        lambda w, s: f"/api/v1/pledges/{w.pledge[s].pk}/withdraw", api=True, ok=200,
        data=lambda w, s: {"reason": "Budget cut."}, if_match="pledge", post_if_match=True),
    Row("POST /api/v1/indicators/{id}/measurements", "POST", "steward",
        lambda w, s: f"/api/v1/indicators/{w.indicator[s].pk}/measurements", api=True, ok=201,
        data=lambda w, s: {"period": "2025", "value": "41.5"},
        note="steward work: a token made for it, by a steward of the indicator's zone"),
    *[Row(f"GET /api/v1/{name}s", "GET", "everyone", (lambda n: lambda w, s: f"/api/v1/{n}s")(name),
          sides=("-",), api=True) for name in ("meeting", "suggestion", "idea")],
    Row("GET /api/v1/meetings/{id}", "GET", "everyone", lambda w, s: f"/api/v1/meetings/{w.meeting[s].pk}", api=True),
    Row("GET /api/v1/ideas/{id}", "GET", "everyone", lambda w, s: f"/api/v1/ideas/{w.idea[s].pk}", api=True),
    Row("GET /api/v1/suggestions/{id}", "GET", "everyone",
        lambda w, s: f"/api/v1/suggestions/{w.suggestion.pk}", sides=("-",), api=True),
    *[Row("GET /api/v1/history/{kind}/{id}", "GET", "everyone",
          (lambda k, a: lambda w, s: f"/api/v1/history/{k}/{getattr(w, a)[s].pk}")(kind, attr), api=True)
      for kind, attr in (("budgets", "budget"), ("plans", "plan"), ("meetings", "meeting"), ("ideas", "idea"))],
    Row("GET /api/v1/history/{kind}/{id}", "GET", "everyone",
        lambda w, s: f"/api/v1/history/budgets/{w.private_budget.pk}", sides=("-",), api=True, ok=404,
        note="a partners-only record has no public history"),
    # ---- Django admin: one family, staff only -----------------------------------------------
    Row("admin:*", "GET", "site_admin", lambda w, s: "/admin/", sides=("-",), admin_login=True,
        note="every admin:… route; staff only (council admins are not staff)"),
    Row("admin:*", "GET", "site_admin", lambda w, s: "/admin/zones/zone/", sides=("-",),
        admin_login=True),
]
# fmt: on

RULES["nobody_without_session"] = lambda r, s: False

# --- enumerating what exists -------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def _as_openapi(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def openapi_operations() -> set[str]:
    from sizes.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def existing_keys() -> set[str]:
    """Every route (by name, or by path when it has none) and every API operation."""
    operations = openapi_operations()
    operation_paths = {op.split(" ", 1)[1] for op in operations}
    keys = set(operations)
    for route, name in _walk(get_resolver().url_patterns):
        if (name and name.startswith("admin:")) or route.startswith("admin/"):
            keys.add("admin:*")
        elif name and name.startswith("api:") and _as_openapi(route) in operation_paths:
            continue  # covered by its operations
        else:
            keys.add(name or "/" + route)
    return keys


def test_every_route_is_in_the_matrix():
    in_matrix = {row.key for row in MATRIX}
    missing = sorted(existing_keys() - in_matrix)
    stale = sorted(in_matrix - existing_keys())
    assert not missing, f"Routes with no row in the authorisation matrix: {missing}"
    assert not stale, f"Matrix rows for routes that no longer exist: {stale}"


def test_rows_are_well_formed():
    for row in MATRIX:
        assert row.who is None or row.who in RULES, row
        assert row.who is None or row.url is not None, row
        assert row.who is not None or row.note, f"{row.key} {row.method}: say why it is n/a"
        assert row.method in ("GET", "POST", "PUT"), row
        assert (row.method == "GET") == (row.data is None) or row.who is None, row


# --- running a row -----------------------------------------------------------------------------


# Rules that do not depend on whose object it is: side A alone answers for both, since the
# roles already include a member of its owner (member_a) and of the other side (member_b).
SIDE_BLIND = {"everyone", "signed_in", "admin", "site_admin", "partner_member",
              "nobody_without_session"}  # fmt: skip


def _sides(row: Row) -> tuple[str, ...]:
    if row.who in SIDE_BLIND and not row.special:
        return row.sides[:1]
    return row.sides


def _cases():
    for row in MATRIX:
        if row.who is None:
            continue
        for role in ROLES:
            for side in _sides(row):
                rid = f"{row.key}|{row.method}|{role}|{side}"
                marks = [pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else []
                yield pytest.param(row, role, side, id=rid, marks=marks)


def expected(row: Row, role: str, side: str):
    """True (allowed), False (refused), or an exact status for this role and side."""
    if (role, side) in row.special:
        return row.special[(role, side)]
    return RULES[row.who](role, side)


_FINGERPRINT_SQL: list[str] = []


def fingerprint() -> list:
    """Row counts, newest ids, version sums and newest update times of every table the
    project owns (not the audit trail, compared separately): any write shows up here. One
    query, so it is cheap enough to take before and after every write."""
    if not _FINGERPRINT_SQL:
        parts = []
        for model in apps.get_models():
            if not model.__module__.startswith("sizes.") or model._meta.app_label == "audit":
                continue
            names = {f.name: f for f in model._meta.concrete_fields}
            pk = connection.ops.quote_name(model._meta.pk.column)
            version = (
                f"SUM({connection.ops.quote_name(names['version'].column)})"
                if "version" in names
                else "0"
            )
            updated = (
                f"MAX({connection.ops.quote_name(names['updated_at'].column)})"
                if "updated_at" in names
                else "NULL"
            )
            # Names come from the model registry and are quoted: no outside input.
            parts.append(
                f"SELECT '{model._meta.label}', COUNT(*), MAX({pk}), {version}, "  # noqa: S608
                f"CAST({updated} AS VARCHAR(64)) FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
        _FINGERPRINT_SQL.append(" UNION ALL ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL[0])
        return sorted(cursor.fetchall())


def _changes_since(last_id: int):
    """Audit events after `last_id` that record a change (not a refused attempt)."""
    return [
        e
        for e in AuditEvent.objects.filter(pk__gt=last_id)
        if "refused" not in e.action and "denied" not in e.action
    ]


def _body(w: World, row: Row, side: str):
    if row.data == "sroi-json":
        return _sroi_input()
    if row.data == "suggestion":
        from sizes.zones.models import Theme
        from sizes.zones.services import themes_ensure_defaults

        themes_ensure_defaults()
        return {
            "place": "The old bus depot",
            "why": "Empty for years.",
            "themes": [Theme.objects.filter(is_default=True).first().slug],
            "lat": "52.43",
            "lon": "-1.925",
        }
    return row.data(w, side)


def _send(client, w: World, row: Row, role: str, side: str):
    url = row.url(w, side)
    user = w.user(role)
    if row.api:
        headers = {}
        if role in w.role_secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {w.role_secret[role]}"
        if row.method == "GET":
            return client.get(url, **headers)
        body = _body(w, row, side)
        if row.method == "PUT" or row.post_if_match:
            headers["HTTP_IF_MATCH"] = f'"{getattr(w, row.if_match)[side].version}"'
        if isinstance(body, dict) and any(isinstance(v, SimpleUploadedFile) for v in body.values()):
            return client.post(url, body, **headers)  # a file upload: multipart/form-data
        payload = body if isinstance(body, str) else json.dumps(body)
        return client.generic(row.method, url, payload, content_type="application/json", **headers)
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    if row.method == "GET":
        return client.get(url)
    body = _body(w, row, side)
    if isinstance(body, str):
        return client.post(url, body, content_type="application/json")
    return client.post(url, body)


def _refreshed(w: World, side: str) -> None:
    """Reload the side's objects whose versions a payload reads (a prepare step may move them)."""
    if side not in SIDES:
        return
    for attr in ("zone", "variation", "meeting", "pledge", "indicator", "analysis",
                 "budget", "asset", "objective", "plan"):  # fmt: skip
        getattr(w, attr)[side].refresh_from_db()


def _is_sign_in_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("accounts:sign-in")) or location.startswith("/admin/login/")
    )


@pytest.mark.parametrize(("row", "role", "side"), list(_cases()))
def test_matrix(client, world, row, role, side):
    w = world
    if row.prepare:
        row.prepare(w, side)
    want = expected(row, role, side)
    writing = row.method != "GET"
    before = last_event = None
    if writing:
        _refreshed(w, side)
        before = fingerprint()
        last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = _send(client, w, row, role, side)
    status = response.status_code
    where = f"{row.key} {row.method} as {role} on {side}: {status}"

    if want is True:
        assert not _is_sign_in_redirect(response), f"{where}: sent to sign in"
        if row.ok is not None:
            assert status == row.ok, f"{where}, expected {row.ok}: {_snippet(response)}"
        else:
            assert status in (200, 201, 204, 302, 303), f"{where}: {_snippet(response)}"
        if writing and row.audited:
            events = _changes_since(last_event)
            if row.audited == "any":
                assert events, f"{where}: no audit event"
            else:
                user = w.user(role)
                assert any(e.actor_id == user.pk for e in events), f"{where}: no audit event"
        elif writing and row.stores:
            assert fingerprint() != before, f"{where}: allowed, yet nothing was stored"
        if not writing and row.who == "everyone" and role in ("anonymous", "resident"):
            text = _text(response)
            for secret in w.private_strings:
                assert secret not in text, f"{where}: the page shows private {secret!r}"
        return

    if want is False:
        refused = {401, 403, 404} | ({400} if row.form_refusal else set())
        if row.who == "nobody_without_session":
            refused |= {400}
        to_sign_in = _is_sign_in_redirect(response) and (role == "anonymous" or row.admin_login)
        assert status in refused or to_sign_in, f"{where} should be refused: {_snippet(response)}"
    else:
        assert status == want, f"{where}, expected {want}: {_snippet(response)}"
    if writing:
        assert fingerprint() == before, f"{where}: refused, yet the database changed"
        assert not _changes_since(last_event), f"{where}: refused, yet a change was audited"


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _snippet(response) -> str:
    if response.get("Location"):
        return "→ " + response["Location"]
    text = _text(response)
    errors = re.findall(r"(?:error-message|error-summary__list)[^>]*>(.*?)</", text, re.S)
    if errors:
        return " | ".join(" ".join(e.split()) for e in errors)[:500]
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:300]

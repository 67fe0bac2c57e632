import datetime as dt
from decimal import Decimal

import pytest

from sizes.audit.models import AuditEvent
from sizes.core.errors import Conflict, DomainError, NotAllowed
from sizes.resources import services
from sizes.resources.models import Budget, Pledge, PledgeStatus
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db


def codes(exc) -> set[str]:
    return {p.code for p in exc.details} or {exc.code}


# --- budgets ---------------------------------------------------------------------------------


def test_partner_member_records_a_budget_for_a_financial_year(zone, council, council_signer):
    budget = b.budget(council_signer, zone, council)
    assert (budget.period_start, budget.period_end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert budget.period_label == "2025-26"
    assert budget.zone_amount == Decimal("10000.00")
    assert AuditEvent.objects.filter(action="budget.created", object_id=str(budget.pk)).exists()


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"amount": "-5"}, "amount_negative"),
        ({"amount": "5000000000000"}, "amount_absurd"),
        ({"amount": "lots"}, "amount_invalid"),
        ({"currency": "ZZZ"}, "currency_unknown"),
        ({"zone_share_percent": "120"}, "percent_out_of_range"),
        ({"zone_share_percent": "-1"}, "percent_out_of_range"),
        (
            {"financial_year": "", "period_start": dt.date(2025, 4, 1),
             "period_end": dt.date(2025, 3, 1)},
            "period_ends_before_start",
        ),
        ({"financial_year": "2025-27"}, "financial_year_invalid"),
        ({"zone_share_amount": "200000", "zone_share_percent": ""}, "share_more_than_amount"),
        ({"zone_share_amount": "1", "zone_share_percent": "5"}, "share_both"),
        ({"kind": "gift"}, "kind_invalid"),
        ({"visibility": "secret"}, "visibility_invalid"),
    ],
)  # fmt: skip
def test_bad_budget_input_gets_a_specific_error_and_nothing_is_stored(
    zone, council, council_signer, fields, code
):
    with pytest.raises(DomainError) as exc:
        b.budget(council_signer, zone, council, **fields)
    assert code in codes(exc.value)
    assert not Budget.objects.exists()


def test_every_problem_is_reported_at_once(zone, council, council_signer):
    with pytest.raises(DomainError) as exc:
        b.budget(council_signer, zone, council, amount="-1", currency="XYZ", service="")
    assert {"amount_negative", "currency_unknown", "service_required"} <= codes(exc.value)


def test_only_members_of_a_partner_organisation_write_its_budgets(
    zone, council, outsider, outsider_org, resident, community_signer
):
    for actor, org in [(outsider, outsider_org), (resident, council), (community_signer, council)]:
        with pytest.raises(NotAllowed):
            b.budget(actor, zone, org)
    assert not Budget.objects.exists()


def test_editing_another_organisations_budget_is_refused_and_audited(
    zone, council, council_signer, community_signer
):
    budget = b.budget(council_signer, zone, council)
    with pytest.raises(NotAllowed):
        services.budget_update(
            actor=community_signer,
            budget=budget,
            expected_version=1,
            service="Stolen",
            financial_year="2025-26",
            amount="1",
            currency="GBP",
            zone_share_percent="1",
            share_basis="x",
            kind="new",
        )
    budget.refresh_from_db()
    assert budget.service == "Parks maintenance"
    event = AuditEvent.objects.get(action="budget.refused")
    assert event.actor_id == community_signer.pk and event.zone_id == zone.pk


def test_budget_edit_uses_the_version_and_reports_conflicts(zone, council, council_signer):
    budget = b.budget(council_signer, zone, council)
    fields = {
        "service": "Parks",
        "financial_year": "2026-27",
        "amount": "1200",
        "currency": "GBP",
        "zone_share_amount": "600",
        "share_basis": "Half the parks are in the zone.",
        "kind": "new",
        "visibility": "partners",
    }
    updated = services.budget_update(
        actor=council_signer, budget=budget, expected_version=1, **fields
    )
    assert (updated.version, updated.visibility, updated.zone_amount) == (
        2,
        "partners",
        Decimal("600.00"),
    )
    with pytest.raises(Conflict):
        services.budget_update(actor=council_signer, budget=budget, expected_version=1, **fields)


def test_the_same_budget_twice_is_a_duplicate(zone, council, council_signer):
    b.budget(council_signer, zone, council)
    with pytest.raises(DomainError) as exc:
        b.budget(council_signer, zone, council)
    assert exc.value.code == "duplicate"


# --- assets ----------------------------------------------------------------------------------


def test_asset_with_a_point_or_an_area(zone, council, council_signer):
    park = b.asset(council_signer, zone, council)
    assert (park.lat, park.lon, park.area) == (52.4193, -1.9278, None)
    square = {
        "type": "Polygon",
        "coordinates": [
            [[-1.929, 52.418], [-1.926, 52.418], [-1.926, 52.420], [-1.929, 52.420],
             [-1.929, 52.418]]
        ],
    }  # fmt: skip
    area = b.asset(council_signer, zone, council, name="Area", lat="", lon="", area=square)
    assert area.area["type"] == "MultiPolygon" and area.lat is None


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"lat": "95", "lon": "0"}, "coordinates_out_of_range"),
        ({"lat": "north", "lon": "0"}, "coordinates_invalid"),
        ({"area": "{not json"}, "location_both"),
        ({"lat": "", "lon": "", "area": "{not json"}, "geojson_malformed"),
        ({"contact_route": "Ring Sam on 07700 900123"}, "contact_route_personal"),
        ({"kind": "spaceship"}, "kind_invalid"),
    ],
)
def test_bad_asset_input(zone, council, council_signer, fields, code):
    with pytest.raises(DomainError) as exc:
        b.asset(council_signer, zone, council, **fields)
    assert code in codes(exc.value)


def test_editing_another_organisations_asset_is_refused_and_audited(
    zone, council, council_signer, community_signer
):
    asset = b.asset(council_signer, zone, council)
    with pytest.raises(NotAllowed):
        services.asset_update(
            actor=community_signer, asset=asset, kind="park", name="Mine", description="x"
        )
    assert AuditEvent.objects.filter(action="asset.refused").count() == 1


# --- objectives and plans --------------------------------------------------------------------


def test_objective_create_edit_and_refusal(zone, council, council_signer, community_signer):
    o = b.objective(council_signer, zone, council, visibility="partners")
    o = services.objective_update(
        actor=council_signer, objective=o, expected_version=1, title="Fewer falls",
        summary="Falls prevention", link="https://example.org/o",
    )  # fmt: skip
    assert (o.title, o.visibility, o.version) == ("Fewer falls", "public", 2)
    with pytest.raises(NotAllowed):
        services.objective_update(actor=community_signer, objective=o, title="x", summary="y")
    assert AuditEvent.objects.filter(action="objective.refused").exists()
    with pytest.raises(DomainError) as exc:
        b.objective(council_signer, zone, council, link="javascript:alert(1)")
    assert exc.value.code == "link_invalid"


def test_plan_with_a_pdf_is_stored_under_a_random_name(zone, council, council_signer, settings):
    plan = b.plan(council_signer, zone, council, document=b"%PDF-1.4\n%%EOF\n")
    path = services.plan_document_path(plan)
    assert path is not None and path.read_bytes().startswith(b"%PDF-")
    assert path.parent == settings.SIZES_UPLOAD_DIR / "plans"
    assert len(plan.document_name) == 36 and plan.document_original_name == "plan.pdf"


@pytest.mark.parametrize(
    "document, code",
    [
        (b"<html><script>alert(1)</script>", "document_not_pdf"),
        (b"MZ\x90\x00 an executable", "document_not_pdf"),
        (b"", "document_empty"),
        (b"%PDF-" + b"0" * 2048, "document_too_large"),
    ],
)
def test_plan_refuses_anything_but_a_small_pdf(
    zone, council, council_signer, settings, document, code
):
    settings.SIZES_MAX_PDF_BYTES = 1024
    with pytest.raises(DomainError) as exc:
        b.plan(council_signer, zone, council, document=document)
    assert exc.value.code == code
    assert not (settings.SIZES_UPLOAD_DIR / "plans").exists() or not any(
        (settings.SIZES_UPLOAD_DIR / "plans").iterdir()
    )


def test_plan_dates_in_order(zone, council, council_signer):
    with pytest.raises(DomainError) as exc:
        b.plan(council_signer, zone, council, end_date=dt.date(2024, 1, 1))
    assert exc.value.code == "period_ends_before_start"


# --- pledges ---------------------------------------------------------------------------------


def test_funder_pledges_money_and_it_becomes_a_grant(zone, funder, funder_member):
    pledge = b.pledge(funder_member, zone, funder)
    assert pledge.status == PledgeStatus.PLEDGED and pledge.grant_ref == f"SIZES-{pledge.pk}"
    pledge = services.pledge_grant(
        actor=funder_member,
        pledge=pledge,
        granted_on=dt.date(2025, 6, 1),
        granted_amount="12000",
        expected_version=1,
    )
    assert (pledge.status, pledge.granted_amount) == (PledgeStatus.GRANTED, Decimal("12000.00"))
    with pytest.raises(DomainError) as exc:
        services.pledge_withdraw(actor=funder_member, pledge=pledge, reason="Changed our mind")
    assert exc.value.code == "pledge_not_open"
    assert AuditEvent.objects.filter(action="pledge.granted").exists()


def test_expertise_pledge_and_withdrawal(zone, funder, funder_member):
    pledge = b.pledge(
        funder_member, zone, funder, kind="expertise", expertise_days="5",
        expertise_kind="Evaluation design", amount=None,
    )  # fmt: skip
    assert pledge.amount is None and pledge.expertise_days == Decimal("5")
    pledge = services.pledge_withdraw(actor=funder_member, pledge=pledge, reason="No capacity")
    assert pledge.status == PledgeStatus.WITHDRAWN


def test_only_funder_or_expert_members_pledge(zone, council, council_signer, resident, funder):
    with pytest.raises(NotAllowed):
        b.pledge(council_signer, zone, council)
    with pytest.raises(NotAllowed):
        b.pledge(resident, zone, funder)
    assert not Pledge.objects.exists()


def test_another_body_cannot_grant_a_pledge(zone, funder, funder_member, council_signer):
    pledge = b.pledge(funder_member, zone, funder)
    with pytest.raises(NotAllowed):
        services.pledge_grant(actor=council_signer, pledge=pledge, granted_on=dt.date(2025, 6, 1))
    assert AuditEvent.objects.filter(action="pledge.refused").exists()


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"amount": "-10"}, "amount_negative"),
        ({"currency": "ABC"}, "currency_unknown"),
        ({"kind": "expertise", "expertise_days": "0", "expertise_kind": "x"},
         "expertise_days_out_of_range"),
        ({"period_start": dt.date(2025, 5, 1), "period_end": dt.date(2025, 4, 1)},
         "period_ends_before_start"),
    ],
)  # fmt: skip
def test_bad_pledges(zone, funder, funder_member, fields, code):
    with pytest.raises(DomainError) as exc:
        b.pledge(funder_member, zone, funder, **fields)
    assert code in codes(exc.value)


def test_grant_needs_a_past_date_and_an_amount(zone, funder, funder_member):
    pledge = b.pledge(funder_member, zone, funder)
    with pytest.raises(DomainError) as exc:
        services.pledge_grant(
            actor=funder_member, pledge=pledge, granted_on=dt.date(2999, 1, 1), granted_amount=""
        )
    assert codes(exc.value) == {"granted_on_future", "granted_amount_required"}


# --- identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "org_id, expected",
    [("GB-LAE-BIR", "GB-LAE-BIR"), ("gb-chc-1234567", "GB-CHC-1234567"),
     ("GB-COH-01234567", "GB-COH-01234567"), ("GB-COH-SC123456", "GB-COH-SC123456"),
     ("GB-SC-SC012345", "GB-SC-SC012345")],
)  # fmt: skip
def test_identifiers_in_org_id_form(council, council_signer, org_id, expected):
    item = services.organisation_identifier_add(
        actor=council_signer, organisation=council, org_id=org_id
    )
    assert item.org_id == expected


@pytest.mark.parametrize(
    "org_id, code",
    [("GB-LAE-BIRM", "org_id_malformed"), ("GB-CHC-12", "org_id_malformed"),
     ("GB-COH-1234", "org_id_malformed"), ("XX-FOO-1", "org_id_scheme_unknown"),
     ("1234567", "org_id_scheme_unknown"), ("", "org_id_required")],
)  # fmt: skip
def test_identifiers_in_the_wrong_form_are_refused(council, council_signer, org_id, code):
    with pytest.raises(DomainError) as exc:
        services.organisation_identifier_add(
            actor=council_signer, organisation=council, org_id=org_id
        )
    assert exc.value.code == code
    assert not council.identifiers.exists()


def test_identifier_taken_and_permission(council, community, council_signer, community_signer):
    services.organisation_identifier_add(
        actor=council_signer, organisation=council, org_id="GB-LAE-BIR"
    )
    with pytest.raises(DomainError) as exc:
        services.organisation_identifier_add(
            actor=community_signer, organisation=community, org_id="GB-LAE-BIR"
        )
    assert exc.value.code == "org_id_taken"
    with pytest.raises(NotAllowed):
        services.organisation_identifier_add(
            actor=community_signer, organisation=council, org_id="GB-LAE-BIA"
        )

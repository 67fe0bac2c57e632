import csv
import datetime as dt
import io
import json

import pytest

from sizes.resources import exports, services
from sizes.resources.schemas import validate_360giving, validate_openreferral
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(zone, funder, funder_member, council, council_signer):
    services.organisation_identifier_add(
        actor=council_signer, organisation=council, org_id="GB-LAE-BIR"
    )
    public = b.pledge(
        funder_member, zone, funder, period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
    )  # fmt: skip
    hidden = b.pledge(funder_member, zone, funder, title="Quiet grant", visibility="partners")
    for p in (public, hidden):
        services.pledge_grant(
            actor=funder_member, pledge=p, granted_on=dt.date(2025, 6, 1), granted_amount="12000"
        )
    b.pledge(funder_member, zone, funder, title="Not granted yet")
    return public


def test_360giving_package_validates_and_holds_only_public_grants(zone, granted, council):
    package = exports.grants_360giving(zone, base_url="https://sizes.example")
    assert validate_360giving(package) == []
    assert [g["title"] for g in package["grants"]] == ["Active parks fund"]
    grant = package["grants"][0]
    assert grant["amountAwarded"] == 12000.0 and grant["awardDate"] == "2025-06-01"
    assert grant["recipientOrganization"][0] == {"id": "GB-LAE-BIR", "name": council.name}
    assert grant["plannedDates"] == [{"startDate": "2025-04-01", "endDate": "2026-03-31"}]
    assert "Quiet grant" not in json.dumps(package)


def test_the_validator_really_checks(zone, granted):
    package = exports.grants_360giving(zone)
    package["grants"][0]["currency"] = "XXY"
    del package["grants"][0]["awardDate"]
    errors = validate_360giving(package)
    assert errors and any("awardDate" in e or "XXY" in e for e in errors)


def test_no_public_grants_means_no_package(zone):
    assert exports.grants_360giving(zone) is None


def test_openreferral_export_validates_and_leaves_out_partners_only_services(
    zone, council, council_signer, community, community_signer
):
    services.organisation_identifier_add(
        actor=council_signer, organisation=council, org_id="GB-LAE-BIR"
    )
    b.budget(council_signer, zone, council, service="Parks")
    b.budget(council_signer, zone, council, service="Secret service", visibility="partners")
    b.budget(community_signer, zone, community, service="Active Parks sessions")
    data = exports.openreferral(zone, base_url="https://sizes.example")
    assert validate_openreferral(data) == []
    assert {o["name"] for o in data["organizations"]} == {council.name, community.name}
    assert sorted(s["name"] for s in data["services"]) == ["Active Parks sessions", "Parks"]
    council_item = next(o for o in data["organizations"] if o["name"] == council.name)
    assert council_item["organization_identifiers"][0]["identifier"] == "BIR"
    assert "Secret service" not in json.dumps(data)


def test_openreferral_validator_really_checks(zone, council, council_signer):
    b.budget(council_signer, zone, council)
    data = exports.openreferral(zone)
    data["services"][0]["status"] = "sort of open"
    data["organizations"][0]["id"] = "not-a-uuid"
    assert len(validate_openreferral(data)) == 2


def test_budgets_csv_matches_the_column_dictionary_and_datapackage(zone, council, council_signer):
    b.budget(council_signer, zone, council)
    b.budget(council_signer, zone, council, service='=HYPERLINK("x")')
    b.budget(council_signer, zone, council, service="Hidden", visibility="partners")
    rows = list(csv.DictReader(io.StringIO(exports.budgets_csv(zone))))
    assert list(rows[0]) == list(exports.BUDGET_COLUMNS)
    assert {r["service"] for r in rows} == {"Parks maintenance", '\'=HYPERLINK("x")'}
    parks = next(r for r in rows if r["service"] == "Parks maintenance")
    assert (parks["financial_year"], parks["zone_amount"], parks["amount"]) == (
        "2025-26",
        "10000.00",
        "100000.00",
    )
    package = exports.budgets_datapackage(zone)
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(rows[0])
    assert all(f["description"] for f in fields)


def test_every_csv_column_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "pooled-information.md").read_text()
    for name in exports.BUDGET_COLUMNS:
        assert f"`{name}`" in doc, name


def test_the_api_serves_the_same_validated_360giving_package(client, zone, granted):
    page = client.get(f"/zones/{zone.slug}/export/360giving.json")
    api = client.get(f"/api/v1/zones/{zone.slug}/export/360giving.json")
    assert page.status_code == api.status_code == 200
    assert json.loads(api.content) == json.loads(page.content)
    assert validate_360giving(json.loads(api.content)) == []

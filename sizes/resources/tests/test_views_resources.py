import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sizes.audit.models import AuditEvent
from sizes.resources.models import Asset, Budget, Objective, Plan, Pledge, PledgeStatus
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


BUDGET = {
    "service": "Parks",
    "financial_year": "2025-26",
    "amount": "1000",
    "currency": "GBP",
    "zone_share_percent": "50",
    "share_basis": "Half the parks",
    "kind": "new",
    "visibility": "public",
}
FORMS = {
    "budget": BUDGET,
    "asset": {
        "kind": "park", "name": "Park", "description": "Green", "lat": "52.42", "lon": "-1.93",
        "visibility": "public",
    },
    "objective": {"title": "Walk more", "summary": "Walks", "visibility": "public"},
    "plan": {"title": "Plan", "summary": "Our plan", "visibility": "partners"},
}  # fmt: skip
MODELS = {"budget": Budget, "asset": Asset, "objective": Objective, "plan": Plan}


@pytest.mark.parametrize("kind", list(FORMS))
def test_partner_adds_and_edits_each_record_type(zone, council, council_signer, kind):
    c = client_for(council_signer)
    url = f"/zones/{zone.slug}/{kind}s/add/"
    assert c.get(url).status_code == 200
    response = c.post(url, {**FORMS[kind], "organisation": council.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = MODELS[kind].objects.get()
    edit = f"/zones/{zone.slug}/{kind}s/{record.pk}/edit/"
    assert c.get(edit).status_code == 200
    changed = {**FORMS[kind], "visibility": "partners", "version": record.version}
    assert c.post(edit, changed).status_code == 302
    record.refresh_from_db()
    assert (record.visibility, record.version) == ("partners", 2)
    stale = c.post(edit, changed)
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()


@pytest.mark.parametrize("kind", list(FORMS))
def test_other_organisations_cannot_edit(zone, council, council_signer, community_signer, kind):
    record = getattr(b, kind)(council_signer, zone, council)
    c = client_for(community_signer)
    edit = f"/zones/{zone.slug}/{kind}s/{record.pk}/edit/"
    assert c.get(edit).status_code == 403
    assert c.post(edit, {**FORMS[kind], "version": 1}).status_code == 403
    assert AuditEvent.objects.filter(action=f"{kind}.refused").exists()


def test_outsiders_and_residents_cannot_add(zone, outsider, resident):
    for user in (outsider, resident):
        assert client_for(user).get(f"/zones/{zone.slug}/budgets/add/").status_code == 403
    assert Client().get(f"/zones/{zone.slug}/budgets/add/").status_code == 302  # sign in


def test_bad_budget_gets_400_with_specific_messages(zone, council, council_signer):
    bad = {**BUDGET, "organisation": council.pk, "amount": "-3", "currency": "ZZZ",
           "zone_share_percent": "150"}  # fmt: skip
    response = client_for(council_signer).post(f"/zones/{zone.slug}/budgets/add/", bad)
    body = response.content.decode()
    assert response.status_code == 400
    assert "cannot be negative" in body and "ZZZ is not a currency code" in body
    assert "between 0 and 100" in body
    assert not Budget.objects.exists()


def test_nonsense_posts_never_500(zone, council_signer):
    c = client_for(council_signer)
    for kind in FORMS:
        assert c.post(f"/zones/{zone.slug}/{kind}s/add/", {"x": "\x00"}).status_code == 400
    assert c.post(f"/zones/{zone.slug}/import/", {}).status_code == 400
    assert c.post(f"/zones/{zone.slug}/import/confirm/", {"token": "x"}).status_code == 400
    assert c.get("/funders/?place=%00nowhere").status_code == 400


def test_plan_upload_pdf_and_refusals(zone, council, council_signer, settings):
    c = client_for(council_signer)
    url = f"/zones/{zone.slug}/plans/add/"
    fields = {**FORMS["plan"], "organisation": council.pk, "visibility": "public"}
    html = SimpleUploadedFile("plan.html", b"<script>alert(1)</script>", "application/pdf")
    response = c.post(url, {**fields, "document": html})
    assert response.status_code == 400 and "must be a PDF" in response.content.decode()
    settings.SIZES_MAX_PDF_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200, "application/pdf")
    response = c.post(url, {**fields, "document": big})
    assert response.status_code == 400 and "the most we accept" in response.content.decode()
    assert not Plan.objects.exists()
    pdf = SimpleUploadedFile("Our plan.pdf", b"%PDF-1.4 ok", "application/pdf")
    assert c.post(url, {**fields, "document": pdf}).status_code == 302
    plan = Plan.objects.get()
    doc = Client().get(f"/zones/{zone.slug}/plans/{plan.pk}/document.pdf")
    assert doc["Content-Disposition"] == 'attachment; filename="Our plan.pdf"'
    assert doc["X-Content-Type-Options"] == "nosniff"


def test_import_page_preview_then_confirm(zone, council, council_signer):
    c = client_for(council_signer)
    url = f"/zones/{zone.slug}/import/"
    good = (
        b"service,financial_year,amount,currency,zone_share_percent,share_basis,kind\n"
        b"Parks,2025-26,1000,GBP,10,Area,new\n"
    )
    bad = good + b"Parks,2025-26,1000,GBP,10,Area,new\nLibraries,2025-26,-1,GBP,10,x,new\n"
    response = c.post(url, {"organisation": council.pk, "kind": "budgets",
                            "file": SimpleUploadedFile("b.csv", bad)})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "Row 3 repeats row 2" in body and "Row 4 (amount)" in body
    assert not Budget.objects.exists()
    response = c.post(url, {"organisation": council.pk, "kind": "budgets",
                            "file": SimpleUploadedFile("b.csv", good)})  # fmt: skip
    assert response.status_code == 200 and "Check before you import" in response.content.decode()
    assert not Budget.objects.exists()
    token = c.session["resources_import"]["token"]
    assert f'value="{token}"' in response.content.decode()
    assert c.post(f"{url}confirm/", {"token": token}).status_code == 302
    assert Budget.objects.count() == 1
    assert c.post(f"{url}confirm/", {"token": token}).status_code == 400  # used up


def test_import_page_names_the_encoding(zone, council, council_signer):
    data = "service,amount,currency,share_basis,kind\nCafé,1,GBP,x,new\n".encode("cp1252")
    response = client_for(council_signer).post(
        f"/zones/{zone.slug}/import/",
        {"organisation": council.pk, "kind": "budgets", "file": SimpleUploadedFile("b.csv", data)},
    )
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()


def test_pledge_grant_and_withdraw_pages(zone, funder, funder_member, council_signer):
    c = client_for(funder_member)
    url = f"/zones/{zone.slug}/pledge/"
    assert c.get(url).status_code == 200
    fields = {"kind": "money", "title": "Fund", "amount": "5000", "currency": "GBP"}
    response = c.post(url, {**fields, "organisation": funder.pk, "visibility": "public"})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    grant = f"/zones/{zone.slug}/pledges/{pledge.pk}/grant/"
    assert client_for(council_signer).get(grant).status_code == 403
    response = c.post(grant, {"version": 1, "granted_on_day": "1", "granted_on_month": "5",
                              "granted_on_year": "2025", "granted_amount": "4000"})  # fmt: skip
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.GRANTED and pledge.granted_on == dt.date(2025, 5, 1)
    assert client_for(council_signer).get(url).status_code == 403


def test_identifier_page(council, council_signer, community_signer):
    c = client_for(council_signer)
    url = f"/organisations/{council.slug}/identifiers/add/"
    response = c.post(url, {"org_id": "GB-LAE-BIRMINGHAM"})
    assert response.status_code == 400 and "3-letter code" in response.content.decode()
    assert c.post(url, {"org_id": "GB-LAE-BIR"}).status_code == 302
    assert "GB-LAE-BIR" in c.get(f"/organisations/{council.slug}/resources/").content.decode()
    assert client_for(community_signer).get(url).status_code == 403


def test_funders_page_filters_by_theme_outcome_and_place(zone, funder_member):
    from sizes.zones.models import Theme

    theme = Theme.objects.get_or_create(
        slug="health-and-well-being", defaults={"name": "Health and well-being"}
    )[0]
    zone.themes.add(theme)
    c = client_for(funder_member)
    assert zone.name in c.get("/funders/?theme=health-and-well-being").content.decode()
    assert zone.name in c.get("/funders/?outcome=park").content.decode()
    assert zone.name not in c.get("/funders/?outcome=housing").content.decode()
    response = c.get("/funders/?place=Nowhere+ward")
    assert response.status_code == 400 and "could not find a postcode or ward" in (
        response.content.decode()
    )
    assert f"/zones/{zone.slug}/pledge/" in c.get("/funders/").content.decode()


def test_zone_section_shows_totals_chart_and_two_stars(
    zone, council, council_signer, community, community_signer
):
    b.budget(council_signer, zone, council, amount="200000", zone_share_percent="10")
    b.budget(council_signer, zone, council, financial_year="2026-27", amount="300000",
             zone_share_percent="10")  # fmt: skip
    b.budget(community_signer, zone, community, service="Volunteering", kind="in_kind",
             amount="5000", zone_share_percent="100")  # fmt: skip
    body = Client().get(f"/zones/{zone.slug}/resources/").content.decode()
    assert "<svg" in body and "2025-26" in body and "2026-27" in body
    assert "GBP 25,000" in body  # council + community in 2025-26
    assert "Asset, Objective, Plan" in body  # what the council has not shared

"""The financial proxy library: CSV import by command and by the admin's upload page (one
reader, one service, all or nothing, audited), and the public page with price years."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sizes.audit.models import AuditEvent
from sizes.core.errors import DomainError
from sizes.outcomes.models import FinancialProxy
from sizes.outcomes.proxies import read_proxy_csv

pytestmark = pytest.mark.django_db

HEADER = "outcome,stakeholder,value,unit,price_year,value_type,source,source_url,licence\n"
GOOD = (
    HEADER + 'Regular physical activity,Adults,"1,000",per person a year,2019,wellbeing,'
    "Own survey 2019,https://example.org/survey,Open Government Licence v3.0\n"
    + "Fewer A&E visits,NHS,150.50,per visit,2024,fiscal,Trust finance team,,OGL v3.0\n"
)


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_proxies", str(path), *args, stdout=out)
    return out.getvalue()


def test_command_imports_every_row_and_audits_it(tmp_path):
    f = tmp_path / "proxies.csv"
    f.write_text(GOOD)
    assert run(f) == "Imported 2 financial proxies.\n"
    activity = FinancialProxy.objects.get(outcome="Regular physical activity")
    assert (activity.value, activity.price_year, activity.currency) == (1000, 2019, "GBP")
    assert AuditEvent.objects.filter(action="financial_proxies.imported").count() == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("outcome,value\nx,1\n", "missing: unit, price_year, value_type, source, licence"),
        (HEADER.replace("licence", "licence,colour") + "a,,1,u,2020,fiscal,s,,l,red\n", "colour"),
        (HEADER, "no rows"),
        (GOOD + "Bad,x,-5,u,2020,fiscal,s,,l\n", "Line 4"),
        (GOOD + "Bad,x,5,u,2020,fiscal,s,javascript:alert(1),l\n", "source URL"),
        (GOOD + "Bad,x,5,u,2020,fiscal,HACT Social Value Bank,,l\n", "HACT"),
        (GOOD + "Bad,x,5,u,2020,fiscal,s,,l,extra\n", "more cells than the header"),
    ],
)
def test_command_refuses_bad_files_and_imports_nothing(tmp_path, text, message):
    f = tmp_path / "proxies.csv"
    f.write_text(text)
    with pytest.raises(CommandError) as e:
        run(f)
    assert message in str(e.value)
    assert not FinancialProxy.objects.exists()
    assert not AuditEvent.objects.filter(action="financial_proxies.imported").exists()


def test_command_licence_holders_may_import_restricted_values(tmp_path):
    f = tmp_path / "proxies.csv"
    f.write_text(HEADER + "Employment,Adults,100,per person,2023,economic,HACT bank,,Licence\n")
    assert run(f, "--licensed") == "Imported 1 financial proxy.\n"


def test_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        run(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "data, code",
    [
        (b"\xff\xfe\x00o\x00u", "import_unreadable"),
        (b"outcome\x00,value", "import_unreadable"),
        (b"x" * (5 * 1024 * 1024 + 1), "import_too_large"),
    ],
)
def test_reader_refuses_what_is_not_a_csv(data, code):
    with pytest.raises(DomainError) as e:
        read_proxy_csv(data)
    assert e.value.code == code


def test_admin_upload_uses_the_same_rules(client, site_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(site_admin)
    url = reverse("admin:outcomes_financialproxy_import")
    changelist = client.get(reverse("admin:outcomes_financialproxy_changelist")).content.decode()
    assert url in changelist
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("p.csv", (GOOD + "Bad,x,5,u,20x,fiscal,s,,l\n").encode())
    r = client.post(url, {"file": bad})
    assert r.status_code == 400 and "price year must be like 2023" in r.content.decode()
    assert not FinancialProxy.objects.exists()
    r = client.post(url, {"file": SimpleUploadedFile("p.csv", GOOD.encode())})
    assert r.status_code == 302 and FinancialProxy.objects.count() == 2


def test_admin_upload_is_for_administrators_only(client, steward):
    steward.is_staff = True
    steward.save()
    client.force_login(steward)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        reverse("admin:outcomes_financialproxy_import"),
        {"file": SimpleUploadedFile("p.csv", GOOD.encode())},
    )
    assert r.status_code == 302 and not FinancialProxy.objects.exists()


def test_public_page_lists_sources_licences_and_uprated_values(client, tmp_path, settings):
    f = tmp_path / "proxies.csv"
    f.write_text(GOOD)
    run(f)
    page = client.get(reverse("outcomes:proxies")).content.decode()
    assert "Own survey 2019" in page and "Open Government Licence v3.0" in page
    assert 'href="https://example.org/survey"' in page
    assert "in 2024 prices" not in page
    series = tmp_path / "deflators.csv"
    series.write_text("year,index\n2019,100\n2024,120\n")
    settings.SIZES_DEFLATORS_FILE = str(series)
    page = client.get(reverse("outcomes:proxies")).content.decode()
    assert "GBP 1,200.00 in 2024 prices" in page  # 1,000 × 120 / 100
    fiscal = client.get(reverse("outcomes:proxies") + "?type=fiscal").content.decode()
    assert "Fewer A&amp;E visits" in fiscal and "Regular physical activity" not in fiscal
    assert client.get(reverse("outcomes:proxies") + "?type=<b>").status_code == 200

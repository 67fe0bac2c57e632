import pytest
from django.core.management import CommandError, call_command

from sizes.core.errors import DomainError, NotAllowed
from sizes.resources import importer
from sizes.resources.models import Asset, Budget

pytestmark = pytest.mark.django_db

HEADER = "service,financial_year,amount,currency,zone_share_percent,share_basis,kind,visibility\n"
GOOD = (
    HEADER
    + "Parks,2025-26,120000,GBP,12.5,Share of park area,redirected,public\n"
    + "Parks,2026-27,125000,GBP,12.5,Share of park area,redirected,partners\n"
    + "Health walks,2025-26,8000,gbp,100,All walks in the zone,New money,public\n"
)


def run(data: str | bytes, zone, org, kind="budgets"):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return importer.preview(kind=kind, data=raw, zone=zone, organisation=org)


def test_dry_run_of_a_good_file_writes_nothing_then_commit_writes_all(
    zone, council, council_signer
):
    result = run(GOOD, zone, council)
    assert result.ok and len(result.rows) == 3 and not result.problems
    assert not Budget.objects.exists()
    count = importer.commit(
        actor=council_signer, kind="budgets", data=GOOD.encode(), zone=zone, organisation=council
    )
    assert count == 3
    assert Budget.objects.filter(zone=zone, organisation=council).count() == 3
    assert Budget.objects.get(service="Health walks").kind == "new"


def test_every_row_error_is_listed_and_nothing_is_written(zone, council, council_signer):
    bad = (
        HEADER
        + "Parks,2025-26,120000,GBP,12.5,Share of park area,redirected,public\n"  # 2 good
        + "Parks,2025-26,120000,GBP,12.5,Share of park area,redirected,public\n"  # 3 duplicate
        + "Libraries,2025-26,-5,GBP,10,Visits,new,public\n"  # 4 negative
        + "Libraries,2026-27,9e15,GBP,10,Visits,new,public\n"  # 5 absurd
        + "Buses,2025-26,100,XYZ,10,Stops,new,public\n"  # 6 currency
        + "Buses,2026-27,100,GBP,140,Stops,new,public\n"  # 7 percentage
        + "Walks,2025-24,100,GBP,10,Stops,new,public\n"  # 8 financial year backwards
        + "Walks,2026-27,100,GBP,10,Stops,gift,public\n"  # 9 kind
        + "Short,row\n"  # 10 wrong number of cells
    )
    result = run(bad, zone, council)
    by_row = {(p.row, p.code) for p in result.problems}
    assert {
        (3, "row_duplicate"),
        (4, "amount_negative"),
        (5, "amount_absurd"),
        (6, "currency_unknown"),
        (7, "percent_out_of_range"),
        (8, "financial_year_invalid"),
        (9, "kind_invalid"),
        (10, "row_cells"),
    } <= by_row
    assert all(p.message.startswith(f"Row {p.row}") for p in result.problems)
    with pytest.raises(DomainError) as exc:
        importer.commit(
            actor=council_signer, kind="budgets", data=bad.encode(), zone=zone,
            organisation=council,
        )  # fmt: skip
    assert exc.value.code == "import_invalid" and len(exc.value.details) >= 8
    assert not Budget.objects.exists()


def test_period_columns_ending_before_they_start(zone, council):
    data = (
        "service,period_start,period_end,amount,currency,zone_share_amount,share_basis,kind\n"
        "Parks,2025-06-01,2025-05-01,1000,GBP,100,Estimate,new\n"
        "Parks,01/04/2025,31/03/2026,1000,GBP,100,Estimate,new\n"
    )
    result = run(data, zone, council)
    assert [(p.row, p.code) for p in result.problems] == [(2, "period_ends_before_start")]
    assert len(result.rows) == 1


@pytest.mark.parametrize(
    "header, words",
    [
        ("service,amount,currency,kind\n", "missing: share_basis"),
        ("service,amount,currency,share_basis,kind,colour\n", "not ones we know: colour"),
        ("service,amount,amount,currency,share_basis,kind\n", "appear twice: amount"),
    ],
)
def test_wrong_columns_are_named(zone, council, header, words):
    result = run(header + "x\n", zone, council)
    assert result.file_code == "columns_wrong" and words in result.file_problem


def test_non_utf8_files_are_detected_and_named(zone, council):
    data = GOOD.replace("Share of park area", "Café area £").encode("cp1252")
    result = run(data, zone, council)
    assert result.file_code == "encoding_not_utf8"
    assert "not UTF-8" in result.file_problem and "CSV UTF-8" in result.file_problem
    utf16 = run(GOOD.encode("utf-16"), zone, council)
    assert utf16.file_code == "encoding_not_utf8" and "UTF-16" in utf16.file_problem


def test_utf8_with_bom_and_semicolons_are_fine(zone, council):
    data = "\ufeff" + GOOD.replace(",", ";")
    assert run(data, zone, council).ok


def test_rows_already_recorded_are_reported(zone, council, council_signer):
    importer.commit(
        actor=council_signer, kind="budgets", data=GOOD.encode(), zone=zone, organisation=council
    )
    result = run(GOOD, zone, council)
    assert {p.code for p in result.problems} == {"row_exists"}


def test_empty_and_header_only_files(zone, council):
    assert run(b"", zone, council).file_code == "file_empty"
    assert run(HEADER, zone, council).file_code == "file_empty"


def test_only_partner_members_commit(zone, council, community_signer):
    with pytest.raises(NotAllowed):
        importer.commit(
            actor=community_signer, kind="budgets", data=GOOD.encode(), zone=zone,
            organisation=council,
        )  # fmt: skip
    assert not Budget.objects.exists()


ASSETS = (
    "kind,name,description,lat,lon,contact_route,visibility\n"
    "park,Test Park,Open space,52.4193,-1.9278,Parks contact form,public\n"
    "building,Pavilion,Changing rooms and a cafe,52.4190,-1.9270,Parks contact form,partners\n"
)


def test_assets_import_and_bad_asset_rows(zone, council, council_signer):
    assert run(ASSETS, zone, council, kind="assets").ok
    importer.commit(
        actor=council_signer, kind="assets", data=ASSETS.encode(), zone=zone, organisation=council
    )
    assert Asset.objects.count() == 2
    bad = (
        "kind,name,description,lat,lon\n"
        "spaceship,Rocket,Goes up,52.4,-1.9\n"
        "park,Far,Somewhere,152.4,-1.9\n"
        "park,Far,Somewhere,52.4,-1.9\n"
    )
    codes = {(p.row, p.code) for p in run(bad, zone, council, kind="assets").problems}
    assert codes == {(2, "kind_invalid"), (3, "coordinates_out_of_range")}


def test_cli_dry_run_then_commit(zone, council, council_signer, tmp_path, capsys):
    path = tmp_path / "budgets.csv"
    path.write_text(GOOD, encoding="utf-8")
    args = ["import_budgets", str(path), "--zone", zone.slug, "--organisation", council.slug]
    call_command(*args)
    assert "Dry run: 3 budgets" in capsys.readouterr().out
    assert not Budget.objects.exists()
    call_command(*args, "--commit", "--as-user", council_signer.username)
    assert Budget.objects.count() == 3


def test_cli_bad_file_fails_and_writes_nothing(zone, council, council_signer, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_bytes(GOOD.replace("GBP", "QQQ").encode())
    with pytest.raises(CommandError, match="2 problem"):
        call_command(
            "import_budgets", str(path), "--zone", zone.slug, "--organisation", council.slug,
            "--commit",
        )  # fmt: skip
    path.write_bytes("service,amount\n".encode("utf-16"))
    with pytest.raises(CommandError, match="UTF-16"):
        call_command(
            "import_budgets", str(path), "--zone", zone.slug, "--organisation", council.slug
        )
    assert not Budget.objects.exists()

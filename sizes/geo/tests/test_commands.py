"""`sizes import-boundaries`, `sizes import-postcodes` and `sizes lookup` through call_command."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sizes.audit.models import AuditEvent
from sizes.geo.models import Postcode, ReferenceArea
from sizes.geo.tests.conftest import LSOA_FILE, POSTCODES_FILE, WARDS_FILE, ward_features


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_wards(path=WARDS_FILE, *extra):
    return run(
        "import_boundaries", str(path), "--type", "ward", "--code-field", "ward_code",
        "--name-field", "ward_name", *extra,
    )  # fmt: skip


def snapshot():
    return sorted(
        ReferenceArea.objects.values_list("pk", "type", "code", "vintage", "name", "imported_at")
    )


def test_import_shared_wards_and_lsoas_then_again_changes_nothing(db):
    out, err = import_wards(WARDS_FILE, "--vintage", "2018")
    assert "69 created" in out and "0 skipped" in out
    assert "Reading areas: 69/69 (100%)" in err
    out, _ = run(
        "import_boundaries", str(LSOA_FILE), "--type", "lsoa", "--code-field", "lsoa_code",
        "--name-field", "lsoa_name", "--vintage", "2011",
    )  # fmt: skip
    assert "639 created" in out
    stirchley = ReferenceArea.objects.get(type="ward", code="E05011172")
    assert stirchley.name == "Stirchley"
    assert stirchley.area_m2 == pytest.approx(1.89e6, rel=0.01)  # data README: 1.89 km²
    before = snapshot()
    out, _ = import_wards(WARDS_FILE, "--vintage", "2018")
    assert "0 created, 0 updated, 69 unchanged" in out
    assert snapshot() == before
    # Each import that changed something is one audit event; the repeat changed nothing.
    events = AuditEvent.objects.filter(action="reference_areas.imported").order_by("pk")
    assert [(e.changes["area_type"][1], e.changes["created"][1]) for e in events] == [
        ("ward", 69),
        ("lsoa", 639),
    ]
    assert events[0].changes["file"][1] == WARDS_FILE.name


def test_new_vintage_is_kept_beside_the_old_and_same_vintage_replaces(db, tmp_path):
    import_wards(WARDS_FILE, "--vintage", "2018")
    two = {
        "type": "FeatureCollection",
        "features": [ward_features()["E05011172"], ward_features()["E05011129"]],
    }
    path = tmp_path / "two.geojson"
    path.write_text(json.dumps(two))
    import_wards(path, "--vintage", "2023")
    assert ReferenceArea.objects.filter(vintage="2018").count() == 69
    assert ReferenceArea.objects.filter(vintage="2023").count() == 2
    out, _ = import_wards(path, "--vintage", "2018")
    assert "67 removed" in out
    assert ReferenceArea.objects.filter(vintage="2018").count() == 2


def test_skipped_rows_are_reported_with_reasons(db, tmp_path):
    good = ward_features()["E05011172"]
    point = {"type": "Feature", "properties": {"ward_code": "X1", "ward_name": "Pt"},
             "geometry": {"type": "Point", "coordinates": [-1.9, 52.4]}}  # fmt: skip
    nocode = {"type": "Feature", "properties": {"ward_name": "Nameless"}, "geometry": None}
    path = tmp_path / "mixed.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [good, point, nocode, good]})
    )
    out, err = import_wards(path)
    assert "1 created" in out and "3 skipped" in out
    assert "skipped feature 2 (X1): The geometry is a Point" in err
    assert "skipped feature 3: no value in the code field “ward_code”" in err
    assert "skipped feature 4 (E05011172): the same code appears earlier" in err


def test_british_national_grid_file(db, tmp_path):
    square = [
        [407000, 281000],
        [408000, 281000],
        [408000, 282000],
        [407000, 282000],
        [407000, 281000],
    ]  # noqa: E501
    feature = {"type": "Feature", "properties": {"code": "E99", "name": "Square"},
               "geometry": {"type": "Polygon", "coordinates": [square]}}  # fmt: skip
    path = tmp_path / "bng.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(CommandError, match="British National Grid"):
        run("import_boundaries", str(path), "--type", "parish", "--code-field", "code",
            "--name-field", "name")  # fmt: skip
    assert not ReferenceArea.objects.exists()
    out, _ = run("import_boundaries", str(path), "--type", "parish", "--code-field", "code",
                 "--name-field", "name", "--crs", "EPSG:27700")  # fmt: skip
    area = ReferenceArea.objects.get(code="E99")
    assert area.area_m2 == pytest.approx(1e6, rel=0.001)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{oops", [], "not valid JSON"),
        ('{"type": "Feature"}', [], "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', [], "has no features"),
        (None, ["--code-field", "WD23CD"], "No usable areas"),
        (None, ["--crs", "EPSG:0"], "not recognised"),
    ],
)
def test_bad_boundary_files_fail_and_store_nothing(db, tmp_path, content, args, message):
    path = tmp_path / "bad.geojson"
    if content is None:
        path.write_text(WARDS_FILE.read_text())
    else:
        path.write_text(content)
    argv = ["import_boundaries", str(path), "--type", "ward", "--code-field", "ward_code",
            "--name-field", "ward_name"]  # fmt: skip
    if args and args[0] == "--code-field":
        argv[argv.index("ward_code")] = args[1]
    else:
        argv += args
    with pytest.raises(CommandError) as err:
        run(*argv)
    assert message in str(err.value)
    assert "Nothing was imported" in str(err.value)
    assert not ReferenceArea.objects.exists()


def test_missing_file(db):
    with pytest.raises(CommandError, match="Cannot read"):
        import_wards("/nonexistent/wards.geojson")


def test_import_shared_postcodes_twice(db):
    out, err = run("import_postcodes", str(POSTCODES_FILE))
    assert "2610 created" in out and "0 skipped" in out
    b30 = Postcode.objects.get(postcode="B30 2AA")
    assert (b30.lat, b30.lon) == (52.430131, -1.934302)
    assert (b30.ward_code, b30.lsoa_code) == ("E05011129", "E01009281")
    out, _ = run("import_postcodes", str(POSTCODES_FILE))
    assert "0 created, 0 updated, 2610 unchanged" in out
    event = AuditEvent.objects.get(action="postcodes.imported")  # the repeat added none
    assert event.changes["created"] == [None, 2610]


def test_postcodes_from_eastings_and_northings_and_bad_rows(db, tmp_path):
    path = tmp_path / "pc.csv"
    path.write_text(
        "pcds,oseast1m,osnrth1m,osward\n"
        "B30 1AB,404576,279649,E05011129\n"
        "not a postcode,1,1,\n"
        "B30 1AD,,,\n"
    )
    out, err = run("import_postcodes", str(path))
    assert "1 created" in out and "2 skipped" in out
    assert "“not a postcode” is not a postcode" in err
    assert "no usable easting/northing" in err
    pc = Postcode.objects.get(postcode="B30 1AB")
    # data README spot check: B30 1AB → 52.414820, −1.934148 (source EA/NO 1 m)
    assert pc.lat == pytest.approx(52.414820, abs=2e-5)
    assert pc.lon == pytest.approx(-1.934148, abs=2e-5)
    assert pc.ward_code == "E05011129"


def test_bad_postcode_files(db, tmp_path):
    path = tmp_path / "pc.csv"
    path.write_text("code,lat,lon\nB30 1AB,52.4,-1.9\n")
    with pytest.raises(CommandError, match="no postcode column"):
        run("import_postcodes", str(path))
    path.write_text("postcode,latitude,longitude\nnope,52.4,-1.9\n")
    with pytest.raises(CommandError, match="No usable postcodes"):
        run("import_postcodes", str(path))
    assert not Postcode.objects.exists()


def test_lookup_command(seed_zone, postcodes):
    out, _ = run("lookup", "--postcode", "b302aa")
    assert out.startswith("B30 2AA is inside the Stirchley and Cotteridge zone.")
    assert "Stirchley and Cotteridge [declared]: inside" in out
    out, _ = run("lookup", "--postcode", "B30 2JT", "--json")
    body = json.loads(out)
    assert body["in_zone"] is True
    assert body["in_force"][0]["membership"] == "core"
    out, _ = run("lookup", "--point", "52.5,-1.7")
    assert out.strip() == "52.50000, -1.70000 is not in any zone."
    out, _ = run("lookup", "--point", "52.428883,-1.923509", "--at", "2020-01-01")
    assert "was not in any zone on 1 January 2020" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--postcode", "xyz"], "not a UK postcode"),
        (["--postcode", "B30 9ZZ"], "We do not have B30 9ZZ"),
        (["--point", "52.4"], "LAT,LON"),
        (["--point", "52.4,abc"], "must be numbers"),
        (["--point", "152.4,-1.9"], "Latitude must be between"),
        (["--postcode", "B30 2AA", "--at", "soon"], "not a date"),
    ],
)
def test_lookup_command_bad_input(seed_zone, postcodes, args, message):
    with pytest.raises(CommandError, match=message):
        run("lookup", *args)

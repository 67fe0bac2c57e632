"""Imports in batches (sizes.geo.importers): the batched, raw-SQL writes give the same counts,
rows and messages as row-by-row ones did, and a failure late in a big file stores nothing."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizes.audit.models import AuditEvent
from sizes.geo import importers
from sizes.geo.importers import ImportFailed, import_boundaries, import_postcodes
from sizes.geo.models import Postcode, ReferenceArea
from sizes.geo.tests.conftest import LSOA_FILE

pytestmark = pytest.mark.django_db


def rows():
    return sorted(Postcode.objects.values_list("postcode", "lat", "lon", "ward_code", "lsoa_code"))


def test_postcode_csv_is_read_as_before(tmp_path):
    """Blank rows are not counted as lines, a column named twice gives its last value, a short
    row has no value, extra values are ignored, codes are trimmed and cut to 20 characters."""
    path = tmp_path / "tricky.csv"
    path.write_text(
        "postcode,latitude,longitude,Postcode,ward_code\n"
        "\n"
        "B30 2AA,52.43,-1.93,B30 2AB,W1\n"
        "\n"
        "nope,1,1,XX,\n"
        "B30 2AC,52.4,-1.9\n"
        "B30 2AD,52.4,-1.9,b30 2ad, W2 ,extra,extra\n"
        "B30 2AE,52.41,-1.91,B30 2AB,W3\n"
        ",,,\n"
        "B30 2AF,99.999999,-1.9,B30 2AF,\n"
        "B30 2AG,52.4,abc,B30 2AG,\n"
        "B30 2AH,nan,-1.9,B30 2AH,\n"
        "B30 2AJ,52.4,-1.9,B30 2AJ,W4567890123456789012345\n"
    )
    report = import_postcodes(path, batch_size=2)
    assert report.summary() == "3 created, 0 updated, 0 unchanged, 7 skipped"
    assert report.skipped == [
        ("line 3", "“XX” is not a postcode"),
        ("line 4", "“” is not a postcode"),
        ("line 6 (B30 2AB)", "repeated postcode"),
        ("line 7", "“” is not a postcode"),
        ("line 8 (B30 2AF)", "no usable latitude/longitude"),
        ("line 9 (B30 2AG)", "no usable latitude/longitude"),
        ("line 10 (B30 2AH)", "no usable latitude/longitude"),
    ]
    assert rows() == [
        ("B30 2AB", 52.43, -1.93, "W1", ""),
        ("B30 2AD", 52.4, -1.9, "W2", ""),
        ("B30 2AJ", 52.4, -1.9, "W4567890123456789012", ""),
    ]


def test_reimport_counts_new_changed_and_unchanged_across_batches(tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "postcode,latitude,longitude,ward_code,lsoa_code\n"
        "B30 1AA,52.1,-1.1,W1,L1\n"
        "B30 1AB,52.2,-1.2,W1,L1\n"
        "B30 1AD,52.3,-1.3,W1,L1\n"
        "B30 1AE,52.4,-1.4,W1,L1\n"
    )
    assert import_postcodes(first, batch_size=2).summary() == (
        "4 created, 0 updated, 0 unchanged, 0 skipped"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "postcode,latitude,longitude,ward_code,lsoa_code\n"
        "B30 1AA,52.1,-1.1,W1,L1\n"  # unchanged
        "B30 1AF,52.6,-1.6,W2,L2\n"  # new, in the same batch as an unchanged one
        "B30 1AB,52.25,-1.2,W1,L1\n"  # moved
        "B30 1AD,52.3,-1.3,W9,L1\n"  # new ward
        "B30 1AG,52.7,-1.7,W2,L2\n"  # new
    )
    report = import_postcodes(second, batch_size=2)
    assert report.summary() == "2 created, 2 updated, 1 unchanged, 0 skipped"
    assert rows() == [
        ("B30 1AA", 52.1, -1.1, "W1", "L1"),
        ("B30 1AB", 52.25, -1.2, "W1", "L1"),
        ("B30 1AD", 52.3, -1.3, "W9", "L1"),
        ("B30 1AE", 52.4, -1.4, "W1", "L1"),  # not in the file: kept
        ("B30 1AF", 52.6, -1.6, "W2", "L2"),
        ("B30 1AG", 52.7, -1.7, "W2", "L2"),
    ]
    events = AuditEvent.objects.filter(action="postcodes.imported").order_by("pk")
    assert [(e.changes["created"][1], e.changes["updated"][1]) for e in events] == [
        (4, 0),
        (2, 2),
    ]
    assert import_postcodes(second, batch_size=2).summary() == (
        "0 created, 0 updated, 5 unchanged, 0 skipped"
    )
    assert AuditEvent.objects.filter(action="postcodes.imported").count() == 2


def _postcode_file(path, count: int, lat: float) -> list[str]:
    codes = []
    for i in range(count):  # 400 distinct inward codes a district
        district, inward = divmod(i, 400)
        digit, letters = divmod(inward, 40)
        codes.append(f"B{1 + district} {digit}{'ABDEFGHJLN'[letters // 4]}{'ABDE'[letters % 4]}")
    lines = ["postcode,latitude,longitude"] + [f"{c},{lat},-1.9" for c in codes]
    path.write_bytes(("\n".join(lines) + "\n").encode())
    return codes


def test_bad_bytes_late_in_a_big_file_store_nothing(tmp_path):
    path = tmp_path / "pc.csv"
    codes = _postcode_file(path, 3000, 52.4)
    import_postcodes(path, batch_size=50)
    before = rows()
    assert len(before) == 3000
    # The same postcodes moved, plus new ones, and a byte that is not UTF-8 near the end.
    _postcode_file(path, 6000, 52.5)
    path.write_bytes(path.read_bytes()[:-30] + b"\xff\xfe\n")
    with pytest.raises(ImportFailed) as err:
        import_postcodes(path, batch_size=50)
    assert err.value.code == "csv_not_utf8"
    assert "nothing was imported" in err.value.message
    assert rows() == before  # neither the moved ones nor the ~5,900 new ones
    assert codes[:2] == ["B1 0AA", "B1 0AB"] and len(set(codes)) == 3000


def test_a_failure_in_a_late_batch_of_new_areas_stores_none(monkeypatch):
    calls = []

    def fail_on_third(name, **state):
        calls.append((name, state))
        if len(calls) == 3:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(importers, "fault_point", fail_on_third)
    monkeypatch.setattr(importers, "AREA_BATCH", 100)
    args = {"area_type": "lsoa", "code_field": "lsoa_code", "name_field": "lsoa_name"}
    with pytest.raises(RuntimeError):
        import_boundaries(LSOA_FILE, **args)
    assert [state["inserted"] for _, state in calls] == [100, 200, 300]
    assert not ReferenceArea.objects.exists()
    assert not AuditEvent.objects.filter(action="reference_areas.imported").exists()
    monkeypatch.setattr(importers, "fault_point", lambda name, **state: None)
    assert import_boundaries(LSOA_FILE, **args).created == 639


def test_stored_boundary_is_the_normalised_geometry_as_json():
    from sizes.geo import geometry as g

    import_boundaries(LSOA_FILE, area_type="lsoa", code_field="lsoa_code", name_field="lsoa_name")
    features = json.loads(LSOA_FILE.read_text())["features"]
    for feature in features[:25]:
        area = ReferenceArea.objects.get(code=feature["properties"]["lsoa_code"])
        geom = g.geometry_from_geojson(feature["geometry"])
        assert area.geometry == g.to_geojson(geom)
        assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == geom.bounds
        assert area.area_m2 == round(g.area_m2(geom), 1)


def _materialise(value):
    if isinstance(value, importers.LazyFeatures):
        return [_materialise(v) for v in value]
    if isinstance(value, dict):
        return {k: _materialise(v) for k, v in value.items()}
    return value


def _same_as_json_loads(raw: bytes):
    try:
        expected = ("ok", json.loads(raw))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        expected = ("error", type(exc), str(exc))
    try:
        got = ("ok", _materialise(importers._load_json(raw)))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        got = ("error", type(exc), str(exc))
    assert repr(got) == repr(expected)  # repr: NaN == NaN, -0.0 is not 0.0


FEATURE = '{"type": "Feature", "properties": {"a": 1}, "geometry": null}'


@pytest.mark.parametrize(
    "text",
    [
        f'{{"type": "FeatureCollection", "features": [{FEATURE}, {FEATURE}]}}',
        f' \n{{ "features" : [ {FEATURE} ] , "type":"FeatureCollection" }}\n ',
        '{"features": [], "type": "FeatureCollection"}',
        '{"features": [ ], "crs": {"properties": {"name": "EPSG:27700"}}}',
        '{"features": {"no": "list"}}',
        f'{{"features": [{FEATURE}], "features": [1, 2, 3]}}',  # the last one wins
        f'{{"features": [1, 2], "features": [{FEATURE}]}}',
        "{}",
        "[]",
        '"text"',
        "",
        "{",
        '{"features": [',
        f'{{"features": [{FEATURE},]}}',  # trailing comma
        f'{{"features": [{FEATURE}] "type": 1}}',
        f'{{"features": [{FEATURE}]}} extra',
        f'{{"features": [{FEATURE}]}}{{}}',
        '{"features": [NaN, Infinity, -0.0, 1e400]}',
        '{"features": [{"a": "\\ud800"}]}',  # a lone surrogate, allowed by json.loads
        '{"features": [' + "[" * 5000 + "]" * 5000 + "]}",  # too deep
        "{features: []}",
        '{"features" [1]}',
    ],
)
def test_reading_a_feature_collection_is_json_loads(text):
    for raw in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        _same_as_json_loads(raw)
    _same_as_json_loads(b'{"features": [1, 2]}\xff')
    _same_as_json_loads(b'{"features": ["\xff"]}')


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    members=st.dictionaries(st.sampled_from(["type", "features", "crs", "x"]), json_values),
    features=st.lists(json_values, max_size=4),
    cut=st.integers(0, 400),
    spaces=st.sampled_from(["", " ", "\n\t "]),
)
def test_reading_any_feature_collection_is_json_loads(members, features, cut, spaces):
    text = json.dumps({**members, "features": features}, indent=spaces and 1)
    _same_as_json_loads(text.encode())
    _same_as_json_loads(text[: len(text) - cut].encode())  # cut short: the same error


def test_planner_settings_are_put_back_after_a_postcode_import(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the import changes planner settings only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_mergejoin = off")  # a session's own choice is kept too
    path = tmp_path / "pc.csv"
    _postcode_file(path, 300, 52.4)
    import_postcodes(path, batch_size=50)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')"
        )
        assert cursor.fetchone() == ("on", "off")
        cursor.execute("RESET enable_mergejoin")

"""Parsing, validation, normalisation and the point/line/GeoJSON builders."""

import json
import math

import pytest
import shapely
from shapely.geometry import LineString, Point, shape

from sizes.geo import geometry as g
from sizes.geo.tests.conftest import BOURNVILLE, STIRCHLEY, bng, seed_union, ward_features

SQUARE = [[-1.93, 52.43], [-1.92, 52.43], [-1.92, 52.44], [-1.93, 52.44], [-1.93, 52.43]]


def poly(ring=SQUARE):
    return {"type": "Polygon", "coordinates": [ring]}


def test_feature_collection_feature_and_bare_geometry_give_the_same_multipolygon():
    f = ward_features()[STIRCHLEY]
    from_bare = g.to_geojson(g.geometry_from_geojson(f["geometry"]))
    from_feature = g.to_geojson(g.geometry_from_geojson(json.dumps(f)))
    from_fc = g.to_geojson(g.geometry_from_geojson({"type": "FeatureCollection", "features": [f]}))
    assert from_bare == from_feature == from_fc
    assert from_bare["type"] == "MultiPolygon"
    assert shape(from_bare).symmetric_difference(shape(f["geometry"])).area < 1e-9


def test_two_adjacent_wards_in_one_collection_are_merged():
    features = [ward_features()[STIRCHLEY], ward_features()[BOURNVILLE]]
    geom = g.geometry_from_geojson({"type": "FeatureCollection", "features": features})
    expected = seed_union()
    assert bng(geom).symmetric_difference(bng(expected)).area < 1.0  # m²
    # Stirchley 1.89 km² + Bournville & Cotteridge 4.99 km² (data README)
    assert g.area_m2(geom) == pytest.approx(6.88e6, rel=0.01)


def test_output_is_rfc7946_counter_clockwise_and_six_decimals():
    clockwise = list(reversed(SQUARE))
    clockwise[1] = [-1.9300004, 52.4400004]  # extra decimals get rounded
    geojson = g.to_geojson(g.geometry_from_geojson(poly(clockwise)))
    ring = geojson["coordinates"][0][0]
    assert shapely.is_ccw(shapely.LinearRing(ring))
    assert all(round(v, 6) == v for pt in ring for v in pt)


def test_polygon_with_hole_keeps_hole_clockwise():
    hole = [
        [-1.928, 52.432],
        [-1.922, 52.432],
        [-1.922, 52.438],
        [-1.928, 52.438],
        [-1.928, 52.432],
    ]
    geojson = g.to_geojson(
        g.geometry_from_geojson({"type": "Polygon", "coordinates": [SQUARE, hole]})
    )
    assert not shapely.is_ccw(shapely.LinearRing(geojson["coordinates"][0][1]))


def test_british_national_grid_is_reprojected_when_the_caller_says_so():
    square = [
        [407000, 281000],
        [408000, 281000],
        [408000, 282000],
        [407000, 282000],
        [407000, 281000],
    ]
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(poly(square))
    assert err.value.code == "coordinates_look_like_bng"
    geom = g.geometry_from_geojson(poly(square), crs="EPSG:27700")
    assert g.area_m2(geom) == pytest.approx(1_000_000, rel=0.001)
    assert -1.92 < geom.centroid.x < -1.88 and 52.42 < geom.centroid.y < 52.44
    # A legacy GeoJSON `crs` member (QGIS exports) is honoured as well.
    legacy = {
        "type": "Feature",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "geometry": poly(square),
    }
    assert g.to_geojson(g.geometry_from_geojson(legacy)) == g.to_geojson(geom)


def test_touching_ring_is_repaired_without_changing_the_area():
    # An outline that touches itself at one point (like the three repaired LSOAs).
    ring = [[0, 0], [4, 0], [4, 4], [2, 4], [3, 2], [1, 2], [2, 4], [0, 4], [0, 0]]
    ring = [[-1.9 + x / 1000, 52.4 + y / 1000] for x, y in ring]
    geom = g.geometry_from_geojson(poly(ring))
    assert geom.is_valid
    assert geom.area == pytest.approx(shapely.Polygon(ring).area, rel=1e-3)


def test_small_spike_is_repaired():
    ring = [[0, 0], [10, 0], [10, 10], [5, 10], [5, 10.01], [5.001, 9.99], [0, 10], [0, 0]]
    ring = [[-1.9 + x / 1000, 52.4 + y / 1000] for x, y in ring]
    assert g.geometry_from_geojson(poly(ring)).is_valid


BAD = [
    ("{not json", "geojson_malformed"),
    ("[1, 2]", "geojson_invalid"),
    ('{"hello": "world"}', "geojson_invalid"),
    ('{"type": "FeatureCollection", "features": [{"type": "Nope"}]}', "geojson_invalid"),
    ('{"type": "Point", "coordinates": [-1.93, 52.43]}', "geometry_wrong_type"),
    (
        '{"type": "LineString", "coordinates": [[-1.93, 52.43], [-1.92, 52.43]]}',
        "geometry_wrong_type",
    ),
    (
        '{"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": []}}',
        "geometry_wrong_type",
    ),
    (
        '{"type": "Polygon", "coordinates": [[["a", 52], [1, 1], [2, 2], ["a", 52]]]}',
        "coordinates_invalid",
    ),
    ('{"type": "Polygon", "coordinates": 5}', "coordinates_invalid"),
    (
        '{"type": "Polygon", "coordinates": [[[-1.9, 52.4], [200, 52.4], [-1.9, 52.5], [-1.9, 52.4]]]}',  # noqa: E501
        "coordinates_out_of_range",
    ),
    (
        '{"type": "Polygon", "coordinates": [[[52.4, -1.9], [52.4, 95], [52.5, -1.9], [52.4, -1.9]]]}',  # noqa: E501
        "coordinates_out_of_range",
    ),
    # A bow tie: which half is inside is ambiguous, so it is refused, not guessed.
    (
        '{"type": "Polygon", "coordinates": [[[-1.93, 52.43], [-1.92, 52.44], [-1.92, 52.43], [-1.93, 52.44], [-1.93, 52.43]]]}',  # noqa: E501
        "geometry_self_intersection",
    ),
    ('{"type": "FeatureCollection", "features": []}', "geometry_empty"),
    ('{"type": "Feature", "geometry": null}', "geometry_empty"),
    (
        '{"type": "Polygon", "coordinates": [[[-1.93, 52.43], [-1.92, 52.44], [-1.91, 52.45], [-1.93, 52.43]]]}',  # noqa: E501
        "geometry_zero_area",
    ),
    (
        '{"type": "Polygon", "coordinates": [[[-1.93, 52.43], [-1.92, 52.44], [-1.93, 52.43]]]}',
        "geometry_zero_area",
    ),
    # Smaller than the 6-decimal grid (about 10 cm): nothing is left once rounded.
    (
        '{"type": "Polygon", "coordinates": [[[-1.93, 52.43], [-1.9300001, 52.43], [-1.9300001, 52.4300001], [-1.93, 52.43]]]}',  # noqa: E501
        "geometry_zero_area",
    ),
]


@pytest.mark.parametrize(("text", "code"), BAD)
def test_bad_input_gets_a_specific_code(text, code):
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(text)
    assert err.value.code == code, err.value.message
    assert err.value.status == 400


def test_self_intersection_message_says_where():
    text = BAD[11][0]
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(text)
    assert "near latitude 52.43500, longitude -1.92500" in err.value.message


def test_unknown_crs_is_refused():
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(poly(), crs="EPSG:999999")
    assert err.value.code == "crs_unsupported"


def test_vertex_limit(settings):
    settings.SIZES_MAX_VERTICES = 10
    circle = Point(-1.93, 52.43).buffer(0.01, quad_segs=8)
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(shapely.to_geojson(circle))
    assert err.value.code == "geometry_too_many_vertices"
    assert "10" in err.value.message


def test_file_size_limit(settings):
    settings.SIZES_MAX_UPLOAD_BYTES = 100
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_geojson(json.dumps(poly()) + " " * 100)
    assert err.value.code == "geojson_too_large"


def test_point_and_radius_is_a_circle_of_that_radius():
    geom = g.geometry_from_point(lat=52.428883, lon=-1.923509, radius_m=100)
    assert geom.geom_type == "MultiPolygon"
    centre = bng(Point(-1.923509, 52.428883))
    ring = bng(geom).exterior if hasattr(geom, "exterior") else bng(geom.geoms[0]).exterior
    distances = [centre.distance(Point(c)) for c in ring.coords]
    assert min(distances) == pytest.approx(100, abs=0.5)
    assert max(distances) == pytest.approx(100, abs=0.5)
    assert g.area_m2(geom) == pytest.approx(math.pi * 100**2, rel=0.01)


def test_line_and_width_is_a_band_of_that_width():
    line = [[-1.930, 52.430], [-1.925, 52.431], [-1.920, 52.431]]
    geom = g.geometry_from_line({"type": "LineString", "coordinates": line}, width_m=30)
    metric_line = bng(LineString(line))
    assert g.area_m2(geom) == pytest.approx(metric_line.length * 30, rel=0.02)
    # Every vertex of the band is within 15 m of the line (half the width each side).
    band = bng(geom.geoms[0])
    assert max(metric_line.distance(Point(c)) for c in band.exterior.coords) == pytest.approx(
        15, abs=0.5
    )


@pytest.mark.parametrize("radius", [0, -5, "ten", float("nan"), 200_000])
def test_bad_radius(radius):
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=radius)
    assert err.value.code == "radius_invalid"


def test_line_needs_two_points_and_a_line_type():
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_line([[-1.93, 52.43]], width_m=10)
    assert err.value.code == "geometry_zero_area"
    with pytest.raises(g.GeometryError) as err:
        g.geometry_from_line(poly(), width_m=10)
    assert err.value.code == "geometry_wrong_type"


def test_fringe_from_width_contains_the_core_and_reaches_the_width():
    core = g.geometry_from_geojson(poly())
    outer = g.fringe_from_width(core, 250)
    assert outer.covers(core)
    far = bng(outer).hausdorff_distance(bng(core))
    assert far == pytest.approx(250, abs=2)
    assert g.fringe_from_width(core, 0).equals(core)

"""The vectorised paths in sizes.geo.geometry give exactly what the per-coordinate Python ones
gave: the same rounding (`to_geojson`), and for bad positions the same error and message.

The oracles below are the previous implementations, kept here verbatim so that a change in
the fast paths that alters any stored value or message fails a test.
"""

import json
import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

from sizes.geo import geometry as g
from sizes.geo.tests.conftest import LSOA_FILE, WARDS_FILE


def old_round(value):
    if isinstance(value, dict):
        return {k: old_round(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, float | int) for v in value):
            return [round(float(v), g.PRECISION) for v in value]
        return [old_round(v) for v in value]
    return value


def old_to_geojson(geom):
    return old_round(mapping(geom))


def old_ring(value, where):
    """The previous `_ring`: position by position in Python."""
    if not isinstance(value, list | tuple):
        raise g.GeometryError("coordinates_invalid", f"{where} must be a list of positions.")
    points = [g._position(p, f"{where}, position {i + 1}") for i, p in enumerate(value)]
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3:
        raise g.GeometryError(
            "geometry_zero_area",
            f"{where} has fewer than three distinct corners, so it encloses no area.",
        )
    return points


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except g.GeometryError as exc:
        return ("error", exc.code, exc.message)


def same_ring_outcome(value):
    old = outcome(old_ring, value, "The geometry, outline")
    new = outcome(g._ring, value, "The geometry, outline")
    if old[0] == "ok":
        assert new[0] == "ok", new
        assert np.array_equal(new[1], np.array(old[1], dtype=float).reshape(-1, 2))
        # Same signs of zero too: they reach the stored JSON.
        assert [math.copysign(1, v) for v in np.ravel(new[1])] == [
            math.copysign(1, v) for pt in old[1] for v in pt
        ]
    else:
        assert new == old


def real_boundaries():
    for path in (WARDS_FILE, LSOA_FILE):
        for feature in json.loads(path.read_text())["features"]:
            yield shape(feature["geometry"])


def test_to_geojson_equals_the_python_rounding_on_every_shipped_boundary():
    for geom in real_boundaries():
        for version in (geom, g.validate(geom), shapely.affinity.translate(geom, 1e-7, -3e-7)):
            assert g.to_geojson(version) == old_to_geojson(version)


def test_to_geojson_keeps_type_holes_and_parts():
    holed = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
    multi = MultiPolygon([holed, box(10, 10, 11, 11)])
    for geom in (holed, multi, box(-1.9, 52.4, -1.8, 52.5)):
        assert g.to_geojson(geom) == old_to_geojson(geom)
        assert json.dumps(g.to_geojson(geom)) == json.dumps(old_to_geojson(geom))


coordinate = st.one_of(
    st.floats(-180, 180, allow_nan=False),
    # Values a hair either side of a rounding half: where numpy alone could differ.
    st.integers(-180_000_000, 180_000_000).map(lambda k: (k + 0.5) / 1e6),
    st.integers(-180_000_000, 180_000_000).flatmap(
        lambda k: st.sampled_from([k / 1e6, np.nextafter(k / 1e6, 0), (k + 0.5) / 1e6])
    ),
    st.sampled_from([0.0, -0.0, 1e-9, -1e-9, 5e-7, -5e-7, 1.0000005, 2.675, -179.9999995]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=30))
@example([(2.6750005, 0.0000005), (-0.0, 1.0), (0.1234565, -0.1234565)])
def test_to_geojson_rounds_like_python_round(points):
    ring = [*points, points[0]]
    geom = Polygon(ring)  # need not be valid: only rounding is compared
    assert g.to_geojson(geom) == old_to_geojson(geom)
    as_text = json.dumps(g.to_geojson(geom))
    assert as_text == json.dumps(old_to_geojson(geom))  # -0.0 stays -0.0


@pytest.mark.parametrize(
    "ring",
    [
        [[0, 0], [1, 0], [1, 1], [0, 0]],
        [[0, 0], [1, 0], [1, 1]],  # open: closed for you
        [[0, 0], [True, 0], [1, 1], [0, 0]],  # a JSON true is not a number
        [[0, 0], [1, False], [1, 1], [0, 0]],
        [[0, 0], [1, 0, True], [1, 1], [0, 0]],  # a third value is not looked at
        [[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]],
        [[0, 0], [1, "0"], [1, 1], [0, 0]],
        [[0, 0], [1, None], [1, 1], [0, 0]],
        [[0, 0], [1], [1, 1], [0, 0]],
        [[0, 0], [], [1, 1], [0, 0]],
        [[0, 0], 7, [1, 1], [0, 0]],
        [[0, 0], [[1, 0]], [1, 1], [0, 0]],
        [[0, 0], [10**400, 0], [1, 1], [0, 0]],
        [[0, 0], [2**64, 0], [1, 1], [0, 0]],
        [[0, 0], [float("nan"), 0], [1, 1], [0, 0]],
        [[0, 0], [float("inf"), 0], [1, 1], [0, 0]],
        [[0, 0], [1, 0], [0, 0], [1, 0]],  # two distinct corners
        [[0, 0], [-0.0, 0.0], [1, 1], [0, -0.0]],  # -0.0 is 0.0
        [[0, 0], [0, 0]],
        [],
        [[5, 5]],
        "0,0 1,1",
        [{"x": 0, "y": 0}, [1, 0], [1, 1]],
        ([0, 0], (1, 0), (1, 1)),
    ],
)
def test_ring_checks_match_the_position_by_position_ones(ring):
    same_ring_outcome(ring)


position_value = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -0.0, 0.0, 1.0, True, False, None, "1", 10**400]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.lists(position_value, min_size=0, max_size=4),
            st.tuples(position_value, position_value),
            position_value,
        ),
        max_size=8,
    )
)
def test_ring_checks_match_on_anything(ring):
    same_ring_outcome(ring)


def test_whole_geometries_parse_to_the_same_shapes_as_before():
    for path in (WARDS_FILE, LSOA_FILE):
        for feature in json.loads(path.read_text())["features"][:200]:
            geom = g.geometry_from_geojson(feature["geometry"])
            rings = [
                [old_ring(r, "x") for r in poly]
                for poly in (
                    [feature["geometry"]["coordinates"]]
                    if feature["geometry"]["type"] == "Polygon"
                    else feature["geometry"]["coordinates"]
                )
            ]
            shapes = [Polygon(r[0], r[1:]) for r in rings]
            expected = g.validate(shapes[0] if len(shapes) == 1 else MultiPolygon(shapes))
            assert shapely.equals_exact(geom, expected, tolerance=0)
            assert g.to_geojson(geom) == old_to_geojson(expected)

"""The grid-accelerated ZoneIndex gives exactly the brute-force answer for every point.

Brute force is Shapely's `intersects_xy` against every zone: a point is in a zone when it
intersects the outer area (core plus fringe), and in its core when it also intersects the
core — the semantics `membership_of` has always had (a point on a boundary is covered).
Zones here are real Birmingham wards with fringes (overlapping their neighbours' cores), plus
a zone with a hole, a two-part zone, a zone with no fringe, a tiny zone (smaller than a grid
cell) and a large one spanning many wards.
"""

import math
from functools import lru_cache

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon

from sizes.geo import geometry as g
from sizes.geo.index import CORE, FRINGE, ZoneIndex, membership_of
from sizes.geo.tests.conftest import BOURNVILLE, NEIGHBOURS, STIRCHLEY, ward_shape

WARDS = [STIRCHLEY, BOURNVILLE, *NEIGHBOURS]


@lru_cache
def zones() -> tuple[list, list]:
    cores, outers = [], []
    for code in WARDS:
        core = ward_shape(code)
        cores.append(core)
        outers.append(core.buffer(0.003, quad_segs=4))  # overlaps the neighbours' cores
    stirchley = ward_shape(STIRCHLEY)
    c = stirchley.centroid
    # A zone with a hole whose outer area keeps a smaller hole.
    ring = Point(c.x, c.y).buffer(0.02).difference(Point(c.x, c.y).buffer(0.008))
    cores.append(ring)
    outers.append(ring.buffer(0.002))
    # Two parts far apart.
    two = MultiPolygon(
        [Point(c.x - 0.05, c.y + 0.03).buffer(0.004), Point(c.x + 0.06, c.y - 0.02).buffer(0.006)]
    )
    cores.append(two)
    outers.append(two.buffer(0.001))
    # No fringe: the outer area is the core itself.
    square = Polygon([(c.x, c.y), (c.x + 0.01, c.y), (c.x + 0.01, c.y + 0.01), (c.x, c.y + 0.01)])
    cores.append(square)
    outers.append(square)
    # Tiny (a few metres) and large (several wards).
    tiny = Point(c.x + 0.003, c.y - 0.004).buffer(0.00005)
    cores.append(tiny)
    outers.append(tiny.buffer(0.00003))
    big = shapely.union_all([ward_shape(code) for code in WARDS[:4]]).convex_hull
    cores.append(big)
    outers.append(big.buffer(0.004))
    return cores, outers


@lru_cache
def grid_index() -> ZoneIndex:
    cores, outers = zones()
    n = len(cores)
    return ZoneIndex.from_geometries(range(100, 100 + n), range(n), cores, outers)


def brute_force(lons, lats) -> set[tuple[int, int, bool]]:
    cores, outers = zones()
    found = set()
    for e, (core, outer) in enumerate(zip(cores, outers, strict=True)):
        in_outer = shapely.intersects_xy(outer, lons, lats)
        in_core = shapely.intersects_xy(core, lons, lats)
        for p in np.flatnonzero(in_outer):
            found.add((int(p), 100 + e, bool(in_core[p])))
    return found


def grid_answer(lons, lats) -> set[tuple[int, int, bool]]:
    m = grid_index().query_many(lons, lats)
    return set(zip(m.point.tolist(), m.zone_id.tolist(), m.core.tolist(), strict=True))


def assert_same(lons, lats):
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    expected = brute_force(lons, lats)
    assert grid_answer(lons, lats) == expected
    # The single-point path agrees too (checked on a sample: it is slower).
    for p in range(0, len(lons), max(1, len(lons) // 300)):
        hits = grid_index().query(lon=lons[p], lat=lats[p])
        got = {(p, h.zone_id, h.membership == CORE) for h in hits}
        assert got == {t for t in expected if t[0] == p}


def extent():
    _, outers = zones()
    minx, miny, maxx, maxy = shapely.total_bounds(outers)
    return minx - 0.01, miny - 0.01, maxx + 0.01, maxy + 0.01


@pytest.mark.parametrize("group_from", [10**9, 0])
def test_many_random_points_match_brute_force(monkeypatch, group_from):
    # Exact tests grouped by zone (large batches) or in point order: the same answer.
    monkeypatch.setattr("sizes.geo.index.BY_ZONE_MIN", group_from)
    minx, miny, maxx, maxy = extent()
    rng = np.random.default_rng(9)
    lons = rng.uniform(minx, maxx, 20_000)
    lats = rng.uniform(miny, maxy, 20_000)
    assert_same(lons, lats)
    # The answers are not trivial: cores, fringes, overlaps and misses all occur.
    m = grid_index().query_many(lons, lats)
    assert m.core.any() and (~m.core).any()
    assert len(np.unique(m.point)) < len(m.point) < len(lons)


def test_points_on_and_next_to_every_boundary_match_brute_force():
    cores, outers = zones()
    coords = shapely.get_coordinates(shapely.boundary([*cores, *outers]))
    # Vertices (on the boundary), midpoints of edges, and points a hair to either side.
    mids = ((coords[:-1] + coords[1:]) / 2)[::3]
    coords = coords[::3]
    points = [coords, mids]
    for eps in (1e-12, 1e-9, 1e-6):
        points += [coords + eps, coords - eps, mids + [eps, -eps], mids - [eps, -eps]]
    pts = np.vstack(points)
    assert_same(pts[:, 0], pts[:, 1])
    on_boundary = grid_index().query_many(coords[:, 0], coords[:, 1])
    assert len(np.unique(on_boundary.point)) == len(coords)  # a boundary point is covered


def test_points_on_grid_lines_and_cell_corners_match_brute_force():
    index = grid_index()
    minx, miny, maxx, maxy = extent()
    cols = np.arange(int((minx - index.x0) / index.sx), int((maxx - index.x0) / index.sx))
    rows = np.arange(int((miny - index.y0) / index.sy), int((maxy - index.y0) / index.sy))
    xs = index.x0 + cols[::3] * index.sx
    ys = index.y0 + rows[::3] * index.sy
    gx, gy = np.meshgrid(xs, ys)
    assert_same(gx.ravel(), gy.ravel())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.floats(0, 1, allow_nan=False), st.floats(0, 1, allow_nan=False)),
        min_size=1,
        max_size=200,
    ),
    st.sampled_from([0.0, 1e-10, 1e-6, 1e-3]),
    st.integers(0, 10_000),
)
def test_hypothesis_points_near_vertices_and_anywhere(fractions, jitter, vertex):
    """Points anywhere in the extent, and points jittered around a vertex of some boundary."""
    minx, miny, maxx, maxy = extent()
    f = np.array(fractions)
    lons = minx + f[:, 0] * (maxx - minx)
    lats = miny + f[:, 1] * (maxy - miny)
    cores, outers = zones()
    coords = shapely.get_coordinates(shapely.boundary([*cores, *outers]))
    vx, vy = coords[vertex % len(coords)]
    lons = np.r_[lons, vx + (f[:, 0] - 0.5) * jitter]
    lats = np.r_[lats, vy + (f[:, 1] - 0.5) * jitter]
    assert_same(lons, lats)


def _compare_single_lookups(index: ZoneIndex, *, exact: bool) -> dict:
    cores, outers = zones()
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = extent()
    seen = {CORE: 0, FRINGE: 0}
    for lon, lat in zip(rng.uniform(minx, maxx, 400), rng.uniform(miny, maxy, 400), strict=True):
        hits = index.query(lon=lon, lat=lat)
        assert [
            (h.zone_id, h.membership) for h in index.query(lon=lon, lat=lat, distance=False)
        ] == [(h.zone_id, h.membership) for h in hits]
        for hit in hits:
            e = hit.zone_id - 100
            kind, distance = membership_of(lon=lon, lat=lat, core=cores[e], outer=outers[e])
            assert hit.membership == kind
            if exact:
                assert hit.distance_m == distance
            else:  # the same to a millimetre, so at most one rounding step (0.1 m) apart
                assert abs(hit.distance_m - distance) <= 0.1 + 1e-9
            seen[kind] += 1
    assert seen[CORE] > 50 and seen[FRINGE] > 20
    return seen


def test_single_lookup_gives_membership_and_the_same_distance_as_before():
    _compare_single_lookups(grid_index(), exact=False)


def test_without_a_close_fit_each_point_is_projected_by_pyproj(monkeypatch):
    monkeypatch.setattr("sizes.geo.index.FIT_TOLERANCE_M", -1.0)  # no fit is ever close enough
    cores, outers = zones()
    index = ZoneIndex.from_geometries(
        range(100, 100 + len(cores)), range(len(cores)), cores, outers
    )
    _compare_single_lookups(index, exact=True)
    assert index.distances_ready() > 0
    assert not any(index.fitted(e) for e in range(len(cores)))


def test_the_fitted_projection_is_pyproj_to_a_millimetre():
    cores, outers = zones()
    index = grid_index()
    transformer = g._transformer(g.WGS84, g.metric_crs())
    rng = np.random.default_rng(5)
    fitted = 0
    for e, outer in enumerate(outers):
        index._prepare_distance(e)
        minx, miny, maxx, maxy = outer.bounds
        for lon, lat in zip(rng.uniform(minx, maxx, 50), rng.uniform(miny, maxy, 50), strict=True):
            if not outer.intersects(Point(lon, lat)):
                continue
            x, y = index._project(e, lon, lat)
            ex, ey = transformer.transform(lon, lat)
            assert math.hypot(x - ex, y - ey) < 0.001
        fitted += index.fitted(e)
    assert fitted >= len(outers) - 2  # only zones many kilometres across may fall back


@pytest.mark.parametrize("size", [1e-6, 0.0005, 0.002, 0.01, 0.02, 0.05])
def test_a_single_rectangular_zone(size):
    # An upright rectangle: no piece of its edge crosses both a row and a column line, and
    # the build must still work (it once failed on an empty set of such cells).
    x, y = -1.9, 52.4
    core = Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
    outer = core.buffer(size * 0.37, join_style="mitre")  # an upright rectangle too
    index = ZoneIndex.from_geometries([7], [1], [core], [outer])
    inside = core.representative_point()
    assert [(h.zone_id, h.membership) for h in index.query(lon=inside.x, lat=inside.y)] == [
        (7, CORE)
    ]
    assert index.query(lon=-1.8, lat=52.5) == []


def test_outside_the_grid_and_empty_index():
    assert grid_index().query(lon=10.0, lat=10.0) == []
    assert len(grid_index().query_many([10.0, -179.9], [10.0, 89.9])) == 0
    empty = ZoneIndex.from_geometries([], [], [], [])
    assert empty.query(lon=-1.9, lat=52.4) == []
    assert len(empty.query_many([-1.9], [52.4])) == 0


@pytest.mark.parametrize("fringe", [0.0, 0.002])
def test_one_zone_much_larger_than_a_cell(fringe):
    """A single zone: the grid is sized from it, and interior cells need no polygon test."""
    core = ward_shape(STIRCHLEY)
    outer = core.buffer(fringe) if fringe else core
    index = ZoneIndex.from_geometries([1], [1], [core], [outer])
    minx, miny, maxx, maxy = outer.bounds
    rng = np.random.default_rng(5)
    lons, lats = rng.uniform(minx, maxx, 20_000), rng.uniform(miny, maxy, 20_000)
    m = index.query_many(lons, lats)
    expected_outer = shapely.intersects_xy(outer, lons, lats)
    assert set(m.point.tolist()) == set(np.flatnonzero(expected_outer).tolist())
    assert (m.core == shapely.intersects_xy(core, lons[m.point], lats[m.point])).all()
    assert index.stats()["edge_rows"] < index.stats()["rows"]

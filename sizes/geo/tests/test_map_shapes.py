"""The register map's shapes are simplified when a boundary is set and stored with it; a map
request reads them and simplifies nothing (doing it in the request took 16–20 s at 10,000
zones). What it sends must be exactly what simplifying in the request sent."""

import importlib

import pytest
from django.apps import apps

from sizes.geo import maps, mapshapes
from sizes.geo.geometry import geometry_from_point
from sizes.geo.models import ZoneBoundary, ZoneBoundaryMapShape
from sizes.geo.services import zone_set_boundary

ZOOMS = [0, 4, 8, 10, 12, 14, 16, 17, 18, 20]


@pytest.fixture(autouse=True)
def _fresh_map_cache():
    maps.reset()
    yield
    maps.reset()


@pytest.fixture
def zones(db, seed_zone, geo_steward):
    """The real Stirchley zone (detailed ward outlines) and a few bench grid zones."""
    from bench.pagedata import populate, simple_shapes

    populate(n_zones=4, shapes=simple_shapes(4, 1, 0), rich=False, variations_per_zone=0)
    return seed_zone


def _map_texts():
    out = {}
    for zoom in ZOOMS:
        maps.reset()
        out[zoom] = maps.zones_map_json(zoom=zoom)
    return out


def test_stored_shapes_give_exactly_what_simplifying_in_the_request_gave(zones, monkeypatch):
    assert ZoneBoundaryMapShape.objects.filter(boundary__valid_to__isnull=True).exists()
    for b in ZoneBoundary.objects.current():
        runs = list(b.map_shapes.order_by("min_zoom").values_list("min_zoom", "max_zoom"))
        # Every zoom 0–20 is covered once.
        assert runs[0][0] == 0 and runs[-1][1] == 20
        assert all(a[1] + 1 == b[0] for a, b in zip(runs, runs[1:], strict=False))

    def no_simplifying(*args, **kwargs):
        raise AssertionError("simplified in the request")

    monkeypatch.setattr(maps, "simplify", no_simplifying)
    stored = _map_texts()
    monkeypatch.undo()

    # The same boundaries without stored shapes: the map simplifies them in the request, as it
    # did before the shapes were stored.
    ZoneBoundaryMapShape.objects.all().delete()
    computed = _map_texts()
    assert stored == computed
    assert stored[8] != stored[18]  # the zooms do differ: the comparison is not vacuous
    assert stored[18] == stored[20]


def test_zoom_shapes_are_the_simplified_geometry_for_each_zoom(zones):
    b = ZoneBoundary.objects.current().get(zone=zones)
    runs = mapshapes.zoom_shapes(b.core, b.fringe)
    assert len(runs) > 3  # the detailed ward outlines simplify differently at many zooms
    for lo, hi, core_text, fringe_text in runs:
        for zoom in range(lo, hi + 1):
            assert core_text == mapshapes.compact(mapshapes.simplify(b.core, zoom))
            assert fringe_text == mapshapes.compact(mapshapes.simplify(b.fringe, zoom))


def test_setting_a_boundary_stores_its_shapes_and_the_map_shows_them(zones, geo_steward):
    old = ZoneBoundary.objects.current().get(zone=zones)
    old_shapes = set(old.map_shapes.values_list("pk", flat=True))
    before = maps.zones_map_json(zoom=12)
    new = zone_set_boundary(
        actor=geo_steward,
        zone=zones,
        geometry=geometry_from_point(lat=52.44, lon=-1.93, radius_m=400),
        method="point",
    )
    expected = [(lo, hi, c, f) for lo, hi, c, f in mapshapes.zoom_shapes(new.core, new.fringe)]
    stored = list(
        new.map_shapes.order_by("min_zoom").values_list("min_zoom", "max_zoom", "core", "fringe")
    )
    assert stored == expected
    # The old boundary keeps its own (history), untouched.
    assert set(old.map_shapes.values_list("pk", flat=True)) == old_shapes
    after = maps.zones_map_json(zoom=12)
    assert after != before
    assert expected[[lo <= 12 <= hi for lo, hi, *_ in expected].index(True)][2] in after


def test_migration_backfills_current_boundaries(zones):
    migration = importlib.import_module("sizes.geo.migrations.0003_boundary_map_shapes")
    want = sorted(
        ZoneBoundaryMapShape.objects.values_list("boundary_id", "min_zoom", "max_zoom", "core")
    )
    ZoneBoundaryMapShape.objects.all().delete()
    migration.backfill(apps, None)
    got = sorted(
        ZoneBoundaryMapShape.objects.values_list("boundary_id", "min_zoom", "max_zoom", "core")
    )
    assert got == want and got

"""Geography fixtures: the real Birmingham wards and postcodes, read straight from the files
shipped in sizes/geo/data, and a declared Stirchley and Cotteridge zone built from them."""

import csv
import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import pytest
import shapely
from django.utils import timezone
from pyproj import Transformer
from shapely.geometry import shape

from sizes.geo import index
from sizes.geo.models import Postcode, ReferenceArea
from sizes.zones.models import ZoneStatus
from tests.factories import UserFactory, ZoneFactory

DATA = Path(__file__).resolve().parents[1] / "data"
WARDS_FILE = DATA / "birmingham_wards.geojson"
LSOA_FILE = DATA / "birmingham_lsoa.geojson"
POSTCODES_FILE = DATA / "birmingham_south_postcodes.csv"
STIRCHLEY = "E05011172"
BOURNVILLE = "E05011129"
# Neighbours of the seed zone, loaded so that lookups have something to miss.
NEIGHBOURS = ["E05011130", "E05011148", "E05011184", "E05011128"]


@lru_cache
def ward_features() -> dict[str, dict]:
    data = json.loads(WARDS_FILE.read_text())
    return {f["properties"]["ward_code"]: f for f in data["features"]}


@lru_cache
def postcode_rows() -> dict[str, dict]:
    with POSTCODES_FILE.open(newline="") as fh:
        return {row["postcode"]: row for row in csv.DictReader(fh)}


_to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform


def bng(geom):
    """Independent reprojection for the tests (pyproj directly, not sizes.geo)."""
    return shapely.transform(geom, _to_bng, interleaved=False)


def ward_shape(code: str):
    return shape(ward_features()[code]["geometry"])


def seed_union():
    return shapely.union_all([ward_shape(STIRCHLEY), ward_shape(BOURNVILLE)])


@pytest.fixture(autouse=True)
def _fresh_index():
    index.reset()
    yield
    index.reset()


@pytest.fixture
def wards(db):
    """A few real wards as ReferenceArea rows (vintage 2018), stored as the importer would."""
    from sizes.geo import geometry as g

    rows = []
    for code in [STIRCHLEY, BOURNVILLE, *NEIGHBOURS]:
        f = ward_features()[code]
        geom = g.geometry_from_geojson(f["geometry"])
        area = ReferenceArea(
            type="ward",
            code=code,
            name=f["properties"]["ward_name"],
            vintage="2018",
            geometry=g.to_geojson(geom),
            area_m2=g.area_m2(geom),
        )
        area.set_bbox(geom.bounds)
        rows.append(area)
    return ReferenceArea.objects.bulk_create(rows)


@pytest.fixture
def postcodes(db):
    """Every B30 postcode (618), as Postcode rows."""
    rows = [
        Postcode(
            postcode=r["postcode"],
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
            ward_code=r["pip_ward_code"],
            lsoa_code=r["pip_lsoa11_code"],
        )
        for r in postcode_rows().values()
        if r["postcode"].startswith("B30 ")
    ]
    return Postcode.objects.bulk_create(rows)


@pytest.fixture
def geo_steward(db):
    return UserFactory(username="geosteward")


def declared_zone(steward, **kwargs):
    today = timezone.localdate()
    defaults = {
        "status": ZoneStatus.DECLARED,
        "proposed_on": today - dt.timedelta(days=120),
        "declared_on": today - dt.timedelta(days=60),
        "stewards": [steward],
    }
    defaults.update(kwargs)
    return ZoneFactory(**defaults)


@pytest.fixture
def seed_zone(wards, geo_steward):
    """The declared Stirchley and Cotteridge zone: the union of the two real wards, 250 m fringe."""
    from sizes.geo.services import zone_boundary_from_areas, zone_set_boundary

    zone = declared_zone(geo_steward, name="Stirchley and Cotteridge", slug="stirchley")
    zone_set_boundary(
        actor=geo_steward,
        zone=zone,
        geometry=zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY, BOURNVILLE]),
        method="areas",
        source=f"ward:{STIRCHLEY},{BOURNVILLE}",
    )
    return zone

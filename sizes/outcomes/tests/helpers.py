"""Small synthetic geography for outcomes tests: squares in British National Grid metres."""

import datetime as dt

from shapely.geometry import MultiPolygon, box

from sizes.geo.geometry import to_geojson, to_metric, to_wgs84
from sizes.geo.models import ReferenceArea
from sizes.geo.services import zone_set_boundary
from sizes.outcomes.services import indicator_create
from sizes.zones.models import ZoneStatus
from tests.factories import OutcomeFactory, ZoneFactory

# A point in south Birmingham, in EPSG:27700 metres.
X0, Y0 = 405000, 280000


def square(x0, y0, x1, y1) -> MultiPolygon:
    """A rectangle given in metres from (X0, Y0), as WGS84."""
    return MultiPolygon([to_wgs84(box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1))])


def make_area(code, x0, y0, x1, y1, *, area_type="lsoa", name=None) -> ReferenceArea:
    geom = square(x0, y0, x1, y1)
    area = ReferenceArea(
        type=area_type,
        code=code,
        name=name or f"Area {code}",
        vintage="2011",
        geometry=to_geojson(geom),
        area_m2=float(to_metric(geom).area),
    )
    area.set_bbox(geom.bounds)
    area.save()
    return area


def declared_zone(steward, *, slug="evidence-zone", declared_on=dt.date(2024, 1, 1)):
    """A declared zone whose core is the square 0–1000 m × 0–1000 m, fringe 250 m."""
    zone = ZoneFactory(
        name="Evidence zone",
        slug=slug,
        status=ZoneStatus.DECLARED,
        declared_on=declared_on,
        review_date=dt.date(2030, 1, 1),
        stewards=[steward],
    )
    zone_set_boundary(
        actor=steward, zone=zone, geometry=square(0, 0, 1000, 1000), fringe_m=250, method="upload"
    )
    return zone


def indicator(steward, zone, **over):
    outcome = over.pop("outcome", None) or OutcomeFactory(zone=zone, title="People more active")
    fields = {
        "name": "Adults active",
        "definition": "Share of adults active 150 minutes a week",
        "unit": "%",
        "polarity": "higher",
        "source": "Test survey",
        "licence": "Open Government Licence v3.0",
        "geography_level": "lsoa",
    }
    fields.update(over)
    return indicator_create(actor=steward, outcome=outcome, **fields)

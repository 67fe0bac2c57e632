"""Small real geography for engagement tests (also used by the browser tests)."""

import json
from pathlib import Path

STIRCHLEY, BOURNVILLE = "E05011172", "E05011129"
WARDS_FILE = Path(__file__).resolve().parents[2] / "geo" / "data" / "birmingham_wards.geojson"


def load_wards():
    """Two real wards (Stirchley; Bournville & Cotteridge) stored as the importer would."""
    from sizes.geo import geometry as g
    from sizes.geo.models import ReferenceArea

    rows = []
    for f in json.loads(WARDS_FILE.read_text())["features"]:
        code = f["properties"]["ward_code"]
        if code not in (STIRCHLEY, BOURNVILLE):
            continue
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


def load_postcodes():
    """One postcode in Stirchley ward, one in Bournville & Cotteridge, one far away."""
    from sizes.geo.models import Postcode

    return Postcode.objects.bulk_create(
        [
            Postcode(postcode="B30 2BJ", lat=52.423597, lon=-1.922518, ward_code=STIRCHLEY),
            Postcode(postcode="B30 2AA", lat=52.430131, lon=-1.934302, ward_code=BOURNVILLE),
            Postcode(postcode="SW1A 1AA", lat=51.501009, lon=-0.141588),
        ]
    )

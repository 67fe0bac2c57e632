"""Import reference boundaries (GeoJSON) and postcode centroids (CSV).

One core module used by the `import_boundaries` and `import_postcodes` commands (and by any
future admin upload or background task). Each import runs in one transaction: either every
usable row is stored or, on a fatal problem, nothing is. Rows that cannot be used are skipped
and reported with their reason. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from sizes.core.errors import DomainError
from sizes.core.faults import fault_point
from sizes.geo import geometry as g
from sizes.geo.models import AreaType, Postcode, ReferenceArea
from sizes.geo.postcodes import PostcodeMalformed, normalise_postcode

Progress = Callable[[int, int | None], None]


class ImportFailed(DomainError):
    """The whole file is unusable; nothing was stored."""

    def __init__(self, message: str, code: str = "import_failed"):
        super().__init__(code=code, message=message, status=400)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.removed else "")
            + f", {len(self.skipped)} skipped"
        )
        return text


# --- boundaries ------------------------------------------------------------------------------


def import_boundaries(
    path: str | Path,
    *,
    area_type: str,
    code_field: str,
    name_field: str,
    vintage: str = "",
    crs: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a GeoJSON FeatureCollection of areas of one type and vintage.

    Re-importing the same type and vintage replaces that set: areas whose code is no longer in
    the file are removed; areas whose name and geometry are unchanged are left untouched. Other
    vintages are kept beside it.
    """
    if area_type not in AreaType.values:
        raise ImportFailed(
            f"“{area_type}” is not an area type; use one of {', '.join(AreaType.values)}.",
            code="area_type_unknown",
        )
    vintage = (vintage or "").strip()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFailed(f"Cannot read {path}: {exc.strerror}.", code="file_unreadable") from exc
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportFailed(f"{path} is not valid JSON: {exc}.", code="geojson_malformed") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed(f"{path} is not a GeoJSON FeatureCollection.", code="geojson_invalid")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportFailed(f"{path} has no features.", code="geojson_invalid")
    try:
        crs = g.normalise_crs(crs) or g.normalise_crs(g._legacy_crs(data))
    except g.GeometryError as exc:
        raise ImportFailed(exc.message, code=exc.code) from exc

    report = ImportReport()
    parsed: dict[str, tuple[str, dict, tuple, float]] = {}
    total = len(features)
    for i, feature in enumerate(features, start=1):
        if progress and (i % 50 == 0 or i == total):
            progress(i, total)
        label = f"feature {i}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            report.skipped.append((label, "not a GeoJSON Feature with properties"))
            continue
        code = str(props.get(code_field) or "").strip()
        name = str(props.get(name_field) or "").strip()
        if not code:
            report.skipped.append((label, f"no value in the code field “{code_field}”"))
            continue
        label = f"{label} ({code})"
        if not name:
            report.skipped.append((label, f"no value in the name field “{name_field}”"))
            continue
        if code in parsed:
            report.skipped.append((label, "the same code appears earlier in the file"))
            continue
        if feature.get("geometry") is None:
            report.skipped.append((label, "no geometry"))
            continue
        try:
            geom = g.geometry_from_geojson(feature["geometry"], crs=crs)
        except g.GeometryError as exc:
            report.skipped.append((label, exc.message))
            continue
        parsed[code] = (name[:200], g.to_geojson(geom), geom.bounds, round(g.area_m2(geom), 1))

    if not parsed:
        fields = sorted(
            {k for f in features[:5] if isinstance(f, dict) for k in (f.get("properties") or {})}
        )
        raise ImportFailed(
            "No usable areas in the file. "
            + (
                f"First problem: {report.skipped[0][0]}: {report.skipped[0][1]}. "
                if report.skipped
                else ""
            )
            + f"Fields in the file: {', '.join(fields) or 'none'}.",
            code="import_nothing_usable",
        )

    with transaction.atomic():
        existing = {
            a.code: a for a in ReferenceArea.objects.filter(type=area_type, vintage=vintage)
        }
        now = timezone.now()
        new, changed = [], []
        for code, (name, geojson, bounds, area) in parsed.items():
            row = existing.get(code)
            if row is None:
                obj = ReferenceArea(
                    type=area_type,
                    code=code,
                    name=name,
                    vintage=vintage,
                    geometry=geojson,
                    area_m2=area,
                    imported_at=now,
                )
                obj.set_bbox(bounds)
                new.append(obj)
            elif row.name != name or row.geometry != geojson:
                row.name, row.geometry, row.area_m2, row.imported_at = name, geojson, area, now
                row.set_bbox(bounds)
                changed.append(row)
            else:
                report.unchanged += 1
        for start in range(0, len(new), 500):
            ReferenceArea.objects.bulk_create(new[start : start + 500])
            fault_point("geo.import_boundaries.batch", inserted=min(start + 500, len(new)))
        ReferenceArea.objects.bulk_update(
            changed,
            [
                "name",
                "geometry",
                "area_m2",
                "imported_at",
                "min_lon",
                "min_lat",
                "max_lon",
                "max_lat",
            ],
            batch_size=200,
        )
        gone = [row.pk for code, row in existing.items() if code not in parsed]
        if gone:
            ReferenceArea.objects.filter(pk__in=gone).delete()
        report.created, report.updated, report.removed = len(new), len(changed), len(gone)
        _audit_import(
            "reference_areas.imported",
            "geo.referencearea",
            report,
            area_type=area_type,
            vintage=vintage,
            file=Path(path).name,
        )
    return report


def _audit_import(action: str, object_type: str, report: ImportReport, **about) -> None:
    """One audit event for an import that changed anything, in the import's own transaction
    (so a killed or failed import leaves neither rows nor an event). Imports are run by the
    site's operators from the command line, so there is no person to name."""
    if not (report.created or report.updated or report.removed):
        return
    from sizes.audit.services import audit_record

    audit_record(
        actor=None,
        action=action,
        object_type=object_type,
        changes={
            "created": [None, report.created],
            "updated": [None, report.updated],
            "removed": [None, report.removed],
            "skipped": [None, len(report.skipped)],
            **{k: [None, v] for k, v in about.items()},
        },
    )


# --- postcodes -------------------------------------------------------------------------------

# Accepted column names, first match wins (ONS Postcode Directory names included).
POSTCODE_COLUMNS = ("postcode", "pcds", "pcd", "pcd7", "pcd8")
LAT_COLUMNS = ("latitude", "lat")
LON_COLUMNS = ("longitude", "long", "lon", "lng")
EASTING_COLUMNS = ("easting", "oseast1m", "x")
NORTHING_COLUMNS = ("northing", "osnrth1m", "y")
WARD_COLUMNS = ("ward_code", "pip_ward_code", "osward", "wd_code")
LSOA_COLUMNS = ("lsoa_code", "pip_lsoa11_code", "lsoa11", "lsoa11cd", "lsoa21", "lsoa21cd")


def _pick(header: Iterable[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header if h}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _number(text) -> float | None:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def import_postcodes(
    path: str | Path, *, progress: Progress | None = None, batch_size: int = 2000
) -> ImportReport:
    """Import postcode centroids from a CSV file, streaming it row by row.

    Columns: a postcode (`postcode`, or ONSPD `pcds`/`pcd`), and either `latitude`/`longitude`
    or British National Grid `easting`/`northing` (ONSPD `oseast1m`/`osnrth1m`), reprojected;
    optionally a ward code (`ward_code`, `pip_ward_code`, `osward`) and an LSOA code
    (`lsoa_code`, `pip_lsoa11_code`, `lsoa11`). Postcodes in the file are added or updated;
    others already stored are kept (postcode files are often one area at a time).
    """
    report = ImportReport()
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ImportFailed(f"Cannot read {path}: {exc.strerror}.", code="file_unreadable") from exc
    with handle, transaction.atomic():
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            pc_col = _pick(header, POSTCODE_COLUMNS)
            lat_col, lon_col = _pick(header, LAT_COLUMNS), _pick(header, LON_COLUMNS)
            east_col, north_col = _pick(header, EASTING_COLUMNS), _pick(header, NORTHING_COLUMNS)
            ward_col, lsoa_col = _pick(header, WARD_COLUMNS), _pick(header, LSOA_COLUMNS)
            if pc_col is None:
                raise ImportFailed(
                    f"{path} has no postcode column (looked for {', '.join(POSTCODE_COLUMNS)}); "
                    f"its columns are: {', '.join(header) or 'none'}.",
                    code="csv_columns_missing",
                )
            use_latlon = lat_col is not None and lon_col is not None
            if not use_latlon and (east_col is None or north_col is None):
                raise ImportFailed(
                    f"{path} needs latitude and longitude columns, or easting and northing; "
                    f"its columns are: {', '.join(header)}.",
                    code="csv_columns_missing",
                )
            batch: list[dict] = []
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                try:
                    postcode = normalise_postcode(row.get(pc_col) or "")
                except PostcodeMalformed:
                    report.skipped.append(
                        (f"line {line}", f"“{(row.get(pc_col) or '')[:20]}” is not a postcode")
                    )
                    continue
                if postcode in seen:
                    report.skipped.append((f"line {line} ({postcode})", "repeated postcode"))
                    continue
                seen.add(postcode)
                if use_latlon:
                    lat, lon = _number(row.get(lat_col)), _number(row.get(lon_col))
                    # ONSPD marks "no grid reference" with latitude 99.999999.
                    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
                        report.skipped.append(
                            (f"line {line} ({postcode})", "no usable latitude/longitude")
                        )
                        continue
                    item = {"lat": lat, "lon": lon}
                else:
                    east, north = _number(row.get(east_col)), _number(row.get(north_col))
                    if (
                        east is None
                        or north is None
                        or not (0 < east < 800_000 and 0 < north < 1_400_000)
                    ):
                        report.skipped.append(
                            (f"line {line} ({postcode})", "no usable easting/northing")
                        )
                        continue
                    item = {"east": east, "north": north}
                item["postcode"] = postcode
                item["ward_code"] = (row.get(ward_col) or "").strip()[:20] if ward_col else ""
                item["lsoa_code"] = (row.get(lsoa_col) or "").strip()[:20] if lsoa_col else ""
                batch.append(item)
                if len(batch) >= batch_size:
                    _store_postcodes(batch, report)
                    batch = []
                if progress and line % 1000 == 0:
                    progress(line - 1, None)
            if batch:
                _store_postcodes(batch, report)
            if progress:
                progress(len(seen), len(seen))
            _audit_import("postcodes.imported", "geo.postcode", report, file=Path(path).name)
            if report.stored == 0:
                raise ImportFailed(
                    f"No usable postcodes in {path}"
                    + (
                        f"; first problem: {report.skipped[0][0]}: {report.skipped[0][1]}"
                        if report.skipped
                        else ""
                    )
                    + ".",
                    code="import_nothing_usable",
                )
        except UnicodeDecodeError as exc:
            # Raised mid-file, so rows already stored in this transaction are rolled back.
            raise ImportFailed(
                f"{path} is not UTF-8 text (byte {exc.start + 1} of a block cannot be read). "
                "Save it as 'CSV UTF-8' and import it again; nothing was imported.",
                code="csv_not_utf8",
            ) from exc
        except csv.Error as exc:
            raise ImportFailed(
                f"{path} is not a readable CSV file ({exc}); nothing was imported.",
                code="csv_malformed",
            ) from exc
    return report


def _store_postcodes(batch: list[dict], report: ImportReport) -> None:
    grid = [i for i in batch if "east" in i]
    if grid:
        transformer = g._transformer("EPSG:27700", g.WGS84)
        lons, lats = transformer.transform(
            np.array([i["east"] for i in grid]), np.array([i["north"] for i in grid])
        )
        for item, lon, lat in zip(grid, lons, lats, strict=True):
            item["lat"], item["lon"] = round(float(lat), 6), round(float(lon), 6)
    existing = {
        p.postcode: p for p in Postcode.objects.filter(postcode__in=[i["postcode"] for i in batch])
    }
    new, changed = [], []
    for item in batch:
        row = existing.get(item["postcode"])
        values = (item["lat"], item["lon"], item["ward_code"], item["lsoa_code"])
        if row is None:
            new.append(
                Postcode(
                    postcode=item["postcode"],
                    lat=values[0],
                    lon=values[1],
                    ward_code=values[2],
                    lsoa_code=values[3],
                )
            )
        elif (row.lat, row.lon, row.ward_code, row.lsoa_code) != values:
            row.lat, row.lon, row.ward_code, row.lsoa_code = values
            changed.append(row)
        else:
            report.unchanged += 1
    Postcode.objects.bulk_create(new, batch_size=1000)
    Postcode.objects.bulk_update(changed, ["lat", "lon", "ward_code", "lsoa_code"], batch_size=1000)
    report.created += len(new)
    report.updated += len(changed)
    fault_point("geo.import_postcodes.batch", stored=report.created + report.updated)

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
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import connection, transaction
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
        data = _load_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportFailed(f"{path} is not valid JSON: {exc}.", code="geojson_malformed") from exc
    del raw
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed(f"{path} is not a GeoJSON FeatureCollection.", code="geojson_invalid")
    features = data.get("features")
    if not isinstance(features, list | LazyFeatures) or not features:
        raise ImportFailed(f"{path} has no features.", code="geojson_invalid")
    try:
        crs = g.normalise_crs(crs) or g.normalise_crs(g._legacy_crs(data))
    except g.GeometryError as exc:
        raise ImportFailed(exc.message, code=exc.code) from exc

    report = ImportReport()
    parsed: dict[str, tuple[str, str, tuple, float]] = {}
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
            geom = g.geometry_from_geojson(feature.pop("geometry"), crs=crs)
        except g.GeometryError as exc:
            report.skipped.append((label, exc.message))
            continue
        # Kept as JSON text (a fifth of the memory of nested lists of floats); the parsed
        # geometry was taken out of the feature above, so memory does not hold the file twice.
        parsed[code] = (
            name[:200],
            json.dumps(g.to_geojson(geom)),
            geom.bounds,
            round(g.area_m2(geom), 1),
        )

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
                new.append((code, name, geojson, bounds, area))
                continue
            geometry = json.loads(geojson)
            if row.name != name or row.geometry != geometry:
                row.name, row.geometry, row.area_m2, row.imported_at = name, geometry, area, now
                row.set_bbox(bounds)
                changed.append(row)
            else:
                report.unchanged += 1
        _insert_areas(new, area_type=area_type, vintage=vintage, now=now)
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


AREA_BATCH = 500


def _insert_areas(new: list[tuple], *, area_type: str, vintage: str, now) -> None:
    """Insert new reference areas, AREA_BATCH at a time: on PostgreSQL with COPY (the JSON
    text goes in as it is), elsewhere with `bulk_create`."""
    for start in range(0, len(new), AREA_BATCH):
        chunk = new[start : start + AREA_BATCH]
        if connection.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(c) for c in AREA_COLUMNS)
            table = connection.ops.quote_name(ReferenceArea._meta.db_table)
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for code, name, geojson, bounds, area in chunk:
                    copy.write_row((area_type, code, name, vintage, geojson, area, now, *bounds))
        else:
            objs = []
            for code, name, geojson, bounds, area in chunk:
                obj = ReferenceArea(
                    type=area_type,
                    code=code,
                    name=name,
                    vintage=vintage,
                    geometry=json.loads(geojson),
                    area_m2=area,
                    imported_at=now,
                )
                obj.set_bbox(bounds)
                objs.append(obj)
            ReferenceArea.objects.bulk_create(objs)
        fault_point("geo.import_boundaries.batch", inserted=start + len(chunk))


AREA_COLUMNS = (
    "type",
    "code",
    "name",
    "vintage",
    "geometry",
    "area_m2",
    "imported_at",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
)


_DECODER = json.JSONDecoder()  # what json.loads uses
_SPACE = re.compile(r"[ \t\n\r]*")


class LazyFeatures(Sequence):
    """The features of a FeatureCollection, each parsed from the file's text when asked for,
    so that a 200 MB file is not held as Python objects all at once (which took ten times the
    file's size in memory)."""

    def __init__(self, text: str, starts: list[int]):
        self.text, self.starts = text, starts

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return _DECODER.raw_decode(self.text, self.starts[i])[0]


def _load_json(raw: bytes):
    """`json.loads(raw)`, except that an object's "features" array becomes `LazyFeatures`.

    The text is read once here (each feature is parsed and dropped, to find where it ends) and
    each feature again when it is used. Anything this reader does not follow, a syntax error
    included, is left to `json.loads`, so the result and every error message are its own.
    """
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
        scanned = _scan_object(text)
    except (ValueError, UnicodeDecodeError, RecursionError, IndexError):
        scanned = None
    return json.loads(raw) if scanned is None else scanned


def _scan_object(text: str) -> dict | None:
    def space(at: int) -> int:
        return _SPACE.match(text, at).end()

    pos = space(0)
    if text[pos : pos + 1] != "{":
        return None
    out: dict = {}
    pos = space(pos + 1)
    if text[pos : pos + 1] == "}":
        return out if space(pos + 1) == len(text) else None
    while True:
        if text[pos : pos + 1] != '"':
            return None
        key, pos = _DECODER.raw_decode(text, pos)
        pos = space(pos)
        if text[pos : pos + 1] != ":":
            return None
        pos = space(pos + 1)
        if key == "features" and text[pos : pos + 1] == "[":
            starts: list[int] = []
            pos = space(pos + 1)
            if text[pos : pos + 1] == "]":
                pos += 1
            else:
                while True:
                    starts.append(pos)
                    _, pos = _DECODER.raw_decode(text, pos)
                    pos = space(pos)
                    mark = text[pos : pos + 1]
                    pos = space(pos + 1)
                    if mark == "]":
                        break
                    if mark != ",":
                        return None
            out[key] = LazyFeatures(text, starts)
        else:
            out[key], pos = _DECODER.raw_decode(text, pos)
        pos = space(pos)
        mark = text[pos : pos + 1]
        pos = space(pos + 1)
        if mark == "}":
            return out if pos == len(text) else None
        if mark != ",":
            return None


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
            # csv.reader, not DictReader (half the time per row), read the way DictReader
            # reads: the first row is the header, blank rows are passed over (and not
            # counted), a column named twice gives its last value, a short row gives None.
            reader = csv.reader(handle)
            header = next(reader, None) or []
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
            at = {name: max(i for i, h in enumerate(header) if h == name) for name in header}
            i_pc = at[pc_col]
            i_a, i_b = (at[lat_col], at[lon_col]) if use_latlon else (at[east_col], at[north_col])
            i_ward = at[ward_col] if ward_col else None
            i_lsoa = at[lsoa_col] if lsoa_col else None
            stage = _PostcodeStage()
            size = batch_size  # doubled after each batch, up to MAX_POSTCODE_BATCH
            batch: list[list] = []
            seen: set[str] = set()
            line = 1
            for row in reader:
                if not row:
                    continue
                line += 1
                width = len(row)
                text = row[i_pc] if i_pc < width else None
                try:
                    postcode = normalise_postcode(text or "")
                except PostcodeMalformed:
                    report.skipped.append(
                        (f"line {line}", f"“{(text or '')[:20]}” is not a postcode")
                    )
                    continue
                if postcode in seen:
                    report.skipped.append((f"line {line} ({postcode})", "repeated postcode"))
                    continue
                seen.add(postcode)
                a = _number(row[i_a] if i_a < width else None)
                b = _number(row[i_b] if i_b < width else None)
                if use_latlon:
                    # ONSPD marks "no grid reference" with latitude 99.999999.
                    if a is None or b is None or abs(a) > 90 or abs(b) > 180:
                        report.skipped.append(
                            (f"line {line} ({postcode})", "no usable latitude/longitude")
                        )
                        continue
                elif a is None or b is None or not (0 < a < 800_000 and 0 < b < 1_400_000):
                    report.skipped.append(
                        (f"line {line} ({postcode})", "no usable easting/northing")
                    )
                    continue
                ward = (row[i_ward] if i_ward < width else None) if i_ward is not None else None
                lsoa = (row[i_lsoa] if i_lsoa < width else None) if i_lsoa is not None else None
                batch.append(
                    [
                        postcode,
                        a,
                        b,
                        (ward or "").strip()[:20] if ward_col else "",
                        (lsoa or "").strip()[:20] if lsoa_col else "",
                    ]
                )
                if len(batch) >= size:
                    stage.store(batch, report, grid=not use_latlon)
                    batch = []
                    size = min(2 * size, max(batch_size, MAX_POSTCODE_BATCH))
                if progress and line % 1000 == 0:
                    progress(line - 1, None)
            if batch:
                stage.store(batch, report, grid=not use_latlon)
            stage.close()
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


# A batch costs a few statements whatever its size; batches start at `batch_size` rows and
# double up to this, so a big file takes few round trips and memory stays flat.
MAX_POSTCODE_BATCH = 50_000


class _PostcodeStage:
    """Stores postcodes a batch at a time through a temporary table: the batch is loaded into
    it (COPY on PostgreSQL, one executemany elsewhere), then one UPDATE changes the stored
    postcodes whose values differ and one INSERT adds the missing ones. No model instance
    per row, a handful of statements per batch, and the counts are the database's own.

    Table and column names below are SIZes' own (no input reaches the SQL text); the values
    travel as parameters or through COPY.
    """

    NAME = "sizes_postcode_import"
    COLUMNS = ("postcode", "lat", "lon", "ward_code", "lsoa_code")

    def __init__(self) -> None:
        table, stage = connection.ops.quote_name(Postcode._meta.db_table), self.NAME
        cols = ", ".join(self.COLUMNS)
        values = self.COLUMNS[1:]
        differs = " OR ".join(f"{table}.{c} <> s.{c}" for c in values)
        self.create_sql = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} (postcode varchar(8) PRIMARY KEY, "
            "lat double precision, lon double precision, ward_code varchar(20), "
            "lsoa_code varchar(20))"
        )
        self.clear_sql = f"DELETE FROM {stage}"  # noqa: S608
        self.copy_sql = f"COPY {stage} ({cols}) FROM STDIN"
        self.insert_stage_sql = f"INSERT INTO {stage} ({cols}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
        self.update_sql = (
            f"UPDATE {table} SET {', '.join(f'{c} = s.{c}' for c in values)} "  # noqa: S608
            f"FROM {stage} AS s WHERE {table}.postcode = s.postcode AND ({differs})"
        )
        self.insert_sql = (
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} AS s "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS p WHERE p.postcode = s.postcode)"
        )
        self.settings_sql = (
            "SELECT set_config('enable_hashjoin', %s, true), "
            "set_config('enable_mergejoin', %s, true)"
        )
        self.saved_settings = None
        self.created = False

    def store(self, batch: list[list], report: ImportReport, *, grid: bool) -> None:
        """Store [postcode, lat, lon, ward, lsoa] rows ([postcode, east, north, …] if grid)."""
        if grid:  # eastings and northings: reprojected, to 6 decimal places (about 0.1 m)
            transformer = g._transformer("EPSG:27700", g.WGS84)
            lons, lats = transformer.transform(
                np.array([i[1] for i in batch]), np.array([i[2] for i in batch])
            )
            for item, lon, lat in zip(batch, lons.tolist(), lats.tolist(), strict=True):
                item[1], item[2] = round(lat, 6), round(lon, 6)
        with connection.cursor() as cursor:
            if not self.created:
                cursor.execute(self.create_sql)
                self.created = True
                if connection.vendor == "postgresql":
                    # Each staged postcode is looked up in the unique index. Left to itself
                    # the planner hashes the whole stored table for every large batch (a
                    # re-import of 2.7 million postcodes took four minutes so); the previous
                    # settings come back in close(), and with any rollback.
                    cursor.execute(
                        "SELECT current_setting('enable_hashjoin'), "
                        "current_setting('enable_mergejoin')"
                    )
                    self.saved_settings = cursor.fetchone()
                    cursor.execute(self.settings_sql, ("off", "off"))
            cursor.execute(self.clear_sql)
            if connection.vendor == "postgresql":
                with cursor.copy(self.copy_sql) as copy:
                    for item in batch:
                        copy.write_row(item)
            else:
                cursor.executemany(self.insert_stage_sql, batch)
            # Add the new postcodes first: when all of the batch is new (a first import), the
            # UPDATE, which would have to look at every stored postcode, is not needed.
            cursor.execute(self.insert_sql)
            created = cursor.rowcount
            updated = 0
            if created < len(batch):
                cursor.execute(self.update_sql)
                updated = cursor.rowcount
        report.created += created
        report.updated += updated
        report.unchanged += len(batch) - created - updated
        fault_point("geo.import_postcodes.batch", stored=report.created + report.updated)

    def close(self) -> None:
        if self.created:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {self.NAME}")
                if self.saved_settings:
                    cursor.execute(self.settings_sql, self.saved_settings)
            self.created = False

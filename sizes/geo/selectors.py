"""Reads about places: which zones cover a point or a postcode (now or on a past date), and
which zones touch a ward."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from dataclasses import dataclass, field, replace

import shapely
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import TextField
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from sizes.core import prepared
from sizes.core.errors import DomainError, NotFound
from sizes.geo import geometry as g
from sizes.geo.index import CORE, FRINGE, cached_index, current_index, membership_of
from sizes.geo.models import AreaType, GeoRevision, Postcode, ReferenceArea, ZoneBoundary
from sizes.geo.postcodes import normalise_postcode
from sizes.zones.models import ENDED, IN_FORCE, PUBLIC, Zone, ZoneStatus

IN_FORCE_NOW = "in_force"
PROPOSED = "proposed"
HISTORY = "history"


@dataclass(frozen=True)
class ZoneAtPlace:
    """One zone whose core or fringe covers the place."""

    zone: Zone
    membership: str  # "core" or "fringe"
    distance_m: float  # to the edge of the core, in metres
    status: str  # the zone's status (on the date asked about, approximately, for `at=`)
    boundary: ZoneBoundary | None = None
    fringe_m: int | None = None
    active_variations: int = 0  # active variations of the zone (then, for `at=`)


@dataclass(frozen=True)
class VariationAtPlace:
    """An active variation that applies at the place; `near` when the place is in the fringe."""

    variation: object  # sizes.variations.models.Variation
    near: bool


@dataclass
class PlaceLookup:
    """What covers a place: zones in force, proposed zones, and ended zones (history)."""

    lat: float
    lon: float
    at: dt.date | None = None
    postcode: str | None = None
    in_force: list[ZoneAtPlace] = field(default_factory=list)
    proposed: list[ZoneAtPlace] = field(default_factory=list)
    history: list[ZoneAtPlace] = field(default_factory=list)
    variations: list[VariationAtPlace] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.postcode or f"{self.lat:.5f}, {self.lon:.5f}"

    def answer(self) -> str:
        """The answer in plain English, e.g. "B30 2AA is inside the Stirchley zone."."""
        verb = "was" if self.at and self.at < timezone.localdate() else "is"
        when = f" on {self.at:%-d %B %Y}" if self.at else ""
        if not self.in_force:
            return f"{self.place} {verb} not in any zone{when}."
        parts = []
        for item in self.in_force:
            if item.membership == CORE:
                parts.append(f"inside the {item.zone.name} zone")
            else:
                parts.append(f"near (within {item.distance_m:,.0f} m of) the {item.zone.name} zone")
        return f"{self.place} {verb} " + _join(parts) + when + "."


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a local day: `at=` means "as things stood at the end of that day"."""
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next) - dt.timedelta(microseconds=1)


def status_on(zone: Zone, day: dt.date) -> str | None:
    """The zone's status on a past or present day, approximately, from its dates.

    In force from `declared_on` until `ended_on`; proposed from `proposed_on` until declared;
    ended from `ended_on`. Renewals and review-due periods are not distinguished (both are
    in force). None when the zone was not yet public that day.
    """
    if zone.ended_on and zone.ended_on <= day and zone.status in ENDED:
        return zone.status
    if zone.declared_on and zone.declared_on <= day and zone.status in (*IN_FORCE, *ENDED):
        return ZoneStatus.DECLARED if zone.status in ENDED else zone.status
    if zone.proposed_on and zone.proposed_on <= day and zone.status != ZoneStatus.DRAFT:
        return ZoneStatus.PROPOSED
    return None


def _sort(items: list[ZoneAtPlace]) -> list[ZoneAtPlace]:
    # Core before fringe; within each, the zone whose edge is nearest first for fringe hits
    # and deepest inside first for core hits; then by name for a stable order.
    return sorted(
        items,
        key=lambda i: (
            i.membership != CORE,
            -i.distance_m if i.membership == CORE else i.distance_m,
            i.zone.name,
        ),
    )


def _file(result: PlaceLookup, item: ZoneAtPlace) -> None:
    if item.status in IN_FORCE:
        result.in_force.append(item)
    elif item.status == ZoneStatus.PROPOSED:
        result.proposed.append(item)
    elif item.status in ENDED:
        result.history.append(item)


def _parse_at(at) -> dt.date | None:
    if at is None or at == "":
        return None
    if isinstance(at, dt.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    if isinstance(at, dt.date):
        return at
    try:
        return dt.date.fromisoformat(str(at).strip())
    except ValueError as exc:
        raise DomainError(
            code="date_invalid",
            message=f"“{str(at)[:20]}” is not a date. Give it as YYYY-MM-DD, like 2026-05-01.",
        ) from exc


def lookup_point(
    lat, lon, at=None, *, postcode: str | None = None, postcode_row: tuple | None = None
) -> PlaceLookup:
    """Zones covering a point (WGS84): in force, proposed, and ended (history).

    With `at` (a date or YYYY-MM-DD), answer from boundary history: the boundary each zone had
    at the end of that day, and the zone's status then (approximated from its dates, see
    `status_on`). Draft zones are never shown.

    `postcode_row`: (id, postcode, lat, lon) of the postcode this point was taken from, as this
    process last read it (`lookup_postcode`); the zones' query reads that row again and
    `PostcodeChanged` is raised unless it is unchanged. Today's answers only.
    """
    lat, lon = g.check_lat_lon(lat, lon)
    day = _parse_at(at)
    result = PlaceLookup(lat=lat, lon=lon, at=day, postcode=postcode)
    if day is None:
        hits, zones, boundaries, variations = _current_hits(
            lon=lon, lat=lat, postcode_row=postcode_row
        )
        for hit in hits:
            zone = zones.get(hit.zone_id)
            if zone is None:
                continue
            boundary = boundaries.get(hit.boundary_id)
            _file(
                result,
                ZoneAtPlace(
                    zone,
                    hit.membership,
                    hit.distance_m,
                    zone.status,
                    boundary,
                    boundary.fringe_m if boundary else None,
                ),
            )
    else:
        moment = _end_of_day(day)
        rows = (
            ZoneBoundary.objects.valid_at(moment)
            .containing_point(lat=lat, lon=lon)
            .select_related("zone")
        )
        for b in rows:
            kind, distance = membership_of(
                lon=lon, lat=lat, core=g.from_geojson(b.core), outer=g.from_geojson(b.fringe)
            )
            status = status_on(b.zone, day) if kind else None
            if status:
                _file(result, ZoneAtPlace(b.zone, kind, distance, status, b, b.fringe_m))
    result.in_force = _sort(result.in_force)
    result.proposed = _sort(result.proposed)
    result.history = _sort(result.history)
    _add_variations(result, variations if day is None else None)
    return result


# --- the lookup's own reads -------------------------------------------------------------------
# A lookup is the busiest request (issue 9: p99 < 25 ms at 32 connections on two workers, so a
# millisecond or two of CPU each). Its few reads are plain SQL on primary keys and indexed
# foreign keys, made into (partly loaded) model instances: building the same reads through the
# ORM cost several times the rest of the request. Nothing is cached but where postcodes are
# (checked in the same query, below): each lookup reads what is in the database now, so an
# edit made through any process is seen by the next lookup.


_selects: dict[tuple, tuple[list[str], list]] = {}


def _db():
    """The default database's connection itself, not the `connection` proxy: every attribute
    read through the proxy looks the connection up again (a few microseconds each), and a
    lookup makes dozens of them."""
    return connections[DEFAULT_DB_ALIAS]


def _select(model, names: list[str], alias: str, conn=None) -> tuple[list[str], list]:
    """The SELECT columns for `names` of `model` (in the model's field order, as `from_db`
    wants them) and each column's value converters (the ORM's own: dates, JSON, booleans).
    Worked out once per process and database connection."""
    conn = conn or _db()
    key = (conn.alias, model, tuple(names), alias)
    found = _selects.get(key)
    if found is not None and found[2] is conn.ops:
        return found[0], found[1]
    fields = [f for f in model._meta.concrete_fields if f.attname in names]
    columns, converters = [], []
    for f in fields:
        col = f.get_col(alias)
        columns.append(f"{alias}.{conn.ops.quote_name(f.column)}")
        convs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
        converters.append((col, convs))
    _selects[key] = (columns, converters, conn.ops)
    return columns, converters


def _fetch(*clauses: list[str], params: list, conn=None) -> list[tuple]:
    """Run a query made of table and column names from the models (never of input: values
    go in `params`), as a prepared statement on PostgreSQL (sizes/core/prepared.py)."""
    with prepared.cursor(conn or _db()) as cursor:
        cursor.execute(" ".join(" ".join(c) for c in clauses), params)
        return cursor.fetchall()


def _instances(model, names: list[str], converters: list, rows, conn=None) -> list:
    """Instances of `model` from rows of the `names` columns, as `Model.from_db` makes them:
    the fields not read are deferred (loaded on first use, as with `only()`).

    Made directly (the values set in the instance's `__dict__`, its state marked as loaded
    from this database) rather than through `Model.__init__`, which costs about 10 µs an
    instance in its signals and per-field descriptors — a lookup makes a dozen. Only for
    models that no pre_init/post_init receiver listens to (none does; else `from_db`)."""
    conn = conn or _db()
    attnames = _attnames(model, tuple(names))
    direct = not (pre_init.has_listeners(model) or post_init.has_listeners(model))
    alias = conn.alias
    # Only the columns that have converters are converted (most have none).
    converting = [(i, col, convs) for i, (col, convs) in enumerate(converters) if convs]
    new, from_db = model.__new__, model.from_db
    out = []
    for row in rows:
        values = list(row)
        for i, col, convs in converting:
            value = values[i]
            for conv in convs:
                value = conv(value, col, conn)
            values[i] = value
        if not direct:
            out.append(from_db(alias, attnames, values))
            continue
        obj = new(model)
        state = obj._state = ModelState()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, values, strict=True))
        out.append(obj)
    return out


@functools.cache
def _attnames(model, names: tuple[str, ...]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


class PostcodeChanged(Exception):
    """The postcode a lookup started from was moved, renamed or deleted since this process
    read it (`lookup_point(postcode_row=...)`): read it again."""


def _current_hits(
    *, lon: float, lat: float, postcode_row: tuple | None = None
) -> tuple[list, dict, dict, list]:
    """The index's hits for a point, with `_current_reads` of them, checked against the
    current geography revision (and, with `postcode_row`, against the postcode's row now).

    The revision is read in the same query as the zones found (one query a lookup, not two):
    if the process's index is not at that revision, it is rebuilt and the point asked again.
    So an edit committed by any process before the lookup is always in its answer.
    """
    index = cached_index() or current_index()
    for _ in range(3):
        hits = index.query(lon=lon, lat=lat)
        if hits:
            zones, boundaries, variations, revision, place = _current_reads(hits, postcode_row)
        else:
            zones, boundaries, variations, revision, place = {}, {}, [], None, None
        if revision is None:  # nothing found (or the index's boundaries are gone): ask
            revision, place = _revision_and_postcode(postcode_row)
        if postcode_row is not None and place != tuple(postcode_row[1:]):
            raise PostcodeChanged
        if revision == index.revision:
            return hits, zones, boundaries, variations
        index = current_index(revision)
    # Edits kept landing between our reads: answer from a freshly checked index (and read
    # the postcode afresh too: its row was checked against another revision's reads).
    if postcode_row is not None:
        raise PostcodeChanged
    index = current_index()
    hits = index.query(lon=lon, lat=lat)
    zones, boundaries, variations, *_ = (
        _current_reads(hits, postcode_row) if hits else ({}, {}, [], None, None)
    )
    return hits, zones, boundaries, variations


def _revision_and_postcode(postcode_row: tuple | None) -> tuple[tuple[int, str], tuple | None]:
    """The geography revision, and (postcode, lat, lon) of the postcode row now (None if it
    is gone), in one query; the revision alone without `postcode_row`."""
    if postcode_row is None:
        return GeoRevision.current(), None
    conn = _db()
    q = conn.ops.quote_name
    [row] = _fetch(
        ["SELECT", f"r.{q('number')}, r.{q('stamp')}, p.{q('postcode')}, p.lat, p.lon"],
        ["FROM (SELECT 1 AS one) AS x"],
        ["LEFT JOIN", q(GeoRevision._meta.db_table), "r ON r.id = 1"],
        ["LEFT JOIN", q(Postcode._meta.db_table), "p ON p.id = %s"],
        params=[postcode_row[0]],
        conn=conn,
    )
    revision = (int(row[0]), row[1]) if row[0] is not None else (0, "")
    return revision, (tuple(row[2:]) if row[2] is not None else None)


_ZONE_FIELDS = ["id", "slug", "name", "status"]
_BOUNDARY_FIELDS = ["id", "zone_id", "fringe_m", "valid_from"]
_VARIATION_FIELDS = ["id", "zone_id", "owner_id", "title", "scope", "sub_area", "status"]


def _current_reads(
    hits, postcode_row: tuple | None = None
) -> tuple[dict, dict, list, tuple[int, str] | None, tuple | None]:
    """For the index's hits, in one query: {zone id: Zone}, {boundary id: ZoneBoundary}, the
    active variations of those zones that are public, ordered by title and id (each with
    `zone` set and `owner` loaded with its name only), the geography revision (None when
    no row was found), and with `postcode_row` (postcode, lat, lon) of that postcode's row
    now (None if it is gone or no row was found).

    Only the fields the answer shows are loaded (a zone's id, slug, name and status; a
    boundary's fringe width and start); reading another one loads it, as with `only()`.
    """
    from sizes.partners.models import Organisation
    from sizes.variations.models import Variation, VariationStatus

    parts = [
        (Zone, _ZONE_FIELDS, "z"),
        (ZoneBoundary, _BOUNDARY_FIELDS, "b"),
        (Variation, _VARIATION_FIELDS, "v"),
        (Organisation, ["id", "name"], "o"),
    ]
    conn = _db()
    selects = [_select(model, names, alias, conn) for model, names, alias in parts]
    ids = sorted({h.boundary_id for h in hits})
    q = conn.ops.quote_name
    # With a postcode, its row again (by primary key): still there, still at that place?
    with_postcode = postcode_row is not None
    place_columns = ["p." + q("postcode"), "p.lat", "p.lon"] if with_postcode else []
    rows = _fetch(
        [
            "SELECT",
            ", ".join(
                [
                    *(c for cols, _ in selects for c in cols),
                    *place_columns,
                    "r." + q("number"),
                    "r." + q("stamp"),
                ]
            ),
        ],
        ["FROM", q(Zone._meta.db_table), "z"],
        ["JOIN", q(ZoneBoundary._meta.db_table), "b ON b.zone_id = z.id"],
        ["LEFT JOIN", q(Variation._meta.db_table), "v ON v.zone_id = z.id AND v.status = %s"],
        ["LEFT JOIN", q(Organisation._meta.db_table), "o ON o.id = v.owner_id"],
        ["LEFT JOIN", q(GeoRevision._meta.db_table), "r ON r.id = 1"],
        ["LEFT JOIN", q(Postcode._meta.db_table), "p ON p.id = %s"] if with_postcode else [],
        ["WHERE b.id IN (", ", ".join(["%s"] * len(ids)), ")"],
        ["ORDER BY v.title, v.id"],
        params=[
            VariationStatus.ACTIVE.value,
            *([postcode_row[0]] if with_postcode else []),
            *ids,
        ],
        conn=conn,
    )
    # Split each row into its four models' columns: each zone and boundary once, each
    # variation (of a public zone) with its owner, in the rows' order.
    bounds, start = [], 0
    for columns, _ in selects:
        bounds.append((start, start + len(columns)))
        start += len(columns)
    (zs, ze), (bs, be), (vs, ve), (os_, oe) = bounds
    zone_rows, boundary_rows, variation_rows = {}, {}, []
    for row in rows:
        zone_rows.setdefault(row[zs], row[zs:ze])
        boundary_rows.setdefault(row[bs], row[bs:be])
        if row[vs] is not None:
            variation_rows.append(row)
    made = _instances(Zone, _ZONE_FIELDS, selects[0][1], zone_rows.values(), conn)
    zones = dict(zip(zone_rows, made, strict=True))
    made = _instances(ZoneBoundary, _BOUNDARY_FIELDS, selects[1][1], boundary_rows.values(), conn)
    boundaries = dict(zip(boundary_rows, made, strict=True))
    variation_rows = [row for row in variation_rows if zones[row[zs]].status in PUBLIC]
    variations = _instances(
        Variation, _VARIATION_FIELDS, selects[2][1], [r[vs:ve] for r in variation_rows], conn
    )
    owners = _instances(
        Organisation, ["id", "name"], selects[3][1], [r[os_:oe] for r in variation_rows], conn
    )
    # Set as the ORM sets a select_related() object (the ids are already the row's): the
    # descriptors' own checks cost more than the rest of making the instance.
    owner_field, zone_field = Variation.owner.field, Variation.zone.field
    for v, owner, row in zip(variations, owners, variation_rows, strict=True):
        owner_field.set_cached_value(v, owner)
        zone_field.set_cached_value(v, zones[row[zs]])
    # A zone with two current boundaries (never, but not excluded by the schema) would list
    # its variations twice.
    seen: set[int] = set()
    variations = [v for v in variations if not (v.pk in seen or seen.add(v.pk))]
    revision = place = None
    if rows:
        number, stamp = rows[0][-2], rows[0][-1]
        revision = (int(number), stamp) if number is not None else (0, "")
        if with_postcode and rows[0][-5] is not None:
            place = tuple(rows[0][-5:-2])
    return zones, boundaries, variations, revision, place


def _applies_at(variation, item: ZoneAtPlace, *, lon: float, lat: float) -> bool:
    """Whether a zone's variation reaches a place covered by the zone (`item`).

    "Whole zone" variations reach the fringe too; "core" ones do not; "part of the zone" ones
    apply inside their own sub-area (inside the core when no sub-area was drawn).
    """
    from sizes.variations.models import Scope

    if variation.scope == Scope.WHOLE_ZONE:
        return True
    if item.membership != CORE:
        return False
    if variation.scope == Scope.SUB_AREA and variation.sub_area:
        try:
            return bool(shapely.intersects_xy(g.from_geojson(variation.sub_area), lon, lat))
        except (TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
            return False
    return True


def _add_variations(result: PlaceLookup, current: list | None) -> None:
    """Fill in each zone's active-variation count and the variations that apply at the place.

    Today: variations active now. With `at=`: those active at the end of that day.
    """
    from sizes.variations import selectors as vsel

    items = [*result.in_force, *result.proposed, *result.history]
    if not items:
        return
    by_zone: dict[int, list] = {}
    if current is not None:  # read with the zones (`_current_reads`)
        variations = current
    else:
        zone_ids = sorted({i.zone.pk for i in items})
        qs = vsel.variations_in_force_on(on=result.at, zone_ids=zone_ids)
        # The lookup shows no outcomes: skip the register's prefetch of them.
        variations = qs.prefetch_related(None).order_by("title", "pk")
    for v in variations:
        by_zone.setdefault(v.zone_id, []).append(v)

    def counted(items: list[ZoneAtPlace]) -> list[ZoneAtPlace]:
        return [replace(i, active_variations=len(by_zone.get(i.zone.pk, []))) for i in items]

    result.in_force = counted(result.in_force)
    result.proposed = counted(result.proposed)
    result.history = counted(result.history)
    seen = set()
    for item in result.in_force:
        for v in by_zone.get(item.zone.pk, []):
            if v.pk not in seen and _applies_at(v, item, lon=result.lon, lat=result.lat):
                seen.add(v.pk)
                result.variations.append(VariationAtPlace(v, near=item.membership != CORE))


def postcode_get(postcode: str) -> Postcode:
    """The postcode's centroid; 400 `postcode_malformed` or 404 `postcode_unknown`."""
    normalised = normalise_postcode(postcode)
    # One read of the unique index, in plain SQL (the busiest request: see _select above).
    names = ["id", "postcode", "lat", "lon"]
    conn = _db()
    columns, converters = _select(Postcode, names, "p", conn)
    q = conn.ops.quote_name
    rows = _fetch(
        ["SELECT", ", ".join(columns), "FROM", q(Postcode._meta.db_table), "p"],
        ["WHERE", "p." + q("postcode"), "= %s"],
        params=[normalised],
        conn=conn,
    )[:1]
    found = _instances(Postcode, names, converters, rows, conn)[0] if rows else None
    if found is None:
        raise NotFound(
            f"We do not have {normalised} in our list of postcodes. Check it, or use a point "
            "on the map instead.",
            code="postcode_unknown",
        )
    return found


# Where the postcodes asked for recently are, per process: a lookup by postcode must know the
# place before the index can be asked, which took a read of its own before the zones' read.
# From a kept place, the zones' query reads the postcode's row again by its primary key and the
# answer stands only if the row is unchanged; otherwise the place is forgotten and read afresh.
# So a postcode moved, renamed or deleted by any process is seen by the next lookup, as
# before, in one query instead of two. At most POSTCODE_PLACES are kept (about 250 bytes
# each), the least recently asked dropped first.
POSTCODE_PLACES = 10_000
_places: dict[str, tuple[int, str, float, float]] = {}  # postcode -> (id, postcode, lat, lon)
_places_lock = threading.Lock()


def lookup_postcode(postcode: str, at=None) -> PlaceLookup:
    """Zones covering a postcode's centroid (see `lookup_point`)."""
    normalised = normalise_postcode(postcode)
    kept = _places.get(normalised) if at is None else None
    if kept is not None:
        try:
            result = lookup_point(kept[2], kept[3], postcode=kept[1], postcode_row=kept)
        except PostcodeChanged:
            forget_postcode_places(normalised)
        else:
            _keep_place(kept)  # now the most recently asked
            return result
    found = postcode_get(normalised)
    _keep_place((found.pk, found.postcode, found.lat, found.lon))
    return lookup_point(found.lat, found.lon, at, postcode=found.postcode)


def _keep_place(row: tuple[int, str, float, float]) -> None:
    with _places_lock:
        _places.pop(row[1], None)
        while len(_places) >= POSTCODE_PLACES:
            del _places[next(iter(_places))]
        _places[row[1]] = row


def forget_postcode_places(postcode: str | None = None) -> None:
    """Forget one kept postcode place, or all of them (tests)."""
    with _places_lock:
        if postcode is None:
            _places.clear()
        else:
            _places.pop(postcode, None)


@dataclass(frozen=True)
class ZoneInArea:
    zone: Zone
    share: float  # of the area's area covered by the zone's core, 0..1
    overlap_m2: float


def reference_area_get(*, area_type: str, code: str, vintage: str | None = None) -> ReferenceArea:
    """The latest vintage of a reference area (or the one asked for); NotFound otherwise."""
    qs = ReferenceArea.objects.filter(type=area_type, code=code.strip().upper())
    if vintage:
        qs = qs.filter(vintage=vintage)
    area = qs.order_by("-vintage").first()
    if area is None:
        raise NotFound(
            f"We have no {AreaType(area_type).label.lower()} with the code {code[:20]}.",
            code="area_unknown",
        )
    return area


def zones_touching_area(*, area: ReferenceArea, user=None) -> list[ZoneInArea]:
    """Public zones whose current core overlaps the area, with the share of the area covered.

    Zones that only share an edge (overlap under 1 m²) are left out. Largest share first.
    """
    area_geom = g.from_geojson(area.geometry)
    area_metric = g.to_metric(area_geom)
    total = area_metric.area or area.area_m2
    qs = (
        ZoneBoundary.objects.current()
        .overlapping_bbox((area.min_lon, area.min_lat, area.max_lon, area.max_lat))
        .select_related("zone")
    )
    visible = set(Zone.objects.visible_to(user).values_list("pk", flat=True)) if user else None
    results = []
    for b in qs:
        if visible is not None and b.zone_id not in visible:
            continue
        if visible is None and not b.zone.is_public:
            continue
        core = g.from_geojson(b.core)
        if not shapely.intersects(core, area_geom):
            continue
        overlap = float(shapely.intersection(g.to_metric(core), area_metric).area)
        if overlap < 1.0:
            continue
        results.append(ZoneInArea(b.zone, min(overlap / total, 1.0), round(overlap, 1)))
    return sorted(results, key=lambda r: (-r.share, r.zone.name))


def zone_current_boundary(*, zone: Zone) -> ZoneBoundary | None:
    return ZoneBoundary.objects.filter(zone=zone).current().first()


@dataclass(frozen=True)
class ZoneOverlap:
    """Another zone whose core overlaps this zone's core, and by how much.

    `share_of_this` is the share of this zone's core inside the other zone; `share_of_other`
    the share of the other zone's core inside this one (both 0..1).
    """

    zone: Zone
    overlap_m2: float
    share_of_this: float
    share_of_other: float


# How much two cores overlap never changes for the same two shapes, and a stored boundary's
# shape is never edited (a new boundary is a new row), so each process keeps the measures it
# has worked out: keyed by digests of both cores' GeoJSON text, so that the same shapes give
# the same answer and a changed shape is measured afresh. Working them out (parsing the cores,
# projecting them into metres, intersecting) was half of the zone page's overlaps section.
_OVERLAPS: dict[bytes, tuple[float, float] | None] = {}
_AREAS: dict[bytes, float] = {}
OVERLAPS_KEPT = 50_000  # pairs (about 10 MB); forgotten all at once beyond that


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _overlap_measures(key: bytes, core, core_metric, other_text: str):
    """(overlap in m², the other core's area in m²) of two cores, None when they do not
    overlap by 1 m² or more; worked out once per process for each pair of shapes."""
    if key in _OVERLAPS:
        return _OVERLAPS[key]
    other = shapely.from_geojson(other_text)
    measures = None
    if shapely.intersects(core, other):
        other_metric = g.to_metric(other)
        overlap = float(shapely.intersection(core_metric(), other_metric).area)
        if overlap >= 1.0:
            measures = (overlap, float(other_metric.area))
    if len(_OVERLAPS) >= OVERLAPS_KEPT:
        _OVERLAPS.clear()
    _OVERLAPS[key] = measures
    return measures


def zones_overlapping(
    zone: Zone, *, user=None, mine: ZoneBoundary | None = None
) -> list[ZoneOverlap]:
    """Other public zones (or those `user` may see) whose current core overlaps this zone's.

    Overlap is measured in the metric CRS; zones that only share an edge (under 1 m²) are left
    out. Largest overlap first. Empty when the zone has no boundary. `mine`: the zone's current
    boundary, when the caller has it already.
    """
    mine = mine if mine is not None else zone_current_boundary(zone=zone)
    if mine is None:
        return []
    mine_text = json.dumps(mine.core, separators=(",", ":"))
    core = shapely.from_geojson(mine_text)
    mine_key = _digest(mine_text)
    core_metric = functools.cache(lambda: g.to_metric(core))  # only for pairs not yet measured
    # The boxes alone pick the few candidates (from the index `boundary_current_bbox`); their
    # zones, those the person may see, are read by id in a second query. Filtering by status in
    # the same query lets SQLite start from every zone of that status instead (20 ms at 10,000
    # zones), and joining the zones in made PostgreSQL, which expects hundreds of boxes to
    # match, read every zone to hash them (4.5 ms at 10,000). The cores are read as GeoJSON
    # text: digested to find their measures, parsed by GEOS only when not measured yet.
    candidates = list(
        ZoneBoundary.objects.current()
        .exclude(zone=zone)
        .overlapping_bbox(core.bounds)
        .only("zone", "area_m2")
        .annotate(core_text=Cast("core", TextField()))
        .order_by()  # sorted below; ordering by zone would make SQLite scan every boundary
    )
    if not candidates:
        return []
    zones = Zone.objects.visible_to(user) if user is not None else Zone.objects.public()
    zones = {z.pk: z for z in zones.filter(pk__in=[b.zone_id for b in candidates])}
    if mine_key not in _AREAS:
        if len(_AREAS) >= OVERLAPS_KEPT:
            _AREAS.clear()
        _AREAS[mine_key] = float(core_metric().area)
    my_area = _AREAS[mine_key] or mine.area_m2
    results = []
    for b in candidates:
        if b.zone_id not in zones:
            continue
        measures = _overlap_measures(
            mine_key + _digest(b.core_text), core, core_metric, b.core_text
        )
        if measures is None:
            continue
        overlap, other_area = measures
        other_area = other_area or b.area_m2
        results.append(
            ZoneOverlap(
                zones[b.zone_id],
                round(overlap, 1),
                min(overlap / my_area, 1.0),
                min(overlap / other_area, 1.0),
            )
        )
    return sorted(results, key=lambda r: (-r.overlap_m2, r.zone.name))


def variations_conflicting_in_zone(
    zone: Zone, *, overlaps: list[ZoneOverlap] | None = None
) -> list[tuple[object, list]]:
    """Active variations of this zone that conflict with active variations in overlapping zones.

    A conflict is the same standard rule varied in a zone that overlaps this one (see
    `sizes.variations.selectors.variation_conflicts`). Returns (variation, [conflicting
    variations]) pairs, only for variations that have conflicts. `overlaps`: the zone's
    `zones_overlapping`, when the caller has it already.
    """
    from sizes.variations.selectors import zone_variations_conflicting

    if overlaps is None:
        overlaps = zones_overlapping(zone)
    overlapping = [o.zone.pk for o in overlaps]
    if not overlapping:
        return []
    return zone_variations_conflicting(zone=zone, overlapping_zone_ids=overlapping)


def variation_conflicts_for(variation) -> list:
    """Active variations of the same rule in public zones that overlap the variation's zone."""
    from sizes.variations.selectors import variation_conflicts

    overlapping = [o.zone.pk for o in zones_overlapping(variation.zone)]
    if not overlapping:
        return []
    return list(variation_conflicts(variation=variation, overlapping_zone_ids=overlapping))


__all__ = [
    "CORE",
    "FRINGE",
    "HISTORY",
    "IN_FORCE_NOW",
    "PROPOSED",
    "PlaceLookup",
    "VariationAtPlace",
    "ZoneAtPlace",
    "ZoneInArea",
    "ZoneOverlap",
    "lookup_point",
    "lookup_postcode",
    "postcode_get",
    "reference_area_get",
    "status_on",
    "variation_conflicts_for",
    "variations_conflicting_in_zone",
    "zone_current_boundary",
    "zones_overlapping",
    "zones_touching_area",
]

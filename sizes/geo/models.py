"""Reference geography (wards, LSOAs, postcodes) and zone boundaries with their history.

Geometry is stored as GeoJSON (RFC 7946: WGS84 longitude/latitude) in a JSON column with its
bounding box beside it, so a database query can cheaply narrow the rows to those near a
point before Shapely does the exact test. No GDAL or spatial database is needed.

*Vintage*: reference boundaries change (wards are redrawn, LSOAs split and merge), so each
reference area is stored under the vintage of the release it came from ("2018", "2011").
Importing the same vintage again replaces it; a new vintage sits beside the old one.

*Boundary history*: a zone's boundary is never edited in place. Setting a new boundary ends
the current `ZoneBoundary` row (`valid_to`) and starts a new one (`valid_from`), so a lookup
can answer "which zones covered this place on that day, with which boundary".
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class BBoxMixin(models.Model):
    """A WGS84 bounding box kept beside a geometry, for a cheap "near this point" filter."""

    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        abstract = True

    def set_bbox(self, bounds: tuple[float, float, float, float]) -> None:
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = bounds


class BBoxQuerySet(models.QuerySet):
    def containing_point(self, *, lat: float, lon: float):
        """Rows whose bounding box contains the point (a prefilter: test the geometry after)."""
        return self.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)

    def overlapping_bbox(self, bounds: tuple[float, float, float, float]):
        min_lon, min_lat, max_lon, max_lat = bounds
        return self.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )


class AreaType(models.TextChoices):
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Lower layer super output area (LSOA)"
    MSOA = "msoa", "Middle layer super output area (MSOA)"
    PARISH = "parish", "Parish"
    LAD = "lad", "Local authority district"


class ReferenceAreaQuerySet(BBoxQuerySet):
    def latest_vintage(self, *, area_type: str):
        """Areas of this type from the most recent vintage each code appears in."""
        rows = self.filter(type=area_type).order_by("code", "-vintage")
        latest_ids = {}
        for pk, code in rows.values_list("pk", "code"):
            latest_ids.setdefault(code, pk)
        return self.filter(pk__in=latest_ids.values())


class ReferenceArea(BBoxMixin):
    """An official area (ward, LSOA, ...) of one boundary vintage, identified by its GSS code."""

    type = models.CharField(max_length=10, choices=AreaType.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    vintage = models.CharField(max_length=20, blank=True)
    geometry = models.JSONField(help_text="GeoJSON MultiPolygon, WGS84.")
    area_m2 = models.FloatField()
    imported_at = models.DateTimeField(default=timezone.now)

    objects = ReferenceAreaQuerySet.as_manager()

    class Meta:
        ordering = ["type", "code", "-vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "code", "vintage"], name="reference_area_unique_per_vintage"
            )
        ]
        indexes = [models.Index(fields=["type", "code"], name="reference_area_type_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.vintage or 'no vintage'})"


class Postcode(models.Model):
    """A postcode centroid (e.g. from OS Code-Point Open or the ONS Postcode Directory)."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: 'B30 2AA'.")
    lat = models.FloatField()
    lon = models.FloatField()
    ward_code = models.CharField(max_length=20, blank=True)
    lsoa_code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class BoundaryMethod(models.TextChoices):
    DRAWN = "drawn", "Drawn on a map"
    UPLOAD = "upload", "Uploaded file"
    AREAS = "areas", "Union of reference areas"
    POSTCODES = "postcodes", "Around a list of postcodes"
    POINT = "point", "Point and radius"
    LINE = "line", "Line and width"


class ZoneBoundaryQuerySet(BBoxQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def valid_at(self, moment):
        """Boundaries that were the zone's boundary at this moment."""
        return self.filter(valid_from__lte=moment).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=moment)
        )


class ZoneBoundary(BBoxMixin):
    """One version of a zone's boundary: its core, its fringe, and when it applied.

    The *core* is the declared area. The *fringe* is a band around it where neighbours still
    take part and need to know what is different nearby: either a width in metres
    (`fringe_m`, default 250, 0 allowed) or a drawn area (`fringe_drawn`). `fringe` always
    holds the resulting outer area (core plus band) so lookups need not buffer again; the
    bounding box is that outer area's.
    """

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="boundaries")
    core = models.JSONField(help_text="GeoJSON MultiPolygon, WGS84.")
    fringe = models.JSONField(help_text="GeoJSON MultiPolygon, WGS84: core plus fringe band.")
    fringe_m = models.PositiveIntegerField(
        null=True, blank=True, help_text="Fringe width in metres; empty when drawn."
    )
    fringe_drawn = models.BooleanField(default=False)
    area_m2 = models.FloatField(help_text="Area of the core, square metres.")
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True, help_text="Empty while current.")
    method = models.CharField(max_length=12, choices=BoundaryMethod.choices)
    source = models.TextField(blank=True, help_text="Where it came from, e.g. ward codes.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ZoneBoundaryQuerySet.as_manager()

    class Meta:
        ordering = ["zone_id", "-valid_from", "-id"]
        # Current boundaries near a box (overlapping zones): found in the index, not by reading
        # every row with its geometry.
        indexes = [
            models.Index(
                fields=["min_lon", "max_lon", "min_lat", "max_lat"],
                condition=Q(valid_to__isnull=True),
                name="boundary_current_bbox",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["zone"], condition=Q(valid_to__isnull=True), name="one_current_boundary"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="boundary_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"Boundary of {self.zone} from {self.valid_from:%Y-%m-%d}"


class ZoneBoundaryMapShape(models.Model):
    """A boundary's core and outer area as the register map draws them at zooms `min_zoom` to
    `max_zoom` (simplified to half a screen pixel; see `sizes.geo.mapshapes`), as compact
    GeoJSON text. Written with the boundary, so a map request only reads them."""

    boundary = models.ForeignKey(ZoneBoundary, on_delete=models.CASCADE, related_name="map_shapes")
    min_zoom = models.PositiveSmallIntegerField()
    max_zoom = models.PositiveSmallIntegerField()
    core = models.TextField()
    fringe = models.TextField()

    class Meta:
        ordering = ["boundary_id", "min_zoom"]
        constraints = [
            models.UniqueConstraint(
                fields=["boundary", "min_zoom"], name="boundary_map_shape_unique_zoom"
            )
        ]

    def __str__(self) -> str:
        return f"Map shape of boundary {self.boundary_id}, zoom {self.min_zoom}–{self.max_zoom}"


class GeoRevision(models.Model):
    """A single-row counter bumped whenever any zone boundary changes.

    Each process keeps an in-memory index of current boundaries and compares its revision with
    this one (one tiny query per lookup) to know when to rebuild it; this is what lets several
    server processes share one database and still see an edit at once. A random `stamp` is
    renewed with every bump so that a number reached again after a rollback or a database
    restore is still recognised as a different revision.
    """

    number = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"Geography revision {self.number}"

    @classmethod
    def current(cls) -> tuple[int, str]:
        """(number, stamp) of the current revision; (0, "") before any boundary exists."""
        # Read before every lookup: one primary-key read, in plain SQL (through the ORM,
        # building the query cost more than the rest of a lookup's reads together).
        from django.db import connection

        from sizes.core import prepared

        q = connection.ops.quote_name
        with prepared.cursor(connection) as cursor:  # a prepared statement on PostgreSQL
            cursor.execute(
                f"SELECT {q('number')}, {q('stamp')} FROM {q(cls._meta.db_table)} WHERE id = %s",  # noqa: S608 - names from the model
                [1],
            )
            row = cursor.fetchone()
        return (int(row[0]), row[1]) if row else (0, "")

    @classmethod
    def bump(cls) -> None:
        """Start a new revision; call inside the transaction that changes a boundary."""
        stamp = uuid.uuid4().hex
        updated = cls.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"number": 0})
            cls.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp)

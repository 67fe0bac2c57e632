"""A per-process spatial index of the current zone boundaries (core and fringe).

Each process keeps one `ZoneIndex` in memory. Every lookup compares the index's revision with
the single-row `GeoRevision` number (`current_index()` reads it; the point lookup reads it in
the same query as the zones it found, `sizes.geo.selectors._current_hits`) and the index is
rebuilt only when that number has changed — i.e. when some process set a boundary. So lookups
never rebuild per request, and several server processes sharing one database see an edit made
through any of them on their next lookup. The index caches geometry only; zone status is read
from the database by the caller, so a zone being declared or dissolved is seen at once without
a rebuild.

How a lookup works (issue 9: most points need no polygon test at all):

* A fine grid is laid over the zones (cells about 1/24 of a typical zone across, a few tens of
  metres for LSOA-sized zones). For each zone, every cell that its core's or its outer area's
  edge passes through is an *edge cell*; every other cell lies wholly inside or wholly outside
  that area, and is classified once, at build time, by one exact test of a point in it (one
  test per horizontal run of such cells).
* Per grid row the cells are stored as runs; the runs of all zones are cut into elementary
  intervals of a single key (row * width + column), each with the list of (zone, core status,
  outer status). A lookup is a binary search for the point's cell, then: a zone whose cell is
  wholly inside is a hit with no polygon test; only for edge cells is the exact Shapely
  `intersects_xy` test made — on exactly the zones whose edge passes through that cell.
* Exactness: the cell that a point falls in is computed with the same floating-point formula at
  build and at lookup time, and each edge segment marks every cell within 1e-9 degrees of it,
  so a cell not marked as an edge really contains no edge; a point on a boundary is always in
  an edge cell and gets the exact test, with the same covers semantics as before (the tests
  compare every answer with brute force).

`query()` answers one point with the distance to each core's edge (or without, for
membership only); `query_many()` answers arrays of points at once (no distances), for bulk
assignment. A single lookup costs a few microseconds: plain Python over memoryviews of the
tables, no numpy temporaries. Distances are measured in the metric CRS against each zone's
core edge, projected once per process on the zone's first lookup; the query point is projected
by a quadratic fitted to that zone (exact to a millimetre, checked at fit time) rather than by
a pyproj call per point.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import threading
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely
from django.db.models import TextField
from django.db.models.functions import Cast
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from sizes.core import gcfreeze
from sizes.geo import geometry as g
from sizes.geo.models import GeoRevision, ZoneBoundary

CORE = "core"
FRINGE = "fringe"

# Status of a zone's area (core or outer) in a run of cells: 0 outside, 1 wholly inside,
# 2 the edge passes through (an exact test decides). A run's code is 3 * core + outer.
_OUT, _IN, _EDGE = 0, 1, 2
_CODES = 9  # run codes 0..8, packed with the zone's entry as entry * 9 + code
# Cells are widened by this much (degrees, about 0.1 mm) when deciding whether an edge passes
# through them, so floating-point rounding cannot put a boundary point in a "wholly" cell.
EPS = 1e-9
CELLS_ACROSS = 24  # cells across a typical zone: 32 cost 10 MB more at 10,000 zones, no faster
MAX_CELLS_PER_AXIS = 1 << 20
BY_ZONE_MIN = 10_000  # exact tests in a batch from which query_many groups them by zone
CHUNK = 500  # zones per batch while marking edge cells (bounds the build's temporary memory)
GEOJSON_CHUNK = 500  # boundaries read and parsed at a time when building from the database
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0
_intersects_xy = shapely.lib.intersects_xy
_NAN_ALLOW = np.intc(0)  # shapely.HandleNaN.allow, for shapely.lib.points
# A zone's quadratic stand-in for the WGS84 -> metric projection is used for the query point
# only when it reproduces the projection of every vertex of the zone's outer area within this
# many metres (else pyproj projects the point, as before). Distances are shown to 0.1 m.
FIT_TOLERANCE_M = 0.001


class Hit(NamedTuple):
    """A zone boundary that covers a point (a named tuple: made in well under a microsecond)."""

    zone_id: int
    boundary_id: int
    membership: str  # CORE or FRINGE
    distance_m: float | None  # to the core's edge (inside or outside it); None if not asked


@dataclass(frozen=True)
class Matches:
    """Every (point, zone boundary) pair from `ZoneIndex.query_many`, as parallel arrays."""

    point: np.ndarray  # index into the lons/lats given
    zone_id: np.ndarray
    boundary_id: np.ndarray
    core: np.ndarray  # True: in the core; False: in the fringe only

    def __len__(self) -> int:
        return len(self.point)


def membership_of(
    *, lon: float, lat: float, core: BaseGeometry, outer: BaseGeometry, core_metric=None
) -> tuple[str | None, float]:
    """(CORE | FRINGE | None, distance in metres to the core's edge) for one point."""
    if shapely.intersects_xy(core, lon, lat):
        kind = CORE
    elif shapely.intersects_xy(outer, lon, lat):
        kind = FRINGE
    else:
        kind = None
    if kind is None:
        return None, 0.0
    core_metric = core_metric if core_metric is not None else g.to_metric(core)
    point = g.to_metric(Point(lon, lat))
    return kind, round(float(core_metric.boundary.distance(point)), 1)


class ZoneIndex:
    """Made by `from_database` (the current boundaries) or `from_geometries`."""

    @classmethod
    def from_database(cls, revision: tuple[int, str]) -> ZoneIndex:
        """The index of the current boundaries, read as GeoJSON text and parsed by GEOS in
        chunks: no Python lists of floats are made (building each zone's coordinates as Python
        objects took twice as long and left some 40 MB of fragmented memory in every worker at
        10,000 zones). The coordinates are the same doubles either way (a test checks)."""
        rows = (
            ZoneBoundary.objects.current()
            .order_by("id")
            .annotate(core_text=Cast("core", TextField()), outer_text=Cast("fringe", TextField()))
            .values_list("id", "zone_id", "core_text", "outer_text")
        )
        boundary_ids, zone_ids, cores, outers = [], [], [], []
        chunk: list[tuple] = []

        def parse() -> None:
            boundary_ids.extend(row[0] for row in chunk)
            zone_ids.extend(row[1] for row in chunk)
            cores.extend(shapely.from_geojson([row[2] for row in chunk]).tolist())
            outers.extend(shapely.from_geojson([row[3] for row in chunk]).tolist())
            chunk.clear()

        for row in rows.iterator(chunk_size=GEOJSON_CHUNK):
            chunk.append(row)
            if len(chunk) == GEOJSON_CHUNK:
                parse()
        parse()
        index = cls.__new__(cls)
        index._setup(revision, zone_ids, boundary_ids, cores, outers)
        return index

    @classmethod
    def from_geometries(
        cls, zone_ids, boundary_ids, cores, outers, revision: tuple[int, str] = (0, "")
    ) -> ZoneIndex:
        """An index of WGS84 (core, outer) geometries, without the database (benchmarks)."""
        index = cls.__new__(cls)
        index._setup(revision, list(zone_ids), list(boundary_ids), list(cores), list(outers))
        return index

    def _setup(self, revision, zone_ids, boundary_ids, cores, outers) -> None:
        self.revision = revision
        self.zone_ids = np.asarray(zone_ids, dtype=np.int64)
        self.boundary_ids = np.asarray(boundary_ids, dtype=np.int64)
        self.cores = np.empty(len(cores), dtype=object)
        self.cores[:] = cores
        self.outers = np.empty(len(outers), dtype=object)
        self.outers[:] = outers
        # Not shapely.prepare()d: for zones of a few hundred vertices a prepared polygon's
        # point index is no faster here (only edge cells are tested, each against one zone)
        # and would cost about 10 MB per 1,000 zones.
        # Cores' edges in the metric CRS, for distances: made on first use and kept (about
        # 4 KB a zone; reprojecting on every lookup would cost more than the lookup).
        self._core_edges_metric = np.full(len(cores), None, dtype=object)
        # Per zone, a quadratic in (lon, lat) giving metric x and y near the zone (14 numbers:
        # the centre and six coefficients each), NaN until made (with the edges, on first use)
        # and where it is not close enough. A plain array: 112 bytes a zone.
        self._fit_table = np.full((len(cores), 14), np.nan)
        self._fit_view = memoryview(self._fit_table.reshape(-1))
        self._metric = g._transformer(g.WGS84, g.metric_crs())
        self._build_grid()
        # Plain Python views for the single-point path: indexing a memoryview or a list gives
        # Python objects directly, about ten times cheaper than indexing numpy arrays.
        self._core_list = list(cores)
        self._outer_list = list(outers)
        self._zone_list = self.zone_ids.tolist()
        self._boundary_list = self.boundary_ids.tolist()
        self._starts_view = memoryview(self._starts)
        self._offsets_view = memoryview(self._offsets)
        self._row_view = memoryview(self._rows)
        _release_free_memory()

    def __len__(self) -> int:
        return len(self.zone_ids)

    # --- building ---------------------------------------------------------------------------

    def _build_grid(self) -> None:
        n = len(self.outers)
        if n == 0:
            self._starts = np.zeros(1, dtype=np.int64)
            self._offsets = np.zeros(2, dtype=np.int64)
            self._rows = np.zeros(0, dtype=np.int32)
            self.x0 = self.y0 = 0.0
            self.sx = self.sy = 1.0
            self.width = self.height = 1
            return
        bounds = shapely.bounds(self.outers)
        minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
        maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
        coslat = max(math.cos(math.radians((miny + maxy) / 2)), 0.05)
        w_m = (bounds[:, 2] - bounds[:, 0]) * M_PER_DEG_LON * coslat
        h_m = (bounds[:, 3] - bounds[:, 1]) * M_PER_DEG_LAT
        size_m = float(np.median(np.sqrt(np.maximum(w_m * h_m, 1.0))))
        cell_m = min(max(size_m / CELLS_ACROSS, 2.0), 5000.0)
        sx = max(cell_m / (M_PER_DEG_LON * coslat), (maxx - minx) / (MAX_CELLS_PER_AXIS - 8))
        sy = max(cell_m / M_PER_DEG_LAT, (maxy - miny) / (MAX_CELLS_PER_AXIS - 8))
        self.sx, self.sy = float(sx), float(sy)
        self.x0, self.y0 = float(minx - 2 * sx), float(miny - 2 * sy)
        self.width = int((maxx - self.x0) / sx) + 3
        self.height = int((maxy - self.y0) / sy) + 3

        core_runs = self._runs(self.cores)
        outer_runs = self._runs(self.outers)
        k0 = np.concatenate([core_runs[0], outer_runs[0]])
        k1 = np.concatenate([core_runs[1], outer_runs[1]])
        entry = np.concatenate([core_runs[2], outer_runs[2]])
        part = np.concatenate([3 * core_runs[3], outer_runs[3]]).astype(np.int8)
        # Cut the runs into elementary intervals of the key (row * width + column).
        starts = _unique(np.concatenate([k0, k1 + 1]))
        s0 = np.searchsorted(starts, k0)
        count = np.searchsorted(starts, k1 + 1) - s0
        seg = _expand(s0, count)
        entry = np.repeat(entry, count)
        part = np.repeat(part, count)
        # One row per (interval, zone): add the core's and the outer area's parts together.
        key = seg.astype(np.int64) * n + entry
        order = np.argsort(key, kind="stable")
        key, part = key[order], part[order]
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        code = np.add.reduceat(part, first).astype(np.int8)
        key = key[first]
        keep = code % 3 != _OUT  # outside the outer area: not a hit, whatever the core says
        key, code = key[keep], code[keep]
        seg, entry = key // n, (key % n).astype(np.int32)
        # Keys fit 32 bits unless the grid is huge (zones spread over a continent).
        self._starts = starts.astype(np.int32) if starts[-1] < 2**31 - 1 else starts
        self._offsets = np.searchsorted(seg, np.arange(len(starts) + 1)).astype(np.int32)
        # One int32 per (interval, zone): the zone's entry and its run code together.
        self._rows = (entry.astype(np.int32) * _CODES + code).astype(np.int32)

    def _cell(self, x, y):
        """The grid column and row of points (arrays or floats), the same formula everywhere."""
        return np.floor((x - self.x0) / self.sx), np.floor((y - self.y0) / self.sy)

    def _runs(self, geoms: np.ndarray):
        """Runs of cells (key0, key1 inclusive, zone entry, status) for each zone's area."""
        edge_keys = []
        cells = self.width * self.height
        for start in range(0, len(geoms), CHUNK):
            edge_keys.append(self._edge_cells(geoms[start : start + CHUNK], start, cells))
        # entry * cells + row * width + column; each chunk is sorted and holds other entries
        keys = np.concatenate(edge_keys)
        entry = keys // cells
        rowkey = keys % cells
        row = rowkey // self.width
        col = rowkey % self.width
        # Runs of consecutive edge cells in the same zone and row.
        new_run = np.r_[
            True, (entry[1:] != entry[:-1]) | (row[1:] != row[:-1]) | (col[1:] != col[:-1] + 1)
        ]
        first = np.flatnonzero(new_run)
        last = np.r_[first[1:] - 1, len(keys) - 1]
        e_run, r_run = entry[first], row[first]
        c0, c1 = col[first], col[last]
        # Gaps between two edge runs of the same zone and row are wholly inside or wholly
        # outside; before the first and after the last edge run of a row is outside.
        same = (e_run[1:] == e_run[:-1]) & (r_run[1:] == r_run[:-1])
        g_e, g_r = e_run[:-1][same], r_run[:-1][same]
        g0, g1 = c1[:-1][same] + 1, c0[1:][same] - 1
        cx = self.x0 + (g0 + 0.5) * self.sx
        cy = self.y0 + (g_r + 0.5) * self.sy
        inside = shapely.intersects_xy(geoms[g_e], cx, cy)
        base_e = r_run * self.width
        base_g = g_r[inside] * self.width
        k0 = np.concatenate([base_e + c0, base_g + g0[inside]])
        k1 = np.concatenate([base_e + c1, base_g + g1[inside]])
        ent = np.concatenate([e_run, g_e[inside]]).astype(np.int64)
        status = np.concatenate([np.full(len(e_run), _EDGE), np.full(int(inside.sum()), _IN)])
        return k0, k1, ent, status.astype(np.int8)

    def _edge_cells(self, geoms: np.ndarray, offset: int, cells: int) -> np.ndarray:
        """Keys (entry * cells + row * width + column) of the cells each geometry's edge
        passes through, within EPS."""
        lines = shapely.boundary(geoms)
        parts, part_geom = shapely.get_parts(lines, return_index=True)
        coords, coord_part = shapely.get_coordinates(parts, return_index=True)
        same = coord_part[1:] == coord_part[:-1]
        a, b = coords[:-1][same], coords[1:][same]
        seg_entry = part_geom[coord_part[:-1][same]] + offset
        # Split long segments so that each piece spans at most two cells each way.
        d = b - a
        pieces = np.ceil(
            np.maximum(np.abs(d[:, 0]) / (self.sx / 2), np.abs(d[:, 1]) / (self.sy / 2))
        ).astype(np.int64)
        long = np.flatnonzero(pieces > 1)
        if len(long):
            n = pieces[long]
            idx = np.repeat(long, n)
            step = _expand(np.zeros(len(long), dtype=np.int64), n)
            total = np.repeat(n, n).astype(float)
            p = a[idx] + d[idx] * (step / total)[:, None]
            q = a[idx] + d[idx] * ((step + 1) / total)[:, None]
            end = step + 1 == np.repeat(n, n)
            q[end] = b[idx[end]]
            short = pieces <= 1
            a = np.concatenate([a[short], p])
            b = np.concatenate([b[short], q])
            seg_entry = np.concatenate([seg_entry[short], seg_entry[idx]])
        ent = seg_entry.astype(np.int64)
        lo = np.minimum(a, b) - EPS
        hi = np.maximum(a, b) + EPS
        i0, j0 = self._cell(lo[:, 0], lo[:, 1])
        i1, j1 = self._cell(hi[:, 0], hi[:, 1])
        # A piece is shorter than a cell, so it touches at most two columns and two rows.
        out = []
        for di in (0, 1):
            for dj in (0, 1):
                ok = (i0 + di <= i1) & (j0 + dj <= j1)
                key = ent[ok] * cells + (j0[ok] + dj).astype(np.int64) * self.width
                key += (i0[ok] + di).astype(np.int64)
                # Neighbouring pieces mostly fall in the same cell: drop repeats before sorting.
                if len(key):
                    out.append(key[np.r_[True, key[1:] != key[:-1]]])
        return _unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)

    # --- lookups -----------------------------------------------------------------------------

    def query(self, *, lon: float, lat: float, distance: bool = True) -> list[Hit]:
        """Every current boundary whose core or fringe covers the point, with the distance in
        metres from the point to that core's edge (unless `distance=False`)."""
        # Scalar code on purpose: one lookup must cost microseconds, so no numpy arrays are
        # made, the tables are read through memoryviews, and Shapely's ufuncs are called
        # directly (shapely.lib), skipping the wrappers.
        lon, lat = float(lon), float(lat)
        col = math.floor((lon - self.x0) / self.sx)
        row = math.floor((lat - self.y0) / self.sy)
        if not (0 <= col < self.width and 0 <= row < self.height):
            return []
        m = bisect_right(self._starts_view, row * self.width + col) - 1
        if m < 0:
            return []
        found = []
        rows = self._row_view
        for r in range(self._offsets_view[m], self._offsets_view[m + 1]):
            entry, code = divmod(rows[r], _CODES)
            if code % 3 == _EDGE and not _intersects_xy(self._outer_list[entry], lon, lat):
                continue
            core = code // 3
            in_core = core == _IN or (
                core == _EDGE and bool(_intersects_xy(self._core_list[entry], lon, lat))
            )
            found.append((entry, CORE if in_core else FRINGE))
        if not found:
            return []
        if distance:
            metres = self._distances_m([entry for entry, _ in found], lon, lat)
        else:
            metres = [None] * len(found)
        return [
            Hit(self._zone_list[entry], self._boundary_list[entry], kind, d)
            for (entry, kind), d in zip(found, metres, strict=True)
        ]

    def _distances_m(self, found: list[int], lon: float, lat: float) -> list[float]:
        """Metres from the point to each listed zone's core edge, in the metric CRS: one
        Shapely call for all of them (each call costs microseconds by itself)."""
        edges = self._core_edges_metric
        for entry in found:
            if edges[entry] is None:
                self._prepare_distance(entry)
        if len(found) == 1:
            xy = self._project(found[0], lon, lat)
            return [round(float(shapely.lib.distance(edges[found[0]], _point(xy))), 1)]
        xy = [self._project(entry, lon, lat) for entry in found]
        metres = shapely.lib.distance(edges[found], shapely.lib.points(xy, _NAN_ALLOW))
        return [round(d, 1) for d in metres.tolist()]

    def _project(self, entry: int, lon: float, lat: float) -> tuple[float, float]:
        """The point in the metric CRS, by the zone's fitted quadratic where it has one (call
        after `_prepare_distance(entry)`)."""
        lon0, lat0, x0, x1, x2, x3, x4, x5, y0, y1, y2, y3, y4, y5 = self._fit_view[
            14 * entry : 14 * entry + 14
        ].tolist()
        if lon0 != lon0:  # NaN: no close fit for this zone
            return self._metric.transform(lon, lat)
        u, v = lon - lon0, lat - lat0
        uu, uv, vv = u * u, u * v, v * v
        return (
            x0 + x1 * u + x2 * v + x3 * uu + x4 * uv + x5 * vv,
            y0 + y1 * u + y2 * v + y3 * uu + y4 * uv + y5 * vv,
        )

    def _prepare_distance(self, entry: int) -> BaseGeometry:
        """Project the zone's core edge into the metric CRS (kept for later lookups) and fit
        the quadratic that stands in for projecting each query point near this zone.

        Over one zone (a few kilometres) a map projection is a quadratic in (lon, lat) to
        within micrometres (an affine map is 3-5 cm out at Birmingham's latitude), and
        evaluating twelve numbers is some 20 times cheaper than a pyproj call. The quadratic
        is fitted by least squares to the projected vertices of the zone's core and outer area
        (every point that can hit this zone lies among them) and kept only if it reproduces
        each of them within FIT_TOLERANCE_M; otherwise pyproj projects every point for this
        zone. Shown to 0.1 m, a distance can therefore differ from projecting the point with
        pyproj only where the two round differently (a millimetre or less apart).
        """
        # One pyproj call for the core's edge and the outer area's vertices together.
        boundary = shapely.boundary(self._core_list[entry])
        edge_lonlat = shapely.get_coordinates(boundary)
        lonlat = np.vstack([edge_lonlat, shapely.get_coordinates(self._outer_list[entry])])
        x, y = self._metric.transform(lonlat[:, 0], lonlat[:, 1])
        metric = np.column_stack([x, y])
        edges = shapely.transform(boundary, lambda _: metric[: len(edge_lonlat)])
        fit = None
        if len(lonlat) >= 12 and np.isfinite(metric).all():
            lon0, lat0 = (float(v) for v in lonlat.mean(axis=0))
            u, v = lonlat[:, 0] - lon0, lonlat[:, 1] - lat0
            design = np.column_stack([np.ones(len(u)), u, v, u * u, u * v, v * v])
            coef, *_ = np.linalg.lstsq(design, metric, rcond=None)
            error = np.hypot(*(design @ coef - metric).T)
            if float(error.max()) <= FIT_TOLERANCE_M:
                fit = (lon0, lat0, *coef[:, 0].tolist(), *coef[:, 1].tolist())
        if fit is not None:
            self._fit_table[entry] = fit
        self._core_edges_metric[entry] = edges
        return edges

    def distances_ready(self) -> int:
        """How many zones have their edge in metres kept (benchmarks)."""
        return sum(edge is not None for edge in self._core_edges_metric)

    def fitted(self, entry: int) -> bool:
        """Whether the zone's points are projected by its quadratic (else by pyproj)."""
        return not np.isnan(self._fit_table[entry, 0])

    def query_many(self, lons, lats) -> Matches:
        """Every (point, boundary) pair where the boundary's core or fringe covers the point."""
        x = np.asarray(lons, dtype=float)
        y = np.asarray(lats, dtype=float)
        col, row = self._cell(x, y)
        ok = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        key = np.where(ok, row * self.width + col, -1).astype(np.int64)
        # Binary search in key order: sorted needles walk the table in cache-friendly order
        # (several times faster than random order at 10,000 zones).
        order = np.argsort(key)
        m = np.empty(len(key), dtype=np.int64)
        m[order] = (
            np.searchsorted(self._starts, key[order].astype(self._starts.dtype), side="right") - 1
        )
        m = np.where(ok & (m >= 0), m, 0)
        start = self._offsets[m]
        count = np.where(ok, self._offsets[m + 1] - start, 0)
        point = np.repeat(np.arange(len(x)), count)
        r = np.repeat(start, count) + _expand(np.zeros(len(x), dtype=np.int64), count)
        entry, code = np.divmod(self._rows[r], _CODES)
        hit = np.ones(len(r), dtype=bool)
        test = _by_zone(np.flatnonzero(code % 3 == _EDGE), entry)
        if len(test):
            p = point[test]
            hit[test] = shapely.intersects_xy(self.outers[entry[test]], x[p], y[p])
        core = code // 3 == _IN
        test = _by_zone(np.flatnonzero((code // 3 == _EDGE) & hit), entry)
        if len(test):
            p = point[test]
            core[test] = shapely.intersects_xy(self.cores[entry[test]], x[p], y[p])
        point, entry, core = point[hit], entry[hit], core[hit]
        return Matches(point, self.zone_ids[entry], self.boundary_ids[entry], core)

    def stats(self) -> dict:
        """Sizes of the grid (for benchmarks and curiosity)."""
        code = self._rows % _CODES
        return {
            "zones": len(self),
            "cell_m": round(self.sy * M_PER_DEG_LAT, 1),
            "grid": [self.width, self.height],
            "intervals": len(self._starts),
            "rows": len(self._rows),
            "edge_rows": int(((code % 3 == _EDGE) | (code // 3 == _EDGE)).sum()),
            "grid_mb": round(
                (self._starts.nbytes + self._offsets.nbytes + self._rows.nbytes) / 2**20,
                1,
            ),
        }


def _point(xy: tuple[float, float]):
    return shapely.lib.points(np.array(xy), _NAN_ALLOW)


def _release_free_memory() -> None:
    """Hand the build's freed temporary memory back to the operating system (glibc only).

    The build makes many short-lived arrays and geometries; without this a worker keeps their
    high-water mark as resident memory.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _by_zone(test: np.ndarray, entry: np.ndarray) -> np.ndarray:
    """The rows to test, grouped by zone: testing one polygon's points one after another keeps
    that polygon in the CPU's caches (about 1.7x faster for millions of points)."""
    if len(test) < BY_ZONE_MIN:
        return test
    return test[np.argsort(entry[test], kind="stable")]


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a plain sort: faster here than np.unique's hashing)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _expand(base: np.ndarray, count: np.ndarray) -> np.ndarray:
    """For each i, base[i] + 0, 1, ..., count[i] - 1, concatenated."""
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(count)
    offsets = np.repeat(ends - count, count)
    return np.repeat(base, count) + (np.arange(total) - offsets)


_lock = threading.Lock()
_index: ZoneIndex | None = None
# How many times this process has built the index (tests count rebuilds with it).
rebuilds = 0


def _build(revision: tuple[int, str]) -> ZoneIndex:
    global rebuilds
    rebuilds += 1
    return ZoneIndex.from_database(revision)


def current_index(revision: tuple[int, str] | None = None) -> ZoneIndex:
    """The index for the current geography revision, rebuilt only if the revision changed.

    `revision`: the current revision when the caller has just read it (the lookup reads it
    in the same query as the zones it found, see `sizes.geo.selectors.lookup_point`).
    """
    global _index
    # Read the revision before the boundaries: if an edit lands in between, the index holds
    # data at least as new as its number and the next lookup simply rebuilds again.
    if revision is None:
        revision = GeoRevision.current()
    index = _index
    if index is not None and index.revision == revision:
        return index
    with _lock:
        if _index is None or _index.revision != revision:
            _index = _build(revision)
            # In a server process, keep the new index out of full collections (the old one
            # is freed by reference counting).
            gcfreeze.freeze_long_lived()
        return _index


def cached_index() -> ZoneIndex | None:
    """This process's index as it is, without checking the revision (None before the first
    lookup). Whoever uses it must check `.revision` against the database's, as the lookup does
    in the same query as its other reads."""
    return _index


def reset() -> None:
    """Forget the index (tests use this; the next lookup rebuilds)."""
    global _index
    with _lock:
        _index = None

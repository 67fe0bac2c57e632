"""What every benchmark shares: the run context, seeded data, timing, memory and the machine.

Conventions (each `bench/b_<name>.py` relies on them):

* `run(ctx: Context) -> dict` measures and returns a JSON-able dict; `render(result) -> str`
  turns that dict into a Markdown section for docs/performance.md. A result may carry
  `"targets": [target_row(...), ...]`; the report gathers every benchmark's targets into one
  table at the top.
* Data is generated deterministically from `ctx.seed`: the same seed gives the same zones and
  points on every machine. Zones are the real Birmingham LSOA and ward shapes shipped in
  sizes/geo/data (see NOTICE), densified and perturbed to a few hundred vertices each, given a
  fringe, and tiled across England to reach N.
* `ctx.quick` asks for a small run (a couple of minutes in all) for development; the full run
  is what docs/performance.md reports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "sizes" / "geo" / "data"
RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Context:
    quick: bool = False
    seed: int = 1
    workdir: Path = field(default_factory=lambda: Path(os.environ.get("BENCH_WORKDIR", "")))
    pg_admin_dsn: str = field(
        default_factory=lambda: os.environ.get("BENCH_PG_ADMIN_DSN", DEFAULT_PG_ADMIN_DSN)
    )

    def __post_init__(self) -> None:
        if not str(self.workdir) or str(self.workdir) == ".":
            self.workdir = Path(tempfile.gettempdir()) / f"sizes-bench-{os.getuid()}"
        self.workdir = Path(self.workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)

    def zone_counts(self, sizes: list[int]) -> list[int]:
        """The sizes to run, without those above $BENCH_MAX_ZONES (for a shorter full run)."""
        if os.environ.get("BENCH_ZONES"):  # exactly these, e.g. BENCH_ZONES=1000,10000
            return [int(x) for x in os.environ["BENCH_ZONES"].split(",") if x.strip()]
        limit = int(os.environ.get("BENCH_MAX_ZONES") or 0)
        kept = [n for n in sizes if not limit or n <= limit]
        return kept or sizes[:1]

    def as_dict(self) -> dict:
        return {
            "quick": self.quick,
            "seed": self.seed,
            "workdir": str(self.workdir),
            "pg_admin_dsn": self.pg_admin_dsn,
        }


# --- seeded data ------------------------------------------------------------------------------

_to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
_from_bng = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
# Birmingham's extent is about 0.31 x 0.23 degrees; tiles are laid this far apart.
TILE_DX, TILE_DY = 0.32, 0.24
TARGET_VERTICES = 200  # per shape, before the fringe


def _reproject(geom, transformer):
    def fn(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def _largest_polygonal(geom):
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _perturb(geom, rng: np.random.Generator):
    """Densify to about TARGET_VERTICES vertices and wiggle every vertex a little (a few metres),
    so shapes have realistic vertex counts and neighbours' shared edges no longer match exactly
    (slivers of overlap and gap, as in real data)."""
    metric = _reproject(geom, _to_bng)
    step = max(metric.length / TARGET_VERTICES, 1.0)
    dense = shapely.segmentize(metric, step)
    if dense.geom_type != "Polygon" or len(dense.interiors):
        return dense  # keep multipolygons and holes as they are, densified
    ring = shapely.get_coordinates(dense.exterior)[:-1]
    ring = ring + rng.uniform(-0.25 * step, 0.25 * step, size=ring.shape)
    wiggled = shapely.Polygon(np.vstack([ring, ring[:1]]))
    if not wiggled.is_valid:
        wiggled = _largest_polygonal(wiggled)
    return _largest_polygonal(wiggled)


@functools.cache
def base_shapes(seed: int = 1) -> tuple[list, list, list]:
    """(cores, outers, kinds) in WGS84 for the 639 LSOAs and 69 wards, each perturbed.

    LSOA zones get a 150 m fringe, ward zones (which overlap the LSOAs) a 250 m one; a few
    LSOAs keep a hole (the fringe of a ward around them) so holes and multipolygons appear.
    """
    rng = np.random.default_rng(seed)
    cores, outers, kinds = [], [], []
    for name, kind, fringe in (
        ("birmingham_lsoa.geojson", "lsoa", 150.0),
        ("birmingham_wards.geojson", "ward", 250.0),
    ):
        data = json.loads((DATA / name).read_text())
        for feature in data["features"]:
            geom = shape(feature["geometry"])
            metric = _perturb(geom, rng)
            outer = shapely.buffer(metric, fringe, quad_segs=4)
            if kind == "lsoa" and rng.random() < 0.05:
                # A zone with a hole: the middle of the area is left out.
                hole = shapely.buffer(shapely.centroid(metric), np.sqrt(metric.area) / 6)
                if metric.contains(hole):
                    metric = metric.difference(hole)
            cores.append(_reproject(metric, _from_bng))
            outers.append(_reproject(outer, _from_bng))
            kinds.append(kind)
    return cores, outers, kinds


def _tile_offsets(count: int) -> list[tuple[float, float]]:
    """Tile offsets in degrees, nearest Birmingham first (a square spiral)."""
    cells = [(i, j) for i in range(-12, 13) for j in range(-12, 13)]
    cells.sort(key=lambda c: (max(abs(c[0]), abs(c[1])), c[1], c[0]))
    return [(i * TILE_DX, j * TILE_DY) for i, j in cells[:count]]


@functools.cache
def _zone_shapes(n: int, seed: int) -> tuple:
    cores, outers, kinds = base_shapes(seed)
    cores_a, outers_a = np.array(cores, dtype=object), np.array(outers, dtype=object)
    is_ward = np.array([k == "ward" for k in kinds])
    rng = np.random.default_rng(seed + 1000)
    chosen: list[tuple[int, float, float]] = []
    # Each tile keeps about two thirds of the LSOAs (gaps between zones) and one ward in eight
    # (ward zones overlap LSOA zones: points in two or more zones).
    per_tile = int(0.66 * (~is_ward).sum() + 0.125 * is_ward.sum())
    tiles = _tile_offsets(n // max(per_tile, 1) + 2)
    for dx, dy in tiles:
        keep = np.where(is_ward, rng.random(len(kinds)) < 0.125, rng.random(len(kinds)) < 0.66)
        for k in rng.permutation(np.flatnonzero(keep)):
            chosen.append((int(k), dx, dy))
            if len(chosen) == n:
                break
        if len(chosen) == n:
            break
    idx = np.array([c[0] for c in chosen], dtype=np.int64)
    offsets = np.array([(c[1], c[2]) for c in chosen])
    out_cores = _translate(cores_a[idx], offsets)
    out_outers = _translate(outers_a[idx], offsets)
    return tuple(zip(out_cores.tolist(), out_outers.tolist(), strict=True))


def _translate(geoms: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    counts = shapely.get_num_coordinates(geoms)
    shift = np.repeat(offsets, counts, axis=0)
    coords = shapely.get_coordinates(geoms)
    return shapely.set_coordinates(geoms.copy(), np.round(coords + shift, 6))


SHAPES_VERSION = 1  # bump when the generator changes, so cached files are not reused


def cached_zone_shapes(ctx: Context, n: int) -> list[tuple]:
    """zone_shapes(n, ctx.seed), kept as WKB in ctx.workdir (100,000 zones take half a minute
    to make and a few seconds to read back)."""
    path = shapes_path(ctx, n)
    if path.exists():
        return load_shapes(path)
    shapes = zone_shapes(n, ctx.seed)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    save_shapes(tmp, shapes)
    tmp.rename(path)
    return shapes


def shapes_path(ctx: Context, n: int) -> Path:
    return ctx.workdir / f"zones-v{SHAPES_VERSION}-{n}-{ctx.seed}.wkb"


def zone_shapes(n: int, seed: int = 1) -> list[tuple]:
    """N (core, outer) polygon pairs in WGS84, with fringes, gaps and overlaps. Deterministic."""
    return list(_zone_shapes(n, seed))


def query_points(n: int, seed: int, shapes: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """(lons, lats) of n points: half inside a core, a quarter in a fringe band, a quarter
    anywhere in the zones' extent (mostly outside every zone). Deterministic."""
    rng = np.random.default_rng(seed + 7)
    cores = np.array([s[0] for s in shapes], dtype=object)
    outers = np.array([s[1] for s in shapes], dtype=object)
    shapely.prepare(cores)
    shapely.prepare(outers)
    bounds = shapely.bounds(outers)
    n_core, n_fringe = n // 2, n // 4
    n_any = n - n_core - n_fringe

    def sample(count: int, want_core: bool) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = np.empty(0), np.empty(0)
        while len(xs) < count:
            need = int((count - len(xs)) * 1.6) + 16
            k = rng.integers(0, len(shapes), need)
            b = bounds[k]
            x = rng.uniform(b[:, 0], b[:, 2])
            y = rng.uniform(b[:, 1], b[:, 3])
            in_core = shapely.intersects_xy(cores[k], x, y)
            ok = in_core if want_core else shapely.intersects_xy(outers[k], x, y) & ~in_core
            xs, ys = np.concatenate([xs, x[ok]]), np.concatenate([ys, y[ok]])
        return xs[:count], ys[:count]

    cx, cy = sample(n_core, True)
    fx, fy = sample(n_fringe, False)
    total = shapely.total_bounds(outers)
    ax = rng.uniform(total[0], total[2], n_any)
    ay = rng.uniform(total[1], total[3], n_any)
    lons, lats = np.concatenate([cx, fx, ax]), np.concatenate([cy, fy, ay])
    order = rng.permutation(n)
    return lons[order], lats[order]


def cached_query_points(ctx: Context, n: int, shapes: list[tuple], label: str):
    """query_points, kept as .npy in ctx.workdir (the 2.7 M point sets take seconds to make)."""
    path = ctx.workdir / f"points-{label}-{n}-{len(shapes)}-{ctx.seed}.npy"
    if path.exists():
        data = np.load(path)
        return data[0], data[1]
    lons, lats = query_points(n, ctx.seed, shapes)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(tmp, np.vstack([lons, lats]))
    tmp.rename(path)  # atomic: benchmarks running side by side never read half a file
    return lons, lats


# --- timing -------------------------------------------------------------------------------------


def timeit_repeat(fn: Callable[[], object], repeats: int) -> list[float]:
    """Seconds taken by each of `repeats` calls of fn (garbage collection off while timing)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return times


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def percentiles(values) -> dict[str, float]:
    """p50/p95/p99/mean of a list of latencies (same unit in and out)."""
    arr = np.asarray(values, dtype=float)
    return {
        "p50": float(np.percentile(arr, 50)),
        "p95": float(np.percentile(arr, 95)),
        "p99": float(np.percentile(arr, 99)),
        "mean": float(arr.mean()),
        "n": int(arr.size),
    }


def median(values) -> float:
    return float(statistics.median(values))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory of this process, in MiB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(module: str, func: str, *args, env: dict | None = None, timeout: float = 1200):
    """Run `module.func(*args)` in a fresh Python process; returns (its result, its peak RSS MiB).

    Competitors run this way so that each one's peak memory is its own. Arguments and the
    result travel as JSON.
    """
    payload = json.dumps({"module": module, "func": func, "args": list(args)})
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.child"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module}.{func} failed:\n{proc.stderr[-4000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["result"], out["peak_rss_mb"]


# --- targets ------------------------------------------------------------------------------------


def target_row(target: str, measured: str, met: bool, note: str = "") -> dict:
    """One line of the targets table: what the issue asks, what we measured, met or not."""
    return {"target": target, "measured": measured, "met": bool(met), "note": note}


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds >= 0.01 else f"{seconds * 1e6:,.1f} µs"


def fmt_s(seconds: float) -> str:
    return f"{seconds:,.2f} s"


def md_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- machine and PostgreSQL ---------------------------------------------------------------------


def _psql(dsn: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
        return str(row[0]) if row else ""


def machine_description(pg_admin_dsn: str = DEFAULT_PG_ADMIN_DSN) -> dict:
    """CPU, cores, memory, load, software versions and the date, for the report's header."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
    pg = postgis = None
    with contextlib.suppress(Exception):
        pg = _psql(pg_admin_dsn, "SHOW server_version")
        postgis = _psql(
            pg_admin_dsn,
            "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'",
        )
    versions = {"python": platform.python_version()}
    for mod in ("numpy", "shapely", "pyproj", "geopandas", "psycopg", "django"):
        with contextlib.suppress(ImportError):
            versions[mod] = __import__(mod).__version__
    versions["geos"] = shapely.geos_version_string
    versions["postgresql"] = pg
    versions["postgis"] = postgis
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg": list(os.getloadavg()),
    }


def _admin(dsn: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def _with_db(dsn: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgis_dsn(ctx: Context, label: str, *, postgis: bool = True) -> str:
    """Create a throwaway database (with the postgis extension) and return its DSN.

    The name is unique to this process, so several people can benchmark at once; drop it with
    `drop_database(ctx, dsn)` (or use `throwaway_database`).
    """
    name = f"bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}".lower()
    _admin(ctx.pg_admin_dsn, f'CREATE DATABASE "{name}"')
    dsn = _with_db(ctx.pg_admin_dsn, name)
    if postgis:
        _admin(dsn, "CREATE EXTENSION IF NOT EXISTS postgis")
    return dsn


def drop_database(ctx: Context, dsn: str) -> None:
    from urllib.parse import urlsplit

    name = urlsplit(dsn).path.lstrip("/")
    if name.startswith("bench_"):
        _admin(ctx.pg_admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_database(ctx: Context, label: str, *, postgis: bool = True) -> Iterator[str]:
    dsn = postgis_dsn(ctx, label, postgis=postgis)
    try:
        yield dsn
    finally:
        drop_database(ctx, dsn)


# --- handing data to child processes and to Django ----------------------------------------------


def save_shapes(path: Path, shapes: list[tuple]) -> Path:
    """Write (core, outer) pairs as WKB (a child process reads them with load_shapes)."""
    cores = shapely.to_wkb(np.array([s[0] for s in shapes], dtype=object))
    outers = shapely.to_wkb(np.array([s[1] for s in shapes], dtype=object))
    with open(path, "wb") as fh:
        for blob in (*cores, *outers):
            fh.write(len(blob).to_bytes(4, "little"))
            fh.write(blob)
    return path


def load_shapes(path: Path) -> list[tuple]:
    data = Path(path).read_bytes()
    blobs, pos = [], 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "little")
        blobs.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    geoms = shapely.from_wkb(np.array(blobs, dtype=object))
    half = len(geoms) // 2
    return list(zip(geoms[:half].tolist(), geoms[half:].tolist(), strict=True))


def django_setup(ctx: Context | None = None, database_url: str | None = None) -> None:
    """Configure SIZes' Django settings in this process (SQLite in the workdir by default)."""
    workdir = ctx.workdir if ctx else Context().workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")
    os.environ.setdefault("SIZES_DATA_DIR", str(workdir / "data"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def load_postgis_zones(
    dsn: str, shapes: list[tuple], table: str = "zones", *, edges_bng: bool = False
) -> float:
    """Create `table` (id, core, outer_area) with GiST indexes and load the shapes; seconds.

    With `edges_bng`, also a column `edge_bng`: each core's edge in British National Grid,
    projected here with pyproj in one vectorised call (PostGIS's own ST_Transform over the
    table takes a minute at 100,000 zones) — for distance queries, as SIZes keeps its edges in
    metres."""
    import psycopg

    start = time.perf_counter()
    cores_arr = np.array([s[0] for s in shapes], dtype=object)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        extra = ", edge_bng geometry(Geometry, 27700)" if edges_bng else ""
        conn.execute(
            f"CREATE TABLE {table} (id integer PRIMARY KEY, core geometry(Geometry, 4326) "
            f"NOT NULL, outer_area geometry(Geometry, 4326) NOT NULL{extra})"
        )
        columns = [
            [f"SRID=4326;{c}" for c in shapely.to_wkb(cores_arr, hex=True)],
            [
                f"SRID=4326;{o}"
                for o in shapely.to_wkb(np.array([s[1] for s in shapes], dtype=object), hex=True)
            ],
        ]
        names = "id, core, outer_area"
        if edges_bng:
            edges = _reproject(shapely.boundary(cores_arr), _to_bng)
            columns.append([f"SRID=27700;{e}" for e in shapely.to_wkb(edges, hex=True)])
            names += ", edge_bng"
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as cp:
            for i, row in enumerate(zip(*columns, strict=True)):
                cp.write_row((i, *row))
        conn.execute(f"CREATE INDEX ON {table} USING gist (outer_area)")
        conn.execute(f"CREATE INDEX ON {table} USING gist (core)")
        conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - start


def load_postgis_points(dsn: str, lons, lats, table: str = "pts") -> float:
    """Create `table` (id, geom) of points with a GiST index; seconds."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, lon float8, lat float8)")
        with conn.cursor() as cur, cur.copy(f"COPY {table} (id, lon, lat) FROM STDIN") as cp:
            for i, (x, y) in enumerate(
                zip(np.asarray(lons).tolist(), np.asarray(lats).tolist(), strict=True)
            ):
                cp.write_row((i, x, y))
        conn.execute(f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326)")
        conn.execute(f"UPDATE {table} SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)")
        conn.execute(f"CREATE INDEX ON {table} USING gist (geom)")
        conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def backend_peak_rss_mb(conn) -> float | None:
    """Peak resident memory (VmHWM) of this connection's PostgreSQL backend, in MiB."""
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return None


# --- profiles -----------------------------------------------------------------------------------


def profile_top(fn: Callable[[], object], top: int = 10) -> dict:
    """Run fn under pyinstrument; the functions taking the most time, by own time and by time
    including callees, as shares of the whole (what docs/performance.md shows for a limit)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    fn()
    profiler.stop()
    root = profiler.last_session.root_frame()
    own: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def name(frame) -> str:
        path = (frame.file_path_short or "").replace(str(ROOT) + "/", "")
        for marker in ("site-packages/", "lib/python3"):
            if marker in path:
                path = path.split(marker, 1)[1]
        return f"{frame.function} ({path}:{frame.line_no})"

    def walk(frame, seen: frozenset) -> None:
        key = name(frame)
        own[key] = own.get(key, 0.0) + frame.time - sum(c.time for c in frame.children)
        if key not in seen:  # count recursion once
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
        for child in frame.children:
            walk(child, seen | {key})

    walk(root, frozenset())
    total = root.time or 1.0

    layers = layer_times(root)

    def best(table: dict[str, float], n: int = top) -> list[list]:
        rows = sorted(table.items(), key=lambda kv: -kv[1])[:n]
        return [[k, round(v / total, 3)] for k, v in rows]

    return {
        "seconds": total,
        "own": best(own),
        "inclusive": best(inclusive),
        "layers": best(layers, 12),
    }


def layer_times(root) -> dict[str, float]:
    """Own time by layer: the package (or SIZes module) whose code ran, with time in built-in
    functions (C code: GEOS, the socket, json's encoder) given to the Python code that called
    them, so that "what part of the stack costs what" adds up to the whole. `root`: a
    pyinstrument frame (`file_path_short`, `time`, `children`)."""
    layers: dict[str, float] = {}
    stack = [(root, "other")]
    while stack:
        frame, caller = stack.pop()
        path = (frame.file_path_short or "").replace(str(ROOT) + "/", "")
        layer = _layer(path) or caller
        spent = frame.time - sum(c.time for c in frame.children)
        layers[layer] = layers.get(layer, 0.0) + spent
        stack.extend((child, layer) for child in frame.children)
    return layers


def _layer(path: str) -> str | None:
    """`sizes.geo.index` for SIZes' own files, the top-level package for others (`django`,
    `psycopg`); None for built-in and generated code (counted with its caller)."""
    if not path or path.startswith("<"):
        return None
    for marker in ("site-packages/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "lib/python3":  # the standard library: lib/python3.11/json/...
                path = path.split("/", 1)[1] if "/" in path else path
    if path.startswith(("sizes/", "bench/")):
        return path.removesuffix(".py").replace("/", ".")
    top = path.split("/", 1)[0].removesuffix(".py")
    return top or None

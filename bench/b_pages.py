"""Pages (issue 9, item 4): register, zone page, variations list and the all-zones map data at
1,000 and 10,000 zones (ten variations each: 100,000 at 10,000 zones), on SQLite and PostgreSQL.

For each backend a fresh database is migrated and filled by `bench.pagedata.populate` (bulk
inserts: zones in force with the benchmark's realistic boundaries, partners, outcomes,
indicators and measurements, reviews, lessons, pooled records); the planner's statistics are
then gathered as on a live site: on SQLite by `ANALYZE`, as the daily `sizes tick` does
(sizes/core/dbstats.py); on PostgreSQL with the visibility map set too (VACUUM ANALYZE), as
autovacuum does. Each page is requested through Django's test client in one process (no
network, no server: the cost of the application and the database alone), with the garbage
collector set up as in a server worker (sizes/core/gcfreeze.py: what the process holds is frozen
out of full collections, here after each fill), warmed once, then timed `repeats` times. The
SQL query count of one request is recorded at each size: it must not change with the number of
zones. For the map data the JSON size and its gzip-compressed size are recorded: the whole
extent at zoom 8 (what the register map asks for when zoomed out on every zone) and a typical
view at zoom 12 (the `bbox` the map sends: a 1,000 × 600 pixel view, padded by half on each
side, at the middle of the zones). CPU time per request (`time.process_time`, the application
and SQLite, not PostgreSQL's server) is recorded beside wall time: on a shared machine it is the
steadier figure.
"""

from __future__ import annotations

import gzip
import os
import shutil
import time
from pathlib import Path

from bench.common import (
    Context,
    fmt_ms,
    md_table,
    percentiles,
    run_child,
    target_row,
    throwaway_database,
)

SIZES_FULL = [1_000, 10_000]
SIZES_QUICK = [200, 1_000]
VARIATIONS_PER_ZONE = 10
TARGET_P95_S = 0.100
# A 1,000 × 600 pixel map at zoom 12 near latitude 52.4°, padded by half its size on each side
# as sizes/geo/static/geo/maps.js asks: degrees of longitude and latitude.
VIEW_LON = 2 * 1000 * 360 / (256 * 2**12)
VIEW_LAT = 2 * 600 * 360 / (256 * 2**12) * 0.61


def _view_bbox() -> str:
    """The zoom-12 view's bbox, centred on the zones in force."""
    from sizes.geo import maps

    maps.reset()
    _, (w, s, e, n) = maps.zones_map_extent()
    cx, cy = (w + e) / 2, (s + n) / 2
    box = (cx - VIEW_LON / 2, cy - VIEW_LAT / 2, cx + VIEW_LON / 2, cy + VIEW_LAT / 2)
    return ",".join(f"{x:.5f}" for x in box)


def _pages(slug: str, bbox: str) -> dict[str, str]:
    return {
        "Zones register": "/zones/",
        "Zones register, last page": "/zones/?page=last",
        "Zone page": f"/zones/{slug}/",
        "Variations register": "/variations/",
        "Map data, zoom 8, every zone": "/zones/map.geojson?zoom=8",
        "Map data, zoom 12, one view": f"/zones/map.geojson?zoom=12&bbox={bbox}",
    }


def run(ctx: Context) -> dict:
    sizes = SIZES_QUICK if ctx.quick else SIZES_FULL
    repeats = 5 if ctx.quick else 20
    backends = {}
    sqlite_path = ctx.workdir / "pages.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    # The map shapes computed while filling SQLite, reused for the same zones in PostgreSQL
    # (filling is not what is measured; this saves a minute and a half of the run).
    shapes_cache = ctx.workdir / "pages-map-shapes"
    shutil.rmtree(shapes_cache, ignore_errors=True)
    shapes_cache.mkdir()
    print("   pages: SQLite", flush=True)
    backends["SQLite"], _ = run_child(
        "bench.b_pages", "measure", sizes, repeats, ctx.seed, str(shapes_cache),
        env={"DATABASE_URL": f"sqlite:///{sqlite_path}", "SIZES_DATA_DIR": str(ctx.workdir)},
    )  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    print("   pages: PostgreSQL", flush=True)
    with throwaway_database(ctx, "pages", postgis=False) as dsn:
        backends["PostgreSQL"], _ = run_child(
            "bench.b_pages", "measure", sizes, repeats, ctx.seed, str(shapes_cache),
            env={"DATABASE_URL": dsn, "SIZES_DATA_DIR": str(ctx.workdir)},
        )  # fmt: skip
    shutil.rmtree(shapes_cache, ignore_errors=True)
    result = {
        "sizes": sizes,
        "repeats": repeats,
        "variations_per_zone": VARIATIONS_PER_ZONE,
        "backends": backends,
        "map_shapes_reused": True,
    }
    result["targets"] = targets(result)
    return result


def measure(sizes: list[int], repeats: int, seed: int, shapes_cache: str = "") -> list[dict]:
    """In a child process whose DATABASE_URL is the database to fill: migrate, then for each
    size add zones up to it and time every page."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.pagedata import bench_shapes, populate
    from sizes.core import dbstats, gcfreeze
    from sizes.geo import maps
    from sizes.zones.models import Zone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    shapes = bench_shapes(max(sizes), seed)
    client = Client()
    rows = []
    for n in sizes:
        have = Zone.objects.count()
        start = time.perf_counter()
        populate(
            n_zones=n - have,
            variations_per_zone=VARIATIONS_PER_ZONE,
            seed=seed,
            shapes=shapes[have:n],
            map_shapes_cache=shapes_cache or None,
        )
        if connection.vendor == "postgresql":
            # Statistics and the visibility map, as autovacuum gathers them on a live
            # database (it vacuums a table after many inserts too): without statistics the
            # planner guesses as if the tables were empty (the register took 76 ms of SQL at
            # 10,000 zones without, 19 ms with); without the visibility map no scan is
            # index-only (the variations register counts from an index).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            dbstats.refresh()  # as the daily tick does; SQLite gathers none by itself
        fill_s = time.perf_counter() - start
        # As a server worker (sizes.wsgi): what the process holds now stays out of full
        # collections (here that includes the fill's shapes, which a server would not hold).
        gcfreeze.enable()
        # The same zone at every size (its neighbours may change; its query count must not).
        slug = Zone.objects.order_by("pk").values_list("slug", flat=True)[sizes[0] // 2]
        last_page = (n + 49) // 50
        pages = {}
        for label, url in _pages(slug, _view_bbox()).items():
            url = url.replace("page=last", f"page={last_page}")
            maps.reset()  # the first map request builds the simplified shapes: time it apart
            first_start = time.perf_counter()
            response = client.get(url)
            first_s = time.perf_counter() - first_start
            assert response.status_code == 200, (url, response.status_code)
            queries = _count_queries(connection, client.get, url)
            server = _ServerCpu(connection)
            times, cpu = _time(client, url, repeats)
            body = client.get(url).content
            pages[label] = {
                "url": url,
                "first_s": first_s,
                "queries": queries,
                "bytes": len(body),
                "gzip_bytes": len(gzip.compress(body, 6)),
                "cpu": percentiles(cpu),
                "server_cpu_s": server.per_request(repeats + 1),
                **percentiles(times),
            }
        pinned = {}
        cores = os.sched_getaffinity(0)
        if connection.vendor == "postgresql" and n == sizes[-1] and _pin(connection, {min(cores)}):
            # A diagnostic: the same pages with this process and its PostgreSQL connection on
            # one core, where neither waits for the other to be woken on another core.
            try:
                for label, p in pages.items():
                    client.get(p["url"])
                    times, cpu = _time(client, p["url"], repeats)
                    pinned[label] = {"cpu": percentiles(cpu), **percentiles(times)}
            finally:
                _pin(connection, cores)
        rows.append(
            {
                "zones": n,
                "variations": n * VARIATIONS_PER_ZONE,
                "fill_s": fill_s,
                "pages": pages,
                **({"pinned": pinned} if pinned else {}),
            }
        )
        print(f"   pages: {n:,} zones measured", flush=True)
    return rows


def _time(client, url: str, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `repeats` requests for `url`."""
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return times, cpu


def _backend_pid(connection) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _proc_cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process on this machine (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _ServerCpu:
    """The CPU time PostgreSQL's server process for this connection spends on the requests
    that follow (None on SQLite, or if the connection was replaced meanwhile)."""

    def __init__(self, connection):
        self.connection = connection
        self.pid = _backend_pid(connection)
        self.start = _proc_cpu_s(self.pid) if self.pid else None

    def per_request(self, requests: int) -> float | None:
        if self.pid is None or _backend_pid(self.connection) != self.pid:
            return None
        return (_proc_cpu_s(self.pid) - self.start) / requests


def _pin(connection, cores: set[int]) -> bool:
    """Let this process and its PostgreSQL server process run on these cores only; False
    when the machine does not allow it."""
    try:
        os.sched_setaffinity(_backend_pid(connection), cores)
        os.sched_setaffinity(0, cores)
    except OSError:
        return False
    return True


def _count_queries(connection, fn, *args) -> int:
    """SQL statements run by fn(); a wrapper counts them even when a request reconnects."""
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn(*args)
    return len(seen)


def targets(result: dict) -> list[dict]:
    out = []
    for backend, rows in result["backends"].items():
        top = rows[-1]
        worst = max(top["pages"].items(), key=lambda kv: kv[1]["p95"])
        out.append(
            target_row(
                f"Pages p95 < 100 ms at {top['zones']:,} zones / "
                f"{top['variations']:,} variations ({backend})",
                f"slowest: {worst[0]}, {fmt_ms(worst[1]['p95'])}",
                worst[1]["p95"] < TARGET_P95_S,
            )
        )
        grew = [
            f"{label}: {rows[0]['pages'][label]['queries']} → {top['pages'][label]['queries']}"
            for label in top["pages"]
            if rows[0]["pages"][label]["queries"] != top["pages"][label]["queries"]
        ]
        out.append(
            target_row(
                f"Page query counts the same at {rows[0]['zones']:,} and {top['zones']:,} zones "
                f"({backend})",
                "same" if not grew else "GREW: " + "; ".join(grew),
                not grew,
            )
        )
    return out


def _ms_or_dash(seconds: float | None) -> str:
    return "–" if seconds is None else fmt_ms(seconds)


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 2**20 else f"{n / 2**20:,.1f} MB"


def render(result: dict) -> str:
    lines = [
        "## Pages",
        "",
        "Each page requested through Django's test client (no server, no network), warmed once,"
        f" then timed {result['repeats']} times; {result['variations_per_zone']} variations per "
        "zone. After each fill the planner's statistics are gathered as on a live site (SQLite:"
        " `ANALYZE`, as the daily `sizes tick` does; PostgreSQL: `VACUUM ANALYZE`, as "
        "autovacuum does), and the process's garbage collector is set up as a server worker's "
        "(`gcfreeze.enable()`). “First” is the first request after the data changed (the map "
        "data then simplifies every boundary for that zoom; later requests use the cached "
        "shapes until the geography changes). CPU p95: processor time of the request in this "
        "process (the application, and SQLite's work; not PostgreSQL's server), steadier than "
        "wall time on a shared machine. Server CPU (PostgreSQL): the CPU time of PostgreSQL's "
        "process serving this connection, a request on average (read from /proc, in 10 ms "
        "ticks). Queries: SQL queries for one request. The registers are paginated (50 per "
        "page). Map sizes are the JSON body and its gzip size (what a browser downloads: the "
        "map data is sent compressed). The zoom 12 map data is one view (a 1,000 × 600 pixel "
        "map, padded by half on each side, asked for with `bbox=`), as the register map asks "
        "when many zones are in force.",
        "",
    ]
    for backend, rows in result["backends"].items():
        lines += [f"### {backend}", ""]
        server = any(p.get("server_cpu_s") is not None for r in rows for p in r["pages"].values())
        table = []
        for r in rows:
            for label, p in r["pages"].items():
                table.append(
                    [
                        f"{r['zones']:,}",
                        label,
                        fmt_ms(p["p50"]),
                        fmt_ms(p["p95"]),
                        fmt_ms(p["cpu"]["p95"]) if "cpu" in p else "–",
                        *([_ms_or_dash(p.get("server_cpu_s"))] if server else []),
                        fmt_ms(p["first_s"]),
                        p["queries"],
                        _kb(p["bytes"]),
                        _kb(p["gzip_bytes"]),
                    ]
                )
        lines.append(
            md_table(
                [
                    "Zones",
                    "Page",
                    "p50",
                    "p95",
                    "CPU p95",
                    *(["Server CPU"] if server else []),
                    "First",
                    "Queries",
                    "Size",
                    "gzip",
                ],
                table,
            )  # fmt: skip
        )
        pinned = rows[-1].get("pinned")
        if pinned:
            lines += [
                "",
                f"The same pages at {rows[-1]['zones']:,} zones with this process and its "
                "PostgreSQL server process on one core (a diagnostic, not how a server runs): "
                "on this virtual machine a process that waits for a query is woken on a "
                "core whose caches have gone cold, and the application's own CPU time per "
                "page rises accordingly (compare CPU p95 with the table above).",
                "",
                md_table(
                    ["Page", "p50", "p95", "CPU p50", "CPU p95"],
                    [
                        [
                            label,
                            fmt_ms(p["p50"]),
                            fmt_ms(p["p95"]),
                            fmt_ms(p["cpu"]["p50"]),
                            fmt_ms(p["cpu"]["p95"]),
                        ]
                        for label, p in pinned.items()
                    ],
                ),  # fmt: skip
            ]
        lines += [
            "",
            "The map data for every zone grows with the number of zones (the register map asks "
            "for it only when zoomed out, and with more than 300 zones in force asks for its "
            "view alone); the first request at a zoom level after a boundary change "
            "simplifies every boundary in that process.",
        ]
        fills = ", ".join(f"{r['zones']:,} zones in {r['fill_s']:.0f} s" for r in rows)
        reused = (
            "; PostgreSQL's fill reuses the map shapes computed for SQLite's"
            if backend == "PostgreSQL" and result.get("map_shapes_reused")
            else ""
        )
        lines += ["", f"Data generated by bulk insert: {fills} (cumulative sizes{reused}).", ""]
    return "\n".join(lines)

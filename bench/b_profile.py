"""Where the time goes (issue 9: "where a target is missed, profile"): pyinstrument profiles
of SIZes' single-point lookup at 10,000 zones, of the HTTP lookup as a gunicorn worker answers
it (Django's whole request, on PostgreSQL), and of the two importers on a small file, with the
functions taking the most time; and where the machine's CPU goes while gunicorn serves lookups
under wrk (app workers, PostgreSQL, wrk, the kernel). Short runs; the figures are in the other
sections.
"""

from __future__ import annotations

import io
import sys
import time

from bench.common import (
    Context,
    cached_query_points,
    cached_zone_shapes,
    django_setup,
    md_table,
    profile_top,
    run_child,
    throwaway_database,
)


def run(ctx: Context) -> dict:
    n = 1_000 if ctx.quick else 10_000
    out = {"lookup_zones": n}
    print("   profile: single lookups", flush=True)
    out["single_lookup"] = lookup_profile(ctx, n)
    from bench import b_http

    with throwaway_database(ctx, "profile_http", postgis=False) as dsn:
        print(f"   profile: HTTP lookups, filling PostgreSQL with {n:,} zones", flush=True)
        run_child(
            "bench.b_http", "fill", n, ctx.seed, str(ctx.workdir),
            env={"DATABASE_URL": dsn, "SIZES_DATA_DIR": str(ctx.workdir)},
        )  # fmt: skip
        out["http_request"], _ = run_child(
            "bench.b_profile", "http_child", n, ctx.seed, str(ctx.workdir),
            env={"DATABASE_URL": dsn, "SIZES_DATA_DIR": str(ctx.workdir)},
        )  # fmt: skip
        print("   profile: HTTP lookups under load", flush=True)
        out["http_load"] = b_http.cpu_split(ctx, dsn, n, 8 if ctx.quick else 15)
    from bench.b_import import boundary_file, postcode_file

    areas = boundary_file(ctx, 300)
    postcodes = postcode_file(ctx, 20_000)
    with throwaway_database(ctx, "profile", postgis=False) as dsn:
        run_child("bench.b_import", "child", "migrate", "", dsn)
        print("   profile: importers", flush=True)
        out["import_boundaries"], _ = run_child(
            "bench.b_profile", "import_child", "boundaries", str(areas), dsn
        )
        out["import_postcodes"], _ = run_child(
            "bench.b_profile", "import_child", "postcodes", str(postcodes), dsn
        )
    return out


def lookup_profile(ctx: Context, n: int) -> dict:
    django_setup(ctx)
    from sizes.geo.index import ZoneIndex

    shapes = cached_zone_shapes(ctx, n)
    lons, lats = cached_query_points(ctx, 100_000, shapes, "lookup")
    index = ZoneIndex.from_geometries(
        range(n), range(n), [s[0] for s in shapes], [s[1] for s in shapes]
    )
    xs, ys = lons[:20_000].tolist(), lats[:20_000].tolist()
    for i in range(len(xs)):  # warm, as a worker is
        index.query(lon=xs[i], lat=ys[i])

    def work():
        for i in range(len(xs)):
            index.query(lon=xs[i], lat=ys[i])

    return {**profile_top(work), "calls": len(xs), "parts": _lookup_parts(index, xs, ys)}


def _lookup_parts(index, xs: list[float], ys: list[float]) -> dict:
    """What a single lookup with distances is made of (medians, µs): the whole, membership
    alone, and GEOS's distance from a point to one zone's edge in metres — the same Shapely
    call the lookup makes, on the same edges and points, timed alone — with how many zones a
    point is in. Shows how much of a lookup the distances are, and how much of them is GEOS's
    own work on the edge's segments rather than the Python around it."""
    import numpy as np
    import shapely

    from sizes.geo.index import _point

    clock = time.perf_counter_ns
    whole, member, geos, segments, zones = [], [], [], [], []
    edges = index._core_edges_metric
    for x, y in zip(xs, ys, strict=True):
        t = clock()
        hits = index.query(lon=x, lat=y)
        whole.append(clock() - t)
        t = clock()
        index.query(lon=x, lat=y, distance=False)
        member.append(clock() - t)
        zones.append(len(hits))
        for hit in hits[:1]:  # zone ids are the entries here
            point = _point(index._project(hit.zone_id, x, y))
            edge = edges[hit.zone_id]
            t = clock()
            shapely.lib.distance(edge, point)
            geos.append(clock() - t)
            segments.append(int(shapely.get_num_coordinates(edge)) - 1)
    return {
        "lookup_us": float(np.median(whole)) / 1e3,
        "membership_us": float(np.median(member)) / 1e3,
        "geos_distance_us": float(np.median(geos)) / 1e3,
        "edge_segments": float(np.median(segments)),
        "zones_per_point": float(np.mean(zones)),
    }


def http_child(n: int, seed: int, workdir: str) -> dict:
    """In a child (DATABASE_URL and SIZES_DATA_DIR, here `workdir`, set): Django's WSGI
    application answering lookups by point, as a gunicorn worker calls it but without the
    socket: its time a request, and its profile."""
    import os

    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # One client address: the API's rate limits off, as in the HTTP benchmark.
    os.environ.update({"SIZES_API_RATE_PER_IP": "0", "SIZES_API_RATE_PER_TOKEN": "0"})
    django_setup()
    from bench.b_http import PORT, _paths
    from sizes.core import gcfreeze
    from sizes.wsgi import application

    paths = _paths(n, seed, "point")

    def environ(path: str) -> dict:
        route, _, query = path.partition("?")
        return {
            "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(PORT),
            "HTTP_HOST": f"127.0.0.1:{PORT}", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"lookup answered {status}")

    def answer_all():
        for path in paths:
            response = application(environ(path), start_response)
            b"".join(response)
            response.close()

    answer_all()  # warm: the index, and each zone's edge in metres, as in a running worker
    gcfreeze.freeze_long_lived()  # as gunicorn's workers do (sizes/core/gcfreeze.py)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        answer_all()
        times.append((time.perf_counter() - start) / len(paths))
    return {**profile_top(answer_all, top=14), "calls": len(paths), "per_request_s": min(times)}


def import_child(kind: str, path: str, dsn: str) -> dict:
    django_setup(database_url=dsn)
    from sizes.geo.importers import import_boundaries, import_postcodes

    if kind == "boundaries":
        result = profile_top(
            lambda: import_boundaries(
                path, area_type="lsoa", code_field="lsoa_code", name_field="lsoa_name", vintage="p"
            )
        )
        return {**result, "rows": 300}
    return {**profile_top(lambda: import_postcodes(path)), "rows": 20_000}


def render(result: dict) -> str:
    lines = [
        "## Where the time goes (profiles)",
        "",
        "pyinstrument, wall-clock; shares of the whole run. *Own* time is spent in the function "
        "itself; *with callees* includes what it calls.",
    ]
    parts = [
        (
            "single_lookup",
            f"{result['single_lookup']['calls']:,} single lookups with distance, "
            f"{result['lookup_zones']:,} zones",
        ),
        (
            "http_request",
            f"{result['http_request']['calls']:,} lookups by point through Django's WSGI "
            f"application, PostgreSQL, {result['lookup_zones']:,} zones (no socket: "
            f"{result['http_request']['per_request_s'] * 1e3:.2f} ms a request)",
        )
        if "http_request" in result
        else None,
        ("import_boundaries", f"`import_boundaries`, {result['import_boundaries']['rows']} LSOAs"),
        ("import_postcodes", f"`import_postcodes`, {result['import_postcodes']['rows']:,} rows"),
    ]
    for part in parts:
        if part is None:
            continue
        key, title = part
        p = result[key]
        lines += ["", f"### {title} ({p['seconds']:.2f} s)", ""]
        if p.get("layers"):
            lines += [
                "By layer (own time, C functions counted with their Python caller): "
                + ", ".join(f"{layer} {share:.0%}" for layer, share in p["layers"])
                + ".",
                "",
            ]
        rows = []
        for i in range(max(len(p["own"]), len(p["inclusive"]))):
            own = p["own"][i] if i < len(p["own"]) else ["", 0]
            inc = p["inclusive"][i] if i < len(p["inclusive"]) else ["", 0]
            rows.append([f"`{own[0]}`", f"{own[1]:.0%}", f"`{inc[0]}`", f"{inc[1]:.0%}"])
        lines.append(md_table(["own time", "", "with callees", ""], rows))
        if key == "single_lookup" and "parts" in p:
            parts_ = p["parts"]
            lines += [
                "",
                f"Timed alone (medians): a lookup with distances {parts_['lookup_us']:.1f} µs, "
                f"membership alone {parts_['membership_us']:.1f} µs; a point is in "
                f"{parts_['zones_per_point']:.2f} zones on average, and GEOS's distance from a "
                f"point to one zone's edge ({parts_['edge_segments']:.0f} segments, the call "
                f"the lookup makes) takes {parts_['geos_distance_us']:.1f} µs by itself.",
            ]
    if "http_load" in result:
        lines += ["", *_render_load(result["http_load"], result["lookup_zones"])]
    return "\n".join(lines)


def _render_load(load: dict, zones: int) -> list[str]:
    rows = [
        [who, f"{ms:.3f} ms", f"{load['share'][who]:.0%}"]
        for who, ms in sorted(load["ms_per_request"].items(), key=lambda kv: -kv[1])
    ]
    return [
        f"### Where the machine's CPU goes under load: lookups by point, PostgreSQL, "
        f"{zones:,} zones",
        "",
        f"gunicorn (2 sync workers) under wrk (32 connections, {load['seconds']:.0f} s after a "
        f"warm-up run): {load['rps']:,.0f} requests/s, p99 {load['p99'] * 1e3:.1f} ms, "
        f"{load['cores_busy']:.2f} of the 2 cores busy. CPU time (user + system) of each "
        "group of processes from /proc, and the kernel's interrupt work from /proc/stat, "
        "divided by the requests answered.",
        "",
        md_table(["", "CPU a request", "share of the machine"], rows),
    ]

"""Bulk assignment (issue 9, item 3): put 2.7 million postcode points into zones, with
membership (core or fringe), at 10,000 zones.

Each competitor runs in its own Python process so that its peak memory is its own:

* SIZes: `ZoneIndex.query_many` over all the points at once (index build timed apart).
* GeoPandas: `points_from_xy`, `sjoin(predicate="intersects")` against the outer areas, then
  the core test for each pair (`intersects_xy` on the matched cores) for membership.
* PostGIS: `CREATE TABLE assignment AS SELECT ... JOIN zones ON ST_Covers(outer_area, geom)`
  with `ST_Covers(core, geom)` for membership, points already loaded (load timed apart); the
  peak memory is the server backend's (VmHWM), the client does nothing.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import (
    Context,
    cached_query_points,
    cached_zone_shapes,
    django_setup,
    fmt_s,
    load_postgis_points,
    load_postgis_zones,
    load_shapes,
    md_table,
    run_child,
    shapes_path,
    target_row,
    throwaway_database,
)


def run(ctx: Context) -> dict:
    zones = 1_000 if ctx.quick else 10_000
    n_points = 200_000 if ctx.quick else 2_700_000
    shapes = cached_zone_shapes(ctx, zones)
    lons, lats = cached_query_points(ctx, n_points, shapes, "bulk")
    points = ctx.workdir / f"points-bulk-{n_points}-{zones}-{ctx.seed}.npy"
    shapes_file = str(shapes_path(ctx, zones))
    out = {"zones": zones, "points": n_points}
    print("   bulk: SIZes", flush=True)
    res, rss = run_child("bench.b_bulk", "sizes_child", shapes_file, str(points))
    out["sizes"] = {**res, "peak_rss_mb": rss}
    print("   bulk: GeoPandas", flush=True)
    res, rss = run_child("bench.b_bulk", "geopandas_child", shapes_file, str(points))
    out["geopandas"] = {**res, "peak_rss_mb": rss}
    print("   bulk: PostGIS", flush=True)
    with throwaway_database(ctx, "bulk") as dsn:
        out["postgis_zones_load_s"] = load_postgis_zones(dsn, shapes)
        out["postgis_points_load_s"] = load_postgis_points(dsn, lons, lats)
        res, rss = run_child("bench.b_bulk", "postgis_child", dsn)
        out["postgis"] = {**res, "client_peak_rss_mb": rss}
    s = out["sizes"]["assign_s"]
    out["ratio_vs_geopandas"] = out["geopandas"]["assign_s"] / s
    out["ratio_vs_postgis"] = out["postgis"]["assign_s"] / s
    out["targets"] = [
        target_row(
            f"Bulk assignment of {n_points / 1e6:.1f} M points with membership under 10 s",
            fmt_s(s),
            s < 10,
        ),
        target_row(
            "Bulk assignment ≥ 3× faster than GeoPandas",
            f"{out['ratio_vs_geopandas']:.1f}×",
            out["ratio_vs_geopandas"] >= 3,
        ),
        target_row(
            "Bulk assignment faster than the PostGIS join",
            f"{out['ratio_vs_postgis']:.1f}×",
            out["ratio_vs_postgis"] > 1,
        ),
    ]
    same = out["sizes"]["pairs"] == out["geopandas"]["pairs"] == out["postgis"]["pairs"]
    same = same and out["sizes"]["core"] == out["geopandas"]["core"] == out["postgis"]["core"]
    out["same_answers"] = same
    out["targets"].append(
        target_row("Bulk: all three give the same pairs and memberships", str(same), same)
    )
    return out


def _points(path: str):
    data = np.load(path)
    return data[0], data[1]


def sizes_child(shapes_file: str, points_file: str) -> dict:
    django_setup()
    from sizes.geo.index import ZoneIndex

    shapes = load_shapes(shapes_file)
    lons, lats = _points(points_file)
    n = len(shapes)
    start = time.perf_counter()
    index = ZoneIndex.from_geometries(
        range(n), range(n), [s[0] for s in shapes], [s[1] for s in shapes]
    )
    build = time.perf_counter() - start
    start = time.perf_counter()
    m = index.query_many(lons, lats)
    assign = time.perf_counter() - start
    return {"build_s": build, "assign_s": assign, "pairs": len(m), "core": int(m.core.sum())}


def geopandas_child(shapes_file: str, points_file: str) -> dict:
    import geopandas as gpd
    import shapely

    shapes = load_shapes(shapes_file)
    lons, lats = _points(points_file)
    cores = np.array([s[0] for s in shapes], dtype=object)
    zones = gpd.GeoDataFrame(
        {"zone": np.arange(len(shapes))}, geometry=[s[1] for s in shapes], crs=4326
    )
    start = time.perf_counter()
    _ = zones.sindex
    build = time.perf_counter() - start
    start = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    joined = gpd.sjoin(points, zones, predicate="intersects", how="inner")
    p = joined.index.to_numpy()
    z = joined["zone"].to_numpy()
    core = shapely.intersects_xy(cores[z], lons[p], lats[p])
    assign = time.perf_counter() - start
    return {"build_s": build, "assign_s": assign, "pairs": len(p), "core": int(core.sum())}


ASSIGN_SQL = (
    "CREATE TABLE assignment AS SELECT pts.id AS point, zones.id AS zone, "
    "ST_Covers(zones.core, pts.geom) AS in_core FROM pts "
    "JOIN zones ON ST_Covers(zones.outer_area, pts.geom)"
)


def postgis_child(dsn: str) -> dict:
    import psycopg

    from bench.common import backend_peak_rss_mb

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET statement_timeout = '900s'")
        conn.execute("DROP TABLE IF EXISTS assignment")
        start = time.perf_counter()
        conn.execute(ASSIGN_SQL)
        assign = time.perf_counter() - start
        pairs, core = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE in_core) FROM assignment"
        ).fetchone()
        peak = backend_peak_rss_mb(conn)
    return {"assign_s": assign, "pairs": pairs, "core": core, "backend_peak_rss_mb": peak}


def render(result: dict) -> str:
    r = result
    s, gp, pg = r["sizes"], r["geopandas"], r["postgis"]
    rows = [
        [
            "SIZes `query_many`",
            f"**{fmt_s(s['assign_s'])}**",
            "1×",
            f"{s['build_s']:.1f} s (grid index)",
            f"{s['peak_rss_mb']:,.0f} MB",
            f"{s['pairs']:,} ({s['core']:,} core)",
        ],
        [
            "GeoPandas `sjoin` + core test",
            fmt_s(gp["assign_s"]),
            f"{r['ratio_vs_geopandas']:.1f}× slower",
            f"{gp['build_s']:.1f} s (STRtree)",
            f"{gp['peak_rss_mb']:,.0f} MB",
            f"{gp['pairs']:,} ({gp['core']:,} core)",
        ],
        [
            "PostGIS join (`CREATE TABLE AS`)",
            fmt_s(pg["assign_s"]),
            f"{r['ratio_vs_postgis']:.1f}× slower",
            f"{r['postgis_zones_load_s']:.1f} s zones + {r['postgis_points_load_s']:.1f} s "
            "points (COPY, GiST)",
            f"{pg['backend_peak_rss_mb'] or 0:,.0f} MB (server backend)",
            f"{pg['pairs']:,} ({pg['core']:,} core)",
        ],
    ]
    return "\n".join(
        [
            "## Bulk assignment",
            "",
            f"{r['points']:,} postcode-like points (half in a core, a quarter in a fringe, a "
            f"quarter anywhere) assigned to {r['zones']:,} zones with core/fringe membership. "
            "Each competitor ran once, in its own process; peak memory is that process's "
            "(for PostGIS, the server backend's). GeoPandas' time includes making the point "
            "geometries, which SIZes does not need.",
            "",
            md_table(
                [
                    "competitor",
                    "assign",
                    "vs SIZes",
                    "set-up (not in assign)",
                    "peak memory",
                    "pairs found",
                ],
                rows,
            ),
        ]
    )

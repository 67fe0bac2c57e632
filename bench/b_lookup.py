"""Point lookup (issue 9, item 1): which zones cover a point, at 100 to 100,000 zones.

Competitors, on the same zones and points in the same run:

* SIZes `ZoneIndex.query` — one point at a time: membership (core/fringe) alone, and with the
  distance to the core's edge in metres (what the lookup page and API show); and
  `ZoneIndex.query_many` — a batch, membership only.
* PostGIS — one query per point over a psycopg connection (`ST_Covers` on the outer area with a
  GiST index, `ST_Covers` on the core for membership), the same with `ST_Distance` to the
  core's edge kept ready in British National Grid (as SIZes keeps its edges in metres), and a
  batched join of a points table against the zones table. Like is compared with like: SIZes'
  membership-only lookups with PostGIS's membership-only queries, distances with distances.
* GeoPandas `sjoin(points, zones, predicate="intersects")` on the outer areas (points already
  a GeoDataFrame and the zones' spatial index already built: both flatter GeoPandas; no
  core/fringe membership, which flatters it too).
* The floor: Shapely 2 `contains_xy` of each point against the one polygon known to hold it
  (or, for points in no zone, the nearest one) — a single vectorised call, no search at all.
"""

from __future__ import annotations

import gc
import time

import numpy as np
import shapely

from bench.common import (
    Context,
    cached_query_points,
    cached_zone_shapes,
    django_setup,
    fmt_ms,
    load_postgis_points,
    load_postgis_zones,
    md_table,
    median,
    percentiles,
    target_row,
    throwaway_database,
    timeit_repeat,
)

SIZES_FULL = [100, 1_000, 10_000, 100_000]
SIZES_QUICK = [100, 1_000]


def run(ctx: Context) -> dict:
    django_setup(ctx)
    sizes = ctx.zone_counts(SIZES_QUICK if ctx.quick else SIZES_FULL)
    n_points = 10_000 if ctx.quick else 100_000
    repeats = 3
    rows = []
    with throwaway_database(ctx, "lookup") as dsn:
        for n in sizes:
            print(f"   lookup: {n:,} zones", flush=True)
            rows.append(measure(ctx, dsn, n, n_points, repeats))
            gc.collect()
    for row in rows:
        row["points"] = n_points
    result = {"points": n_points, "repeats": repeats, "by_zones": rows}
    result["targets"] = targets(rows)
    return result


def measure(ctx: Context, dsn: str, n: int, n_points: int, repeats: int) -> dict:
    from sizes.geo.index import ZoneIndex

    shapes = cached_zone_shapes(ctx, n)
    lons, lats = cached_query_points(ctx, n_points, shapes, "lookup")
    cores = [s[0] for s in shapes]
    outers = [s[1] for s in shapes]
    out: dict = {"zones": n, "vertices_median": int(np.median(shapely.get_num_coordinates(cores)))}

    # --- SIZes ---
    start = time.perf_counter()
    index = ZoneIndex.from_geometries(range(n), range(n), cores, outers)
    out["sizes_build_s"] = time.perf_counter() - start
    out["sizes_grid"] = index.stats()
    batch = timeit_repeat(lambda: index.query_many(lons, lats), repeats)
    matches = index.query_many(lons, lats)
    out["matches"] = len(matches)
    out["matches_core"] = int(matches.core.sum())
    out["sizes_batch_s"] = median(batch)
    n_single = min(n_points, 20_000)
    out["sizes_single_membership"] = _single_latencies(
        index, lons[:n_single], lats[:n_single], distance=False
    )
    # A worker keeps each zone's edge in metres once it has answered a lookup there: warm the
    # zones these points fall in (timing that first, per zone), as a running worker would be.
    first = index.query_many(lons[:n_single], lats[:n_single])
    entries = np.unique(first.zone_id)  # zone ids here are the entries 0..n-1
    start = time.perf_counter()
    for entry in entries.tolist():
        index._prepare_distance(entry)
    out["sizes_first_lookup_in_zone_ms"] = (
        (time.perf_counter() - start) / max(len(entries), 1) * 1e3
    )
    out["sizes_single"] = _single_latencies(index, lons[:n_single], lats[:n_single])

    # --- the floor: contains_xy against the right polygon only ---
    outer_arr = np.array(outers, dtype=object)
    right = np.full(n_points, -1, dtype=np.int64)
    first = np.unique(matches.point, return_index=True)
    right[first[0]] = matches.zone_id[first[1]]
    missing = np.flatnonzero(right < 0)
    if len(missing):
        tree = shapely.STRtree(outer_arr)
        _, nearest = tree.query_nearest(
            shapely.points(lons[missing], lats[missing]), all_matches=False
        )
        right[missing] = nearest
    polys = outer_arr[right]
    shapely.prepare(polys)
    out["floor_batch_s"] = median(
        timeit_repeat(lambda: shapely.contains_xy(polys, lons, lats), repeats)
    )

    # --- GeoPandas ---
    out.update(_geopandas(outers, lons, lats, repeats))

    # --- PostGIS ---
    out["postgis_load_s"] = load_postgis_zones(dsn, shapes, edges_bng=True)
    out["postgis_points_load_s"] = load_postgis_points(dsn, lons, lats)
    out.update(
        _postgis(dsn, lons, lats, n_single=min(n_points, 3000), repeats=1 if n >= 100_000 else 2)
    )

    # --- ratios (how many times faster SIZes is) ---
    # Medians: on a shared machine the means are dominated by the odd descheduled call.
    out["ratio_single_vs_postgis"] = (
        out["postgis_single"]["p50"] / out["sizes_single_membership"]["p50"]
    )
    out["ratio_single_distance_vs_postgis"] = (
        out["postgis_single_distance"]["p50"] / out["sizes_single"]["p50"]
    )
    out["ratio_batch_vs_geopandas"] = out["geopandas_sjoin_s"] / out["sizes_batch_s"]
    out["ratio_batch_vs_postgis"] = out["postgis_join_s"] / out["sizes_batch_s"]
    out["ratio_batch_vs_floor"] = out["sizes_batch_s"] / out["floor_batch_s"]
    return out


def _single_latencies(index, lons, lats, *, distance: bool = True) -> dict:
    xs, ys = lons.tolist(), lats.tolist()
    times = np.empty(len(xs))
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for i in range(len(xs)):
            t = clock()
            index.query(lon=xs[i], lat=ys[i], distance=distance)
            times[i] = clock() - t
    finally:
        gc.enable()
    return {k: (v / 1e9 if k != "n" else v) for k, v in percentiles(times).items()}


def _geopandas(outers, lons, lats, repeats) -> dict:
    import geopandas as gpd

    zones = gpd.GeoDataFrame({"zone": np.arange(len(outers))}, geometry=outers, crs=4326)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    start = time.perf_counter()
    _ = zones.sindex
    build = time.perf_counter() - start
    times = timeit_repeat(
        lambda: gpd.sjoin(points, zones, predicate="intersects", how="inner"), repeats
    )
    joined = gpd.sjoin(points, zones, predicate="intersects", how="inner")
    return {
        "geopandas_sjoin_s": median(times),
        "geopandas_build_s": build,
        "geopandas_matches": len(joined),
    }


SINGLE_SQL = (
    "SELECT id, ST_Covers(core, p) FROM zones, "
    "(SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS p) q WHERE ST_Covers(outer_area, p)"
)
# The distance to the core's edge in metres, as SIZes gives it: the edges are kept ready in
# British National Grid (EPSG:27700, SIZes' metric CRS) so only the point is projected.
SINGLE_DISTANCE_SQL = (
    "SELECT id, ST_Covers(core, p), ST_Distance(edge_bng, ST_Transform(p, 27700)) FROM zones, "
    "(SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS p) q WHERE ST_Covers(outer_area, p)"
)
JOIN_SQL = (
    "SELECT pts.id, zones.id, ST_Covers(zones.core, pts.geom) FROM pts "
    "JOIN zones ON ST_Covers(zones.outer_area, pts.geom)"
)


def _postgis(dsn: str, lons, lats, *, n_single: int, repeats: int) -> dict:
    import psycopg

    out = {}
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=0) as conn:
        xs, ys = lons[:n_single].tolist(), lats[:n_single].tolist()
        for key, sql in (
            ("postgis_single", SINGLE_SQL),
            ("postgis_single_distance", SINGLE_DISTANCE_SQL),
        ):
            for i in range(min(200, n_single)):  # warm the cache and the prepared statement
                conn.execute(sql, (xs[i], ys[i])).fetchall()
            times = np.empty(n_single)
            clock = time.perf_counter_ns
            for i in range(n_single):
                t = clock()
                conn.execute(sql, (xs[i], ys[i])).fetchall()
                times[i] = clock() - t
            out[key] = {k: (v / 1e9 if k != "n" else v) for k, v in percentiles(times).items()}
        rows = []

        def join():
            rows[:] = [conn.execute(JOIN_SQL).fetchall()]

        out["postgis_join_s"] = median(timeit_repeat(join, repeats))
        out["postgis_matches"] = len(rows[0])
        out["postgis_plan"] = " / ".join(
            r[0].strip() for r in conn.execute("EXPLAIN " + JOIN_SQL).fetchall()[:4]
        )
    return out


def targets(rows: list[dict]) -> list[dict]:
    by = {r["zones"]: r for r in rows}
    r = by.get(10_000) or rows[-1]
    n = f"{r['zones']:,} zones"
    out = [
        target_row(
            f"Single-point lookup ≥ 20× PostGIS single query, membership ({n})",
            f"{r['ratio_single_vs_postgis']:.1f}×",
            r["ratio_single_vs_postgis"] >= 20,
        ),
        target_row(
            f"Single-point lookup ≥ 20× PostGIS single query, with distances ({n})",
            f"{r['ratio_single_distance_vs_postgis']:.1f}×",
            r["ratio_single_distance_vs_postgis"] >= 20,
        ),
        target_row(
            f"Batched lookup ≥ 3× GeoPandas sjoin ({n})",
            f"{r['ratio_batch_vs_geopandas']:.1f}×",
            r["ratio_batch_vs_geopandas"] >= 3,
        ),
        target_row(
            f"Batched lookup within 1.5× of the Shapely floor ({n})",
            f"{r['ratio_batch_vs_floor']:.2f}× the floor",
            r["ratio_batch_vs_floor"] <= 1.5,
        ),
    ]
    same = all(x["matches"] == x["geopandas_matches"] == x["postgis_matches"] for x in rows)
    out.append(
        target_row(
            "Every competitor finds the same (point, zone) pairs",
            "same"
            if same
            else "DIFFERENT: "
            + ", ".join(
                f"{x['zones']}: {x['matches']}/{x['geopandas_matches']}/{x['postgis_matches']}"
                for x in rows
            ),
            same,
        )
    )
    return out


def render(result: dict) -> str:
    rows = result["by_zones"]
    lines = [
        "## Point lookup",
        "",
        f"{result['points']:,} query points; batches are the median of {result['repeats']} "
        "runs; single lookups are timed one by one (SIZes on up to 20,000 points, PostGIS on "
        "3,000), once for membership only and once with the distance in metres from the point "
        "to each core's edge (PostGIS with the edges kept in British National Grid, as SIZes "
        "keeps them). Ratios say how many times faster SIZes is.",
        "",
        "### One point at a time",
        "",
    ]
    table = []
    for r in rows:
        for label, skey, pkey, ratio in (
            ("membership", "sizes_single_membership", "postgis_single", "ratio_single_vs_postgis"),
            (
                "with distance",
                "sizes_single",
                "postgis_single_distance",
                "ratio_single_distance_vs_postgis",
            ),
        ):
            s, p = r[skey], r[pkey]
            table.append(
                [
                    f"{r['zones']:,}",
                    label,
                    fmt_ms(s["p50"]),
                    fmt_ms(s["p95"]),
                    fmt_ms(s["p99"]),
                    f"{1 / s['p50']:,.0f}/s",
                    fmt_ms(p["p50"]),
                    fmt_ms(p["p95"]),
                    fmt_ms(p["p99"]),
                    f"{1 / p['p50']:,.0f}/s",
                    f"**{r[ratio]:.1f}×**",
                ]
            )
    lines.append(
        md_table(
            [
                "zones",
                "answer",
                "SIZes p50",
                "p95",
                "p99",
                "per second (1/p50)",
                "PostGIS p50",
                "p95",
                "p99",
                "per second (1/p50)",
                "SIZes vs PostGIS (p50s)",
            ],
            table,
        )
    )
    lines += [
        "",
        "A zone's first lookup with a distance also projects its edge into metres and fits the "
        "quadratic that projects later points (kept for the process's life): "
        + ", ".join(
            f"{r.get('sizes_first_lookup_in_zone_ms', float('nan')):.2f} ms a zone at "
            f"{r['zones']:,} zones"
            for r in rows
        )
        + ". The timed lookups above come after that, as in a worker that has answered in "
        "those zones before.",
    ]
    lines += ["", "### Batches", ""]
    table = []
    for r in rows:
        table.append(
            [
                f"{r['zones']:,}",
                fmt_ms(r["sizes_batch_s"]),
                fmt_ms(r["floor_batch_s"]),
                f"{r['ratio_batch_vs_floor']:.2f}×",
                fmt_ms(r["geopandas_sjoin_s"]),
                f"**{r['ratio_batch_vs_geopandas']:.1f}×**",
                fmt_ms(r["postgis_join_s"]),
                f"**{r['ratio_batch_vs_postgis']:.1f}×**",
                f"{r['matches']:,}",
            ]
        )
    lines.append(
        md_table(
            [
                "zones",
                "SIZes query_many",
                "Shapely floor",
                "SIZes / floor",
                "GeoPandas sjoin",
                "SIZes vs GeoPandas",
                "PostGIS join",
                "SIZes vs PostGIS",
                "(point, zone) pairs",
            ],
            table,
        )
    )
    lines += ["", "### Building the indexes", ""]
    table = []
    for r in rows:
        gs = r["sizes_grid"]
        table.append(
            [
                f"{r['zones']:,}",
                r["vertices_median"],
                f"{r['sizes_build_s']:.2f} s",
                f"{gs['cell_m']} m, {gs['rows']:,} entries, {gs['grid_mb']} MB",
                f"{r['geopandas_build_s']:.2f} s",
                f"{r['postgis_load_s']:.1f} s",
            ]
        )
    lines.append(
        md_table(
            [
                "zones",
                "vertices (median)",
                "SIZes index build",
                "SIZes grid",
                "GeoPandas sindex",
                "PostGIS load + GiST",
            ],
            table,
        )
    )
    return "\n".join(lines)

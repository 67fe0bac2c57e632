"""Growth (issue 9, item 6): how lookup cost and memory grow with the number of zones.

For 1,000, 10,000 and 100,000 zones, a fresh Python process set up like an app worker
(Django configured, every URL module imported) reads the zones, builds the index and answers
20,000 single lookups (with distances) and a batch of 100,000 points. Its memory before and
after the index is built is read from /proc (resident set size).
"""

from __future__ import annotations

import gc
import time

import numpy as np

from bench.common import (
    Context,
    cached_query_points,
    cached_zone_shapes,
    django_setup,
    fmt_ms,
    load_shapes,
    md_table,
    percentiles,
    rss_mb,
    run_child,
    shapes_path,
    target_row,
)

SIZES_FULL = [1_000, 10_000, 100_000]
SIZES_QUICK = [100, 1_000]


def run(ctx: Context) -> dict:
    sizes = ctx.zone_counts(SIZES_QUICK if ctx.quick else SIZES_FULL)
    n_points = 20_000 if ctx.quick else 100_000
    rows = []
    for n in sizes:
        print(f"   growth: {n:,} zones", flush=True)
        shapes = cached_zone_shapes(ctx, n)
        cached_query_points(ctx, n_points, shapes, "growth")
        del shapes
        gc.collect()
        points = ctx.workdir / f"points-growth-{n_points}-{n}-{ctx.seed}.npy"
        res, peak = run_child("bench.b_growth", "child", str(shapes_path(ctx, n)), str(points))
        rows.append({**res, "zones": n, "peak_rss_mb": peak})
    first, last = rows[0], rows[-1]
    out = {"points": n_points, "by_zones": rows}
    out["single_growth"] = last["single"]["p50"] / first["single"]["p50"]
    out["batch_growth"] = last["batch_per_point_s"] / first["batch_per_point_s"]
    at10k = next((r for r in rows if r["zones"] == 10_000), last)
    span = f"{first['zones']:,} → {last['zones']:,} zones"
    out["targets"] = [
        target_row(
            f"Single lookup latency grows < 2× ({span})",
            f"{out['single_growth']:.2f}× (p50)",
            out["single_growth"] < 2,
        ),
        target_row(
            f"Batched lookup cost per point grows < 2× ({span})",
            f"{out['batch_growth']:.2f}×",
            out["batch_growth"] < 2,
        ),
        target_row(
            f"App worker memory with the index at {at10k['zones']:,} zones < 300 MB",
            f"{at10k['rss_after_mb']:.0f} MB",
            at10k["rss_after_mb"] < 300,
            f"{at10k['rss_before_mb']:.0f} MB before the zones were read",
        ),
    ]
    return out


def child(shapes_file: str, points_file: str) -> dict:
    django_setup()
    import sizes.urls  # noqa: F401 - load every view, as a worker serving requests has
    from sizes.geo.index import ZoneIndex

    gc.collect()
    before = rss_mb()
    shapes = load_shapes(shapes_file)
    n = len(shapes)
    start = time.perf_counter()
    index = ZoneIndex.from_geometries(
        range(n), range(n), [s[0] for s in shapes], [s[1] for s in shapes]
    )
    build = time.perf_counter() - start
    del shapes
    data = np.load(points_file)
    lons, lats = data[0], data[1]
    xs, ys = lons[:20_000].tolist(), lats[:20_000].tolist()
    for i in range(len(xs)):  # warm up: a worker's distance caches fill as it answers
        index.query(lon=xs[i], lat=ys[i])
    gc.collect()
    after = rss_mb()
    times = np.empty(len(xs))
    clock = time.perf_counter_ns
    gc.disable()
    for i in range(len(xs)):
        t = clock()
        index.query(lon=xs[i], lat=ys[i])
        times[i] = clock() - t
    gc.enable()
    batch = []
    for _ in range(3):
        t = time.perf_counter()
        index.query_many(lons, lats)
        batch.append(time.perf_counter() - t)
    return {
        "build_s": build,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "grid": index.stats(),
        "single": {k: (v / 1e9 if k != "n" else v) for k, v in percentiles(times).items()},
        "batch_s": float(np.median(batch)),
        "batch_per_point_s": float(np.median(batch)) / len(lons),
    }


def render(result: dict) -> str:
    rows = []
    for r in result["by_zones"]:
        s = r["single"]
        rows.append(
            [
                f"{r['zones']:,}",
                fmt_ms(s["p50"]),
                fmt_ms(s["p95"]),
                fmt_ms(s["p99"]),
                f"{r['batch_per_point_s'] * 1e6:.2f} µs",
                f"{r['build_s']:.1f} s",
                f"{r['grid']['grid_mb']} MB",
                f"{r['rss_before_mb']:.0f} → {r['rss_after_mb']:.0f} MB",
            ]
        )
    return "\n".join(
        [
            "## Growth",
            "",
            f"Single lookups (with distance) on 20,000 points and a batch of "
            f"{result['points']:,} points, in a fresh worker-like process per size. "
            f"From the smallest to the largest size the single-lookup p50 grew "
            f"**{result['single_growth']:.2f}×** and the batch cost per point "
            f"**{result['batch_growth']:.2f}×**.",
            "",
            md_table(
                [
                    "zones",
                    "single p50",
                    "p95",
                    "p99",
                    "batch, per point",
                    "index build",
                    "grid arrays",
                    "worker memory (before → after the index)",
                ],
                rows,
            ),
        ]
    )

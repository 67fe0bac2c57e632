"""Growth (issue 9, item 6): how lookup cost and memory grow with the number of zones.

For 1,000 and 10,000 zones, a fresh Python process set up like an app worker (Django
configured, every URL module imported) reads the zones, builds the index and answers 20,000
single lookups (with distances) and a batch of 100,000 points. Its memory before and after the
index is built is read from /proc (resident set size).

How latency grows from 1,000 to 100,000 zones is read from the point-lookup benchmark's
results of the same run (the same zones, points and code, measured at 100, 1,000, 10,000 and
100,000 zones), so the 100,000-zone index is not built twice: `bench.run` runs `lookup` before
`growth`. Without those results (growth run alone) the worker-like processes cover 100,000
zones too.
"""

from __future__ import annotations

import gc
import json
import time

import numpy as np

from bench.common import (
    RESULTS,
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


def lookup_rows(ctx: Context) -> list[dict]:
    """The point-lookup benchmark's rows from this run (same seed and size), if it ran."""
    path = RESULTS / "lookup.json"
    if not path.exists():
        return []
    doc = json.loads(path.read_text())
    if doc.get("seed") != ctx.seed or doc.get("quick") != ctx.quick:
        return []
    return doc["result"]["by_zones"]


def run(ctx: Context) -> dict:
    sizes = ctx.zone_counts(SIZES_QUICK if ctx.quick else SIZES_FULL)
    from_lookup = lookup_rows(ctx)
    if len(from_lookup) >= 2:
        wanted = {r["zones"] for r in from_lookup}
        sizes = [n for n in sizes if n <= 10_000 or n not in wanted] or sizes[:1]
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
    out = {"points": n_points, "by_zones": rows}
    at10k = next((r for r in rows if r["zones"] == 10_000), rows[-1])
    if len(from_lookup) >= 2:
        # Latency growth over the lookup benchmark's sizes from 1,000 zones up.
        series = [r for r in from_lookup if r["zones"] >= 1_000]
        series = series if len(series) >= 2 else from_lookup
        out["from_lookup"] = [
            {
                "zones": r["zones"],
                "single_p50_s": r["sizes_single"]["p50"],
                "membership_p50_s": r["sizes_single_membership"]["p50"],
                "batch_per_point_s": r["sizes_batch_s"] / r.get("points", 100_000),
            }
            for r in series
        ]
        first, last = out["from_lookup"][0], out["from_lookup"][-1]
        out["single_growth"] = last["single_p50_s"] / first["single_p50_s"]
        out["membership_growth"] = last["membership_p50_s"] / first["membership_p50_s"]
        out["batch_growth"] = last["batch_per_point_s"] / first["batch_per_point_s"]
    else:
        first, last = rows[0], rows[-1]
        out["single_growth"] = last["single"]["p50"] / first["single"]["p50"]
        out["batch_growth"] = last["batch_per_point_s"] / first["batch_per_point_s"]
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
    lines = [
        "## Growth",
        "",
        f"From the smallest to the largest size the single-lookup p50 (with distances) grew "
        f"**{result['single_growth']:.2f}×** and the batch cost per point "
        f"**{result['batch_growth']:.2f}×**.",
    ]
    if result.get("from_lookup"):
        lines += [
            "",
            "Latency by number of zones, from the point-lookup benchmark above (same zones, "
            "points and code):",
            "",
            md_table(
                [
                    "zones",
                    "single p50, membership",
                    "single p50, with distance",
                    "batch, per point",
                ],
                [
                    [
                        f"{r['zones']:,}",
                        fmt_ms(r["membership_p50_s"]),
                        fmt_ms(r["single_p50_s"]),
                        f"{r['batch_per_point_s'] * 1e6:.2f} µs",
                    ]
                    for r in result["from_lookup"]
                ],
            ),
        ]
    lines += [
        "",
        f"A fresh worker-like process per size: Django set up with every URL module imported, "
        f"then the index built and 20,000 single lookups (with distance) and a batch of "
        f"{result['points']:,} points answered; memory is its resident set size.",
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
    return "\n".join(lines)

"""The grid's cell size trade-off (bench/notes.md): one ZoneIndex at N zones with a chosen number
of cells across a typical zone, measured for grid memory, a 100,000-point batch against the
Shapely floor, and the single-point membership p50. Not part of `make bench`.

    .venv/bin/python -m bench.cells 24 [ZONES]     # then 32, and compare
"""

from __future__ import annotations

import gc
import sys
import time

import numpy as np
import shapely

from bench.common import Context, cached_query_points, cached_zone_shapes, django_setup


def main(cells: int, n: int = 10_000) -> None:
    ctx = Context()
    django_setup(ctx)
    import sizes.geo.index as index_module

    index_module.CELLS_ACROSS = cells
    shapes = cached_zone_shapes(ctx, n)
    lons, lats = cached_query_points(ctx, 100_000, shapes, "lookup")
    index = index_module.ZoneIndex.from_geometries(
        range(n), range(n), [s[0] for s in shapes], [s[1] for s in shapes]
    )
    batch = []
    for _ in range(5):
        start = time.perf_counter()
        matches = index.query_many(lons, lats)
        batch.append(time.perf_counter() - start)
    # The floor: each point against the one polygon that holds it (or the nearest one).
    outers = np.array([s[1] for s in shapes], dtype=object)
    right = np.full(len(lons), -1)
    first = np.unique(matches.point, return_index=True)
    right[first[0]] = matches.zone_id[first[1]]
    missing = np.flatnonzero(right < 0)
    _, nearest = shapely.STRtree(outers).query_nearest(
        shapely.points(lons[missing], lats[missing]), all_matches=False
    )
    right[missing] = nearest
    polys = outers[right]
    shapely.prepare(polys)
    floor = []
    for _ in range(5):
        start = time.perf_counter()
        shapely.contains_xy(polys, lons, lats)
        floor.append(time.perf_counter() - start)
    xs, ys = lons[:20_000].tolist(), lats[:20_000].tolist()
    times = np.empty(len(xs))
    clock = time.perf_counter_ns
    gc.disable()
    for i in range(len(xs)):
        t = clock()
        index.query(lon=xs[i], lat=ys[i], distance=False)
        times[i] = clock() - t
    gc.enable()
    print(
        f"{cells} cells across, {n:,} zones: grid {index.stats()['grid_mb']} MB; batch "
        f"{np.median(batch):.3f} s, floor {np.median(floor):.3f} s "
        f"({np.median(batch) / np.median(floor):.2f}x); single membership p50 "
        f"{np.percentile(times, 50) / 1000:.2f} µs"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), *(int(a) for a in sys.argv[2:3]))

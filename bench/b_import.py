"""Import (issue 9, item 5): 35,000 LSOA-sized polygons and 2.7 million postcode rows through
SIZes' own management commands (`import_boundaries`, `import_postcodes`) into a fresh
PostgreSQL database: time and peak memory of each, in its own process.

The boundary file is the Birmingham LSOAs (densified and wiggled to about 200 vertices) tiled
across England; the postcode CSV has ONSPD-like columns (postcode, latitude, longitude,
lsoa_code) with made-up but well-formed, unique postcodes.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import shapely

from bench.common import (
    Context,
    base_shapes,
    django_setup,
    fmt_s,
    md_table,
    run_child,
    target_row,
    throwaway_database,
)

AREAS = "AB AL B BA BB BD BH BL BN BR BS CA CB CF CH CM CO CR CT CV CW DA DE DH DL DN DT DY".split()  # noqa: SIM905
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def run(ctx: Context) -> dict:
    n_areas = 2_000 if ctx.quick else 35_000
    n_postcodes = 100_000 if ctx.quick else 2_700_000
    areas = boundary_file(ctx, n_areas)
    postcodes = postcode_file(ctx, n_postcodes)
    out = {
        "areas": n_areas,
        "postcodes": n_postcodes,
        "areas_file_mb": areas.stat().st_size / 2**20,
        "postcodes_file_mb": postcodes.stat().st_size / 2**20,
    }
    with throwaway_database(ctx, "import", postgis=False) as dsn:
        print("   import: migrate", flush=True)
        res, rss = run_child("bench.b_import", "child", "migrate", "", dsn)
        out["migrate_s"] = res["seconds"]
        print("   import: boundaries", flush=True)
        res, rss = run_child("bench.b_import", "child", "boundaries", str(areas), dsn)
        out["boundaries"] = {**res, "peak_rss_mb": rss}
        print("   import: postcodes", flush=True)
        res, rss = run_child("bench.b_import", "child", "postcodes", str(postcodes), dsn)
        out["postcodes_import"] = {**res, "peak_rss_mb": rss}
    b, p = out["boundaries"], out["postcodes_import"]
    out["targets"] = [
        target_row(
            f"Import {n_areas:,} LSOA polygons (measured; no target set)",
            f"{fmt_s(b['seconds'])}, {b['peak_rss_mb']:,.0f} MB peak",
            b["stored"] == n_areas,
            "all stored" if b["stored"] == n_areas else f"only {b['stored']:,} stored",
        ),
        target_row(
            f"Import {n_postcodes:,} postcodes (measured; no target set)",
            f"{fmt_s(p['seconds'])}, {p['peak_rss_mb']:,.0f} MB peak",
            p["stored"] == n_postcodes,
            "all stored" if p["stored"] == n_postcodes else f"only {p['stored']:,} stored",
        ),
    ]
    return out


def boundary_file(ctx: Context, n: int) -> Path:
    path = ctx.workdir / f"lsoa-{n}-{ctx.seed}.geojson"
    if path.exists():
        return path
    cores, _, kinds = base_shapes(ctx.seed)
    lsoas = np.array([c for c, k in zip(cores, kinds, strict=True) if k == "lsoa"], dtype=object)
    texts = shapely.to_geojson(shapely.set_precision(lsoas, 0))  # keeps the coordinates as they are
    parts = []
    per_row = 8
    for i in range(n):
        tile, k = divmod(i, len(lsoas))
        dx, dy = (tile % per_row) * 0.32, (tile // per_row) * 0.24
        geom = texts[k] if tile == 0 else shapely.to_geojson(_shift(lsoas[k], dx, dy))
        parts.append(
            f'{{"type":"Feature","properties":{{"lsoa_code":"E01{i:06d}",'
            f'"lsoa_name":"Bench {i:06d}"}},"geometry":{geom}}}'
        )
    tmp = path.with_suffix(".tmp")
    tmp.write_text('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}")
    tmp.rename(path)
    return path


def _shift(geom, dx: float, dy: float):
    coords = shapely.get_coordinates(geom)
    return shapely.set_coordinates(geom, np.round(coords + (dx, dy), 6))


def postcode_file(ctx: Context, n: int) -> Path:
    path = ctx.workdir / f"postcodes-{n}-{ctx.seed}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(ctx.seed + 5)
    lons = np.round(rng.uniform(-2.03, -2.03 + 8 * 0.32, n), 6)
    lats = np.round(rng.uniform(52.38, 52.38 + 5 * 0.24, n), 6)
    lines = ["postcode,latitude,longitude,lsoa_code"]
    letters = INWARD_LETTERS
    per_district = 10 * len(letters) ** 2  # 4,000 inward codes
    for i in range(n):
        district, inward = divmod(i, per_district)
        area = AREAS[district % len(AREAS)]
        number = district // len(AREAS) + 1
        digit, rest = divmod(inward, len(letters) ** 2)
        a, b = divmod(rest, len(letters))
        code = f"{area}{number} {digit}{letters[a]}{letters[b]}"
        lines.append(f"{code},{lats[i]},{lons[i]},E01{i % 35000:06d}")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.rename(path)
    return path


def child(kind: str, path: str, dsn: str) -> dict:
    django_setup(database_url=dsn)
    from django.core.management import call_command

    from sizes.geo.models import Postcode, ReferenceArea

    start = time.perf_counter()
    if kind == "migrate":
        call_command("migrate", verbosity=0)
        return {"seconds": time.perf_counter() - start}
    if kind == "boundaries":
        call_command(
            "import_boundaries",
            path,
            "--type=lsoa",
            "--code-field=lsoa_code",
            "--name-field=lsoa_name",
            "--vintage=2011",
            verbosity=0,
        )
        took = time.perf_counter() - start
        return {"seconds": took, "stored": ReferenceArea.objects.filter(type="lsoa").count()}
    call_command("import_postcodes", path, verbosity=0)
    took = time.perf_counter() - start
    return {"seconds": took, "stored": Postcode.objects.count()}


def render(result: dict) -> str:
    r = result
    b, p = r["boundaries"], r["postcodes_import"]
    rows = [
        [
            f"`import_boundaries` — {r['areas']:,} LSOA polygons",
            f"{r['areas_file_mb']:,.0f} MB GeoJSON",
            f"**{fmt_s(b['seconds'])}**",
            f"{r['areas'] / b['seconds']:,.0f} areas/s",
            f"{b['peak_rss_mb']:,.0f} MB",
            f"{b['stored']:,}",
        ],
        [
            f"`import_postcodes` — {r['postcodes']:,} rows",
            f"{r['postcodes_file_mb']:,.0f} MB CSV",
            f"**{fmt_s(p['seconds'])}**",
            f"{r['postcodes'] / p['seconds']:,.0f} rows/s",
            f"{p['peak_rss_mb']:,.0f} MB",
            f"{p['stored']:,}",
        ],
    ]
    return "\n".join(
        [
            "## Import",
            "",
            "SIZes' own management commands, each in a fresh process, into a freshly migrated "
            f"PostgreSQL database (migrations took {r['migrate_s']:.1f} s, not counted).",
            "",
            md_table(["import", "input", "time", "rate", "peak memory", "rows stored"], rows),
        ]
    )

"""Where the time goes (issue 9: "where a target is missed, profile"): pyinstrument profiles
of SIZes' single-point lookup at 10,000 zones, and of the two importers on a small file, with
the functions taking the most time. Short runs; the figures are in the other sections.
"""

from __future__ import annotations

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

    return {**profile_top(work), "calls": len(xs)}


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
        ("import_boundaries", f"`import_boundaries`, {result['import_boundaries']['rows']} LSOAs"),
        ("import_postcodes", f"`import_postcodes`, {result['import_postcodes']['rows']:,} rows"),
    ]
    for key, title in parts:
        p = result[key]
        lines += ["", f"### {title} ({p['seconds']:.2f} s)", ""]
        rows = []
        for i in range(max(len(p["own"]), len(p["inclusive"]))):
            own = p["own"][i] if i < len(p["own"]) else ["", 0]
            inc = p["inclusive"][i] if i < len(p["inclusive"]) else ["", 0]
            rows.append([f"`{own[0]}`", f"{own[1]:.0%}", f"`{inc[0]}`", f"{inc[1]:.0%}"])
        lines.append(md_table(["own time", "", "with callees", ""], rows))
    return "\n".join(lines)

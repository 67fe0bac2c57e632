"""Run benchmarks and regenerate docs/performance.md.

    python -m bench.run [--quick] [--seed N] [names...]

Names are the `bench/b_<name>.py` modules (all of them when none are given). Each benchmark
runs in its own Python process (so one's memory does not count against the next), writes
bench/results/<name>.json, and at the end bench/report.py rebuilds docs/performance.md from
every result file present.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.common import RESULTS, ROOT, Context, machine_description, peak_rss_mb


def available() -> list[str]:
    return sorted(p.stem[2:] for p in (ROOT / "bench").glob("b_*.py"))


def run_one(name: str, ctx: Context) -> dict:
    """Run bench/b_<name>.py in this process and write its result file."""
    module = importlib.import_module(f"bench.b_{name}")
    load_before = list(os.getloadavg())
    start = time.perf_counter()
    result = module.run(ctx)
    took = time.perf_counter() - start
    doc = {
        "name": name,
        "quick": ctx.quick,
        "max_zones": os.environ.get("BENCH_MAX_ZONES") or None,
        "zones_chosen": os.environ.get("BENCH_ZONES") or None,
        "seed": ctx.seed,
        "took_s": round(took, 1),
        "machine": machine_description(ctx.pg_admin_dsn),
        "loadavg_before": load_before,
        "loadavg_after": list(os.getloadavg()),
        "runner_peak_rss_mb": round(peak_rss_mb(), 1),
        "result": result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=1, default=float) + "\n")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default="", help="scratch folder (default /tmp/...)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(available())}")
    args = parser.parse_args(argv)
    names = args.names or available()
    # growth reads the lookup benchmark's results of the same run: lookup goes first.
    names = sorted(
        names, key=lambda n: (n != "lookup", available().index(n) if n in available() else 0)
    )
    unknown = [n for n in names if n not in available()]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {available()}")
    ctx = Context(quick=args.quick, seed=args.seed, workdir=Path(args.workdir))
    if args.in_process:
        for name in names:
            run_one(name, ctx)
        return 0
    failed = []
    run_start = time.perf_counter()
    for name in names:
        print(f"== bench {name}{' (quick)' if ctx.quick else ''}", flush=True)
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "bench.run", "--in-process", "--seed", str(ctx.seed)]
        cmd += ["--workdir", str(ctx.workdir), *(["--quick"] if ctx.quick else []), name]
        proc = subprocess.run(cmd, cwd=ROOT, check=False)  # noqa: S603 - our own interpreter
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        print(f"-- {name}: {status} after {time.perf_counter() - start:.0f} s", flush=True)
        if proc.returncode:
            failed.append(name)
    total = time.perf_counter() - run_start
    if set(names) == set(available()):  # a whole run: its wall time is a target of its own
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "_run.json").write_text(
            json.dumps(
                {
                    "quick": ctx.quick,
                    "took_s": round(total, 1),
                    "failed": failed,
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "benchmarks": names,
                },
                indent=1,
            )
            + "\n"
        )
    print(f"all benchmarks: {total:.0f} s")
    path = report.write()
    print(f"wrote {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

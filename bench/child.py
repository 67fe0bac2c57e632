"""Runs one function in a fresh process for `bench.common.run_child` (reads JSON on stdin,
prints {"result": ..., "peak_rss_mb": ...} as the last line of stdout)."""

import importlib
import json
import sys

from bench.common import peak_rss_mb


def main() -> None:
    job = json.loads(sys.stdin.read())
    fn = getattr(importlib.import_module(job["module"]), job["func"])
    result = fn(*job["args"])
    print(json.dumps({"result": result, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()

"""SIZes benchmarks: `make bench` or `python -m bench.run [--quick] [names...]`.

Not part of the test suite (pytest's testpaths are sizes/ and tests/). See bench/common.py
for the conventions and docs/performance.md for the latest results.
"""

"""Shared pieces of the hostile-input tests: hypothesis settings profiles, a hang guard, and
strategies for near-valid input.

Profiles (choose with the environment variable HYPOTHESIS_PROFILE):

- ``ci`` (the default): ``max_examples`` 150 per parser (fewer for the ones that write to the
  database), derandomised so CI runs are repeatable, 5 s deadline per example (generous: the
  machines are shared; `time_limit` below catches real hangs).
- ``long``: 3,000 examples per parser, random seeds, no deadline: for a deeper local run,
  ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/security -k hostile``.

A hang is a failure, not a slow pass: `time_limit` raises `Hang` from a SIGALRM timer when one
call runs past its limit (hypothesis' deadline only reports slowness after the call returns).
"""

from __future__ import annotations

import contextlib
import os
import signal
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "sizes-ci",
    max_examples=150,
    derandomize=True,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile(
    "sizes-long",
    max_examples=3000,
    derandomize=False,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
PROFILE = "sizes-" + os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("sizes-ci", "sizes-long"):
    PROFILE = "sizes-ci"
BASE = settings.get_profile(PROFILE)
LONG = PROFILE == "sizes-long"


def fuzz(share: float = 1.0) -> settings:
    """Settings for one property: the profile's examples, scaled by `share` (database tests
    run fewer examples per run, since each writes rows)."""
    return settings(BASE, max_examples=max(10, int(BASE.max_examples * share)))


# Seconds one call to a parser may take before the test calls it a hang.
HANG_SECONDS = 10


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float = HANG_SECONDS):
    """Fail with `Hang` if the block runs longer than `seconds` (main thread, POSIX only)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def _alarm(signum, frame):
        raise Hang(f"the call ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- strategies ------------------------------------------------------------------------------

# Numbers a GeoJSON position might hold: ordinary, edge, non-finite, huge, and not numbers.
coordinate = st.one_of(
    st.floats(min_value=-3, max_value=53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([0, -0.0, 180, -180, 90, -90, 180.0000001, 1e308, -1e308, 5e-324]),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)
# Positions in and around Birmingham (so some rings are real areas) mixed with broken ones.
near_position = st.tuples(
    st.floats(min_value=-1.96, max_value=-1.90), st.floats(min_value=52.40, max_value=52.46)
).map(list)
position = st.one_of(
    near_position,
    st.lists(coordinate, min_size=0, max_size=4),
    coordinate,
    st.dictionaries(st.text(max_size=3), coordinate, max_size=2),
)
ring = st.one_of(
    st.lists(near_position, min_size=3, max_size=12).map(lambda r: r + [r[0]]),
    st.lists(position, max_size=12),
    position,
)
polygon_coords = st.one_of(st.lists(ring, max_size=3), ring)
geometry_type = st.sampled_from(
    [
        "Polygon",
        "MultiPolygon",
        "Point",
        "LineString",
        "GeometryCollection",
        "Feature",
        "FeatureCollection",
        "polygon",
        "",
    ]
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=10),
)


def _geometry(children):
    return st.one_of(
        st.fixed_dictionaries(
            {"type": geometry_type},
            optional={
                "coordinates": st.one_of(
                    polygon_coords, st.lists(polygon_coords, max_size=3), json_scalar
                ),
                "geometries": st.lists(children, max_size=3),
                "geometry": children,
                "features": st.lists(children, max_size=3),
                "properties": st.one_of(
                    st.none(), st.dictionaries(st.text(max_size=5), json_scalar, max_size=3)
                ),
                "crs": st.one_of(
                    json_scalar,
                    st.fixed_dictionaries(
                        {
                            "properties": st.fixed_dictionaries(
                                {
                                    "name": st.one_of(
                                        st.sampled_from(
                                            [
                                                "EPSG:27700",
                                                "urn:ogc:def:crs:OGC:1.3:CRS84",
                                                "EPSG:3857",
                                                "EPSG:4978",
                                                "EPSG:0",
                                                "+proj=geos +h=35785831",
                                            ]
                                        ),
                                        st.text(max_size=20),
                                    )
                                }
                            )
                        }
                    ),
                ),
            },
        ),
        json_scalar,
        st.lists(children, max_size=3),
    )


geojson_like = st.recursive(json_scalar, _geometry, max_leaves=30)


def nested(depth: int, kind: str = "list") -> str:
    """JSON text nested `depth` levels deep."""
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "collection":
        return '{"type":"GeometryCollection","geometries":[' * depth + "]}" * depth
    return '{"a":' * depth + "1" + "}" * depth


# Text that looks like what people type, with the characters that break naive parsers.
awkward_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ufeff",
            "²",
            "٣",
            "１２",
            "9" * 5000,
            "1e999999999",
            "-0",
            "NaN",
            "Infinity",
            "sNaN",
            "0x10",
            "1_000",
            "2024\x00",
            "../../etc/passwd",
        ]
    ),
)

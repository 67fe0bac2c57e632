"""The benchmark harness's own helpers that docs/performance.md's explanations rest on (issue
9): the profiles' split by layer, and the HTTP benchmark's guard and CPU accounting. The
benchmarks themselves run with `make bench`, not here."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from bench import b_http
from bench.common import Context, _layer, layer_times


def frame(path: str, time: float, *children):
    return SimpleNamespace(file_path_short=path, time=time, children=list(children))


def test_layers_name_the_package_or_the_sizes_module():
    site = "/srv/.venv/lib/python3.11/site-packages/"
    assert _layer(site + "django/core/handlers/wsgi.py") == "django"
    assert _layer(site + "psycopg/connection.py") == "psycopg"
    assert _layer("/usr/lib/python3.11/json/encoder.py") == "json"
    assert _layer("sizes/geo/index.py") == "sizes.geo.index"
    assert _layer("<built-in>") is None
    assert _layer("") is None


def test_layer_times_give_c_code_to_its_python_caller_and_add_up_to_the_whole():
    root = frame(
        "django/core/handlers/base.py",
        10.0,
        frame("<built-in>", 4.0),  # e.g. a socket call made by Django's code
        frame("sizes/geo/index.py", 3.0, frame("<built-in>", 2.0)),  # GEOS, from the index
    )
    times = layer_times(root)
    assert times == {"django": 3.0 + 4.0, "sizes.geo.index": 1.0 + 2.0}
    assert sum(times.values()) == root.time


def test_http_benchmark_refuses_a_port_something_else_answers_on(tmp_path, monkeypatch):
    # Its figures would be another server's: say so instead of measuring it.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))  # a free port of our own (test runs may run side by side)
        busy.listen()
        monkeypatch.setattr(b_http, "PORT", busy.getsockname()[1])
        with (
            pytest.raises(RuntimeError, match="already in use"),
            b_http.serving(Context(workdir=tmp_path), "sqlite:///unused.sqlite3"),
        ):
            pass


def test_cpu_accounting_reads_this_machine():
    machine = b_http._machine_cpu()
    assert {"user", "system", "idle", "softirq"} <= machine.keys()
    assert machine["idle"] > 0
    groups = b_http._cpu_by_process(master_pid=-1)  # no gunicorn: no app workers
    assert groups["app workers"] == 0.0
    assert groups["other processes"] > 0  # this test's own process, at least

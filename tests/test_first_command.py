"""The README's first command, end to end: `sizes demo` migrates, loads and serves with gunicorn."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_demo(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SIZES_DATA_DIR=str(tmp_path), SIZES_WORKERS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sizes.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield port, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _get(url: str, deadline: float, proc=None) -> str:
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            output = proc.stdout.read().decode(errors="replace")[-3000:]
            raise AssertionError(f"sizes demo exited with {proc.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return response.read().decode()
        except OSError as error:
            last = error
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer: {last}")


def test_sizes_demo_serves_the_register_with_the_seed_zone(served_demo, tmp_path):
    port, proc = served_demo
    body = _get(f"http://127.0.0.1:{port}/zones/", time.monotonic() + 90, proc)
    assert "Stirchley and Cotteridge: health and well-being" in body
    assert (tmp_path / "sizes.sqlite3").exists()
    css = _get(
        f"http://127.0.0.1:{port}/static/govuk/govuk-frontend.min.css", time.monotonic() + 10
    )
    assert ".govuk-template" in css
    assert proc.poll() is None, "the server stopped"

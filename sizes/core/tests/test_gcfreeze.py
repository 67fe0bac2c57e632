"""A server process keeps its long-lived objects out of full garbage collections
(sizes/core/gcfreeze.py); the test process and commands do not."""

import gc
import json
import os
import subprocess
import sys

from sizes.core import gcfreeze

SCRIPT = """
import gc, json
from sizes.wsgi import application
from sizes.core import gcfreeze
print(json.dumps([gcfreeze.enabled(), gc.get_freeze_count(), len(gc.get_objects())]))
"""


def test_a_server_process_freezes_what_it_loaded(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sizes.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    enabled, frozen, left = json.loads(out.stdout.strip().splitlines()[-1])
    assert enabled is True
    # Django, every URL module and the API: tens of thousands of objects, all frozen.
    assert frozen > 50_000 and left < frozen / 10


def test_elsewhere_nothing_is_frozen():
    assert gcfreeze.enabled() is False
    before = gc.get_freeze_count()
    gcfreeze.freeze_long_lived()
    assert gc.get_freeze_count() == before

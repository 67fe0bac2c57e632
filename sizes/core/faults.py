"""Fault injection for the crash-consistency tests: off unless `SIZES_FAULT_KILL` is set.

Long writes call `fault_point(name)` at places where some rows are written but the transaction
has not committed yet. Normally that does nothing. With `SIZES_FAULT_KILL=NAME:N` in the
environment the process kills itself with SIGKILL the Nth time it reaches the point called NAME
(N defaults to 1), after writing one line to stderr saying where. Nothing is cleaned up and no
`finally` runs: it is the same as the power going off or the kernel's out-of-memory killer
striking at that moment. The tests in tests/durability use it to prove that each operation is
all or nothing (docs/reliability.md, "Crash consistency").

Never set it on a real site. The points are:

- `geo.import_boundaries.batch`: after each batch of new reference areas is inserted
- `geo.import_postcodes.batch`: after each batch of postcodes is stored
- `zones.review.dissolve`: after a review that dissolves a zone has ended the zone's variations,
  before the zone's own audit event
"""

from __future__ import annotations

import os
import signal
import sys

ENV = "SIZES_FAULT_KILL"
_hits: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    spec = os.environ.get(ENV, "").strip()
    if not spec:
        return None
    name, _, count = spec.partition(":")
    try:
        n = int(count) if count else 1
    except ValueError:
        n = 1
    return name.strip(), max(n, 1)


def fault_point(name: str, **state) -> None:
    """Kill this process here if `SIZES_FAULT_KILL` names this point (see the module doc)."""
    target = _target()
    if target is None or target[0] != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] < target[1]:
        return
    detail = " ".join(f"{k}={v}" for k, v in state.items())
    sys.stderr.write(f"{ENV}: killing process {os.getpid()} at {name} #{_hits[name]} {detail}\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)

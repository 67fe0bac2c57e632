"""Keep a server process's long-lived objects out of Python's full garbage collections.

A worker holds some 150,000 objects that live as long as it does (Django, the URL conf, the
lookup index's geometries). Python's full (oldest-generation) collection walks all of them: at
10,000 zones it paused a worker for 70-110 ms about every 12,000 requests, and every request
queued behind the pause waited that long (most of the HTTP benchmark's p99). `gc.freeze()` moves
what exists now out of the collector's sight (it is still freed by reference counting when it
is dropped); collections then walk only what requests make.

Server processes only (`sizes.wsgi` calls `enable()`): the test suite and commands keep the
ordinary collector. Freezing after a full collection means only live objects are frozen; a
cycle that becomes garbage after being frozen is never collected, so freezing is done only when
a long-lived structure has just been built: at start-up and after the lookup index is (re)built,
i.e. once per boundary edit, not per request.
"""

from __future__ import annotations

import gc

_enabled = False


def enable() -> None:
    """Freeze from now on (a server process, once its app is loaded), starting now."""
    global _enabled
    _enabled = True
    freeze_long_lived()


def enabled() -> bool:
    return _enabled


def freeze_long_lived() -> None:
    """After building something that lives as long as the process: collect, then freeze what is
    left (a no-op unless `enable()` was called)."""
    if _enabled:
        gc.collect()
        gc.freeze()


def release(instances) -> None:
    """Untie the model instances a page was rendered from, so they are freed as the page ends.

    Django ties an instance into reference cycles when its relations are used: a prefetched
    relation's cached queryset keeps the instance (and a reverse foreign key's rows point back
    at it), and a related manager, once made, is kept on the instance and keeps it in turn. The
    page's rows are then left for the cycle collector: on a register page about 2,400 objects a
    request, and every dozen requests a full collection freeing them paused the process
    20-30 ms. This drops those caches on the instances, on the rows prefetched or joined to
    them, and so on down; call it only once nothing will read the instances' relations again.
    """
    seen: set[int] = set()
    stack = list(instances)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        prefetched = obj.__dict__.pop("_prefetched_objects_cache", None) or {}
        for rows in prefetched.values():
            stack.extend(rows._result_cache or ())
        state = obj.__dict__.get("_state")
        if state is not None:
            state.__dict__.pop("related_managers_cache", None)
            joined = state.__dict__.get("fields_cache", {})
            stack.extend(v for v in joined.values() if v is not None)

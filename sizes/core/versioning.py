"""Optimistic locking: a write names the version it read; a stale version is refused."""

from django.db import models

from sizes.core.errors import Conflict


def bump_version(obj: models.Model, *, expected_version: int | None) -> None:
    """Raise Conflict if `obj` is no longer at `expected_version`; else increment it in place.

    `obj` must have been read inside the current transaction with select_for_update(), so the
    check and the write cannot interleave with another writer.
    """
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict()
    obj.version += 1

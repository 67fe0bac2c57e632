"""Backups: the whole database as one portable file, and restoring it into an empty database.

A backup is a logical dump of every table Django manages (every app's models, the many-to-many
tables, sessions, tasks, the audit trail and its chain head), read inside one snapshot so it is
consistent while the site keeps writing:

- PostgreSQL: one REPEATABLE READ, READ ONLY transaction (every table seen as of one moment);
- SQLite (WAL mode): one deferred read transaction, whose snapshot is fixed by its first read;
  writers carry on meanwhile and the backup never takes the write lock.

The file is gzip-compressed JSON lines, the same on both databases, so a backup made on SQLite
restores into PostgreSQL and the other way round:

    {"format": "sizes-backup", "version": 1, "migrations": [...], "tables": [...], ...}
    {"table": "zones.zone", "rows": 4}
    [1, "stirchley-and-cotteridge-…", …]          one JSON array per row, in primary-key order
    …
    {"end": true, "tables": 60, "rows": 5412, "sha256": "…"}

The last line carries the SHA-256 of every line before it, so a truncated or altered file is
refused before anything is changed. A backup is written to a temporary file beside FILE and
renamed into place only when complete, so FILE is never half-written.

Restoring checks the whole file first, then refuses a database that holds data (unless forced)
or one whose migrations differ from the backup's, then replaces every table in one transaction:
either the whole backup is restored or nothing changes. See docs/reliability.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from sizes.core.errors import DomainError

FORMAT = "sizes-backup"
VERSION = 1
# Tables that `migrate` fills by itself: a database holding only these counts as empty.
SEEDED = {"contenttypes.contenttype", "auth.permission", "zones.theme"}
BATCH = 1000

Progress = Callable[[str], None]


class BackupError(DomainError):
    """The backup or restore cannot go ahead; nothing was changed."""

    def __init__(self, message: str, code: str = "backup_failed"):
        super().__init__(code=code, message=message, status=400)


@dataclass
class BackupReport:
    path: Path
    tables: int = 0
    rows: int = 0
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class RestoreReport:
    path: Path
    header: dict
    tables: int = 0
    rows: int = 0
    migrated: bool = False


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table Django manages, in a fixed order (by model label)."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _columns(model) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _encode(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _line(value) -> bytes:
    return (
        json.dumps(value, default=_encode, ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode("utf-8")


def _applied_migrations(connection) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _code_migrations(connection) -> list[list[str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.disk_migrations)


# --- backup ----------------------------------------------------------------------------------


class _Snapshot:
    """Read every table as of one moment, without blocking writers."""

    def __init__(self, connection):
        self.connection = connection
        self.atomic = None

    def __enter__(self):
        conn = self.connection
        conn.ensure_connection()
        if conn.vendor == "sqlite":
            # Django opens SQLite transactions with BEGIN IMMEDIATE (settings.py), which takes
            # the write lock; a backup only reads, so it opens a deferred transaction itself.
            # Its snapshot is fixed by the first read, made straight away.
            if not conn.get_autocommit():
                raise BackupError("Run the backup outside any other transaction.")
            with conn.cursor() as cursor:
                cursor.execute("BEGIN DEFERRED")
                cursor.execute("SELECT COUNT(*) FROM django_migrations")
        else:
            self.atomic = transaction.atomic(using=conn.alias)
            self.atomic.__enter__()
            with conn.cursor() as cursor:
                if conn.vendor == "postgresql":
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return self

    def __exit__(self, *exc):
        if self.atomic is not None:
            transaction.set_rollback(True, using=self.connection.alias)
            self.atomic.__exit__(*exc)
        else:
            with self.connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return False


def backup_write(
    path: str | Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> BackupReport:
    """Write a consistent backup of the whole database to `path` (see the module doc)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(
            f"{path} already exists. Choose a new file name, or add --force to replace it.",
            code="backup_exists",
        )
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.", code="backup_folder")
    connection = connections[using]
    report = BackupReport(path=path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:

            def emit(value) -> None:
                data = _line(value)
                digest.update(data)
                out.write(data)

            with _Snapshot(connection):
                model_list = backed_up_models()
                emit(
                    {
                        "format": FORMAT,
                        "version": VERSION,
                        "created_at": timezone.now().isoformat(),
                        "database": connection.vendor,
                        "migrations": _applied_migrations(connection),
                        "tables": [
                            [m._meta.label_lower, [f.attname for f in _columns(m)]]
                            for m in model_list
                        ],
                    }
                )
                for model in model_list:
                    label = model._meta.label_lower
                    columns = [f.attname for f in _columns(model)]
                    qs = model._base_manager.using(using).order_by("pk").values_list(*columns)
                    count = qs.count()
                    emit({"table": label, "rows": count})
                    written = 0
                    for row in qs.iterator(chunk_size=BATCH):
                        emit(list(row))
                        written += 1
                    if written != count:  # cannot happen inside one snapshot; never hide it
                        raise BackupError(
                            f"{label} changed while it was read ({count} rows counted, "
                            f"{written} read): the snapshot did not hold. Nothing was written."
                        )
                    report.counts[label] = count
                    report.rows += count
                    report.tables += 1
                    if progress:
                        progress(f"{label}: {count} rows")
            trailer = {"end": True, "tables": report.tables, "rows": report.rows}
            out.write(_line({**trailer, "sha256": digest.hexdigest()}))
            out.flush()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    report.size = path.stat().st_size
    return report


# --- reading and checking a backup -----------------------------------------------------------


def _lines(path: Path) -> Iterator[bytes]:
    """The file's lines, with clear errors for anything that is not a whole gzip file."""
    try:
        with gzip.open(path, "rb") as handle:
            yield from handle
    except gzip.BadGzipFile as exc:
        raise BackupError(
            f"{path} is not a SIZes backup (it is not a gzip-compressed file).",
            code="backup_not_a_backup",
        ) from exc
    except EOFError as exc:
        raise BackupError(
            f"{path} is truncated: the file ends in the middle. Use a complete copy of the backup.",
            code="backup_truncated",
        ) from exc
    except zlib.error as exc:
        raise BackupError(
            f"{path} is damaged ({exc}). Use another copy of the backup.", code="backup_damaged"
        ) from exc
    except OSError as exc:
        if exc.errno is None:  # gzip's own complaints (bad CRC, bad length) have no errno
            raise BackupError(
                f"{path} is damaged ({exc}). Use another copy of the backup.",
                code="backup_damaged",
            ) from exc
        raise BackupError(f"Cannot read {path}: {exc.strerror}.", code="backup_unreadable") from exc


def _records(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, JSON value) for each line, checking the end marker and the checksum."""
    digest = hashlib.sha256()
    ended = False
    number = 0
    for number, data in enumerate(_lines(path), start=1):  # noqa: B007 - used after the loop
        if ended:
            raise BackupError(
                f"{path} has data after its end marker (line {number}): it is damaged.",
                code="backup_damaged",
            )
        try:
            value = json.loads(data)
        except ValueError as exc:
            if number == 1:
                raise BackupError(
                    f"{path} is not a SIZes backup (its first line is not JSON).",
                    code="backup_not_a_backup",
                ) from exc
            raise BackupError(
                f"{path} is damaged: line {number} is not JSON.", code="backup_damaged"
            ) from exc
        if isinstance(value, dict) and value.get("end") is True:
            if value.get("sha256") != digest.hexdigest():
                raise BackupError(
                    f"{path} is damaged: its checksum does not match its contents.",
                    code="backup_damaged",
                )
            ended = True
        else:
            digest.update(data)
        yield number, value
    if number == 0:
        raise BackupError(f"{path} is empty.", code="backup_not_a_backup")
    if not ended:
        raise BackupError(
            f"{path} is truncated: it stops before its end marker (after line {number}). "
            "Use a complete copy of the backup.",
            code="backup_truncated",
        )


def backup_check(path: str | Path) -> dict:
    """Read the whole backup and check it; return its header. Changes nothing."""
    path = Path(path)
    header = None
    current, expected, seen = None, 0, 0
    tables: dict[str, int] = {}
    total = 0
    for number, value in _records(path):
        if header is None:
            if not (isinstance(value, dict) and value.get("format") == FORMAT):
                raise BackupError(
                    f"{path} is not a SIZes backup (made by `sizes backup`).",
                    code="backup_not_a_backup",
                )
            if value.get("version") != VERSION:
                raise BackupError(
                    f"{path} is a version {value.get('version')} backup; this SIZes reads "
                    f"version {VERSION}.",
                    code="backup_version",
                )
            header = value
            columns = dict(header.get("tables", []))
            continue
        if isinstance(value, dict) and "table" in value:
            if current is not None and seen != expected:
                raise BackupError(
                    f"{path} is damaged: {current} should have {expected} rows, has {seen}.",
                    code="backup_damaged",
                )
            current, expected, seen = value["table"], int(value.get("rows", -1)), 0
            if current not in columns or current in tables:
                raise BackupError(
                    f"{path} is damaged: unexpected table {current} at line {number}.",
                    code="backup_damaged",
                )
            tables[current] = expected
        elif isinstance(value, list):
            if current is None or len(value) != len(columns[current]):
                raise BackupError(
                    f"{path} is damaged: line {number} does not fit its table.",
                    code="backup_damaged",
                )
            seen += 1
            total += 1
        elif isinstance(value, dict) and value.get("end") is True:
            if current is not None and seen != expected:
                raise BackupError(
                    f"{path} is damaged: {current} should have {expected} rows, has {seen}.",
                    code="backup_damaged",
                )
            if value.get("rows") != total or value.get("tables") != len(tables):
                raise BackupError(
                    f"{path} is damaged: its totals do not match its contents.",
                    code="backup_damaged",
                )
            if set(tables) != set(columns):
                raise BackupError(
                    f"{path} is damaged: some tables are missing.", code="backup_damaged"
                )
        else:
            raise BackupError(
                f"{path} is damaged: line {number} is not a table, a row or the end marker.",
                code="backup_damaged",
            )
    header["counts"] = tables
    return header


# --- restore ---------------------------------------------------------------------------------


def _non_empty_tables(connection) -> list[str]:
    existing = set(connection.introspection.table_names())
    if MigrationRecorder.Migration._meta.db_table not in existing:
        return []
    found = []
    for model in backed_up_models():
        if model._meta.label_lower in SEEDED or model._meta.db_table not in existing:
            continue
        if model._base_manager.using(connection.alias).exists():
            found.append(model._meta.label_lower)
    return found


def _decoder(f: models.Field):
    if isinstance(f, models.JSONField):
        return lambda v: v
    return lambda v: None if v is None else f.to_python(v)


def _insert(connection, model, rows: list[list]) -> None:
    fields = _columns(model)
    decoders = [_decoder(f) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [
        [
            f.get_db_prep_save(decode(v), connection)
            for f, decode, v in zip(fields, decoders, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)  # noqa: S608


def backup_restore(
    path: str | Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    force: bool = False,
    progress: Progress | None = None,
) -> RestoreReport:
    """Replace the whole database with the backup at `path`: all of it, or nothing."""
    from django.core.management import call_command

    path = Path(path)
    header = backup_check(path)
    connection = connections[using]
    code = _code_migrations(connection)
    if header["migrations"] != code:
        theirs = {tuple(m) for m in header["migrations"]}
        ours = {tuple(m) for m in code}
        newer = sorted(theirs - ours)
        hint = (
            f"it has migrations this version of SIZes does not know ({newer[0][0]}."
            f"{newer[0][1]}…): restore it with a newer SIZes."
            if newer
            else "it was made by an older version of SIZes: restore it with that version, "
            "then upgrade."
        )
        raise BackupError(f"{path} does not match this database's tables: {hint}", "backup_schema")
    current = {m._meta.label_lower: [f.attname for f in _columns(m)] for m in backed_up_models()}
    if dict(header["tables"]) != current:
        raise BackupError(
            f"{path} does not match this version of SIZes's tables.", code="backup_schema"
        )
    busy = _non_empty_tables(connection)
    if busy and not force:
        raise BackupError(
            "This database already holds data (in "
            + ", ".join(busy[:5])
            + (", …" if len(busy) > 5 else "")
            + "). Restore into an empty database, or add --force to replace everything in it.",
            code="restore_not_empty",
        )
    report = RestoreReport(path=path, header=header)
    if _applied_migrations(connection) != code:
        call_command("migrate", database=using, verbosity=0, interactive=False)
        report.migrated = True
    model_list = backed_up_models()
    by_label = {m._meta.label_lower: m for m in model_list}
    with transaction.atomic(using=using):
        tables = [m._meta.db_table for m in model_list]
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            with connection.cursor() as cursor:
                cursor.execute(sql)
        model, batch = None, []
        for _number, value in _records(path):
            if isinstance(value, list):
                batch.append(value)
                if len(batch) >= BATCH:
                    _insert(connection, model, batch)
                    batch = []
                continue
            if batch:
                _insert(connection, model, batch)
                batch = []
            if isinstance(value, dict) and "table" in value:
                model = by_label[value["table"]]
                report.tables += 1
                report.rows += value["rows"]
                if progress:
                    progress(f"{value['table']}: {value['rows']} rows")
        for label, expected in header["counts"].items():
            found = by_label[label]._base_manager.using(using).count()
            if found != expected:
                raise BackupError(f"{label} has {found} rows after restoring, expected {expected}.")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
                cursor.execute(sql)
    return report

"""Backup and restore (issue 10, item 6): `sizes backup FILE` and `sizes restore FILE`.

The demo is backed up, restored into an empty database, and every table is compared row by row
with plain SQL; the audit chain verifies. A damaged, truncated or foreign file is refused with a
clear message and changes nothing; so is a database that already holds data, unless --force.
A backup taken while another process keeps writing restores to a consistent database.
Runs on SQLite (a file) and on PostgreSQL.
"""

import gzip
import json
import time

import pytest

from sizes.core.backup import BackupError, backup_check
from tests.durability.conftest import POSTGRES, ScratchDb

SKIP_TABLES = {"django_migrations", "sqlite_sequence"}


def _rows(db: ScratchDb, table: str) -> list[tuple]:
    return db.query(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - our table names


def test_backup_restored_into_an_empty_database_matches_row_by_row(scratch, tmp_path):
    source = scratch.demo("bsrc")
    backup = tmp_path / "sizes.backup.gz"
    out = source.sizes("backup", str(backup)).stdout
    assert "Backed up" in out and backup.stat().st_size > 0

    target = scratch.empty("bdst")
    assert target.tables() == []
    out = target.sizes("restore", str(backup)).stdout
    assert "Restored" in out and "Audit chain intact" in out
    assert "Audit chain intact" in target.audit_verify()

    tables = [t for t in source.tables() if t not in SKIP_TABLES]
    assert target.tables() == source.tables()
    compared = 0
    for table in tables:
        theirs, ours = _rows(source, table), _rows(target, table)
        assert ours == theirs, f"{table} differs after restoring"
        compared += len(theirs)
    # The demo really was there to compare: zones, variations, the audit trail, geography.
    for table in ("zones_zone", "variations_variation", "audit_auditevent", "geo_postcode"):
        assert source.count(table) > 0, table
    assert compared == int(out.split("Restored ")[1].split(" rows")[0].replace(",", ""))

    # Restoring again over data is refused, and changes nothing ...
    before = _rows(target, "zones_zone")
    refused = target.sizes("restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr and "Nothing was changed" in refused.stderr
    assert _rows(target, "zones_zone") == before
    # ... unless forced: then the database is replaced by the backup, whatever it held.
    target.python(
        """
        from sizes.zones.models import Zone
        Zone.objects.filter(pk=1).update(name="Changed after the backup", version=99)
        """
    )
    assert _rows(target, "zones_zone") != before
    target.sizes("restore", "--force", str(backup))
    assert _rows(target, "zones_zone") == before


def _tables_in(path) -> dict[str, list]:
    """Each table's rows in a backup, as decoded JSON (so JSON objects compare by content)."""
    tables, current = {}, None
    for value in map(json.loads, _backup_lines(path)[1:-1]):
        if isinstance(value, dict):
            current = tables.setdefault(value["table"], [])
        else:
            current.append(value)
    return tables


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL as well (DATABASE_URL=postgres://...)")
def test_a_backup_moves_from_postgresql_to_sqlite_and_back(scratch, tmp_path):
    source = scratch.demo("bxpg")
    from_pg = tmp_path / "from-postgresql.gz"
    source.sizes("backup", str(from_pg))

    sqlite = scratch.empty("bxsq", vendor="sqlite")
    sqlite.sizes("restore", str(from_pg))
    assert "Audit chain intact" in sqlite.audit_verify()
    from_sqlite = tmp_path / "from-sqlite.gz"
    sqlite.sizes("backup", str(from_sqlite))
    assert _tables_in(from_sqlite) == _tables_in(from_pg)

    back = scratch.empty("bxback")
    back.sizes("restore", str(from_sqlite))
    for table in (t for t in source.tables() if t not in SKIP_TABLES):
        assert _rows(back, table) == _rows(source, table), f"{table} differs after the round trip"


def _write_lines(path, lines: list[bytes]) -> None:
    with gzip.open(path, "wb") as out:
        out.writelines(lines)


def _backup_lines(path) -> list[bytes]:
    with gzip.open(path, "rb") as handle:
        return list(handle)


@pytest.fixture(scope="module")
def a_backup(scratch, tmp_path_factory):
    """A real backup of a small database (just migrated, one account)."""
    db = scratch.migrated("bbad")
    db.python(
        """
        from django.contrib.auth import get_user_model
        get_user_model().objects.create_user("someone", password="not-used-here-2026")
        """
    )
    path = tmp_path_factory.mktemp("backups") / "good.gz"
    db.sizes("backup", str(path))
    return path


def test_a_good_backup_passes_the_check(a_backup):
    header = backup_check(a_backup)
    assert header["format"] == "sizes-backup"
    assert header["counts"]["accounts.user"] == 1


def test_damaged_truncated_and_foreign_files_are_refused(a_backup, tmp_path):
    raw = a_backup.read_bytes()
    lines = _backup_lines(a_backup)
    cases = {}

    cases["truncated.gz"] = (raw[: len(raw) // 2], "truncated")
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0xFF
    cases["flipped.gz"] = (bytes(flipped), "damaged|truncated|not a SIZes backup")
    cases["notes.txt"] = (b"these are my notes, not a backup\n", "not a SIZes backup")
    cases["empty.gz"] = (b"", "not a SIZes backup|empty")
    cases["other.json.gz"] = (gzip.compress(b'{"hello": "world"}\n'), "not a SIZes backup")
    # A complete gzip file whose contents were changed: the checksum no longer matches.
    user_row = next(i for i, line in enumerate(lines) if b'"someone"' in line)
    edited = lines.copy()
    edited[user_row] = edited[user_row].replace(b'"someone"', b'"intruder"')
    _write_lines(tmp_path / "edited.gz", edited)
    cases["edited.gz"] = ((tmp_path / "edited.gz").read_bytes(), "checksum does not match")
    # The whole of every line but the last (the end marker): a copy that stopped early.
    _write_lines(tmp_path / "no-end.gz", lines[:-1])
    cases["no-end.gz"] = ((tmp_path / "no-end.gz").read_bytes(), "truncated")

    import re

    for name, (content, expected) in cases.items():
        path = tmp_path / f"bad-{name}"
        path.write_bytes(content)
        with pytest.raises(BackupError) as caught:
            backup_check(path)
        assert re.search(expected, caught.value.message), (name, caught.value.message)


def test_the_restore_command_refuses_a_bad_file_and_changes_nothing(scratch, a_backup, tmp_path):
    raw = a_backup.read_bytes()
    bad = tmp_path / "cut.gz"
    bad.write_bytes(raw[: len(raw) - 40])
    target = scratch.empty("bcut")
    refused = target.sizes("restore", str(bad), check=False)
    assert refused.returncode != 0
    assert "truncated" in refused.stderr and "Nothing was changed" in refused.stderr
    assert target.tables() == []  # not even migrated


def test_a_backup_taken_while_the_site_writes_is_consistent(scratch, tmp_path):
    """A writer keeps editing the demo zone (each edit is a zone row change plus an audit event
    and the chain head) while `sizes backup` runs; the restored copy is one moment's state."""
    import subprocess
    import sys

    from tests.durability.conftest import ROOT

    source = scratch.demo("bwrite")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-c",
            "import django, sys\n"
            "django.setup()\n"
            "from pathlib import Path\n"
            "from sizes.accounts.models import User\n"
            "from sizes.zones.models import Zone\n"
            "from sizes.zones.services import zone_update\n"
            "steward = User.objects.get(username='council.officer')\n"
            "stop, n = Path(sys.argv[1]), 0\n"
            "while not stop.exists():\n"
            "    zone = Zone.objects.get(pk=1)\n"
            "    n += 1\n"
            "    zone_update(actor=steward, zone=zone, expected_version=zone.version,\n"
            "                name=zone.name, summary=f'write {n}', intention=zone.intention)\n"
            "print(n)\n",
            str(stop),
        ],
        cwd=ROOT,
        env=source.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while source.query("SELECT summary FROM zones_zone WHERE id = 1")[0][0][:6] != "write ":
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.2)
        backups = []
        for i in range(2):
            path = tmp_path / f"during-{i}.gz"
            source.sizes("backup", str(path))
            backups.append(path)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-3000:]
    total = int(out.strip())

    for path in backups:
        target = scratch.migrated("bwdst")
        target.sizes("restore", str(path))
        assert "Audit chain intact" in target.audit_verify()
        summary, version = target.query("SELECT summary, version FROM zones_zone WHERE id = 1")[0]
        n = int(summary.split()[1])
        assert 0 < n <= total  # taken while the writer was writing
        # The zone row, its audit events and the chain head are all of the same moment: the
        # newest recorded edit is the one the zone shows, and every edit before it is there.
        events = target.query(
            "SELECT changes FROM audit_auditevent WHERE action = 'zone.updated' "
            "AND object_id = '1' ORDER BY id"
        )
        after = [
            (json.loads(c) if isinstance(c, str) else c)["summary"][1]
            for (c,) in events
            if "summary" in (json.loads(c) if isinstance(c, str) else c)
        ]
        assert after[-n:] == [f"write {k}" for k in range(1, n + 1)]
        original = source.query("SELECT version FROM zones_zone WHERE id = 1")[0][0] - total
        assert version == original + n

"""Crash consistency (issue 10, item 4): a process killed with SIGKILL in the middle of a
boundary import, a postcode import, or a review that dissolves a zone leaves the database with
the whole operation or none of it, and the audit chain verifies.

The kill lands mid-operation deterministically: `SIZES_FAULT_KILL=POINT:N` (sizes/core/faults.py)
makes the process SIGKILL itself the Nth time it reaches a named point inside the operation's
transaction, after rows have been written and before the commit. Each test then runs the same
operation again without the fault and checks that all of it is stored, so "none of it" is not
"nothing was ever going to be written". Runs on SQLite (a file) and on PostgreSQL.
"""

import re
import signal

from tests.durability.conftest import ROOT, Server
from tests.durability.web import Browser, session_for

DATA = ROOT / "sizes" / "geo" / "data"
KILLED = -signal.SIGKILL


def _killed_at(result, point: str) -> dict[str, int]:
    """Assert the process died of SIGKILL at `point`; return the state it reported there."""
    assert result.returncode == KILLED, (
        f"expected a SIGKILL at {point}, got exit {result.returncode}:\n{result.stderr[-3000:]}"
    )
    match = re.search(
        rf"SIZES_FAULT_KILL: killing process \d+ at {re.escape(point)} #\d+ (.*)", result.stderr
    )
    assert match, result.stderr[-3000:]
    return {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def test_postcode_import_killed_midway_stores_none_of_it(scratch):
    db = scratch.migrated("pcode")
    csv = str(DATA / "birmingham_south_postcodes.csv")
    events = db.count("audit_auditevent")

    killed = db.sizes(
        "import-postcodes",
        csv,
        env=db.env(SIZES_FAULT_KILL="geo.import_postcodes.batch:1"),
        check=False,
    )
    state = _killed_at(killed, "geo.import_postcodes.batch")
    assert state["stored"] >= 1000  # a whole batch was written before the kill

    assert db.count("geo_postcode") == 0
    assert db.count("audit_auditevent") == events
    assert "Audit chain intact" in db.audit_verify()

    # The same import, left alone, stores every postcode: the kill undid real work.
    db.sizes("import-postcodes", csv)
    stored = db.count("geo_postcode")
    assert stored > state["stored"]
    assert (
        stored == len(DATA.joinpath("birmingham_south_postcodes.csv").read_text().splitlines()) - 1
    )


def test_boundary_import_killed_midway_stores_none_of_it(scratch):
    db = scratch.migrated("bound")
    db.sizes(
        "import-boundaries", str(DATA / "birmingham_wards.geojson"), "--type", "ward",
        "--code-field", "ward_code", "--name-field", "ward_name", "--vintage", "2018",
    )  # fmt: skip
    wards = db.query("SELECT code, name, geometry FROM geo_referencearea ORDER BY code")
    assert len(wards) > 50
    lsoa_args = (
        "import-boundaries", str(DATA / "birmingham_lsoa.geojson"), "--type", "lsoa",
        "--code-field", "lsoa_code", "--name-field", "lsoa_name", "--vintage", "2011",
    )  # fmt: skip

    killed = db.sizes(
        *lsoa_args, env=db.env(SIZES_FAULT_KILL="geo.import_boundaries.batch:1"), check=False
    )
    state = _killed_at(killed, "geo.import_boundaries.batch")
    assert state["inserted"] == 500  # the first batch of new areas was written

    # None of the LSOAs; the wards imported before are exactly as they were.
    assert db.query("SELECT COUNT(*) FROM geo_referencearea WHERE type = 'lsoa'")[0][0] == 0
    assert db.query("SELECT code, name, geometry FROM geo_referencearea ORDER BY code") == wards
    assert "Audit chain intact" in db.audit_verify()

    db.sizes(*lsoa_args)
    lsoas = db.query("SELECT COUNT(*) FROM geo_referencearea WHERE type = 'lsoa'")[0][0]
    assert lsoas > state["inserted"]


def _zone_state(db, slug: str) -> dict:
    """Everything a review that dissolves the zone touches."""
    zone_id, status, version, ended_on = db.query(
        "SELECT id, status, version, ended_on FROM zones_zone WHERE slug = %s", (slug,)
    )[0]
    return {
        "zone": (status, version, str(ended_on)),
        "reviews": db.query("SELECT COUNT(*) FROM zones_review WHERE zone_id = %s", (zone_id,)),
        "variations": db.query(
            "SELECT id, status, version, ended_on FROM variations_variation "
            "WHERE zone_id = %s ORDER BY id",
            (zone_id,),
        ),
        "events": db.query("SELECT id, action, hash FROM audit_auditevent ORDER BY id"),
    }


def _review_dissolve(server: Server, session: str, slug: str):
    browser = Browser(server.base, session=session)
    page = browser.get(f"/zones/{slug}/review/")
    assert page.status == 200, page.body[:2000]
    return browser.submit(
        f"/zones/{slug}/review/",
        {
            "csrfmiddlewaretoken": browser.csrf_token(page),
            "evidence_summary": "The partners agreed the zone has done its work.",
            "decision": "dissolve",
        },
    )


def test_review_dissolving_a_zone_killed_midway_changes_nothing(scratch, serve):
    db = scratch.demo("review")
    slug = "stirchley-and-cotteridge-health-and-well-being"
    before = _zone_state(db, slug)
    assert before["zone"][0] == "declared"
    live = [v for v in before["variations"] if v[1] in ("proposed", "agreed", "active")]
    assert len(live) >= 2
    session = session_for(db, "council.officer")

    # A web worker that dies in the middle of the review: the request gets no answer.
    server = serve(db, workers=1, env=db.env(SIZES_FAULT_KILL="zones.review.dissolve:1"))
    try:
        answer = _review_dissolve(server, session, slug)
    except OSError:  # the connection closed with no answer: the worker was killed
        answer = None
    assert answer is None or answer.status >= 500, answer and answer.body[:2000]
    assert re.search(r"killing process \d+ at zones.review.dissolve", server.output())
    server.stop()

    assert _zone_state(db, slug) == before
    assert "Audit chain intact" in db.audit_verify()

    # The same review on a healthy server dissolves the zone and ends its live variations.
    answer = _review_dissolve(serve(db, workers=1), session, slug)
    assert answer.status == 302, answer.body[:2000]
    after = _zone_state(db, slug)
    assert after["zone"][0] == "dissolved"
    assert after["reviews"][0][0] == before["reviews"][0][0] + 1
    assert all(v[1] in ("ended", "withdrawn") for v in after["variations"])
    assert len(after["events"]) >= len(before["events"]) + 1 + len(live)
    assert "Audit chain intact" in db.audit_verify()

"""Scaling out: two real server processes (gunicorn) share one PostgreSQL database. A boundary
set through one process's page, or by a third process through the service, is seen at once by
lookups on the other: each process's in-memory index notices the new geography revision.

PostgreSQL only: run with DATABASE_URL=postgres://... (SQLite is one machine by design).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from sizes.geo.geometry import geometry_from_point
from sizes.geo.services import zone_set_boundary
from sizes.geo.tests.conftest import declared_zone
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (set DATABASE_URL=postgres://...): two server processes share "
    "one database only there",
)

GUNICORN = Path(sys.executable).with_name("gunicorn")
HERE = (52.4300, -1.9250)  # in Stirchley
THERE = (52.4400, -1.9300)  # about 1.3 km north-west of HERE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Server:
    def __init__(self, tmp_path: Path, name: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (tmp_path / f"{name}.log").open("w+")
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "SIZES_DATA_DIR": str(tmp_path / name),
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "sizes.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
            env=env,
            cwd=Path(settings.BASE_DIR).parent,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.base + "/api/v1/lookup?lat=0&lon=0", timeout=20)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answered: it is up
            except OSError:  # refused while starting, or slow on a busy machine
                time.sleep(0.3)
        self.log.seek(0)
        raise AssertionError(f"server on {self.base} did not start:\n{self.log.read()[-3000:]}")

    def lookup(self, lat: float | None = None, lon: float | None = None, **params) -> dict:
        import json

        if lat is not None:
            params.update(lat=lat, lon=lon)
        query = urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(f"{self.base}/api/v1/lookup?{query}", timeout=10) as r:  # noqa: S310
                return json.loads(r.read())
        except urllib.error.HTTPError as exc:  # a problem+json answer (404 for a postcode)
            return {"status": exc.code, **json.loads(exc.read())}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if shutil.which(str(GUNICORN)) is None:
        pytest.skip(f"gunicorn is not installed beside {sys.executable}")
    servers = [Server(tmp_path, "a"), Server(tmp_path, "b")]
    try:
        for s in servers:
            s.wait_ready()
        yield servers
    finally:
        for s in servers:
            s.stop()


def _zones(answer: dict) -> list[tuple[str, str]]:
    return [(z["zone"]["slug"], z["membership"]) for z in answer["in_force"]]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _set_boundary_through_page(server: Server, *, session: str, slug: str, lat, lon, radius):
    """Sign in with a session cookie, GET the boundary page for a CSRF token, POST a circle."""
    opener = urllib.request.build_opener(_NoRedirect)
    page = f"{server.base}/zones/{slug}/boundary/"
    request = urllib.request.Request(page, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
    with opener.open(request, timeout=10) as r:
        html = r.read().decode()
        cookies = r.headers.get_all("Set-Cookie") or []
    csrf_cookie = next(c.split(";")[0].split("=", 1)[1] for c in cookies if "csrftoken=" in c)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "method": "point",
            "lat": lat,
            "lon": lon,
            "radius_m": radius,
            "fringe_m": "100",
        }
    ).encode()
    post = urllib.request.Request(  # noqa: S310 - loopback http only
        page,
        data=data,
        headers={"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}", "Referer": page},
    )
    try:
        opener.open(post, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.read().decode()[:2000]
        return
    raise AssertionError("the boundary page did not redirect after saving")


def test_a_boundary_edit_through_one_server_is_seen_by_the_other_at_once(two_servers):
    a, b = two_servers
    steward = UserFactory(username="scaleout")
    zone = declared_zone(steward, name="Scale-out zone", slug="scale-out")
    client = Client()
    client.force_login(steward)
    session = client.cookies["sessionid"].value

    # Both servers build their index now, before any boundary exists.
    assert _zones(a.lookup(*HERE)) == [] and _zones(b.lookup(*HERE)) == []

    # 1. Set the boundary through server A's page: server B sees it on its next lookup.
    _set_boundary_through_page(
        a, session=session, slug=zone.slug, lat=HERE[0], lon=HERE[1], radius=200
    )
    assert _zones(b.lookup(*HERE)) == [("scale-out", "core")]
    assert _zones(b.lookup(*THERE)) == []

    # 2. Move it (here, through the service in this third process): both servers follow.
    zone_set_boundary(
        actor=steward,
        zone=zone,
        geometry=geometry_from_point(lat=THERE[0], lon=THERE[1], radius_m=200),
        fringe_m=0,
        method="point",
    )
    for server in (b, a):
        assert _zones(server.lookup(*THERE)) == [("scale-out", "core")]
        assert _zones(server.lookup(*HERE)) == []


def test_a_postcode_moved_by_another_process_is_seen_by_both_servers(two_servers):
    """Each server keeps where the postcodes it was asked for are; its lookup checks the
    postcode's row in the same query, so a change made elsewhere is in the next answer."""
    from sizes.geo.models import Postcode

    a, b = two_servers
    steward = UserFactory(username="postcodes")
    zone = declared_zone(steward, name="Postcode zone", slug="postcode-zone")
    zone_set_boundary(
        actor=steward,
        zone=zone,
        geometry=geometry_from_point(lat=HERE[0], lon=HERE[1], radius_m=200),
        fringe_m=0,
        method="point",
    )
    row = Postcode.objects.create(postcode="B30 9ZZ", lat=HERE[0], lon=HERE[1])
    for _ in range(2):  # asked twice: the second answer comes from the kept place
        for server in (a, b):
            assert _zones(server.lookup(postcode="B30 9ZZ")) == [("postcode-zone", "core")]
    Postcode.objects.filter(pk=row.pk).update(lat=THERE[0], lon=THERE[1])
    for server in (a, b):
        answer = server.lookup(postcode="b309zz")
        assert (answer["query"]["lat"], answer["query"]["lon"]) == THERE
        assert _zones(answer) == []
    Postcode.objects.filter(pk=row.pk).delete()
    for server in (a, b):
        assert server.lookup(postcode="B30 9ZZ")["status"] == 404

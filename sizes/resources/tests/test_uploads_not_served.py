"""Uploaded files are never executed or served from a guessable address.

The only upload SIZes keeps is a plan's PDF: stored under a random name in a folder outside
everything the web server serves (SIZES_UPLOAD_DIR, by default `$SIZES_DATA_DIR/uploads`), and
sent only by `resources:plan-document`, after the plan's visibility check, as a download with
a sandboxing Content-Security-Policy. GeoJSON boundaries and CSV imports are read in memory and
kept as data, never as files."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sizes.resources import services
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db

HOSTILE_NAME = "../../../sizes/web/static/sizes/evil.html"
HOSTILE_BODY = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def _served_folders() -> list[Path]:
    """Every folder whitenoise or staticfiles serves from."""
    folders = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            folders.append(Path(storage.location).resolve())
    for setting in ("STATIC_ROOT", "MEDIA_ROOT", "WHITENOISE_ROOT"):
        if getattr(django_settings, setting, None):
            folders.append(Path(getattr(django_settings, setting)).resolve())
    return folders


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_the_upload_folder_is_outside_everything_served(settings):
    settings.SIZES_UPLOAD_DIR = None  # the default
    folder = services.upload_dir().resolve()
    assert folder.is_relative_to(Path(settings.DATA_DIR).resolve())
    served = _served_folders()
    assert len(served) >= 5  # the apps' static folders at least
    for other in served:
        assert not folder.is_relative_to(other) and not other.is_relative_to(folder), other
    # No media folder at all (and no URL serves one: see the guesses below).
    assert not settings.MEDIA_ROOT


def test_an_uploaded_pdf_gets_a_random_name_and_no_public_address(
    client, zone, council, council_signer, settings
):
    served_before = {f for d in _served_folders() for f in _files(d)}
    upload = SimpleUploadedFile(HOSTILE_NAME, HOSTILE_BODY, content_type="text/html")
    plan = b.plan(council_signer, zone, council, document=upload)
    path = services.plan_document_path(plan)
    # Stored under a random name in the upload folder; the name given is only a label.
    assert path.parent == Path(settings.SIZES_UPLOAD_DIR) / "plans"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name)
    assert "/" not in plan.document_original_name and ".." not in plan.document_original_name
    assert plan.document_original_name.endswith(".pdf")
    assert _files(path.parent) == {path}
    assert {f for d in _served_folders() for f in _files(d)} == served_before
    # Guessing an address finds nothing.
    for guess in (
        f"/static/{path.name}",
        f"/static/plans/{path.name}",
        "/static/sizes/evil.html",
        f"/media/{path.name}",
        f"/media/plans/{path.name}",
        f"/uploads/plans/{path.name}",
    ):
        assert client.get(guess).status_code == 404, guess


def test_the_pdf_is_only_ever_a_download_that_cannot_run(zone, council, council_signer):
    plan = b.plan(
        council_signer, zone, council, document=SimpleUploadedFile(HOSTILE_NAME, HOSTILE_BODY)
    )
    c = Client()
    c.force_login(council_signer)
    url = reverse("resources:plan-document", kwargs={"slug": zone.slug, "pk": plan.pk})
    response = c.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


def test_a_geojson_upload_is_kept_as_data_not_as_a_file(client, zone, council_signer, settings):
    from sizes.geo.models import ZoneBoundary

    zone.stewards.add(council_signer)
    client.force_login(council_signer)
    data_dir = Path(settings.DATA_DIR)
    before = _files(data_dir) | _files(Path(settings.SIZES_UPLOAD_DIR))
    square = [[-1.93, 52.428], [-1.925, 52.428], [-1.925, 52.433], [-1.93, 52.433]]
    geojson = {"type": "Polygon", "coordinates": [[*square, square[0]]]}
    upload = SimpleUploadedFile("../../evil.geojson", json.dumps(geojson).encode())
    response = client.post(
        f"/zones/{zone.slug}/boundary/", {"method": "upload", "file": upload, "crs": "EPSG:4326"}
    )
    assert response.status_code == 302
    assert ZoneBoundary.objects.filter(zone=zone, method="upload").exists()
    after = _files(data_dir) | _files(Path(settings.SIZES_UPLOAD_DIR))
    new = {p for p in after - before if not p.name.startswith("sizes.sqlite3")}
    assert not new, new

"""Real attack strings in every public text field, upload name and query parameter.

Each payload (XSS, SQL injection, path traversal, NUL bytes, template syntax) is submitted
through the main forms with the Django test client, as the person allowed to use each form.
Then every page, feed and API answer that shows the records is fetched and checked:

- no 5xx anywhere; a payload is either stored (302) or refused with a message (400, for
  NUL bytes, which Django's form fields refuse);
- the HTML, parsed, holds no injected element or attribute: no `on*` attribute, no
  `javascript:` link, no script whose text carries the payload's marker;
- what was stored is exactly what was typed (so an SQL payload was a value, not SQL), and
  every table is still there;
- feeds are well-formed XML and API answers valid JSON carrying the text unchanged;
- uploaded file names are never used as paths.

See docs/reliability.md, "Hostile input".
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sizes.engagement.models import Comment, Idea, Meeting, Suggestion
from sizes.partners.models import Organisation
from sizes.resources.models import Asset, Budget, Plan
from sizes.variations.models import Variation
from sizes.zones.models import Zone, ZoneStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARK = "alert(7331)"  # every script payload calls this: finding it in live script is a hit
PAYLOADS = {
    "script": f"<script>{MARK}</script>",
    "img_onerror": f'"><img src=x onerror={MARK}>',
    "svg_onload": f"<svg onload={MARK}>",
    "attribute_break": f"' onmouseover='{MARK}' x='",
    "javascript_link": f'[x](javascript:{MARK}) <a href="javascript:{MARK}">x</a>',
    "sql_or": "' OR 1=1 --",
    "sql_drop": "'; DROP TABLE zones_zone; --",
    "path_traversal": "../../etc/passwd",
    "windows_traversal": "..\\..\\windows\\win.ini",
    "template": "{{ 7*7 }} {% debug %} ${7*7} #{7*7}",
    "nul_byte": "safe\x00../../etc/passwd",
}


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        # Data islands (<script type="application/json">) may carry the text; code may not.
        kind = dict(attrs).get("type") or ""
        self._in_script = tag == "style" or (tag == "script" and "json" not in kind)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and re.sub(
                r"[\s\x00-\x1f]", "", value or ""
            ).lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("svg", "iframe", "object", "embed") and any(MARK in (v or "") for _, v in attrs):
            self.problems.append(f"<{tag}> carrying the payload")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.problems.append(f"script text carrying the payload: {data[:80]!r}")
        self.text.append(data)


def check_html(body: str) -> str:
    """Fail on any injected element or attribute; return the page's text."""
    parser = _Page()
    parser.feed(body)
    parser.close()
    assert not parser.problems, parser.problems
    return "".join(parser.text)


def check_response(response, payload: str | None = None) -> None:
    assert response.status_code < 500, response.content[:300]
    ctype = response.get("Content-Type", "")
    body = response.content.decode("utf-8")
    if "html" in ctype:
        check_html(body)
    elif "json" in ctype:
        data = json.loads(body)
        if payload is not None:
            assert payload in json.dumps(data, ensure_ascii=False) or payload not in body
    elif "xml" in ctype or "atom" in ctype:
        # Our own feed, parsed to prove it is well-formed (nothing broke out of a node).
        root = ET.fromstring(response.content)  # noqa: S314
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "script"]


@pytest.fixture
def world(settings, tmp_path, ready_zone, steward, council, council_signer, council_admin):
    """A declared zone with a council partner, people for every form, and the geography the
    suggestion form needs."""
    from sizes.engagement.services import profile_mark_verified
    from sizes.engagement.tests.geo_data import load_postcodes, load_wards
    from sizes.zones.services import themes_ensure_defaults

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIZES_SITE_URL = "http://testserver"
    settings.SIZES_UPLOAD_DIR = tmp_path / "uploads"
    settings.SIZES_RATE_LIMIT_PER_ACCOUNT = 10_000
    settings.SIZES_RATE_LIMIT_PER_IP = 10_000
    load_wards(), load_postcodes(), themes_ensure_defaults()
    ready_zone.status = ZoneStatus.DECLARED
    ready_zone.declared_on = timezone.localdate() - dt.timedelta(days=10)
    ready_zone.save(update_fields=["status", "declared_on"])
    resident = UserFactory(username="payloadresident")
    for user in (resident, steward, council_signer, council_admin):
        profile_mark_verified(user=user)
    return {
        "zone": ready_zone,
        "resident": resident,
        "steward": steward,
        "member": council_signer,
        "council": council,
        "admin": council_admin,
    }


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def forms(world, p: str) -> list[tuple[str, str, str, dict, type, dict]]:
    """(name, user, url, POST data with the payload in every text field, model, lookup)."""
    zone, council = world["zone"], world["council"]
    outcome = zone.outcomes.first()
    soon = timezone.localdate() + dt.timedelta(days=30)
    return [
        (
            "zone proposal", "resident", reverse("zones:propose"),
            {"name": f"Zone {p}", "summary": p, "themes": ["Health and well-being"],
             "other_themes": p, "intention": p, "outcome_title": p, "outcome_description": p,
             **_date("review_date", timezone.localdate() + dt.timedelta(days=400))},
            Zone, {"summary": p},
        ),
        (
            "variation", "member", reverse("variations:propose", args=[zone.slug]),
            {"owner": council.pk, "title": p[:150], "subject": "asset", "action": "change",
             "standard_rule": p, "standard_rule_url": "", "difference": p, "reason": p,
             "outcomes": [outcome.pk], "applies_to": p, "guaranteed": p, "cap": p,
             "scope": "whole_zone", **_date("start_date", timezone.localdate()),
             "end_date_day": "", "end_date_month": "", "end_date_year": "",
             "accountable_name": p, "accountable_role": p},
            Variation, {"difference": p},
        ),
        (
            "comment", "resident", reverse("zones:comment", args=[zone.slug]),
            {"body": p, "format": "markdown"}, Comment, {"body": p},
        ),
        (
            "suggestion", "resident", reverse("engagement:suggestion-new"),
            {"place": p, "why": p, "themes": ["housing"], "postcode": "b30 2bj"},
            Suggestion, {"why": p},
        ),
        (
            "idea", "resident", reverse("engagement:idea-new", args=[zone.slug]),
            {"role": "service_user", "organisation": council.pk, "title": p[:150],
             "obstacle": p, "proposal": p},
            Idea, {"obstacle": p},
        ),
        (
            "meeting", "steward", reverse("engagement:meeting-new", args=[zone.slug]),
            {"title": p[:150], **_date("date", soon), "start_time": "18:30",
             "end_time": "20:00", "place": p, "agenda": p},
            Meeting, {"agenda": p},
        ),
        (
            "organisation", "admin", reverse("partners:organisation-create"),
            {"name": f"Org {p}", "kind": "residents"}, Organisation, {"name": f"Org {p}"},
        ),
        (
            "budget", "member", f"/zones/{zone.slug}/budgets/add/",
            {"organisation": council.pk, "service": p, "financial_year": "2025-26",
             "amount": "1000", "currency": "GBP", "zone_share_percent": "50",
             "share_basis": p, "kind": "new", "visibility": "public"},
            Budget, {"share_basis": p},
        ),
        (
            "asset", "member", f"/zones/{zone.slug}/assets/add/",
            {"organisation": council.pk, "kind": "park", "name": p, "description": p,
             "lat": "52.42", "lon": "-1.93", "location_note": p, "availability": p,
             "terms": p, "contact_route": p, "visibility": "public"},
            Asset, {"description": p},
        ),
    ]  # fmt: skip


def _pages(world) -> list[str]:
    zone = world["zone"]
    pages = [
        "/", reverse("zones:register"), reverse("zones:detail", args=[zone.slug]),
        reverse("variations:register"), reverse("engagement:suggestions"),
        reverse("engagement:ideas", args=[zone.slug]),
        reverse("engagement:meetings", args=[zone.slug]),
        reverse("partners:organisations"), f"/zones/{zone.slug}/resources/",
        reverse("feeds:zones"), reverse("feeds:zone", args=[zone.slug]),
        reverse("feeds:calendar"), "/api/v1/zones", f"/api/v1/zones/{zone.slug}",
        "/api/v1/variations", "/api/v1/organisations", "/api/v1/budgets",
        f"/zones/{zone.slug}/assets.geojson", f"/api/v1/zones/{zone.slug}/history",
    ]  # fmt: skip
    pages += [f"/variations/{v.pk}/" for v in Variation.objects.all()]
    pages += [reverse("engagement:suggestion", args=[s.pk]) for s in Suggestion.objects.all()]
    pages += [reverse("engagement:idea", args=[zone.slug, i.pk]) for i in Idea.objects.all()]
    pages += [reverse("engagement:meeting", args=[m.pk]) for m in Meeting.objects.all()]
    pages += [reverse("partners:organisation", args=[o.slug]) for o in Organisation.objects.all()]
    pages += [reverse("zones:detail", args=[z.slug]) for z in Zone.objects.all()]
    return pages


def _client(client, world, who):
    client.force_login(world[who])
    return client


def test_payloads_in_every_form_are_stored_or_refused_and_rendered_harmlessly(client, world):
    tables = set(connection.introspection.table_names())
    for key, payload in PAYLOADS.items():
        for name, who, url, data, model, lookup in forms(world, payload):
            before = model.objects.count()
            response = _client(client, world, who).post(url, data)
            check_response(response)
            if "\x00" in payload:
                # Django's form fields refuse NUL characters: a message, and nothing stored.
                assert response.status_code == 400, (name, key, response.status_code)
                assert model.objects.count() == before, (name, key)
                continue
            assert response.status_code == 302, (name, key, response.content.decode()[:3000])
            # Stored exactly as typed: an SQL payload was a value, not part of a statement.
            assert model.objects.filter(**lookup).exists(), (name, key)
    assert set(connection.introspection.table_names()) == tables
    assert Zone.objects.filter(summary=PAYLOADS["sql_drop"]).exists()
    for who in ("steward", None):
        if who:
            client.force_login(world[who])
        else:
            client.logout()
        for url in _pages(world):
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            check_response(response)
    # The payloads really reached the pages, so the checks above looked at them (the zones
    # are drafts, which only their proposer sees).
    client.force_login(world["resident"])
    for key, payload in PAYLOADS.items():
        if "\x00" in payload:
            continue
        variation = Variation.objects.get(difference=payload)
        shown = check_html(client.get(f"/variations/{variation.pk}/").content.decode())
        assert payload in shown, key
        zone = Zone.objects.get(summary=payload)
        assert payload in check_html(client.get(f"/zones/{zone.slug}/").content.decode()), key


def test_the_html_check_finds_injected_markup():
    """The checker above must be able to fail: each of these is a real injection."""
    for markup in (
        f"<p><script>{MARK}</script></p>",
        f'<p><img src=x onerror="{MARK}"></p>',
        f"<svg onload={MARK}></svg>",
        f'<a href=" javascript:{MARK}">x</a>',
        f"<a href='java&#x09;script:{MARK}'>x</a>",
    ):
        with pytest.raises(AssertionError):
            check_html(markup)
    check_html(f'<p>&lt;script&gt;{MARK}&lt;/script&gt;</p><script type="application/json">'
               f'"{MARK}"</script>')  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payloads_in_query_parameters_never_break_a_page(client, world, payload):
    zone = world["zone"]
    gets = [
        (reverse("zones:register"), {"status": payload, "theme": payload}),
        (reverse("variations:register"),
         {"zone": payload, "partner": payload, "ward": payload[:20], "on": payload,
          "subject": payload, "status": payload}),
        (reverse("geo:lookup"), {"postcode": payload, "at": payload}),
        (reverse("geo:lookup"), {"lat": payload, "lon": payload}),
        (reverse("engagement:suggestions"), {"sort": payload}),
        (reverse("zones:map-geojson"), {"zoom": payload}),
        (reverse("accountability:zone", args=[zone.slug]), {"from": payload, "to": payload}),
        ("/api/v1/zones", {"cursor": payload}),
        ("/api/v1/variations", {"cursor": payload, "zone": payload}),
        ("/api/v1/lookup", {"postcode": payload}),
        ("/api/v1/lookup", {"lat": payload, "lon": payload, "at": payload}),
        (reverse("resources:funders"), {"theme": payload, "q": payload}),
    ]  # fmt: skip
    quoted = quote(payload, safe="")
    gets += [
        (f"/wards/{quoted}/", {}),
        (f"/zones/{quoted}/", {}),
        (f"/organisations/{quoted}/", {}),
        (f"/account/unsubscribe/{quoted}/", {}),
        (f"/api/v1/zones/{quoted}", {}),
        (f"/api/v1/organisations/{quoted}", {}),
        (f"/api/v1/zones/{quoted}/history", {}),
    ]
    for url, params in gets:
        response = client.get(url, params)
        check_response(response)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        if "\x00" in payload:
            assert response.status_code in (400, 404), url
    client.force_login(world["resident"])
    response = client.post(f"/comments/on/{quoted}/1/", {"body": payload})
    check_response(response)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("name", list(PAYLOADS.values()) + ["../../../../tmp/evil.pdf"])
def test_upload_file_names_are_never_used_as_paths(client, world, tmp_path, name):
    """A plan's PDF is stored under a random name; a boundary file's name is only text."""
    zone, member = world["zone"], world["member"]
    client.force_login(member)
    pdf = SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        f"/zones/{zone.slug}/plans/add/",
        {"organisation": world["council"].pk, "title": "Plan", "summary": "Our plan",
         "visibility": "public", "document": pdf},
    )  # fmt: skip
    check_response(response)
    for plan in Plan.objects.all():
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", plan.document_name)
        assert "/" not in plan.document_original_name and "\\" not in plan.document_original_name
        assert ".." not in plan.document_original_name.replace("...", "")
    uploads = world_uploads(tmp_path)
    assert all(p.parent.name == "plans" for p in uploads)
    assert not (tmp_path / "evil.pdf").exists()

    client.force_login(world["steward"])
    square = [[-1.93, 52.43], [-1.92, 52.43], [-1.92, 52.44], [-1.93, 52.44], [-1.93, 52.43]]
    geojson = SimpleUploadedFile(
        name, json.dumps({"type": "Polygon", "coordinates": [square]}).encode()
    )
    response = client.post(
        reverse("zones:boundary", args=[zone.slug]),
        {"method": "upload", "file": geojson, "crs": "EPSG:4326", "fringe_m": "100"},
    )
    check_response(response)
    assert response.status_code in (302, 400)
    check_html(client.get(reverse("zones:detail", args=[zone.slug])).content.decode())
    from sizes.geo.models import ZoneBoundary

    for boundary in ZoneBoundary.objects.filter(zone=zone):
        assert "../" not in boundary.source and "..\\" not in boundary.source


def world_uploads(tmp_path):
    return [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]

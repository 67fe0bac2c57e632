"""CSRF on every form: walk the site (the demo's data, signed in as a site administrator, so
every form shows), check that every POST form carries the CSRF token, and that posting each
form without it is refused (403, nothing changed). The only views exempt from CSRF are listed
below with the reason, besides the API's (namespace `api:`), whose writes take a token, never
the session cookie."""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from sizes.audit.models import AuditEvent
from sizes.partners.models import Organisation
from sizes.zones.models import Zone
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# View name → why it may take a POST without the CSRF token.
EXEMPT = {
    "engagement:unsubscribe": "one-click unsubscribe (RFC 8058): mail clients post without a "
    "session; the signed token in the address is the authority",
    "outcomes:sroi_calculate": "calculates only, stores nothing, needs no sign-in",
}

MAX_PAGES = 400
PER_ROUTE = 2  # pages visited per URL pattern: enough to see each template's forms
SKIP = re.compile(
    r"^/(static|feeds|api|admin)/|sign-out|\.(csv|json|geojson|ics|pdf|xml|txt|zip)(\?|$)"
)


class _Forms(HTMLParser):
    """The forms on a page: method, action and the names and values of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], "")
            else:
                self._form["fields"][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _route(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def _admin_seeds() -> list[str]:
    seeds = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        seeds.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        seeds.append(f"/admin/{meta.app_label}/{meta.model_name}/add/")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            seeds.append(f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/")
    return seeds


def _zone_pages() -> list[str]:
    """Every page whose address names just a zone, for every zone (a steward's pages, some
    not linked from a zone in every state)."""
    slugs = list(Zone.objects.order_by("slug").values_list("slug", flat=True))
    pages = []
    for path, name, _ in _patterns(get_resolver().url_patterns):
        if "<slug:slug>" in path and path.count("<") == 1 and not path.startswith("api/"):
            pages += [reverse(name, kwargs={"slug": slug}) for slug in slugs]
    return pages


def _crawl(client) -> tuple[list[tuple[str, dict]], int]:
    """Visit the site from the home page, the account pages and the admin; return every POST
    form found (with the page it is on) and the number of pages read."""
    from tests.browser.site_data import public_urls

    queue = [
        *public_urls(),
        *_zone_pages(),
        reverse("accounts:profile"),
        reverse("zones:propose"),
        reverse("engagement:suggestion-new"),
        *_admin_seeds(),
    ]
    seen, per_route, forms, pages = set(), Counter(), [], 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0).split("#")[0]
        route = _route(url)
        if not url.startswith("/") or url in seen or route is None:
            continue
        seen.add(url)
        if per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        parser = _Forms()
        parser.feed(response.content.decode())
        forms += [(url, f) for f in parser.forms if f["method"] == "post"]
        if not url.startswith("/admin/"):
            queue += [urljoin(url, h) for h in parser.links if not SKIP.search(urljoin(url, h))]
    return forms, pages


@pytest.fixture
def site_admin_client():
    """A site administrator who also stewards every zone and belongs to every organisation,
    so the pages show every form there is."""
    call_command("demo", "--no-serve")
    user = UserFactory(username="csrf-admin", is_superuser=True, is_staff=True)
    for zone in Zone.objects.all():
        zone.stewards.add(user)
    for organisation in Organisation.objects.all():
        MembershipFactory(user=user, organisation=organisation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_every_post_form_has_the_token_and_is_refused_without_it(site_admin_client):
    client = site_admin_client
    forms, pages = _crawl(client)
    # The forms only someone signed out sees.
    anonymous = Client(enforce_csrf_checks=True)
    for name in ("accounts:sign-in", "accounts:sign-up", "engagement:password-reset"):
        parser = _Forms()
        parser.feed(anonymous.get(reverse(name)).content.decode())
        forms += [(reverse(name), f) for f in parser.forms if f["method"] == "post"]
    # The walk must reach the forms that matter, or it proves little.
    actions = {resolve(urlsplit(urljoin(page, f["action"])).path).view_name for page, f in forms}
    print(f"{pages} pages read, {len(forms)} POST forms, {len(actions)} form targets:")
    print(*sorted(actions), sep="\n  ")
    assert pages >= 40 and len(actions) >= 25, (pages, sorted(actions))
    for must in (
        "accounts:sign-in",
        "accounts:sign-out",
        "zones:edit",
        "zones:boundary",
        "engagement:comment-add",
        "admin:logout",
    ):
        assert must in actions, must

    missing = [
        (page, f["action"]) for page, f in forms if not f["fields"].get("csrfmiddlewaretoken")
    ]
    assert not missing, f"POST forms without the CSRF token: {missing}"

    events = AuditEvent.objects.count()
    refused, tried = [], set()
    for page, form in forms:
        target = urlsplit(urljoin(page, form["action"]))
        name = resolve(target.path).view_name
        key = (name, target.path)
        if name in EXEMPT or key in tried:
            continue
        tried.add(key)
        data = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        response = client.post(target.path + (f"?{target.query}" if target.query else ""), data)
        if response.status_code != 403 or "Your form was not sent" not in response.text:
            refused.append((name, target.path, response.status_code))
    assert not refused, f"accepted without the CSRF token: {refused}"
    assert AuditEvent.objects.count() == events  # nothing changed
    assert len(tried) >= 25


def test_with_the_token_the_same_post_gets_through(client):
    """Control: the refusals above are the CSRF check, not something else about the post."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:sign-up"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    url = reverse("accounts:sign-up")
    assert client.post(url, {}).status_code == 403
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 400  # form errors


def _patterns(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(x for x in (namespace, p.name) if x)
            yield prefix + str(p.pattern), name, p.callback


def test_only_the_listed_views_are_exempt_from_csrf():
    exempt = {
        name
        for path, name, view in _patterns(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not name.startswith("api:")
    }
    assert exempt == set(EXEMPT)


def test_api_writes_do_not_accept_the_session_cookie(client):
    """The API is exempt from CSRF because its writes need `Authorization: Bearer`: a browser
    session (which another site could ride on) is not enough."""
    from sizes.variations.tests.builders import build_world

    world = build_world()
    client.force_login(world.council_signer)
    response = client.post(
        "/api/v1/variations", {"zone": world.zone.slug}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"

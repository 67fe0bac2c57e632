"""Suggestions: where a zone would help; support; density by ward; steward decisions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sizes.core.errors import Conflict, DomainError, NotAllowed
from sizes.engagement import selectors, services
from sizes.engagement.models import Suggestion, SuggestionStatus, Support
from sizes.engagement.tests.conftest import BOURNVILLE, STIRCHLEY
from sizes.zones.models import ZoneStatus
from sizes.zones.services import themes_ensure_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _themes(db):
    themes_ensure_defaults()


def suggest(actor, **kw):
    data = {
        "place": "Stirchley high street",
        "why": "Lonely older people.",
        "themes": ["health-and-well-being"],
        **kw,
    }
    if not {"postcode", "area_codes", "lat"} & kw.keys():
        data["postcode"] = "B30 2BJ"
    return services.suggestion_create(actor=actor, **data)


def test_suggest_by_postcode_finds_the_ward_and_keeps_no_postcode(alex, wards, postcodes):
    s = suggest(alex)
    assert [w.code for w in s.wards.all()] == [STIRCHLEY]
    assert (s.lat, s.lon) == (52.423597, -1.922518)
    assert "B30" not in str(Suggestion.objects.filter(pk=s.pk).values().first())


def test_suggest_by_wards(alex, wards):
    s = suggest(alex, area_codes=[STIRCHLEY, BOURNVILLE.lower()])
    assert sorted(a.code for a in s.areas.all()) == sorted([STIRCHLEY, BOURNVILLE])
    assert s.lat is None


def test_suggest_by_point(alex, wards):
    s = suggest(alex, lat=52.4236, lon=-1.9225)
    assert [w.code for w in s.wards.all()] == [STIRCHLEY]


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"postcode": "SW1A 1AA"}, "outside_service_area"),
        ({"lat": 51.5, "lon": -0.14}, "outside_service_area"),
        ({"postcode": "B99 9ZZ"}, "postcode_unknown"),
        ({"postcode": "nonsense"}, "postcode_malformed"),
        ({"area_codes": ["E05999999"]}, "areas_invalid"),
        ({"postcode": "B30 2BJ", "area_codes": [STIRCHLEY]}, "place_ambiguous"),
        ({"themes": []}, "themes_required"),
        ({"themes": ["made-up"]}, "themes_invalid"),
        ({"why": "x" * 2001}, "why_too_long"),
        ({"place": "  "}, "place_required"),
    ],
)
def test_bad_suggestions_are_refused_and_nothing_stored(alex, wards, postcodes, kw, code):
    with pytest.raises(DomainError) as e:
        suggest(alex, **kw)
    assert code in [p.code for p in e.value.details]
    assert not Suggestion.objects.exists()


def test_missing_place(alex, wards):
    with pytest.raises(DomainError) as e:
        services.suggestion_create(actor=alex, place="P", why="W", themes=["housing"])
    assert [p.code for p in e.value.details] == ["place_missing"]


def test_service_area_bbox_setting(alex, settings, postcodes):
    settings.SIZES_SERVICE_AREA_BBOX = "-2.1,52.3,-1.7,52.6"
    assert suggest(alex, postcode="B30 2AA")
    with pytest.raises(DomainError):
        suggest(alex, postcode="SW1A 1AA")


def test_unverified_people_cannot_suggest(resident, wards, postcodes):
    with pytest.raises(NotAllowed) as e:
        suggest(resident)
    assert e.value.code == "email_unverified"


def test_support_once_per_account(alex, bo, wards, postcodes):
    s = suggest(alex)
    services.suggestion_support(actor=bo, suggestion=s)
    with pytest.raises(Conflict) as e:
        services.suggestion_support(actor=bo, suggestion=s)
    assert e.value.code == "already_supported"
    with pytest.raises(DomainError):
        services.suggestion_support(actor=alex, suggestion=s)
    assert Support.objects.count() == 1


def test_list_sorts_by_support_and_date(alex, bo, wards, postcodes):
    first = suggest(alex, place="First")
    second = suggest(alex, place="Second")
    assert [s.place for s in selectors.suggestions_list(sort="newest")] == ["Second", "First"]
    services.suggestion_support(actor=bo, suggestion=first)
    assert [s.place for s in selectors.suggestions_list(sort="support")] == ["First", "Second"]
    assert [s.place for s in selectors.suggestions_list(sort="oldest")] == ["First", "Second"]
    assert second


def test_density_by_ward(alex, wards, postcodes):
    suggest(alex, postcode="B30 2BJ")
    suggest(alex, postcode="B30 2BJ")
    suggest(alex, area_codes=[BOURNVILLE])
    rows, width, height = selectors.suggestion_density()
    assert [(r.ward.code, r.count, r.level) for r in rows] == [
        (STIRCHLEY, 2, 4),
        (BOURNVILLE, 1, 2),
    ]
    assert width == 600 and height > 0 and all(r.path.startswith("M") for r in rows)


def test_steward_turns_a_suggestion_into_a_proposed_zone(alex, council_admin, wards):
    s = suggest(alex, area_codes=[STIRCHLEY])
    zone = services.suggestion_to_zone(
        actor=council_admin,
        suggestion=s,
        name="Stirchley zone",
        summary="S",
        intention="I",
        review_date=timezone.localdate() + dt.timedelta(days=365),
    )
    s.refresh_from_db()
    assert s.status == SuggestionStatus.PROPOSED and s.zone == zone
    assert list(zone.suggestions.all()) == [s]
    assert zone.status == ZoneStatus.PROPOSED
    assert zone.boundaries.current().exists()
    with pytest.raises(DomainError):
        services.suggestion_decline(actor=council_admin, suggestion=s, reason="No")


def test_decline_needs_an_admin_and_a_reason(alex, bo, council_admin, wards, postcodes):
    s = suggest(alex)
    with pytest.raises(NotAllowed):
        services.suggestion_decline(actor=bo, suggestion=s, reason="No")
    with pytest.raises(DomainError):
        services.suggestion_decline(actor=council_admin, suggestion=s, reason=" ")
    services.suggestion_decline(actor=council_admin, suggestion=s, reason="Already a zone.")
    s.refresh_from_db()
    assert s.status == SuggestionStatus.DECLINED and s.decision_reason == "Already a zone."


# --- Pages --------------------------------------------------------------------------------


def test_pages_suggest_support_and_list(client, alex, bo, wards, postcodes):
    client.force_login(alex)
    r = client.get(reverse("engagement:suggestion-new"))
    assert r.status_code == 200 and "Stirchley" in r.content.decode()
    r = client.post(
        reverse("engagement:suggestion-new"),
        {
            "place": "<script>alert(1)</script>",
            "why": "Because",
            "themes": ["housing"],
            "postcode": "b30 2bj",
        },
    )
    assert r.status_code == 302
    s = Suggestion.objects.get()
    page = client.get(r.url).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    client.force_login(bo)
    support = reverse("engagement:suggestion-support", args=[s.pk])
    assert client.post(support).status_code == 302
    r = client.post(support + "?again")
    assert client.post(support, {}).status_code in (302, 409)
    assert Support.objects.count() == 1
    listing = client.get(reverse("engagement:suggestions") + "?sort=newest").content.decode()
    assert "Suggestions in each ward" in listing and "Stirchley" in listing


def test_duplicate_support_page_says_so(client, alex, bo, wards, postcodes):
    s = suggest(alex)
    services.suggestion_support(actor=bo, suggestion=s)
    client.force_login(bo)
    r = client.post(reverse("engagement:suggestion-support", args=[s.pk]))
    assert r.status_code == 409 and "You already support this suggestion." in r.content.decode()


def test_page_bad_input_is_400_and_stores_nothing(client, alex, wards, postcodes):
    client.force_login(alex)
    r = client.post(
        reverse("engagement:suggestion-new"),
        {"place": "", "why": "x" * 3000, "postcode": "SW1A 1AA", "lat": "abc"},
    )
    assert r.status_code == 400 and not Suggestion.objects.exists()
    r = client.post(
        reverse("engagement:suggestion-new"),
        {"place": "P", "why": "W", "themes": ["housing"], "postcode": "SW1A 1AA"},
    )
    assert r.status_code == 400 and "outside the area this service covers" in r.content.decode()


def test_decision_pages(client, alex, council_admin, wards, postcodes):
    s = suggest(alex)
    client.force_login(alex)
    assert client.get(reverse("engagement:suggestion-decline", args=[s.pk])).status_code == 403
    client.force_login(council_admin)
    r = client.post(reverse("engagement:suggestion-decline", args=[s.pk]), {"reason": ""})
    assert r.status_code == 400
    r = client.post(
        reverse("engagement:suggestion-to-zone", args=[s.pk]),
        {
            "name": "Z",
            "summary": "S",
            "intention": "I",
            "review_date_day": "1",
            "review_date_month": "1",
            "review_date_year": str(timezone.localdate().year + 1),
        },
    )
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.zone is not None and r.url == reverse("zones:detail", args=[s.zone.slug])
    detail = client.get(reverse("engagement:suggestion", args=[s.pk])).content.decode()
    assert "This suggestion became a proposed zone" in detail
    assert client.get(reverse("engagement:suggestion", args=[999])).status_code == 404

import pytest

from sizes.resources.selectors import two_stars_check, zone_pooled_summary
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db


def test_summary_lists_every_partner_and_what_it_shared(
    zone, council, community, council_signer, community_signer
):
    assert zone_pooled_summary(zone=zone) == {council.pk: set(), community.pk: set()}
    b.budget(council_signer, zone, council)
    b.asset(council_signer, zone, council, visibility="partners")
    b.objective(community_signer, zone, community)
    b.plan(community_signer, zone, community, visibility="partners")
    assert zone_pooled_summary(zone=zone) == {
        council.pk: {"budget", "asset"},
        community.pk: {"objective", "plan"},
    }


def test_two_stars_check_hides_content_but_says_what_is_missing(
    zone, council, council_signer, resident
):
    b.budget(council_signer, zone, council)
    b.asset(council_signer, zone, council, visibility="partners")
    rows = {r.organisation.name: r for r in two_stars_check(zone=zone, user=resident)}
    row = rows["Test City Council"]
    assert row.shared == ["budget"]
    assert row.shared_privately == ["asset"]
    assert row.missing == ["objective", "plan"]
    partner_view = {r.organisation.name: r for r in two_stars_check(zone=zone, user=council_signer)}
    assert partner_view["Test City Council"].shared == ["budget", "asset"]


def test_two_stars_check_from_records_already_read_says_the_same_in_fewer_queries(
    zone, council, community, council_signer, community_signer, resident,
    django_assert_num_queries,
):  # fmt: skip
    """The zone page passes the summary and the records it has read for its own lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sizes.resources.selectors import POOLED_MODELS, records_visible_to

    b.budget(council_signer, zone, council)
    b.asset(council_signer, zone, council, visibility="partners")
    b.plan(community_signer, zone, community, visibility="partners")
    for user in (resident, council_signer, None):
        with CaptureQueriesContext(connection) as own:
            expected = two_stars_check(zone=zone, user=user)
        summary = zone_pooled_summary(zone=zone)
        records = {
            kind: list(records_visible_to(model, user, zone))
            for kind, model in POOLED_MODELS.items()
        }
        assert len(own) >= 7  # the summary (2), each kind's visible records (4), the names
        with django_assert_num_queries(1):  # only the organisations' names
            given = two_stars_check(zone=zone, user=user, summary=summary, visible_records=records)
        assert [(r.organisation, r.shared, r.shared_privately, r.missing) for r in given] == [
            (r.organisation, r.shared, r.shared_privately, r.missing) for r in expected
        ]
        assert any(r.shared_privately for r in given) == (user is not council_signer)
        # With the partners' organisations too (the zone page has them): no query at all.
        organisations = {p.organisation_id: p.organisation for p in zone.partnerships.all()}
        with django_assert_num_queries(0):
            known = two_stars_check(
                zone=zone, user=user, summary=summary, visible_records=records,
                organisations=organisations,
            )  # fmt: skip
        assert [(r.organisation, r.shared, r.missing) for r in known] == [
            (r.organisation, r.shared, r.missing) for r in expected
        ]


def test_two_stars_check_reads_an_organisation_that_is_not_a_partner_any_more(
    zone, council, community, council_signer, resident
):
    """Records stay when their organisation leaves the zone: its name is read, not given."""
    b.budget(council_signer, zone, council)
    community_only = {
        p.organisation_id: p.organisation
        for p in zone.partnerships.all()
        if p.organisation_id == community.pk
    }
    summary = {council.pk: {"budget"}, community.pk: set()}
    rows = two_stars_check(zone=zone, user=resident, summary=summary, organisations=community_only)
    assert [r.organisation.name for r in rows] == sorted([council.name, community.name])


def test_summary_from_partners_already_read_is_the_same_in_one_query(
    zone, council, community, council_signer, django_assert_num_queries
):
    b.budget(council_signer, zone, council)
    expected = zone_pooled_summary(zone=zone)
    partner_ids = [p.organisation_id for p in zone.partnerships.all()]
    with django_assert_num_queries(1):
        assert zone_pooled_summary(zone=zone, partner_ids=partner_ids) == expected
    assert expected == {council.pk: {"budget"}, community.pk: set()}


def test_summaries_of_many_zones_take_two_queries(
    zone, council, community, council_signer, community_signer, django_assert_num_queries
):
    from sizes.resources.selectors import zones_pooled_summary
    from tests.factories import ZoneFactory

    other = ZoneFactory()
    b.budget(council_signer, zone, council)
    b.budget(council_signer, zone, council, service="Libraries")  # still one "budget"
    b.asset(council_signer, zone, council, visibility="partners")
    b.plan(community_signer, zone, community)
    with django_assert_num_queries(2):
        summaries = zones_pooled_summary(zone_ids=[zone.pk, other.pk])
    assert summaries == {
        zone.pk: {council.pk: {"budget", "asset"}, community.pk: {"plan"}},
        other.pk: {},
    }

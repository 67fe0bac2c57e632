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

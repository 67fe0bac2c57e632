import pytest

from sizes.core.errors import DomainError, NotAllowed
from sizes.outcomes.models import FinancialProxy
from sizes.outcomes.services import financial_proxies_import

ROW = {
    "outcome": "Regular physical activity",
    "unit": "per person a year",
    "value": "100",
    "price_year": "2023",
    "value_type": "wellbeing",
    "source": "Own survey",
    "licence": "Open Government Licence v3.0",
}


@pytest.mark.django_db
def test_import_checks_every_row_and_refuses_restricted_sources(site_admin, resident):
    assert financial_proxies_import(actor=site_admin, rows=[ROW]) == 1
    assert FinancialProxy.objects.get().currency == "GBP"
    rows = [
        ROW,
        {**ROW, "source": "HACT UK Social Value Bank"},
        {**ROW, "price_year": "20x"},
        {**ROW, "value_type": "vibes"},
        {**ROW, "value": "-"},
    ]
    with pytest.raises(DomainError) as err:
        financial_proxies_import(actor=site_admin, rows=rows)
    assert [p.code for p in err.value.details] == [
        "licence_restricted",
        "price_year",
        "value_type",
        "value_not_a_number",
    ]
    assert FinancialProxy.objects.count() == 1  # nothing more imported
    with pytest.raises(NotAllowed):
        financial_proxies_import(actor=resident, rows=[ROW])

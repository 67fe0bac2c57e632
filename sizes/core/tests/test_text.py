import pytest

from sizes.core.errors import DomainError
from sizes.core.text import clean_text, unique_slug
from sizes.zones.models import Zone
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_slugs_avoid_fixed_page_names_and_taken_ones():
    assert unique_slug(Zone, "Propose") == "propose-2"
    assert unique_slug(Zone, "New") == "new-2"
    ZoneFactory(slug="cotteridge")
    assert unique_slug(Zone, "Cotteridge") == "cotteridge-2"
    assert unique_slug(Zone, "!!!") == "item"


@pytest.mark.parametrize(
    ("value", "code"),
    [("  ", "title_required"), ("x" * 11, "title_too_long"), ("a\x00b", "title_invalid")],
)
def test_clean_text_names_the_field(value, code):
    with pytest.raises(DomainError) as exc:
        clean_text(value, field="title", label="a title", max_length=10)
    assert (exc.value.code, exc.value.field) == (code, "title")


def test_clean_text_strips():
    assert clean_text("  hi ", field="t", label="t", max_length=5) == "hi"

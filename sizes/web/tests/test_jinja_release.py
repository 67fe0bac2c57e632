"""A rendered page lets go of its data at once, not at the cycle collector's next full pass
(sizes/web/jinja.py, sizes/core/gcfreeze.py)."""

import gc
import weakref

import pytest
from jinja2 import DictLoader

from sizes.core import gcfreeze
from sizes.web.jinja import environment


class Row:
    """Something a page is given (weak references can point at it)."""

    def __init__(self, name):
        self.name = name


PAGE = """{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}
{% macro line(row) %}<li>{{ row.name }}</li>{% endmacro %}
<ul>{% for row in rows %}{{ line(row) }}{% endfor %}</ul>{{ govukTag({"text": rows[0].name}) }}
{% include "part.html" %}"""
# An included partial with a macro of its own: its context holds the page's data too.
PART = """{% macro count() %}{{ rows | length }} places{% endmacro %}<p>{{ count() }}</p>"""


def _env():
    return environment(loader=DictLoader({"page.html": PAGE, "part.html": PART}), autoescape=True)


@pytest.fixture
def no_collector():
    """Only reference counting frees anything while the test runs."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def _render_and_drop(template) -> tuple[str, weakref.ref]:
    rows = [Row("Stirchley"), Row("Cotteridge")]
    html = template.render({"rows": rows})
    ref = weakref.ref(rows[0])
    del rows
    return html, ref


def test_a_page_frees_what_it_was_given_without_the_collector(no_collector):
    template = _env().get_template("page.html")
    html, ref = _render_and_drop(template)
    assert "<li>Stirchley</li>" in html and "Cotteridge" in html and "govuk-tag" in html
    assert "<p>2 places</p>" in html
    assert ref() is None
    # The imported macros (cached by Jinja between renders) still work the second time.
    html, ref = _render_and_drop(template)
    assert "<li>Cotteridge</li>" in html and "govuk-tag" in html
    assert ref() is None


def test_without_it_a_macro_keeps_the_page_data_until_a_collection(no_collector):
    """What the template class guards against: Jinja's own template leaves the data in a
    cycle (the context and its macros), freed only when the cycle collector runs."""
    from jinja2 import Template as JinjaTemplate

    env = _env()
    env.template_class = JinjaTemplate
    template = env.get_template("page.html")
    assert type(template) is JinjaTemplate
    html, ref = _render_and_drop(template)
    assert "<li>Stirchley</li>" in html
    assert ref() is not None
    gc.collect()
    assert ref() is None


@pytest.mark.django_db
def test_released_rows_are_freed_without_the_collector(no_collector):
    from sizes.zones.models import Zone
    from tests.factories import PartnershipFactory, ZoneFactory

    zone = ZoneFactory()
    PartnershipFactory(zone=zone)
    PartnershipFactory(zone=zone)

    def read():
        zones = list(Zone.objects.filter(pk=zone.pk).prefetch_related("partnerships", "themes"))
        assert len(zones[0].partnerships.all()) == 2
        return zones

    zones = read()
    kept = weakref.ref(zones[0])
    del zones
    assert kept() is not None  # a prefetched relation ties the row into a cycle
    zones = read()
    freed = weakref.ref(zones[0])
    gcfreeze.release(zones)
    del zones
    assert freed() is None

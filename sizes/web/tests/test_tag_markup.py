"""Our tag macro renders exactly GOV.UK Frontend's govukTag markup (macros/tag.html)."""

import pytest
from django.template import engines

CASES = [
    ("Declared", "govuk-tag--green"),
    ("Partners only", "govuk-tag--grey"),
    ("Health & <well-being>", "govuk-tag--blue"),
    ("No colour", ""),
    ("Zoë's “zone”", "govuk-tag--yellow extra-class"),
]


@pytest.mark.parametrize(("text", "classes"), CASES)
def test_the_tag_macro_renders_govuk_tags_markup(text, classes):
    env = engines["jinja2"].env
    ours = env.from_string(
        '{% from "macros/tag.html" import govuk_tag %}{{ govuk_tag(text, classes) }}'
    ).render(text=text, classes=classes)
    params = {"text": text, **({"classes": classes} if classes else {})}
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
        "{{ govukTag(params) }}"
    ).render(params=params)
    assert ours == theirs
    assert "govuk-tag" in ours and "<well-being>" not in ours

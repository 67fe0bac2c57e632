"""Forms for the outcomes pages. They only parse; rules live in services and sroi.py."""

import json

from django import forms
from django.core.exceptions import ValidationError

from sizes.core.errors import DomainError
from sizes.outcomes.periods import parse_period

MAX_JSON_CHARS = 200_000


class SROIInputForm(forms.Form):
    """The SROI input as JSON text (the same shape `sizes sroi` and the endpoint take)."""

    input = forms.CharField(
        label="SROI input (JSON)",
        help_text=(
            "Investments by partner and, for each outcome, the stakeholder, quantity, financial "
            "proxy, duration, deadweight, displacement, attribution and drop-off. The guide "
            "'Outcomes and social return' shows the format."
        ),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        max_length=MAX_JSON_CHARS,
        error_messages={"required": "Enter the SROI input as JSON."},
    )

    title = forms.CharField(label="Title", required=False, max_length=200)
    period = forms.CharField(
        label="Period it covers",
        required=False,
        max_length=20,
        help_text="For example 2025, 2025-Q1 or FY 2025/26.",
    )
    save = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, can_save: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_save = can_save
        if not can_save:
            for name in ("title", "period", "save"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.can_save and data.get("save"):
            if not data.get("title"):
                self.add_error("title", "Enter a title for the analysis.")
            try:
                data["period"] = parse_period(data.get("period") or "")
            except DomainError as exc:
                self.add_error("period", exc.message)
        return data

    def clean_input(self):
        text = self.cleaned_data["input"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"The SROI input is not valid JSON: {exc.msg} on line {exc.lineno}, "
                f"column {exc.colno}.",
                code="invalid_json",
            ) from None


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class LessonSearchForm(forms.Form):
    q = forms.CharField(label="Words", required=False, max_length=200)
    theme = forms.SlugField(label="Theme", required=False, max_length=80)
    outcome = forms.CharField(label="Outcome", required=False, max_length=200)

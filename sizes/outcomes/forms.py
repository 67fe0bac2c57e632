"""Forms for the outcomes pages. They only parse; rules live in services and sroi.py."""

import json

from django import forms
from django.core.exceptions import ValidationError

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

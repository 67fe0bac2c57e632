"""Forms for the outcomes pages. They only parse; rules live in services and sroi.py."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError

from sizes.core.errors import DomainError
from sizes.outcomes.models import Aggregation, GeographyLevel, Polarity
from sizes.outcomes.periods import parse_period
from sizes.zones.forms import GovukDateField, text_field, textarea

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
        except (ValueError, RecursionError):
            # An integer with thousands of digits, or brackets nested thousands deep.
            raise ValidationError(
                "The SROI input is not JSON SIZes can read: a number is too long or the "
                "brackets are nested too deeply.",
                code="invalid_json",
            ) from None


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class LessonSearchForm(forms.Form):
    q = forms.CharField(label="Words", required=False, max_length=200)
    theme = forms.SlugField(label="Theme", required=False, max_length=80)
    outcome = forms.CharField(label="Outcome", required=False, max_length=200)


# --- Steward write pages ------------------------------------------------------------------
# These forms only parse. Numbers stay text so the services give their own messages
# ("The baseline must be a number."); rules (dates in order, known areas) stay in services.


class IndicatorForm(forms.Form):
    name = text_field("Indicator name", "Enter the indicator's name.", max_length=200)
    definition = textarea(
        "Definition",
        "Enter what the indicator counts.",
        help_text="What is counted, and how.",
        max_length=5000,
    )
    unit = text_field(
        "Unit", "Enter the unit.", max_length=60, help_text="For example: %, people, rank, £."
    )
    polarity = forms.ChoiceField(
        label="Is a higher or lower figure better?",
        choices=Polarity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether higher or lower is better."},
    )
    source = text_field(
        "Where the figures come from", "Enter where the figures come from.", max_length=300
    )
    source_url = text_field("Web address of the source (optional)", max_length=200)
    licence = text_field(
        "Licence of the figures",
        "Enter the licence of the figures.",
        max_length=200,
        help_text="For example: Open Government Licence v3.0.",
    )
    geography_level = forms.ChoiceField(
        label="Where is it measured?",
        choices=GeographyLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the indicator is measured."},
    )
    aggregation = forms.ChoiceField(
        label="For wards or LSOAs: how the areas add up to the zone",
        choices=Aggregation.choices,
        widget=forms.RadioSelect,
        initial=Aggregation.MEAN,
        error_messages={"required": "Choose how areas add up."},
    )
    baseline_value = text_field("Baseline value (optional)", max_length=40)
    baseline_date = GovukDateField(noun="Baseline date", required=False)
    target_value = text_field("Target value (optional)", max_length=40)
    target_date = GovukDateField(noun="Target date", required=False)

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class IndicatorEditForm(IndicatorForm):
    """The same fields, plus the version the steward started from (a stale edit is refused)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, indicator) -> dict:
        return {
            **{
                name: getattr(indicator, name)
                for name in cls.base_fields
                if name not in ("baseline_value", "target_value")
            },
            "baseline_value": "" if indicator.baseline_value is None else indicator.baseline_value,
            "target_value": "" if indicator.target_value is None else indicator.target_value,
        }


class BaselineForm(forms.Form):
    baseline_value = text_field("Baseline value", "Enter the baseline.", max_length=40)
    baseline_date = GovukDateField(noun="Baseline date")
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MeasurementForm(forms.Form):
    area_code = text_field(
        "Area code (optional)",
        max_length=20,
        help_text="The code of a reference area, such as E01009123. Leave empty for the zone "
        "itself.",
    )
    period = text_field(
        "Period",
        "Enter the period the value is for.",
        max_length=20,
        help_text="For example 2024, 2024-03, 2024-Q1 or FY 2024/25.",
    )
    value = text_field("Value", "Enter the value.", max_length=40)


class ComparisonForm(forms.Form):
    suggested = forms.MultipleChoiceField(
        label="Suggested similar areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = textarea(
        "Other areas (optional)",
        max_length=2000,
        help_text="Codes of reference areas outside the zone, separated by spaces, commas or new "
        "lines. For example E01009123.",
    )

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested"].choices = [
            (s.code, f"{s.name} ({s.code})" if s.name else s.code) for s in suggestions
        ]
        if not suggestions:
            del self.fields["suggested"]

    def all_codes(self) -> list[str]:
        typed = re.split(r"[\s,;]+", self.cleaned_data.get("codes") or "")
        return [c for c in [*self.cleaned_data.get("suggested", []), *typed] if c]


class LessonForm(forms.Form):
    title = text_field("Title", "Enter a title for the lesson.", max_length=200)
    what_worked = textarea("What worked", max_length=10000)
    what_did_not = textarea("What did not work", max_length=10000)
    what_should_spread = textarea("What should spread to other places", max_length=10000)
    outcome = forms.ChoiceField(label="Outcome it is about (optional)", required=False)
    # Set by the "Save and publish" button (name="publish").
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "None")] + [(str(o.pk), o.title) for o in outcomes]
        self._outcomes = {str(o.pk): o for o in outcomes}

    def chosen_outcome(self):
        return self._outcomes.get(self.cleaned_data.get("outcome") or "")


class AdoptionForm(forms.Form):
    adopted_beyond = text_field(
        "Where it was adopted",
        "Enter where it was adopted.",
        max_length=300,
        help_text="For example: the whole of Birmingham, or Solihull's Chelmsley Wood zone.",
    )
    url = text_field(
        "Link to show it (optional)",
        max_length=200,
        help_text="A web address starting with https://",
    )
    adopted_on = GovukDateField(noun="Date it was adopted", required=False)

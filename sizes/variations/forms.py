"""Forms for the variations register. They only parse; the rules are in services.py."""

from django import forms

from sizes.partners.models import Organisation
from sizes.variations.models import Action, Scope, Subject
from sizes.zones.forms import GovukDateField, text_field, textarea

VERSION_ERRORS = {
    "required": "The form was incomplete. Reload the page and try again.",
    "invalid": "The form was incomplete. Reload the page and try again.",
}


class VariationForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="Which organisation's rule is varied?",
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation whose rule is varied.",
            "invalid_choice": "Choose one of your organisations that is a partner here.",
        },
    )
    title = text_field(
        "Title",
        "Enter a title.",
        help_text="A short name people will recognise, for example: Park pavilion open early "
        "for health walks.",
    )
    subject = forms.ChoiceField(
        label="What does it change?",
        choices=Subject.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the variation is about."},
    )
    action = forms.ChoiceField(
        label="What kind of change is it?",
        choices=Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of change."},
    )
    standard_rule = text_field(
        "The standard rule or service",
        "Enter the standard rule it departs from.",
        help_text="What anyone anywhere would get, for example: park buildings open 10am to 4pm.",
    )
    standard_rule_url = forms.URLField(
        label="Link to the standard rule (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://example.org/rule."},
    )
    difference = textarea(
        "What is different inside the zone",
        "Enter what is different inside the zone.",
        help_text="In plain words a resident would understand.",
    )
    reason = textarea(
        "Why", "Enter why the variation is made.", help_text="What it is meant to improve."
    )
    outcomes = forms.MultipleChoiceField(
        label="Which of the zone's outcomes is it for?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one of the zone's outcomes.",
            "invalid_choice": "Choose outcomes from the list.",
        },
    )
    applies_to = textarea(
        "Who it applies to",
        "Enter who the variation applies to.",
        help_text="For example: adults referred by a GP practice in the zone.",
    )
    guaranteed = textarea(
        "What stays guaranteed",
        "Enter what stays guaranteed.",
        help_text="What everyone still gets, whatever changes.",
    )
    cap = text_field(
        "Any cap or limit (optional)", help_text="For example: up to 3 mornings a week."
    )
    scope = forms.ChoiceField(
        label="Where it applies",
        choices=[c for c in Scope.choices if c[0] != Scope.SUB_AREA],
        widget=forms.RadioSelect,
        initial=Scope.WHOLE_ZONE,
        error_messages={"required": "Choose where the variation applies."},
    )
    start_date = GovukDateField(
        label="Start date", noun="Start date", help_text="For example, 1 4 2027."
    )
    end_date = GovukDateField(
        label="End date (optional)",
        noun="End date",
        required=False,
        help_text="Leave blank if it lasts as long as the zone.",
    )
    accountable_name = text_field(
        "Name of the accountable leader",
        "Enter the name of the accountable leader.",
        help_text="The person who answers for this variation in public.",
    )
    accountable_role = text_field(
        "Their role",
        "Enter the accountable leader's role.",
        help_text="For example: ward councillor, or head of parks.",
    )

    def __init__(self, *args, zone, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["outcomes"].choices = [(str(o.pk), o.title) for o in zone.outcomes.all()]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        data.pop("version", None)
        return data


class EditVariationForm(VariationForm):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["owner"]


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class EndForm(ConfirmForm):
    reason = textarea(
        "Why is it ending?", "Enter why it is ending.", help_text="This is shown on the register."
    )


class BaselineForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the organisation.", "invalid_choice": "Choose one."},
    )
    service = text_field("Service", "Enter the service.", help_text="For example: parks.")
    statement = textarea(
        "The standard service",
        "Enter the standard service.",
        help_text="What anyone anywhere gets from this service, before any variation.",
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = owners


class LimitsForm(forms.Form):
    allowed_subjects = forms.MultipleChoiceField(
        label="Subjects allowed",
        choices=Subject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to allow every subject.",
    )
    max_active = forms.IntegerField(
        label="Most variations active at once (optional)",
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={
            "invalid": "Enter a whole number, like 5.",
            "min_value": "Enter 0 or more.",
            "max_value": "Enter 1000 or fewer.",
        },
    )


class FilterForm(forms.Form):
    """The register's filters. Unknown zones, partners and statuses just match nothing; a ward
    code we do not know, or a date that is not one, is explained."""

    zone = forms.CharField(required=False)
    partner = forms.CharField(required=False)
    subject = forms.ChoiceField(required=False, choices=[("", "Any"), *Subject.choices])
    status = forms.CharField(required=False)
    ward = forms.CharField(required=False, max_length=20)
    on = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as year-month-day, like 2026-05-01."},
    )

"""Forms for organisation pages: parse only; the rules live in `services.py`."""

from django import forms

from sizes.partners.models import OrganisationKind
from sizes.zones.forms import text_field, textarea


class OrganisationForm(forms.Form):
    name = text_field("Organisation name", "Enter the organisation's name.")
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of organisation it is.",
            "invalid_choice": "Choose what kind of organisation it is.",
        },
    )
    description = textarea("Description (optional)", help_text="What the organisation does.")
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        help_text="For example, https://www.example.org",
        error_messages={"invalid": "Enter a website address, like https://www.example.org"},
    )
    lat = forms.FloatField(
        label="Latitude (optional)",
        required=False,
        help_text="Where the organisation is based, shown on zone maps. For example, 52.4300.",
        error_messages={"invalid": "Enter the latitude as a number, like 52.4300."},
    )
    lon = forms.FloatField(
        label="Longitude (optional)",
        required=False,
        help_text="For example, -1.9250.",
        error_messages={"invalid": "Enter the longitude as a number, like -1.9250."},
    )


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve_sign", "Approve, with signing rights"),
            ("approve", "Approve, without signing rights"),
            ("decline", "Decline"),
        ],
        error_messages={
            "required": "Choose whether to approve or decline.",
            "invalid_choice": "Choose whether to approve or decline.",
        },
    )

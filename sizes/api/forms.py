from django import forms

from sizes.zones.forms import text_field


class TokenForm(forms.Form):
    name = text_field(
        "Name", "Enter a name for the token", max_length=100,
        help_text="What the token is for, so you can tell tokens apart, e.g. 'Case system'.",
    )  # fmt: skip
    organisations = forms.MultipleChoiceField(
        required=False,
        label="Organisations the token may act for",
        help_text="Select all that apply. The token can only change what these organisations "
        "own, and only what you could change yourself.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select organisations from the list"},
    )
    stewardship = forms.BooleanField(
        required=False,
        label="Steward work: record the evidence (measurements) of the zones you look after",
        help_text="Stewards act for zones, not for organisations. Tick this only if the system "
        "using the token sends measurements.",
    )

    def __init__(self, *args, organisations, can_steward: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_objects = {str(o.pk): o for o in organisations}
        self.fields["organisations"].choices = [(str(o.pk), o.name) for o in organisations]
        if not can_steward:
            del self.fields["stewardship"]

    def clean(self):
        data = super().clean()
        chosen = data.get("organisations") or data.get("stewardship")
        if not chosen and "organisations" not in self.errors:
            self.add_error(
                "organisations",
                "Select at least one organisation the token may act for"
                + (", or steward work" if "stewardship" in self.fields else ""),
            )
        return data

    def chosen_organisations(self) -> list:
        return [self.organisation_objects[pk] for pk in self.cleaned_data["organisations"]]

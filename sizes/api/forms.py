from django import forms

from sizes.zones.forms import text_field


class TokenForm(forms.Form):
    name = text_field(
        "Name", "Enter a name for the token", max_length=100,
        help_text="What the token is for, so you can tell tokens apart, e.g. 'Case system'.",
    )  # fmt: skip
    organisations = forms.MultipleChoiceField(
        label="Organisations the token may act for",
        help_text="Select all that apply. The token can only change what these organisations "
        "own, and only what you could change yourself.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one organisation the token may act for",
            "invalid_choice": "Select organisations from the list",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_objects = {str(o.pk): o for o in organisations}
        self.fields["organisations"].choices = [(str(o.pk), o.name) for o in organisations]

    def chosen_organisations(self) -> list:
        return [self.organisation_objects[pk] for pk in self.cleaned_data["organisations"]]

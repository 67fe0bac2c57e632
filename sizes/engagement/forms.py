"""Forms for engagement pages, with GOV.UK-style messages."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from sizes.engagement.emails import email_enqueue
from sizes.engagement.models import Frequency, Role
from sizes.zones.forms import text_field


class ResetForm(PasswordResetForm):
    """Django's reset form; the email goes out as a background task like every other."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email,
        html_email_template_name=None,
    ):  # fmt: skip
        body = render_to_string(email_template_name, context)
        email_enqueue(to=to_email, subject="Reset your SIZes password", body=body)


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 8 characters. Not a common password, and not all numbers."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password."
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again."
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The passwords do not match.",
        }


class ProfileForm(forms.Form):
    display_name = text_field(
        "Your name (optional)",
        max_length=150,
        help_text="Shown beside your public suggestions, ideas and comments. "
        "If you leave it empty, we show your username.",
    )
    home_postcode = text_field(
        "Home postcode (optional)",
        max_length=20,
        help_text="Used only to tell you about zones near you. Never shown to anyone.",
    )
    role = forms.ChoiceField(
        label="How do you take part?",
        choices=[("", "I would rather not say"), *Role.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label="How often should we email you about zones you follow?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often we email you."},
    )


class SuggestionForm(forms.Form):
    place = text_field(
        "Name the place",
        "Enter a name for the place.",
        max_length=150,
        help_text="For example, ‘Stirchley high street’ or ‘the Pershore Road estates’.",
    )
    why = forms.CharField(
        label="Why would a zone help here?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="What gets in the way of people here, and what could change. "
        "Everyone can read it.",
        error_messages={"required": "Enter why a zone would help."},
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
        error_messages={"required": "Choose at least one theme."},
    )
    postcode = text_field(
        "Postcode of the place",
        max_length=20,
        help_text="A postcode near the middle of the place. We use it to find the place and "
        "do not keep it. Or choose wards below.",
    )
    areas = forms.MultipleChoiceField(
        label="Or choose wards",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, themes, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.slug, t.name) for t in themes]
        self.fields["areas"].choices = [(w.code, w.name) for w in wards]

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "place": d["place"], "why": d["why"], "themes": d["themes"],
            "postcode": d["postcode"], "area_codes": d["areas"], "lat": d["lat"], "lon": d["lon"],
        }  # fmt: skip


class SuggestionToZoneForm(forms.Form):
    name = text_field("Zone name", "Enter a name for the zone.", max_length=200)
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea, max_length=2000,
        error_messages={"required": "Enter a summary."},
    )  # fmt: skip
    intention = forms.CharField(
        label="What the partners intend to change", widget=forms.Textarea, max_length=5000,
        error_messages={"required": "Enter what the partners intend to change."},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        from sizes.zones.forms import GovukDateField

        super().__init__(*args, **kwargs)
        self.fields["review_date"] = GovukDateField(
            noun="Intended review date", label="Intended review date",
            help_text="For example, 27 3 2029.",
        )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea, max_length=2000,
        help_text="Everyone can read it.", error_messages={"required": "Enter the reason."},
    )  # fmt: skip


class IdeaForm(forms.Form):
    role = forms.ChoiceField(
        label="How do you meet this rule or practice?",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you are a frontline worker, a service user or a resident."
        },
    )
    organisation = forms.ModelChoiceField(
        label="Whose rule or practice is it?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a partner organisation of this zone.",
            "invalid_choice": "Choose a partner organisation of this zone.",
        },
    )
    title = text_field(
        "A short title for your idea", "Enter a short title for your idea.", max_length=150
    )
    obstacle = forms.CharField(
        label="What gets in the way?",
        widget=forms.Textarea,
        max_length=3000,
        help_text="The rule or practice, and what it stops people doing.",
        error_messages={"required": "Enter what gets in the way."},
    )
    proposal = forms.CharField(
        label="What would you do instead?",
        widget=forms.Textarea,
        max_length=3000,
        error_messages={"required": "Enter what you would do instead."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class IdeaAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[("later", "We will consider it later"), ("declined", "We decline it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=3000,
        help_text="Everyone can read it, including the person who sent the idea.",
        error_messages={"required": "Enter the reason."},
    )

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
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
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
    # What was marked or drawn on the map (GeoJSON written by the map script; hidden, because
    # the map is the only way to fill it in — without JavaScript the postcode or wards are).
    drawn = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500_000)

    def __init__(self, *args, themes, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.slug, t.name) for t in themes]
        self.fields["areas"].choices = [(w.code, w.name) for w in wards]

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "place": d["place"],
            "why": d["why"],
            "themes": d["themes"],
            "postcode": d["postcode"],
            "area_codes": d["areas"],
            "lat": d["lat"],
            "lon": d["lon"],
            "drawn": d["drawn"],
        }


class SuggestionToZoneForm(forms.Form):
    name = text_field("Zone name", "Enter a name for the zone.", max_length=200)
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter a summary."},
    )
    intention = forms.CharField(
        label="What the partners intend to change",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the partners intend to change."},
    )

    def __init__(self, *args, **kwargs):
        from sizes.zones.forms import GovukDateField

        super().__init__(*args, **kwargs)
        self.fields["review_date"] = GovukDateField(
            noun="Intended review date",
            label="Intended review date",
            help_text="For example, 27 3 2029.",
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Everyone can read it.",
        error_messages={"required": "Enter the reason."},
    )


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


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea,
        max_length=5000,
        help_text="Everyone can read it, with your name. Be kind; comments that break the "
        "rules are hidden.",
        error_messages={"required": "Enter your comment."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[
            ("text", "Plain text"),
            ("markdown", "Markdown: **bold**, *italic*, lists and [links](https://…)"),
        ],
        widget=forms.RadioSelect,
        initial="text",
        required=False,
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with it? (optional)", max_length=500, required=False
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("hide", "Hide it for good"), ("restore", "Restore it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose hide or restore."},
    )
    reason = forms.CharField(
        label="Public reason",
        widget=forms.Textarea,
        max_length=1000,
        help_text="Shown in place of the comment if you hide it.",
        error_messages={"required": "Enter the reason."},
    )


def _time(value: str, label: str):
    import datetime as dt
    import re

    m = re.fullmatch(r"\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*", (value or "").lower())
    if not m or (m.group(2) is None and m.group(3) is None):
        raise forms.ValidationError(f"Enter the {label} as hours and minutes, like 18:30.")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half and not 1 <= hour <= 12:
        raise forms.ValidationError(f"Enter a real {label}, like 18:30 or 6:30pm.")
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    try:
        return dt.time(hour, minute)
    except ValueError:
        raise forms.ValidationError(f"Enter a real {label}, like 18:30.") from None


class MeetingForm(forms.Form):
    title = text_field(
        "Title",
        "Enter a title.",
        max_length=150,
        help_text="For example: Residents' meeting on the park pavilion.",
    )
    start_time = text_field(
        "Start time", "Enter the start time.", max_length=10, help_text="For example, 18:30."
    )
    end_time = text_field(
        "End time", "Enter the end time.", max_length=10, help_text="For example, 20:00."
    )
    place = text_field(
        "Place",
        max_length=300,
        help_text="The address, and how to get in. Leave empty if online only.",
    )
    online_url = text_field("Link to join online (optional)", max_length=500)
    agenda = forms.CharField(
        label="Agenda",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the agenda."},
    )

    def __init__(self, *args, **kwargs):
        from sizes.zones.forms import GovukDateField

        super().__init__(*args, **kwargs)
        self.fields["date"] = GovukDateField(
            noun="Date", label="Date", help_text="For example, 27 3 2027."
        )
        order = ["title", "date", "start_time", "end_time", "place", "online_url", "agenda"]
        self.order_fields(order)

    def clean_start_time(self):
        return _time(self.cleaned_data["start_time"], "start time")

    def clean_end_time(self):
        return _time(self.cleaned_data["end_time"], "end time")

    def service_fields(self) -> dict:
        import datetime as dt

        from django.utils import timezone

        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        return {
            "title": d["title"],
            "place": d["place"],
            "online_url": d["online_url"],
            "agenda": d["agenda"],
            "starts_at": dt.datetime.combine(d["date"], d["start_time"], tzinfo=tz),
            "ends_at": dt.datetime.combine(d["date"], d["end_time"], tzinfo=tz),
        }


class MeetingRecordForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form was incomplete. Reload the page and try again.",
            "invalid": "The form was incomplete. Reload the page and try again.",
        },
    )
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "Enter the minutes."},
    )
    decisions = forms.CharField(
        label="Decisions (optional)", widget=forms.Textarea, max_length=5000, required=False
    )
    attended_residents = forms.IntegerField(
        label="Residents who came (optional)",
        min_value=0,
        max_value=100000,
        required=False,
        error_messages={"invalid": "Enter a whole number."},
    )
    attended_partners = forms.IntegerField(
        label="People from partner organisations (optional)",
        min_value=0,
        max_value=100000,
        required=False,
        error_messages={"invalid": "Enter a whole number."},
    )
    attended_others = forms.IntegerField(
        label="Others (optional)",
        min_value=0,
        max_value=100000,
        required=False,
        error_messages={"invalid": "Enter a whole number."},
    )


class FollowAreaForm(forms.Form):
    postcode = text_field(
        "Postcode",
        max_length=20,
        help_text="Leave empty to use the home postcode in your details. Never shown to anyone.",
    )
    radius_m = forms.IntegerField(
        label="How far from it, in metres",
        min_value=50,
        max_value=20000,
        initial=1000,
        error_messages={
            "required": "Enter a distance in metres.",
            "invalid": "Enter a distance in metres, like 1000.",
            "min_value": "Enter a distance of at least 50 metres.",
            "max_value": "Enter a distance of at most 20000 metres.",
        },
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput, strip=False,
        error_messages={"required": "Enter your password to confirm."},
    )  # fmt: skip

"""Forms that parse what people type on zone pages.

Forms only parse and check that the input is well formed (present, a real date, a known
choice). Every domain rule stays in `services.py`; when a service refuses, the view passes its
`DomainError` to `add_domain_error`, which puts each message beside the field it is about.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from sizes.core.errors import DomainError
from sizes.partners.models import Organisation, Partnership
from sizes.zones.models import DEFAULT_THEMES, Review

# --- Shared helpers (the partners and accounts pages use them too) ---------------------------


class DatePartsWidget(forms.MultiWidget):
    """Three text boxes, day / month / year: the GOV.UK date input.

    Submitted as `<name>_day`, `<name>_month` and `<name>_year`.
    """

    # Read by the `field` macro in macros/forms.html to choose the GOV.UK component.
    input_type = "date-input"

    def __init__(self, attrs=None):
        super().__init__(
            widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput},
            attrs=attrs,
        )

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages.

    `noun` names the date in messages: "Review date must be a real date".
    """

    widget = DatePartsWidget

    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter the {noun.lower()}.")
        super().__init__(**kwargs)

    def to_python(self, value):
        parts = self.parts(value)
        if not any(parts):
            return None
        missing = [n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p]
        if missing:
            raise ValidationError(
                f"{self.noun} must include a {' and a '.join(missing)}.", code="date_incomplete"
            )
        if not all(p.isdigit() for p in parts):
            raise ValidationError(f"{self.noun} must be a real date.", code="date_invalid")
        day, month, year = parts
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers.", code="date_year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"{self.noun} must be a real date.", code="date_invalid"
            ) from None

    @staticmethod
    def parts(value) -> list[str]:
        """The day, month and year to show in the three boxes, as strings."""
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple) and len(value) == 3:
            return [str(p).strip() if p is not None else "" for p in value]
        return ["", "", ""]


def add_domain_error(form: forms.Form, exc: DomainError, *, field_map=None) -> None:
    """Show a service's refusal on the form: each problem beside its field where we can tell.

    A problem belongs to a field when its `field` names one, or its code starts with a field's
    name (the services' `clean_text` codes are `<field>_required`, `<field>_too_long`).
    `field_map` maps a service's field name or code to the form's field name.
    """
    field_map = field_map or {}
    problems = exc.details or [exc]
    for problem in problems:
        form.add_error(_field_for(form, problem, field_map), problem.message)


def message_form(message: str) -> forms.Form:
    """An empty form carrying one message, for pages whose error is not about a field."""
    form = forms.Form({})
    form.is_valid()
    form.add_error(None, message)
    return form


def _field_for(form, problem, field_map) -> str | None:
    code = problem.code
    named = getattr(problem, "field", None)
    for key in (named, code):
        if key and field_map.get(key) in form.fields:
            return field_map[key]
    if named in form.fields:
        return named
    visible = [f for f in form.fields if not form.fields[f].widget.is_hidden]
    for name in sorted(visible, key=len, reverse=True):
        if code.startswith(name + "_"):
            return name
    return None


def text_field(label: str, required_message: str | None = None, **kwargs) -> forms.CharField:
    """A CharField; required ones say what to enter, in the services' words."""
    kwargs.setdefault("required", required_message is not None)
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return forms.CharField(label=label, strip=True, **kwargs)


def textarea(label: str, required_message: str | None = None, **kwargs) -> forms.CharField:
    return text_field(label, required_message, widget=forms.Textarea, **kwargs)


# --- Zone forms -------------------------------------------------------------------------------


class ZoneForm(forms.Form):
    name = text_field(
        "Zone name",
        "Enter a name for the zone.",
        help_text="For example, Stirchley and Cotteridge health zone.",
    )
    summary = textarea(
        "Summary",
        "Enter a summary.",
        help_text="Say in plain language what the zone is for and where it is.",
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        required=False,
        choices=[(name, name) for name in DEFAULT_THEMES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose themes from the list."},
    )
    other_themes = text_field(
        "Other themes (optional)",
        help_text="Separate themes with commas, for example: food, digital skills.",
    )
    review_date = GovukDateField(
        label="Intended review date",
        noun="Review date",
        help_text="When the zone will be reviewed and then renewed or ended. "
        "For example, 27 3 2028.",
    )
    intention = textarea(
        "Statement of shared intention",
        "Enter the statement of shared intention.",
        help_text="What the council, residents and partners intend to do together.",
    )

    def __init__(self, *args, with_review_date: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_review_date:
            del self.fields["review_date"]

    def theme_names(self) -> list[str]:
        """Chosen default themes plus the comma-separated others, as the service expects."""
        others = [t.strip() for t in self.cleaned_data.get("other_themes", "").split(",")]
        return [*self.cleaned_data.get("themes", []), *(t for t in others if t)]

    @classmethod
    def initial_for(cls, zone) -> dict:
        names = [t.name for t in zone.themes.all()]
        return {
            "name": zone.name,
            "summary": zone.summary,
            "intention": zone.intention,
            "review_date": zone.review_date,
            "themes": [n for n in names if n in DEFAULT_THEMES],
            "other_themes": ", ".join(n for n in names if n not in DEFAULT_THEMES),
        }


class ProposeForm(ZoneForm):
    outcome_title = text_field(
        "First outcome",
        help_text="A public-service outcome the zone sets out to improve, for example: "
        "fewer emergency hospital admissions. You can add more later. A zone needs at least "
        "one outcome before it can be declared.",
    )
    outcome_description = textarea("Describe the outcome (optional)")

    field_order = [
        "name",
        "summary",
        "themes",
        "other_themes",
        "review_date",
        "intention",
        "outcome_title",
        "outcome_description",
    ]

    def clean(self):
        data = super().clean()
        if data.get("outcome_description") and not data.get("outcome_title"):
            self.add_error("outcome_title", "Enter the outcome's title.")
        return data


class EditZoneForm(ZoneForm):
    reason = textarea(
        "What changed and why (optional)", help_text="This is kept in the zone's public history."
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form was incomplete. Reload the page and try again.",
            "invalid": "The form was incomplete. Reload the page and try again.",
        },
    )


class OutcomeForm(forms.Form):
    title = text_field("Outcome title", "Enter the outcome's title.")
    description = textarea("Describe the outcome (optional)")


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose an organisation to invite.",
            "invalid_choice": "Choose an organisation from the list.",
        },
    )
    role = forms.ChoiceField(
        label="Role in the zone",
        choices=Partnership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation's role.",
            "invalid_choice": "Choose the organisation's role.",
        },
    )
    commitment = textarea(
        "What the organisation is asked to commit to",
        "Enter the commitment.",
        help_text="The organisation will see this and answer it in public.",
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            partnerships__zone=zone
        ).order_by("name")


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label="Your answer",
        choices=[
            (Partnership.Response.AGREED, "Agree"),
            (Partnership.Response.RESERVATIONS, "Agree with reservations"),
            (Partnership.Response.OBJECTED, "Object"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose agree, agree with reservations, or object.",
            "invalid_choice": "Choose agree, agree with reservations, or object.",
        },
    )
    response_text = textarea(
        "Your reservations, or your reason for objecting",
        help_text="Needed if you agree with reservations or object. Everyone can read it.",
    )


class ObjectionReplyForm(forms.Form):
    objection_answer = textarea(
        "Your public answer to the objection",
        "Enter your answer.",
        help_text="Everyone can read it. An answered objection no longer stops the zone "
        "being declared, but it stays on the record.",
    )


class WithdrawForm(forms.Form):
    reason = textarea(
        "Why is the zone being withdrawn?",
        "Enter the reason.",
        help_text="This is shown on the register.",
    )


class ReviewForm(forms.Form):
    evidence_summary = textarea(
        "Summary of the evidence",
        "Enter a summary of the evidence.",
        help_text="What changed for people in the zone, and what the partners learned.",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to renew or dissolve.",
            "invalid_choice": "Choose whether to renew or dissolve.",
        },
    )
    new_review_date = GovukDateField(
        label="New review date",
        noun="New review date",
        required=False,
        help_text="Only if you renew the zone. For example, 27 3 2029.",
    )


class CommentForm(forms.Form):
    body = textarea("Your comment", "Enter your comment.", help_text="Everyone can read it.")

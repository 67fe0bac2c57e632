"""Forms for pooled information and pledges. They only parse; the rules are in services.py."""

from django import forms

from sizes.partners.models import Organisation
from sizes.resources.models import AssetKind, BudgetKind, PledgeKind, Visibility
from sizes.zones.forms import GovukDateField, text_field, textarea

VERSION_ERRORS = {
    "required": "The form was incomplete. Reload the page and try again.",
    "invalid": "The form was incomplete. Reload the page and try again.",
}


def _org_field(label="Which organisation is it for?"):
    return forms.ModelChoiceField(
        label=label,
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation.",
            "invalid_choice": "Choose one of your organisations from the list.",
        },
    )


def _visibility():
    return forms.ChoiceField(
        label="Who can see it?",
        choices=[
            (Visibility.PUBLIC, "Everyone"),
            (Visibility.PARTNERS, "Only members of the zone's partner organisations"),
        ],
        widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
        error_messages={"required": "Choose who can see it."},
    )


class RecordForm(forms.Form):
    """Base: an organisation choice on add (removed on edit) and a version on edit."""

    organisation = _org_field()
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)

    def __init__(self, *args, owners=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organisation"]
        else:
            del self.fields["version"]
            self.fields["organisation"].queryset = owners
            if owners is not None and owners.count() == 1:
                self.fields["organisation"].initial = owners.first().pk

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        data.pop("version", None)
        return data


class BudgetForm(RecordForm):
    service = text_field(
        "Service", "Enter the service.", help_text="For example: parks maintenance."
    )
    financial_year = text_field(
        "Financial year",
        help_text="Like 2025-26 (1 April to 31 March). Or leave blank and give the dates below.",
    )
    period_start = GovukDateField(label="Period starts", noun="Start date", required=False)
    period_end = GovukDateField(label="Period ends", noun="End date", required=False)
    amount = text_field(
        "Whole budget for the service", "Enter the amount.", help_text="For example: 120000."
    )
    currency = text_field("Currency", "Enter the currency.", initial="GBP", help_text="Like GBP.")
    zone_share_amount = text_field(
        "Amount spent in the zone", help_text="Give this or the percentage below, not both."
    )
    zone_share_percent = text_field("Or: percentage spent in the zone", help_text="From 0 to 100.")
    share_basis = textarea(
        "How did you estimate the share spent in the zone?",
        "Enter how the share was estimated.",
        help_text="For example: the share of the ward's population living in the zone.",
    )
    kind = forms.ChoiceField(
        label="What kind of money is it?",
        choices=BudgetKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose new money, redirected money or in kind."},
    )
    visibility = _visibility()


class AssetForm(RecordForm):
    kind = forms.ChoiceField(
        label="What kind of asset is it?",
        choices=AssetKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of asset it is."},
    )
    name = text_field("Name", "Enter the asset's name.")
    description = textarea("Description", "Enter a description.")
    lat = text_field("Latitude (optional)", help_text="For a point, like 52.4193.")
    lon = text_field("Longitude (optional)", help_text="For a point, like -1.9278.")
    area = textarea(
        "Or an area, as GeoJSON (optional)",
        help_text="A Polygon or MultiPolygon in longitude and latitude.",
    )
    location_note = text_field("Where it is, in words (optional)")
    availability = textarea("When it is available (optional)")
    terms = textarea("Terms of use (optional)")
    contact_route = text_field(
        "How to ask about it (optional)",
        help_text="Shown to everyone: an organisation's web form, shared mailbox or switchboard, "
        "never a person's own details.",
    )
    visibility = _visibility()


class ObjectiveForm(RecordForm):
    title = text_field("Title", "Enter a title.")
    summary = textarea("Summary", "Enter a summary.")
    start_date = GovukDateField(label="Start date (optional)", noun="Start date", required=False)
    end_date = GovukDateField(label="End date (optional)", noun="End date", required=False)
    link = text_field("Link (optional)", help_text="A full web address, starting https://.")
    visibility = _visibility()


class PlanForm(ObjectiveForm):
    document = forms.FileField(
        label="Upload the plan as a PDF (optional)",
        required=False,
        help_text="PDF only, up to 5 MB.",
        error_messages={"invalid": "Choose a PDF file.", "empty": "The file is empty."},
    )


class PledgeForm(forms.Form):
    organisation = _org_field("Which organisation is pledging?")
    kind = forms.ChoiceField(
        label="What are you pledging?",
        choices=PledgeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose money or expertise."},
    )
    title = text_field("Title", "Enter a title for the pledge.")
    amount = text_field("Amount (for money)", help_text="For example: 15000.")
    currency = text_field("Currency (for money)", initial="GBP")
    expertise_days = text_field("Days (for expertise)", help_text="For example: 5.")
    expertise_kind = text_field(
        "Kind of expertise", help_text="For example: evaluation design, legal advice."
    )
    period_start = GovukDateField(label="From (optional)", noun="Start date", required=False)
    period_end = GovukDateField(label="Until (optional)", noun="End date", required=False)
    conditions = textarea("Conditions (optional)")
    visibility = _visibility()

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = owners

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class GrantForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)
    granted_on = GovukDateField(label="Date of the grant", noun="Date of the grant")
    granted_amount = text_field("Amount granted (for money)")


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)
    reason = textarea("Why is it withdrawn?", "Enter why it is withdrawn.")


class ImportForm(forms.Form):
    organisation = _org_field("Whose records are they?")
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[("budgets", "Budgets"), ("assets", "Assets")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose budgets or assets."},
    )
    file = forms.FileField(
        label="CSV file (UTF-8)",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = owners


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class IdentifierForm(forms.Form):
    org_id = text_field(
        "Identifier",
        "Enter an identifier, like GB-CHC-1234567.",
        help_text="In org-id form: GB-LAE-BIR (local authority), GB-CHC-1234567 (charity), "
        "GB-COH-01234567 (company), GB-NHS-QHL (NHS).",
    )


class FunderFilterForm(forms.Form):
    theme = forms.ChoiceField(label="Theme", required=False)
    outcome = forms.CharField(label="Outcome (words in its title)", required=False, max_length=100)
    place = forms.CharField(label="Place: a postcode or a ward", required=False, max_length=100)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme")] + [(t.slug, t.name) for t in themes]

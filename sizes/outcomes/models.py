"""Evidence for a zone's outcomes: indicators, measurements, comparison areas, SROI analyses,
financial proxies, lessons, adoptions beyond the zone and the evidence frozen into reviews.

An *indicator* says how an outcome is measured (unit, polarity, source, geography). Its
*measurements* are values for a period, either for the zone itself (`area_code` empty) or for a
reference area (an LSOA or ward code) — the zone's own areas, when the indicator is measured on
them and aggregated, and the *comparison areas* outside the zone that difference-in-differences
compares it with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class GeographyLevel(models.TextChoices):
    ZONE = "zone", "The zone as a whole"
    WARD = "ward", "Wards"
    LSOA = "lsoa", "Lower layer super output areas (LSOAs)"
    POSTCODE = "postcode", "Postcodes"
    DIRECT = "direct", "Counted directly"


# Geography levels whose measurements are on reference areas and are aggregated to the zone.
AREA_LEVELS = (GeographyLevel.WARD, GeographyLevel.LSOA)


class Aggregation(models.TextChoices):
    """How values on reference areas become one value for the zone (see aggregation.py)."""

    MEAN = "mean", "Average weighted by area inside the zone (rates, scores, ranks)"
    SUM = "sum", "Sum apportioned by share of area inside the zone (counts)"


class Indicator(models.Model):
    outcome = models.ForeignKey(
        "zones.Outcome", on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="What is counted, and how.")
    unit = models.CharField(max_length=60, help_text="For example: %, people, rank, £.")
    polarity = models.CharField(max_length=6, choices=Polarity.choices)
    source = models.CharField(max_length=300, help_text="Where the figures come from.")
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=200, help_text="For example: Open Government Licence.")
    geography_level = models.CharField(max_length=8, choices=GeographyLevel.choices)
    aggregation = models.CharField(
        max_length=4, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    baseline_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # Only context: shown with the zone's figures but not an outcome the zone is judged on.
    is_context = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["outcome_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_date__isnull=False),
                name="indicator_baseline_has_date",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_date__isnull=False),
                name="indicator_target_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self):
        return self.outcome.zone


class Measurement(models.Model):
    """One value of an indicator for one period, for the zone or for one reference area."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    # Empty: the zone itself. Otherwise a reference area's GSS code (LSOA, ward).
    area_code = models.CharField(max_length=20, blank=True)
    # Normalised label ("2024", "2024-03", "2024-Q1", "FY 2024/25") and the dates it covers.
    period = models.CharField(max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=6)
    # How the zone value was made: "measured", "aggregated from N areas (area-weighted)".
    method = models.CharField(max_length=200, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Made-up example figures (demo), labelled as such."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator_id", "area_code", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "period"], name="one_measurement_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.area_code or 'zone'} {self.period} = {self.value}"

    @property
    def is_zone(self) -> bool:
        return not self.area_code


class ComparisonArea(models.Model):
    """A reference area outside the zone that an indicator is compared with."""

    class Choice(models.TextChoices):
        PICKED = "picked", "Picked by a steward"
        SUGGESTED = "suggested", "Suggested by SIZes as similar"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="comparison_areas"
    )
    area = models.ForeignKey("geo.ReferenceArea", on_delete=models.CASCADE, related_name="+")
    chosen = models.CharField(max_length=10, choices=Choice.choices, default=Choice.PICKED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area"], name="one_comparison_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area.code} for {self.indicator}"


class SROIAnalysis(models.Model):
    """An SROI analysis for a zone: its input as given and the results the engine computed."""

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="sroi_analyses")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    inputs = models.JSONField()
    results = models.JSONField()
    sroi_ratio = models.DecimalField(max_digits=12, decimal_places=2)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="sroi_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class FinancialProxy(models.Model):
    """A value for one unit of an outcome, with where it came from and its licence.

    Only values whose licence lets SIZes redistribute them may be shipped (Crown copyright under
    the Open Government Licence, for example). Values from the HACT Social Value Bank or the
    National TOMs may not be shipped: a user who holds a licence imports their own.
    """

    class ValueType(models.TextChoices):
        WELLBEING = "wellbeing", "Well-being"
        FISCAL = "fiscal", "Fiscal (cost to the public purse)"
        ECONOMIC = "economic", "Economic"
        MARKET = "market", "Market price"

    outcome = models.CharField(max_length=200)
    indicator = models.CharField(max_length=200, blank=True)
    stakeholder = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    unit = models.CharField(max_length=120)
    price_year = models.PositiveSmallIntegerField()
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    source = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=200)
    geography = models.CharField(max_length=100, default="England")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["outcome", "price_year"]
        verbose_name_plural = "financial proxies"

    def __str__(self) -> str:
        return f"{self.outcome}: {self.currency} {self.value} {self.unit} ({self.price_year})"


class Lesson(models.Model):
    """What a zone learned, from a review: what worked, what did not, what should spread."""

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="lessons")
    review = models.ForeignKey(
        "zones.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    title = models.CharField(max_length=200)
    theme = models.ForeignKey(
        "zones.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    outcome = models.ForeignKey(
        "zones.Outcome", null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    what_worked = models.TextField(blank=True)
    what_did_not = models.TextField(blank=True)
    what_should_spread = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class VariationAdoption(models.Model):
    """A variation taken up beyond its zone: where, and a link to show it."""

    variation = models.ForeignKey(
        "variations.Variation", on_delete=models.CASCADE, related_name="adoptions"
    )
    adopted_beyond = models.CharField(max_length=300, help_text="Where it was adopted.")
    url = models.URLField(blank=True)
    adopted_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-adopted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.variation} adopted in {self.adopted_beyond}"


class ReviewEvidence(models.Model):
    """The evidence as it stood when a review was saved: frozen, never recomputed."""

    review = models.OneToOneField("zones.Review", on_delete=models.CASCADE, related_name="evidence")
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Evidence for {self.review}"

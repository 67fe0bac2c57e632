"""Admin: the financial proxy library is edited here (with every change audited); the rest of
the evidence is shown read-only, because it changes only through the services."""

from django.contrib import admin

from sizes.audit.services import audit_record
from sizes.core.admin_helpers import ReadOnlyAdmin
from sizes.outcomes.models import (
    FinancialProxy,
    Indicator,
    Lesson,
    Measurement,
    SROIAnalysis,
    VariationAdoption,
)


@admin.register(FinancialProxy)
class FinancialProxyAdmin(admin.ModelAdmin):
    list_display = ("outcome", "value", "currency", "unit", "price_year", "value_type", "source")
    list_filter = ("value_type", "price_year", "geography")
    search_fields = ("outcome", "indicator", "stakeholder", "source")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="financial_proxy.changed" if change else "financial_proxy.added",
            obj=obj,
            changes={f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="financial_proxy.deleted", obj=obj)
        super().delete_model(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "outcome", "unit", "geography_level", "baseline_value")
    search_fields = ("name",)


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "area_code", "period", "value", "illustrative")
    list_filter = ("illustrative",)


@admin.register(SROIAnalysis)
class SROIAnalysisAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "sroi_ratio", "published")


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "published")


@admin.register(VariationAdoption)
class VariationAdoptionAdmin(ReadOnlyAdmin):
    list_display = ("variation", "adopted_beyond", "adopted_on")

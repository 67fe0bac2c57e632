"""Admin: the financial proxy library is edited here (with every change audited); the rest of
the evidence is shown read-only, because it changes only through the services."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from sizes.audit.services import audit_record
from sizes.core.admin_helpers import ReadOnlyAdmin
from sizes.core.errors import DomainError
from sizes.outcomes import permissions as perms
from sizes.outcomes.models import (
    FinancialProxy,
    Indicator,
    Lesson,
    Measurement,
    SROIAnalysis,
    VariationAdoption,
)
from sizes.outcomes.proxies import REQUIRED, read_proxy_csv
from sizes.outcomes.services import PROXY_COLUMNS, financial_proxies_import


class ProxyImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with a header row.")
    licensed = forms.BooleanField(
        label="I hold a licence for restricted values",
        required=False,
        help_text="Only for HACT UK Social Value Bank or National TOMs values, and only if "
        "your organisation's licence covers publishing them on this site.",
    )


@admin.register(FinancialProxy)
class FinancialProxyAdmin(admin.ModelAdmin):
    list_display = ("outcome", "value", "currency", "unit", "price_year", "value_type", "source")
    list_filter = ("value_type", "price_year", "geography")
    search_fields = ("outcome", "indicator", "stakeholder", "source")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="outcomes_financialproxy_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV of proxies: the same reader and service as `sizes import-proxies`."""
        if not perms.can_manage_proxies(request.user):
            messages.error(request, "Only administrators can import financial proxies.")
            return redirect("admin:index")
        form = ProxyImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "columns": PROXY_COLUMNS,
            "required": REQUIRED,
            "title": "Import financial proxies",
        }
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    count = financial_proxies_import(
                        actor=request.user,
                        rows=read_proxy_csv(form.cleaned_data["file"].read()),
                        allow_restricted=form.cleaned_data["licensed"],
                    )
                except DomainError as exc:
                    context["message"] = exc.message
                    context["problems"] = [p.message for p in exc.details] or [exc.message]
                else:
                    messages.success(request, f"Imported {count} financial proxies.")
                    return redirect("admin:outcomes_financialproxy_changelist")
        return TemplateResponse(
            request, "admin/outcomes/financialproxy/import.html", context, status=status
        )

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

from django.contrib import admin
from django.urls import include, path

from sizes.api.api import api
from sizes.outcomes.views import sroi_calculate
from sizes.resources import views as resource_views

urlpatterns = [
    path("", include("sizes.web.urls")),
    path("zones/", include("sizes.zones.urls")),
    path("organisations/", include("sizes.partners.urls")),
    path("account/tokens/", include("sizes.api.urls")),
    path("account/", include("sizes.accounts.urls")),
    path("variations/", include("sizes.variations.urls")),
    path("accountability/", include("sizes.variations.report_urls")),
    path("history/", include("sizes.audit.urls")),
    path("feeds/", include("sizes.web.feed_urls")),
    path("", include("sizes.resources.urls")),
    path("", include("sizes.outcomes.urls")),
    path("", include("sizes.geo.urls")),
    path("", include("sizes.engagement.urls")),
    # The SROI calculator is one implementation behind the CLI, this endpoint and the zone page;
    # it takes free-form JSON, so it sits beside the typed API rather than inside it.
    path("api/v1/sroi/calculate", sroi_calculate, name="api-sroi-calculate"),
    # The open-standard exports (360Giving, Open Referral UK, budgets CSV and its data package)
    # are published documents with their own schemas; the API serves the same documents.
    path("api/v1/zones/<slug:slug>/export/360giving.json", resource_views.export_360giving),
    path("api/v1/zones/<slug:slug>/export/openreferral.json", resource_views.export_openreferral),
    path("api/v1/zones/<slug:slug>/export/budgets.csv", resource_views.export_budgets_csv),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "sizes.web.views.not_found"
handler500 = "sizes.web.views.server_error"
handler403 = "sizes.web.views.forbidden"
handler400 = "sizes.web.views.bad_request"

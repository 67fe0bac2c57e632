from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("sizes.web.urls")),
    path("zones/", include("sizes.zones.urls")),
    path("organisations/", include("sizes.partners.urls")),
    path("account/", include("sizes.accounts.urls")),
    path("variations/", include("sizes.variations.urls")),
    path("accountability/", include("sizes.variations.report_urls")),
    path("history/", include("sizes.audit.urls")),
    path("feeds/", include("sizes.web.feed_urls")),
    path("", include("sizes.resources.urls")),
    path("", include("sizes.outcomes.urls")),
    path("", include("sizes.geo.urls")),
    path("api/v1/", include("sizes.geo.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "sizes.web.views.not_found"
handler500 = "sizes.web.views.server_error"
handler403 = "sizes.web.views.forbidden"
handler400 = "sizes.web.views.bad_request"

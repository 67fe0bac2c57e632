from django.contrib import admin
from django.urls import include, path

from sizes.api.api import api

urlpatterns = [
    # The API first: its requests (lookups above all) are then matched without trying every
    # page's pattern; nothing else lives under api/v1/ (its catch-all answers 404 there).
    # /api/v1/ also serves the SROI calculator and the zones' open-standard exports, as typed
    # operations in the OpenAPI document (sizes/api/routers/outcomes.py and resources.py) over
    # the same single implementations as the pages.
    path("api/v1/", api.urls),
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
    path("admin/", admin.site.urls),
]

handler404 = "sizes.web.views.not_found"
handler500 = "sizes.web.views.server_error"
handler403 = "sizes.web.views.forbidden"
handler400 = "sizes.web.views.bad_request"

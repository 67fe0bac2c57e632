from django.urls import path

from sizes.variations import report_views as views

app_name = "accountability"
urlpatterns = [
    path("zone/<slug:slug>.pdf", views.zone_report, {"as_pdf": True}, name="zone-pdf"),
    path("zone/<slug:slug>/", views.zone_report, name="zone"),
    path("ward/<slug:code>.pdf", views.ward_report, {"as_pdf": True}, name="ward-pdf"),
    path("ward/<slug:code>/", views.ward_report, name="ward"),
]

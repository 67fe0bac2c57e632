from django.urls import path

from sizes.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("sroi/calculate", views.sroi_calculate, name="sroi_calculate"),
    path("zones/<slug:slug>/sroi/", views.zone_sroi, name="zone_sroi"),
]

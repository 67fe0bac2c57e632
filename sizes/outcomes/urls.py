from django.urls import path

from sizes.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("sroi/calculate", views.sroi_calculate, name="sroi_calculate"),
    path("zones/<slug:slug>/sroi/", views.zone_sroi, name="zone_sroi"),
    path("zones/<slug:slug>/sroi/<int:pk>/", views.sroi_detail, name="sroi_detail"),
    path("zones/<slug:slug>/outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path("lessons/", views.lessons, name="lessons"),
]

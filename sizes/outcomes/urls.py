from django.urls import path

from sizes.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("sroi/calculate", views.sroi_calculate, name="sroi_calculate"),
    path("zones/<slug:slug>/sroi/", views.zone_sroi, name="zone_sroi"),
    path("zones/<slug:slug>/sroi/<int:pk>/", views.sroi_detail, name="sroi_detail"),
    path("zones/<slug:slug>/outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path(
        "zones/<slug:slug>/outcomes/<int:pk>/indicators/new/",
        views.indicator_new,
        name="indicator_new",
    ),
    path(
        "zones/<slug:slug>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "zones/<slug:slug>/indicators/<int:pk>/baseline/",
        views.indicator_baseline,
        name="indicator_baseline",
    ),
    path(
        "zones/<slug:slug>/indicators/<int:pk>/measurements/new/",
        views.measurement_new,
        name="measurement_new",
    ),
    path(
        "zones/<slug:slug>/indicators/<int:pk>/comparison-areas/",
        views.comparison_choose,
        name="comparison_choose",
    ),
    path("zones/<slug:slug>/reviews/<int:pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path(
        "zones/<slug:slug>/lessons/<int:pk>/publish/", views.lesson_publish, name="lesson_publish"
    ),
    path(
        "zones/<slug:slug>/variations/<int:pk>/adopted/",
        views.adoption_new,
        name="adoption_new",
    ),
    path("lessons/", views.lessons, name="lessons"),
    path("financial-proxies/", views.proxies, name="proxies"),
]

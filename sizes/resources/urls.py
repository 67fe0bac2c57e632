"""Pooled information, pledges and exports. Included at the site root, so paths are full."""

from django.urls import path

from sizes.resources import views

app_name = "resources"
urlpatterns = [
    path("zones/<slug:slug>/resources/", views.zone_resources, name="zone"),
    path("zones/<slug:slug>/import/", views.import_upload, name="import"),
    path("zones/<slug:slug>/import/confirm/", views.import_confirm, name="import-confirm"),
    path("zones/<slug:slug>/pledge/", views.pledge_add, name="pledge-add"),
    path("zones/<slug:slug>/pledges/<int:pk>/grant/", views.pledge_grant, name="pledge-grant"),
    path(
        "zones/<slug:slug>/pledges/<int:pk>/withdraw/",
        views.pledge_withdraw,
        name="pledge-withdraw",
    ),
    path(
        "zones/<slug:slug>/plans/<int:pk>/document.pdf",
        views.plan_document,
        name="plan-document",
    ),
    path("zones/<slug:slug>/assets.geojson", views.assets_geojson, name="assets-geojson"),
    path(
        "zones/<slug:slug>/export/360giving.json", views.export_360giving, name="export-360giving"
    ),
    path(
        "zones/<slug:slug>/export/openreferral.json",
        views.export_openreferral,
        name="export-openreferral",
    ),
    path("zones/<slug:slug>/export/budgets.csv", views.export_budgets_csv, name="export-budgets"),
    path(
        "zones/<slug:slug>/export/datapackage.json",
        views.export_datapackage,
        name="export-datapackage",
    ),
    path("organisations/<slug:slug>/resources/", views.organisation_resources, name="organisation"),
    path("organisations/<slug:slug>/identifiers/add/", views.identifier_add, name="identifier-add"),
    path("funders/", views.funders, name="funders"),
]
for _kind in ("budget", "asset", "objective", "plan"):
    urlpatterns += [
        path(
            f"zones/<slug:slug>/{_kind}s/add/",
            views.record_add,
            {"kind": _kind},
            name=f"{_kind}-add",
        ),
        path(
            f"zones/<slug:slug>/{_kind}s/<int:pk>/edit/",
            views.record_edit,
            {"kind": _kind},
            name=f"{_kind}-edit",
        ),
    ]

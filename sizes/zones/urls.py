from django.urls import path

from sizes.geo import boundary_views
from sizes.zones import views

app_name = "zones"
urlpatterns = [
    path("", views.register, name="register"),
    path("propose/", views.propose, name="propose"),
    path("map.geojson", boundary_views.map_geojson, name="map-geojson"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/boundary/", boundary_views.boundary, name="boundary"),
    path("<slug:slug>/boundary.geojson", boundary_views.boundary_geojson, name="boundary-geojson"),
    path("<slug:slug>/outcomes/add/", views.outcome_add, name="outcome-add"),
    path("<slug:slug>/partners/invite/", views.partner_invite, name="partner-invite"),
    path("<slug:slug>/partners/<int:pk>/answer/", views.partner_answer, name="partner-answer"),
    path("<slug:slug>/partners/<int:pk>/reply/", views.objection_reply, name="objection-reply"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/declare/", views.declare, name="declare"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/review/", views.review, name="review"),
    path("<slug:slug>/comments/", views.comment, name="comment"),
]

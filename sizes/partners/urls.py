from django.urls import path

from sizes.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.organisations, name="organisations"),
    path("new/", views.organisation_create, name="organisation-create"),
    path("<slug:slug>/", views.organisation, name="organisation"),
    path("<slug:slug>/join/", views.join, name="organisation-join"),
    path(
        "<slug:slug>/members/<int:pk>/decide/",
        views.membership_decide,
        name="membership-decide",
    ),
]

"""Account pages for API tokens, mounted at /account/tokens/ (the API itself is mounted from
sizes.api.api at /api/v1/)."""

from django.urls import path

from sizes.api import views

app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]

from django.urls import path

from sizes.audit import views

app_name = "history"
urlpatterns = [
    path("zone/<slug:slug>/", views.zone_history, name="zone"),
    path("variation/<int:pk>/", views.variation_history, name="variation"),
]

from django.urls import path

from sizes.geo import views

app_name = "geo"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("wards/<str:code>/", views.ward, name="ward"),
]

from django.urls import path

from sizes.geo import api

app_name = "api"
urlpatterns = [
    path("lookup", api.lookup, name="lookup"),
]

from django.urls import path

from sizes.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.organisations, name="organisations"),
]

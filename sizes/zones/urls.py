from django.urls import path

from sizes.zones import views

app_name = "zones"
urlpatterns = [
    path("", views.register, name="register"),
    path("<slug:slug>/", views.detail, name="detail"),
]

from django.urls import path

from sizes.variations import views

app_name = "variations"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/agree/", views.agree, name="agree"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/end/", views.end, name="end"),
    path("new/<slug:slug>/", views.propose, name="propose"),
    path("baseline/<slug:slug>/", views.baseline, name="baseline"),
    path("limits/<slug:slug>/", views.limits, name="limits"),
]

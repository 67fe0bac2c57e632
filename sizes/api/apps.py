from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sizes.api"
    label = "api"

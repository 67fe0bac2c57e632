from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sizes.web"
    label = "web"

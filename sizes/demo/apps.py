from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sizes.demo"
    label = "demo"

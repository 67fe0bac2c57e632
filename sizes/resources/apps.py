from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "sizes.resources"
    label = "resources"

from django.apps import AppConfig


class VariationsConfig(AppConfig):
    name = "sizes.variations"
    label = "variations"
    verbose_name = "Variations"

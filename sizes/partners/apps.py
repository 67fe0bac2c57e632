from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "sizes.partners"
    label = "partners"
    verbose_name = "Partners"

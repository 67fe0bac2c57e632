from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "sizes.geo"
    label = "geo"
    verbose_name = "Geography"

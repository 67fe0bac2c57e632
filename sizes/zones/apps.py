from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "sizes.zones"
    label = "zones"
    verbose_name = "Zones"

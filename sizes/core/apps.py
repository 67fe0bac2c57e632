from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sizes.core"
    label = "core"
    verbose_name = "SIZes core"

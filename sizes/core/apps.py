from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sizes.core"
    label = "core"
    verbose_name = "SIZes core"

    def ready(self) -> None:
        from sizes.core import checks  # noqa: F401 - registers the system checks

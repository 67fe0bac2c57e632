from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "sizes.outcomes"
    label = "outcomes"

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "sizes.engagement"
    label = "engagement"
    verbose_name = "Engagement"

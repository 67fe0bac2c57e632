from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "sizes.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        from sizes.engagement.calendar import add_meetings_to_calendar
        from sizes.web import feeds

        if add_meetings_to_calendar not in feeds.CALENDAR_HOOKS:
            feeds.CALENDAR_HOOKS.append(add_meetings_to_calendar)

from django.urls import path

from sizes.web import feeds

app_name = "feeds"
urlpatterns = [
    path("zones.atom", feeds.ZonesFeed(), name="zones"),
    path("zones/<slug:slug>.atom", feeds.ZoneFeed(), name="zone"),
    path("calendar.ics", feeds.calendar_all, name="calendar"),
    path("zones/<slug:slug>.ics", feeds.calendar_zone, name="zone-calendar"),
]

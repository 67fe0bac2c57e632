from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "sizes.geo"
    label = "geo"
    verbose_name = "Geography"

    def ready(self):
        # The geography partials included on zone and variation pages call these globals
        # (see sizes.geo.templating), so those pages' views need no geography code.
        from django.template import engines

        from sizes.geo.templating import GLOBALS

        engines["jinja2"].env.globals.update(GLOBALS)

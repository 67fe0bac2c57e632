from django.db import migrations


def add_default_themes(apps, schema_editor):
    from django.utils.text import slugify

    from sizes.zones.models import DEFAULT_THEMES

    Theme = apps.get_model("zones", "Theme")
    for name in DEFAULT_THEMES:
        Theme.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "is_default": True}
        )


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]
    operations = [migrations.RunPython(add_default_themes, migrations.RunPython.noop)]

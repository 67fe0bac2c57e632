"""System checks: misconfiguration is reported when the site starts, not when a rule runs."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# (setting, smallest allowed value, what it means)
NUMBERS = [
    ("SIZES_CONSULTATION_DAYS", 0, "days of public consultation"),
    ("SIZES_MAX_TERM_DAYS", 1, "days a zone may run before its review"),
    ("SIZES_REVIEW_GRACE_DAYS", 0, "days a zone may stay due for review"),
    ("SIZES_SUGGESTION_MAX_KM2", 1, "km² the largest area a suggestion may draw"),
]


@register(Tags.compatibility)
def check_sizes_settings(app_configs=None, **kwargs):
    errors = []
    for i, (name, minimum, meaning) in enumerate(NUMBERS, start=1):
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < minimum:
            errors.append(
                Error(
                    f"{name} must be a whole number of at least {minimum} ({meaning}); "
                    f"it is {value!r}.",
                    hint=f"Set the environment variable {name}, or leave it unset for the default.",
                    id=f"sizes.E00{i}",
                )
            )
    return errors

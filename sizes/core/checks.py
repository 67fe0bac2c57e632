"""System checks: misconfiguration is reported when the site starts, not when a rule runs."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# (setting, smallest allowed value, what it means)
NUMBERS = [
    ("SIZES_CONSULTATION_DAYS", 0, "days of public consultation"),
    ("SIZES_MAX_TERM_DAYS", 1, "days a zone may run before its review"),
    ("SIZES_REVIEW_GRACE_DAYS", 0, "days a zone may stay due for review"),
    ("SIZES_SUGGESTION_MAX_KM2", 1, "km² the largest area a suggestion may draw"),
    ("SIZES_RATE_LIMIT_PER_ACCOUNT", 0, "public writes per account an hour; 0 for no limit"),
    ("SIZES_RATE_LIMIT_PER_IP", 0, "public writes per IP address an hour; 0 for no limit"),
    ("SIZES_ACCOUNT_RATE_LIMIT_PER_IP", 0, "sign-ins and sign-ups per IP an hour; 0 for none"),
    ("SIZES_SIGN_IN_FAILURES", 0, "failed sign-ins per account before a lockout; 0 for none"),
    ("SIZES_SIGN_IN_FAILURES_PER_IP", 0, "failed sign-ins per IP before a lockout; 0 for none"),
    ("SIZES_SIGN_IN_LOCKOUT_MINUTES", 1, "minutes a sign-in lockout lasts"),
    ("SIZES_API_RATE_PER_TOKEN", 0, "API requests per token a minute; 0 for no limit"),
    ("SIZES_API_RATE_PER_IP", 0, "API requests per IP a minute without a token; 0 for none"),
    ("SIZES_HSTS_SECONDS", 0, "seconds browsers keep to HTTPS (HSTS)"),
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
                    id=f"sizes.E{i:03d}",
                )
            )
    return errors

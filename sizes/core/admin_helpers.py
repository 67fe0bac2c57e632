"""Helpers so that Django admin goes through the same services and rules as every page."""

from django.contrib import admin, messages

from sizes.core.errors import DomainError


def run_service(request, fn, **kwargs):
    """Call a service; on a DomainError show its message and every detail, and return None."""
    try:
        return fn(**kwargs)
    except DomainError as error:
        text = error.message
        if error.details:
            text += " " + " ".join(p.message for p in error.details)
        messages.error(request, text)
        return None


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin that only shows rows: changes happen through the service layer."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

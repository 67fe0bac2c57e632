"""Site-wide pages: home, about, and the error pages."""

import sys

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

from sizes.core.unavailable import database_unavailable, is_database_unavailable
from sizes.zones.models import Zone


def home(request):
    zones = Zone.objects.in_force().order_by("name")[:6]
    return render(request, "web/home.html", {"zones": zones})


def about(request):
    return render(request, "web/about.html")


def _error(request, status: int, title: str, message: str):
    # Errors raised before the middleware ran (a bad Host header, say) leave no user on the
    # request; the layout needs one.
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def not_found(request, exception=None):
    return _error(
        request, 404, "Page not found", "If you typed the web address, check it is correct."
    )


def forbidden(request, exception=None):
    return _error(
        request, 403, "You cannot do that", "You do not have permission to see this page."
    )


def csrf_failure(request, reason=""):
    """A form sent without this site's CSRF token (an old page, cookies off, or another site
    posting on the visitor's behalf): refused, nothing changed, in plain English."""
    return _error(
        request,
        403,
        "Your form was not sent",
        "Nothing was saved: the form had expired, your browser did not send this site's "
        "cookie, or the form came from another website. Go back, reload the page and try "
        "again, and make sure your browser accepts cookies from this site.",
    )


def bad_request(request, exception=None):
    return _error(request, 400, "There is a problem", "The request could not be understood.")


def server_error(request):
    # Raised outside a view (a session save in middleware, say): still a 503, not a 500.
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return database_unavailable(request, exc)
    return _error(request, 500, "Sorry, there is a problem with the service", "Try again later.")

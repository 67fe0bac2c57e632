"""Login throttling: after too many failed sign-ins for an account name or from an IP address,
every attempt is refused (even with the right password) until the window ends.

`SignInThrottle` sits before Django's ModelBackend in AUTHENTICATION_BACKENDS, so every
sign-in form that authenticates with the request (ours and the admin's) is covered; failures
are counted from Django's `user_login_failed` signal (see `AccountsConfig.ready`). Limits:
`SIZES_SIGN_IN_FAILURES` per account name, `SIZES_SIGN_IN_FAILURES_PER_IP` per IP, within
`SIZES_SIGN_IN_LOCKOUT_MINUTES` (sizes/core/ratelimit.py counts them).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from sizes.core.ratelimit import RateLimited, client_ip, sign_in_blocked, sign_in_failed


def _username(credentials: dict) -> str:
    value = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    return value if isinstance(value, str) else ""


class SignInThrottle:
    """Refuse to authenticate anyone while their account name or IP is locked out; never
    authenticates anyone itself (ModelBackend, next in the list, does that)."""

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        try:
            sign_in_blocked(username=_username(credentials), ip=client_ip(request))
        except RateLimited as exc:
            request.sizes_sign_in_blocked = exc
            raise PermissionDenied(exc.message) from None
        return None

    # No get_user(): Django then never picks this backend for a session (force_login, login).


def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Receiver for `user_login_failed`: count the failure against the name and the IP."""
    if request is None or getattr(request, "sizes_sign_in_blocked", None):
        return  # refused while locked out: not a new guess at the password
    sign_in_failed(username=_username(credentials), ip=client_ip(request))

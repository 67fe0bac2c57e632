"""Rate limits: a small fixed-window limiter on Django's cache, and the middleware that applies
it to sign-in, sign-up, password reset, the public's writes and the API.

The counters live in Django's cache (local memory by default, so per process: use a shared
cache, such as Redis or the database cache, when several processes serve the site). Each limit
counts uses in a fixed window (an hour for pages, a minute for the API); going over answers
HTTP 429 with `Retry-After`, the seconds until the window ends. A limit of 0 switches it off.

- Pages: `PAGE_ACTIONS` names every form whose POST is limited, per account and per IP
  address. Comments and reports are limited in their services (`rate_limit` below), so every
  interface that adds one is limited the same way.
- API: every request under /api/ counts per token (a valid `Authorization: Bearer` token) or,
  without one, per IP address.
- Failed sign-ins (`sign_in_blocked`, `sign_in_failed`) are counted separately, per account
  name and per IP address: past the limit the sign-in form refuses every attempt, even a right
  password, until the window ends.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.template.response import TemplateResponse

from sizes.core.errors import DomainError

HOUR = 3600
MINUTE = 60


class RateLimited(DomainError):
    def __init__(self, retry_after: int, message: str | None = None):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            code="rate_limited",
            message=message
            or (
                "You have done that too many times in a short while. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            ),
            status=429,
        )
        self.retry_after = retry_after


def _limit(name: str) -> int:
    value = getattr(settings, name)
    return value if isinstance(value, int) and value > 0 else 0


def _count(key: str, window: int, now: float, *, add: bool = True) -> tuple[int, int]:
    """Count one use of `key` in the current window (or only read the count, with add=False);
    return the count and the seconds until the window ends."""
    start = int(now // window)
    full = f"sizes-rl:{key}:{window}:{start}"
    wait = int((start + 1) * window - now) + 1
    if not add:
        return cache.get(full, 0), wait
    cache.add(full, 0, timeout=window + 60)
    try:
        count = cache.incr(full)
    except ValueError:  # evicted between add and incr
        cache.set(full, 1, timeout=window + 60)
        count = 1
    return count, wait


def _hit(key: str, limit: int, now: float, window: int = HOUR) -> int | None:
    """Count one use; return seconds to wait if the limit is passed, else None."""
    if not limit:
        return None
    count, wait = _count(key, window, now)
    return wait if count > limit else None


def rate_limit(*, action: str, user=None, ip: str | None = None) -> None:
    """Count one `action` by this account and this IP; raise RateLimited past a limit
    (`SIZES_RATE_LIMIT_PER_ACCOUNT` and `SIZES_RATE_LIMIT_PER_IP` an hour)."""
    now = time.time()
    waits = []
    if user is not None and getattr(user, "is_authenticated", False):
        waits.append(_hit(f"{action}:u:{user.pk}", _limit("SIZES_RATE_LIMIT_PER_ACCOUNT"), now))
    if ip:
        waits.append(_hit(f"{action}:ip:{ip}", _limit("SIZES_RATE_LIMIT_PER_IP"), now))
    waits = [w for w in waits if w]
    if waits:
        raise RateLimited(max(waits))


def client_ip(request) -> str:
    """The client's address as the server saw it (put the site behind a proxy that sets
    REMOTE_ADDR, e.g. with a WSGI middleware, rather than trusting X-Forwarded-For here)."""
    return request.META.get("REMOTE_ADDR", "") or ""


def set_retry_after(response, error: DomainError):
    """Add `Retry-After` to a response that reports a RateLimited error."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --- failed sign-ins ------------------------------------------------------------------------


def _account_key(username: str) -> str:
    # Hashed: the cache should not hold what people typed (it may be a password by mistake).
    return hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:32]


def _sign_in_keys(username: str, ip: str) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append((f"sign-in-failed:u:{_account_key(username)}", "SIZES_SIGN_IN_FAILURES"))
    if ip:
        keys.append((f"sign-in-failed:ip:{ip}", "SIZES_SIGN_IN_FAILURES_PER_IP"))
    return [(k, _limit(name)) for k, name in keys]


def _sign_in_window() -> int:
    minutes = settings.SIZES_SIGN_IN_LOCKOUT_MINUTES
    return max(1, minutes if isinstance(minutes, int) else 15) * MINUTE


def sign_in_blocked(*, username: str, ip: str) -> None:
    """Raise RateLimited if this account name or this IP has failed to sign in too often."""
    now, window = time.time(), _sign_in_window()
    for key, limit in _sign_in_keys(username, ip):
        if not limit:
            continue
        count, wait = _count(key, window, now, add=False)
        if count >= limit:
            minutes = max(1, math.ceil(wait / 60))
            raise RateLimited(
                wait,
                message=(
                    "There have been too many failed attempts to sign in to this account or "
                    f"from this connection. Try again in {minutes} minute"
                    f"{'s' if minutes != 1 else ''}, or reset your password."
                ),
            )


def sign_in_failed(*, username: str, ip: str) -> None:
    """Count one failed sign-in for this account name and this IP."""
    now, window = time.time(), _sign_in_window()
    for key, limit in _sign_in_keys(username, ip):
        if limit:
            _count(key, window, now)


# --- the middleware ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageAction:
    action: str
    per_account: str  # setting names
    per_ip: str


_PUBLIC_WRITE = ("SIZES_RATE_LIMIT_PER_ACCOUNT", "SIZES_RATE_LIMIT_PER_IP")
_ACCOUNT = ("SIZES_RATE_LIMIT_PER_ACCOUNT", "SIZES_ACCOUNT_RATE_LIMIT_PER_IP")

# URL name → what its POST counts as. A form not listed here is not limited by this table.
PAGE_ACTIONS: dict[str, PageAction] = {
    "accounts:sign-in": PageAction("sign-in", *_ACCOUNT),
    "accounts:sign-up": PageAction("sign-up", *_ACCOUNT),
    "engagement:password-reset": PageAction("password-reset", *_ACCOUNT),
    "admin:login": PageAction("sign-in", *_ACCOUNT),
    "engagement:suggestion-new": PageAction("suggestion", *_PUBLIC_WRITE),
    "engagement:suggestion-support": PageAction("support", *_PUBLIC_WRITE),
    "engagement:idea-new": PageAction("idea", *_PUBLIC_WRITE),
}


def _page_limited(request, page: PageAction) -> int | None:
    now = time.time()
    waits = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        waits.append(_hit(f"{page.action}:u:{user.pk}", _limit(page.per_account), now))
    ip = client_ip(request)
    if ip:
        waits.append(_hit(f"{page.action}:ip:{ip}", _limit(page.per_ip), now))
    waits = [w for w in waits if w]
    return max(waits) if waits else None


def _api_limited(request) -> int | None:
    """Count one API request per token (when it carries a valid one), else per IP."""
    from sizes.api.services import token_authenticate

    if not (_limit("SIZES_API_RATE_PER_TOKEN") or _limit("SIZES_API_RATE_PER_IP")):
        return None  # both off: not even a token look-up
    now = time.time()
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        secret = header[7:].strip()
        try:
            token = token_authenticate(secret)
        except DatabaseError:
            # The database is down: count by address, and let the view meet the fault and
            # answer it as every view does (503, sizes/core/unavailable).
            token = None
        else:
            request.sizes_bearer_checked = (secret, token)
        if token is not None:
            return _hit(f"api:t:{token.pk}", _limit("SIZES_API_RATE_PER_TOKEN"), now, MINUTE)
    return _hit(f"api:ip:{client_ip(request)}", _limit("SIZES_API_RATE_PER_IP"), now, MINUTE)


def _api_response(wait: int):
    from sizes.api.problems import problem_response

    return problem_response(
        status=429,
        code="rate_limited",
        detail=(
            f"Too many requests. Try again in {wait} second{'s' if wait != 1 else ''}; "
            "see Retry-After."
        ),
        headers={"Retry-After": str(wait)},
    )


class RateLimitMiddleware:
    """Apply the limits above before the view runs; answer 429 with Retry-After past one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            wait = _api_limited(request)
            return _api_response(wait) if wait else None
        if request.method != "POST":
            return None
        match = getattr(request, "resolver_match", None)
        page = PAGE_ACTIONS.get(match.view_name) if match else None
        if page is None:
            return None
        wait = _page_limited(request, page)
        if not wait:
            return None
        error = RateLimited(wait)
        response = TemplateResponse(request, "web/domain_error.html", {"error": error}, status=429)
        return set_retry_after(response.render(), error)

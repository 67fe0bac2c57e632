"""A small fixed-window rate limiter on Django's cache (locmem by default; use a shared cache,
such as Redis or the database cache, when several processes serve the site).

Each action has a window (an hour) and two limits: per account and per IP address. Going over
raises `RateLimited` (HTTP 429) saying when to try again.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

from sizes.core.errors import DomainError

WINDOW_SECONDS = 3600


class RateLimited(DomainError):
    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            code="rate_limited",
            message=(
                "You have done that too many times in a short while. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            ),
            status=429,
        )
        self.retry_after = retry_after


def _hit(key: str, limit: int, now: float) -> int | None:
    """Count one use; return seconds to wait if the limit is passed, else None."""
    window = int(now // WINDOW_SECONDS)
    full = f"sizes-rl:{key}:{window}"
    cache.add(full, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(full)
    except ValueError:  # evicted between add and incr
        cache.set(full, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    if count > limit:
        return int((window + 1) * WINDOW_SECONDS - now) + 1
    return None


def rate_limit(*, action: str, user=None, ip: str | None = None) -> None:
    """Count one `action` by this account and this IP; raise RateLimited past a limit."""
    now = time.time()
    waits = []
    if user is not None and getattr(user, "is_authenticated", False):
        waits.append(_hit(f"{action}:u:{user.pk}", settings.SIZES_RATE_LIMIT_PER_ACCOUNT, now))
    if ip:
        waits.append(_hit(f"{action}:ip:{ip}", settings.SIZES_RATE_LIMIT_PER_IP, now))
    waits = [w for w in waits if w]
    if waits:
        raise RateLimited(max(waits))


def client_ip(request) -> str:
    """The client's address as the server saw it (put the site behind a proxy that sets
    REMOTE_ADDR, e.g. with a WSGI middleware, rather than trusting X-Forwarded-For here)."""
    return request.META.get("REMOTE_ADDR", "") or ""

"""One router per app. Each module exposes `router`; `ROUTERS` says where each is mounted.

A new router is a module listed in `ROUTERS`; the conventions and the contract test apply to
it unchanged.
"""

from sizes.api.routers import (
    engagement,
    export,
    history,
    lookup,
    organisations,
    outcomes,
    resources,
    reviews,
    variations,
    zones,
)

ROUTERS = [
    ("/zones", zones.router),
    ("/variations", variations.router),
    ("/organisations", organisations.router),
    ("/reviews", reviews.router),
    ("", resources.router),
    ("", history.router),
    ("", outcomes.router),
    ("", lookup.router),
    ("", engagement.router),
    ("/export", export.router),
]

"""One router per app. Each module exposes `router`; `ROUTERS` says where each is mounted.

Routers for engagement (meetings, suggestions, ideas) plug in the same way: a module each,
listed in `ROUTERS`; the conventions and the contract test apply to them unchanged.
"""

from sizes.api.routers import (
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
    ("/budgets", resources.router),
    ("", history.router),
    ("", outcomes.router),
    ("", lookup.router),
    ("/export", export.router),
]

"""One family of domain errors, raised by services and turned into messages by every interface.

A `DomainError` carries a stable `code` (tests assert on it), a plain-English `message` for the
person who asked, and optional `details`: a list of `Problem`s when several things are wrong at
once (declaring a zone reports every unmet condition together).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One specific thing that is wrong, with a code and a plain-English message."""

    code: str
    message: str
    field: str | None = None


@dataclass
class DomainError(Exception):
    code: str
    message: str
    details: list[Problem] = field(default_factory=list)
    # HTTP status each interface should use when it turns this into a response.
    status: int = 400
    # The input field the error is about, when there is one (forms show it beside the field).
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + " " + " ".join(p.message for p in self.details)


class NotAllowed(DomainError):
    """The person may not do this to this object."""

    def __init__(self, message: str = "You do not have permission to do that.", code="forbidden"):
        super().__init__(code=code, message=message, status=403)


class NotFound(DomainError):
    def __init__(self, message: str = "We could not find that.", code="not_found"):
        super().__init__(code=code, message=message, status=404)


class Conflict(DomainError):
    """Someone else changed the object since it was read (optimistic locking)."""

    def __init__(
        self,
        message: str = (
            "Someone else changed this while you were editing it. "
            "Your changes were not saved: reload the page to see the latest version."
        ),
        code: str = "version_conflict",
    ):
        super().__init__(code=code, message=message, status=409)


class InvalidTransition(DomainError):
    def __init__(self, message: str, code: str = "invalid_transition"):
        super().__init__(code=code, message=message, status=409)


class RulesNotMet(DomainError):
    """Several rules block an action; every unmet one is listed in `details`."""

    def __init__(self, message: str, details: list[Problem], code: str = "rules_not_met"):
        super().__init__(code=code, message=message, details=details, status=400)

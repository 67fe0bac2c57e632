"""UK postcodes: normalising what people type ("b302aa" → "B30 2AA")."""

import re

from sizes.core.errors import DomainError

# Outward code (area letters, district digit, optional digit or letter), inward code (a digit
# and two letters). Covers every current format: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA,
# AA9A 9AA, plus the special GIR 0AA.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$")


class PostcodeMalformed(DomainError):
    def __init__(self, text: str):
        shown = (text or "").strip()[:20]
        super().__init__(
            code="postcode_malformed",
            message=(
                f"“{shown}” is not a UK postcode. Enter a full postcode, like B30 2AA."
                if shown
                else "Enter a postcode, like B30 2AA."
            ),
            status=400,
        )


def normalise_postcode(text: str) -> str:
    """Upper-case, one space before the inward code; raise PostcodeMalformed if not a postcode."""
    compact = re.sub(r"\s+", "", str(text or "")).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise PostcodeMalformed(str(text or ""))
    return f"{match.group(1)} {match.group(2)}"

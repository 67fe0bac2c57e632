"""Small helpers for the text people type."""

from django.utils.text import slugify

from sizes.core.errors import DomainError

# Slugs that would collide with fixed pages under /zones/ and /organisations/.
RESERVED_SLUGS = frozenset({"propose", "new", "map", "edit", "export", "feeds", "api"})


def unique_slug(model, text: str, *, max_length: int = 200) -> str:
    """A slug for `text` that no row of `model` uses yet (adds -2, -3, ... when taken) and that
    is not one of the fixed page names (`RESERVED_SLUGS`)."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def clean_text(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    """Strip `value`; refuse it when required and empty, or longer than `max_length`."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(code=f"{field}_required", message=f"Enter {label}.", field=field)
    if len(value) > max_length:
        raise DomainError(
            code=f"{field}_too_long",
            message=f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer.",
            field=field,
        )
    if "\x00" in value:
        raise DomainError(
            code=f"{field}_invalid",
            message=f"{label[0].upper()}{label[1:]} contains a character we cannot store.",
            field=field,
        )
    return value

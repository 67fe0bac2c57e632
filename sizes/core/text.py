"""Small helpers for the text people type."""

from django.utils.text import slugify

from sizes.core.errors import DomainError


def unique_slug(model, text: str, *, max_length: int = 200) -> str:
    """A slug for `text` that no row of `model` uses yet (adds -2, -3, ... when taken)."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def clean_text(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    """Strip `value`; refuse it when required and empty, or longer than `max_length`."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(code=f"{field}_required", message=f"Enter {label}.")
    if len(value) > max_length:
        raise DomainError(
            code=f"{field}_too_long",
            message=f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer.",
        )
    if "\x00" in value:
        raise DomainError(code=f"{field}_invalid", message=f"{label} contains a null character.")
    return value

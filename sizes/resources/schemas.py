"""Validators for the vendored open-standard schemas (see standards/README.md).

Used by the tests to prove the exports conform, and available to anyone checking a file:
`validate_360giving(package)` and `validate_openreferral(export)` return a list of error
messages (empty when valid).
"""

from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from sizes.resources.validation import STANDARDS

GIVING = STANDARDS / "360giving"
HSDS = STANDARDS / "openreferral-hsds"
# The package schema refers to the grant schema by its 1.4.2 URL; the grant schema's own $id
# says 1.4.3. Register it under the URL the package uses.
GRANT_URL = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json"
)
HSDS_BASE = "https://sizes.invalid/hsds/"


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def giving_validator() -> Draft202012Validator:
    grant = _load(GIVING / "360-giving-schema.json")
    package = _load(GIVING / "360-giving-package-schema.json")
    # Their "$schema" lacks the trailing "#", which `referencing` does not recognise: say the
    # draft explicitly.
    registry = Registry().with_resource(GRANT_URL, DRAFT202012.create_resource(grant))
    # A format checker is needed: dates are oneOf a pattern or format date-time, and without
    # format checks a plain date matches both branches and fails oneOf.
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@lru_cache(maxsize=1)
def hsds_registry() -> Registry:
    resources = []
    for path in sorted(HSDS.glob("*.json")):
        resource = DRAFT202012.create_resource(_load(path))
        resources += [(path.name, resource), (HSDS_BASE + path.name, resource)]
    return Registry().with_resources(resources)


def hsds_validator(name: str) -> Draft202012Validator:
    """A validator for one HSDS object schema, e.g. "organization.json"."""
    schema = {"$id": HSDS_BASE + "export.json", "$ref": name}
    return Draft202012Validator(
        schema, registry=hsds_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _messages(validator, instance, where: str = "") -> list[str]:
    return [
        f"{where}{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def validate_360giving(package: dict) -> list[str]:
    return _messages(giving_validator(), package)


def validate_openreferral(export: dict) -> list[str]:
    errors = []
    for key, schema in (("organizations", "organization.json"), ("services", "service.json")):
        validator = hsds_validator(schema)
        for i, item in enumerate(export.get(key, [])):
            errors += _messages(validator, item, f"{key}/{i}/")
    return errors

"""RFC 9457 problem details (`application/problem+json`) for every API error.

One shape for every 4xx: `type`, `title`, `status`, `detail`, SIZes' stable `code`, and, when
particular fields are wrong, `errors`: a list of `{code, detail, field}`.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

from sizes.core.errors import DomainError, Problem

PROBLEM_JSON = "application/problem+json"


def problem_body(
    *, status: int, code: str, detail: str, errors: list[Problem] | None = None
) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = [{"code": p.code, "detail": p.message, "field": p.field} for p in errors]
    return body


def problem_response(
    *, status: int, code: str, detail: str, errors: list[Problem] | None = None, headers=None
) -> HttpResponse:
    body = problem_body(status=status, code=code, detail=detail, errors=errors)
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def domain_problem(error: DomainError) -> HttpResponse:
    """A DomainError as problem+json; a single-field error is listed under `errors` too."""
    details = list(error.details)
    if not details and error.field:
        details = [Problem(error.code, error.message, error.field)]
    return problem_response(
        status=error.status, code=error.code, detail=error.message, errors=details
    )


def _field_name(loc) -> str:
    # ninja reports ("query", "limit") or ("body", "payload", "title"): name the input field.
    parts = [str(p) for p in loc if p not in ("query", "path", "header", "body", "payload", "file")]
    return ".".join(parts) or "body"


def validation_problem(errors: list[dict]) -> HttpResponse:
    """ninja/pydantic validation errors: 422 for a request body, 400 for the URL's parameters."""
    in_body = any(e.get("loc", ("",))[0] in ("body", "file") for e in errors)
    details = [
        Problem(
            code=str(e.get("type", "invalid")),
            message=str(e.get("msg", "This value is not valid.")),
            field=_field_name(e.get("loc", ())),
        )
        for e in errors
    ]
    if in_body:
        return problem_response(
            status=422, code="body_invalid", detail="The request body is not valid.",
            errors=details,
        )  # fmt: skip
    return problem_response(
        status=400, code="parameter_invalid", detail="A parameter of the request is not valid.",
        errors=details,
    )  # fmt: skip

"""The conventions every API operation follows, applied in one place so no endpoint forgets them.

- `ApiRouter`: every operation it registers refuses query parameters it does not declare
  (400 `parameter_unknown`), refuses a request body that is not JSON (415), or, for a file
  upload, one that is not `multipart/form-data` (415), is larger than
  `SIZES_MAX_UPLOAD_BYTES` (413, before it is read) or cannot be parsed (400); and documents
  the problem responses it can give (400 and 429 always; 401/403 with a token; 404 with a
  path; 415/422 with a body; 304 on reads).
- Cursor pagination over a stable order (ascending id): the cursor is opaque and signed, so a
  cursor that was not issued by us is refused (400 `cursor_invalid`).
- `expected_version`: the `If-Match` header of a write, as the object version it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http.multipartparser import MultiPartParserError
from django.utils.http import http_date
from ninja import Router
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from sizes.api.schemas import Problem
from sizes.core.errors import DomainError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_CURSOR_SALT = "sizes.api.cursor"


class ApiProblem(DomainError):
    """An error in how the request was made (not in the domain): bad parameter, media type."""


# --- every operation -------------------------------------------------------------------------


def _query_names(operation) -> set[str]:
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        # ninja flattens a Query(Schema) into its fields; the map names every query parameter.
        flatten = getattr(model, "__ninja_flatten_map__", None)
        if flatten:
            names.update(flatten.keys())
        else:
            names.update(f.alias or n for n, f in model.model_fields.items())
    return names


def _has_body(operation) -> bool:
    return any(getattr(m, "__ninja_param_source__", None) == "body" for m in operation.models)


def _has_files(operation) -> bool:
    return any(getattr(m, "__ninja_param_source__", None) == "file" for m in operation.models)


def max_upload_bytes() -> int:
    return int(getattr(settings, "SIZES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def _check_upload(request) -> None:
    """A file upload: multipart/form-data, not too big to read, and parseable (a malformed
    body is a 400 here, not an error deep in Django's parser)."""
    if (request.content_type or "").lower() != "multipart/form-data":
        raise ApiProblem(
            code="media_type_unsupported",
            message="Send the file as multipart/form-data (curl -F), in the field the operation "
            "names.",
            status=415,
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_upload_bytes():
        raise ApiProblem(
            code="request_too_large",
            message=f"The request is {length / 1_048_576:.1f} MB; the most we read is "
            f"{max_upload_bytes() / 1_048_576:.0f} MB.",
            status=413,
        )
    try:
        request.FILES  # noqa: B018 - parse now, to refuse a malformed body clearly
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
        raise ApiProblem(
            code="multipart_invalid",
            message="The multipart/form-data body could not be read: send the file with curl "
            "-F or a form-data library.",
        ) from None


class ConventionalOperation(Operation):
    """A ninja Operation that checks the query and the media type before parsing parameters
    (after authentication). A class rather than a patched method, so that ninja's per-API
    copies of an operation (`Operation.clone`) keep the checks."""

    def _get_values(self, request, path_params, temporal_response):
        allowed = _query_names(self)
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            raise ApiProblem(
                code="parameter_unknown",
                message=(
                    f"Unknown parameter: {', '.join(unknown)[:200]}. "
                    + (f"This operation accepts: {', '.join(sorted(allowed))}." if allowed
                       else "This operation takes no query parameters.")
                ),
                field=unknown[0][:100],
            )  # fmt: skip
        if _has_body(self) and request.method in ("POST", "PUT", "PATCH"):
            ctype = (request.content_type or "").lower()
            if ctype != "application/json" and not ctype.endswith("+json"):
                raise ApiProblem(
                    code="media_type_unsupported",
                    message="Send the request body as JSON, with Content-Type: application/json.",
                    status=415,
                )
        if _has_files(self) and request.method == "POST":
            _check_upload(request)
        return super()._get_values(request, path_params, temporal_response)


def _apply_conventions(operation) -> None:
    if type(operation) is Operation:
        operation.__class__ = ConventionalOperation
    has_body = _has_body(operation) or _has_files(operation)
    codes = [400, 429]  # 429: the rate limit (sizes/core/ratelimit.py), with Retry-After
    if operation.auth_param not in (None,) and operation.auth_callbacks:
        codes += [401, 403]
    if "{" in operation.path:
        codes.append(404)
    if has_body:
        codes += [415, 422]
    for code in codes:
        operation.response_models.setdefault(code, operation._create_response_model(Problem))
    if "GET" in operation.methods:
        operation.response_models.setdefault(304, None)


class ApiRouter(Router):
    """A ninja Router whose operations follow `_apply_conventions`."""

    def add_api_operation(self, path: str, methods: list[str], view_func, **kwargs: Any) -> None:
        contribute_operation_callback(view_func, _apply_conventions)
        super().add_api_operation(path, methods, view_func, **kwargs)


# --- pagination ------------------------------------------------------------------------------


def cursor_encode(last_id: int) -> str:
    return signing.dumps({"after": last_id}, salt=_CURSOR_SALT)


def cursor_decode(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    try:
        after = signing.loads(cursor, salt=_CURSOR_SALT)["after"]
        if not isinstance(after, int) or after < 0:
            raise ValueError
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApiProblem(
            code="cursor_invalid",
            message="The cursor is not one this API gave out. Start again without it, then "
            "follow next_cursor.",
            field="cursor",
        ) from None
    return after


@dataclass
class Page:
    items: list
    next_cursor: str | None


def paginate(qs: QuerySet, *, cursor: str | None, limit: int) -> Page:
    """One page of `qs` in ascending id order, after the cursor's id."""
    after = cursor_decode(cursor)
    qs = qs.order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, cursor_encode(rows[-1].pk) if more and rows else None)


def paginate_newest_first(entries: list, *, cursor: str | None, limit: int) -> Page:
    """One page of already-loaded entries with an `id`, newest (largest id) first."""
    after = cursor_decode(cursor)
    if after is not None:
        entries = [e for e in entries if e.id < after]
    rows = entries[:limit]
    more = len(entries) > limit
    return Page(rows, cursor_encode(rows[-1].id) if more and rows else None)


def set_last_modified(response, moment: dt.datetime | None) -> None:
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


# --- preconditions ---------------------------------------------------------------------------


def expected_version(if_match: str | None, *, required: bool) -> int | None:
    """The version an `If-Match` header names: `"3"`, `W/"3"` or `3`.

    Missing on an update: 428. Not a version: 400.
    """
    if if_match is None or not if_match.strip():
        if required:
            raise ApiProblem(
                code="precondition_required",
                message='Send If-Match with the version you read, e.g. If-Match: "3" (the ETag '
                "of the variation, or its version field).",
                status=428,
                field="If-Match",
            )
        return None
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    # isascii: str.isdigit() is also true for "²", which int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise ApiProblem(
            code="if_match_invalid",
            message='If-Match must name a version, e.g. If-Match: "3".',
            field="If-Match",
        )
    return int(value)

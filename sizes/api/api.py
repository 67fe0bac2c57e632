"""The public API, version 1: one NinjaAPI, one router per app (see `sizes/api/routers/`).

Routers are thin: they parse the request, call the app's selectors and services (the same ones
the web pages use: one rule, two interfaces) and shape the answer. Everything about HTTP that
every operation shares lives in `conventions.py` (parameters, media types, pagination,
preconditions) and `http.py` (problem+json for every 4xx, ETag/304, CORS).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import URLPattern, re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from sizes.api.http import api_http
from sizes.api.problems import (
    PROBLEM_JSON,
    domain_problem,
    problem_response,
    validation_problem,
)
from sizes.core.errors import DomainError
from sizes.core.unavailable import DATABASE_UNAVAILABLE_ERRORS, database_unavailable

# URL patterns matched before the others (see SizesNinjaAPI.urls).
FIRST_URLS = ("lookup",)

DESCRIPTION = """
The register of Social Innovation Zones as open data: zones, their boundaries (GeoJSON),
partners, variations, reviews and public history, plus writes for partners' systems.

Reads need no account. Writes need a token (`Authorization: Bearer …`) made on your account's
"API tokens" page, scoped to organisations you belong to. Errors are RFC 9457 problem details
(`application/problem+json`). Lists are paginated with an opaque `cursor` (follow
`next_cursor`). See the guide at docs/api.md.
"""


class LocalSwagger(DocsBase):
    """Swagger UI from files vendored in sizes/api/static (no CDN, no inline script)."""

    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)})


class SizesNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return fix_media_types(schema)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        wrapped = [
            URLPattern(p.pattern, api_http(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        # The lookup is the busiest request by far: match it first instead of after the 49
        # patterns before it (trying them cost it about 5% of its CPU). Safe because no other
        # pattern can match "lookup"; test_reads checks the order.
        wrapped.sort(key=lambda p: getattr(p, "name", None) not in FIRST_URLS)
        # Anything else under /api/v1/ is a problem+json 404, not the site's HTML page.
        wrapped.append(re_path(r"^.*$", api_http(_not_found), name="not-found"))
        return wrapped, app_name, namespace


def _not_found(request, *args, **kwargs):
    return problem_response(
        status=404, code="not_found", detail="There is nothing at this address in the API."
    )


RETRY_AFTER = {
    "description": "Seconds to wait before the rate limit lets the next request through.",
    "schema": {"type": "integer", "minimum": 1},
}


def fix_media_types(schema: dict) -> dict:
    """Say what each response really is: problem+json for errors, GeoJSON, CSV, nothing on 304.

    ninja documents every response as application/json; an operation names another media type
    for its 200 response with `openapi_extra={"x-media-type": ...}`.
    """
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            media = operation.pop("x-media-type", None)
            for code, response in operation["responses"].items():
                content = response.get("content", {})
                if str(code) == "304":
                    response.pop("content", None)
                    response["description"] = "Not modified: your copy (If-None-Match) is current."
                elif int(code) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
                    if str(code) == "429":
                        response["description"] = "Too many requests: wait, then try again."
                        response["headers"] = {"Retry-After": RETRY_AFTER}
                elif media and str(code) == "200":
                    body = content.pop("application/json", {"schema": {"type": "string"}})
                    if media == "text/csv":
                        body = {"schema": {"type": "string"}}
                    content[media] = body
                    response["content"] = content
    return schema


api = SizesNinjaAPI(
    title="SIZes register API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return domain_problem(exc)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return validation_problem(list(exc.errors))


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return problem_response(
        status=401, code="token_missing",
        detail="Send a valid, unrevoked API token: Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="sizes"'},
    )  # fmt: skip


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem_response(status=exc.status_code, code="request_invalid", detail=str(exc.message))


@api.exception_handler(Http404)
def _http404(request, exc):
    return problem_response(status=404, code="not_found", detail="We could not find that.")


def _database_unavailable(request, exc):
    return database_unavailable(request, exc)


for _error_class in DATABASE_UNAVAILABLE_ERRORS:
    # Database down or locked: problem+json 503 with Retry-After (see sizes/core/unavailable.py).
    api.add_exception_handler(_error_class, _database_unavailable)


def _mount() -> None:
    from sizes.api.routers import ROUTERS

    for prefix, router in ROUTERS:
        api.add_router(prefix, router)


_mount()

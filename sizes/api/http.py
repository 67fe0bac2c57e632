"""HTTP behaviour around every API response (one wrapper on every API URL, so none escapes it):

- any 4xx that is not already problem+json (unknown URL, wrong method) becomes one;
- reads get a strong `ETag` (a hash of the body) and answer `If-None-Match` with 304;
- reads get CORS headers for the origins in `SIZES_API_CORS_ORIGINS` ("*" for any);
  writes never do: other sites' pages cannot use a visitor's token through the browser.
"""

from __future__ import annotations

import hashlib
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from sizes.api.problems import PROBLEM_JSON, problem_response

READ_METHODS = ("GET", "HEAD")
EXPOSED = "ETag, Last-Modified, Link"


def cors_origins() -> list[str]:
    value = getattr(settings, "SIZES_API_CORS_ORIGINS", "")
    if isinstance(value, str):
        value = value.split(",")
    return [o.strip().rstrip("/") for o in value if o.strip()]


def _allowed_origin(request) -> str | None:
    origin = request.headers.get("Origin")
    if not origin:
        return None
    allowed = cors_origins()
    if "*" in allowed:
        return "*"
    return origin if origin.rstrip("/") in allowed else None


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 8.8.3.2): W/"x" matches "x".
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag.removeprefix("W/") in tags


def _as_problem(response: HttpResponse) -> HttpResponse:
    status = response.status_code
    if status == 405:
        allow = response.get("Allow", "")
        detail = f"This address does not accept that method. It accepts: {allow or 'none'}."
        problem = problem_response(
            status=405, code="method_not_allowed", detail=detail, headers={"Allow": allow}
        )
    elif status == 404:
        problem = problem_response(
            status=404, code="not_found", detail="There is nothing at this address in the API."
        )
    else:
        problem = problem_response(
            status=status, code=HTTPStatus(status).phrase.lower().replace(" ", "_"),
            detail=HTTPStatus(status).description or HTTPStatus(status).phrase,
        )  # fmt: skip
    return problem


def api_http(view):
    """Wrap one API view with the behaviour above."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = _allowed_origin(request)
        head = request.method == "HEAD"
        if head:
            # HEAD is GET without the body: same status, headers and ETag.
            request.method = "GET"
        if request.method == "OPTIONS" and origin:
            # CORS preflight: reads only.
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, Accept"
            response["Access-Control-Max-Age"] = "3600"
        else:
            response = view(request, *args, **kwargs)
        if 400 <= response.status_code < 500 and not response.get("Content-Type", "").startswith(
            PROBLEM_JSON
        ):
            response = _as_problem(response)
        if (
            request.method in READ_METHODS
            and response.status_code == 200
            and not getattr(response, "streaming", False)
        ):
            if not response.has_header("ETag"):
                response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            inm = request.headers.get("If-None-Match")
            if inm and _etag_matches(inm, response["ETag"]):
                not_modified = HttpResponseNotModified()
                for key in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                    if response.has_header(key):
                        not_modified[key] = response[key]
                response = not_modified
        if head:
            request.method = "HEAD"
            if not getattr(response, "streaming", False):
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        if request.method in (*READ_METHODS, "OPTIONS"):
            if origin:
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Expose-Headers"] = EXPOSED
            if cors_origins() and "*" not in cors_origins():
                # The answer depends on the Origin header: caches must keep them apart.
                patch_vary_headers(response, ["Origin"])
        return response

    return wrapped

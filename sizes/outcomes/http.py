"""JSON responses in the problem+json shape (RFC 9457) that the API uses for every error."""

from django.http import JsonResponse

from sizes.core.errors import DomainError


def problem_response(exc: DomainError) -> JsonResponse:
    """`{"type", "title", "status", "detail", "code", "errors": [...]}` for a DomainError."""
    body = {
        "type": f"about:blank#{exc.code}",
        "title": exc.message,
        "status": exc.status,
        "detail": str(exc),
        "code": exc.code,
        "errors": [{"code": p.code, "message": p.message, "field": p.field} for p in exc.details],
    }
    if exc.field and not exc.details:
        body["errors"] = [{"code": exc.code, "message": exc.message, "field": exc.field}]
    return JsonResponse(body, status=exc.status, content_type="application/problem+json")

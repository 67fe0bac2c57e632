"""Turn any DomainError that escapes a view into a plain page with the right status code."""

from django.template.response import TemplateResponse

from sizes.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        response = TemplateResponse(
            request,
            "web/domain_error.html",
            {"error": exception},
            status=exception.status,
        )
        response = response.render()
        retry_after = getattr(exception, "retry_after", None)
        if retry_after:  # a RateLimited error (429): say when to try again
            response["Retry-After"] = str(retry_after)
        return response

"""Turn any DomainError that escapes a view into a plain page with the right status code, and
refuse addresses carrying NUL characters (in the path or the query) before any view sees them."""

from django.template.response import TemplateResponse

from sizes.core.errors import DomainError

NUL_IN_QUERY = DomainError(
    code="parameter_nul",
    message="The address contains a NUL character (%00), which no page, search or filter "
    "accepts. Remove it and try again.",
    status=400,
)


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Views pass query parameters to the database, and PostgreSQL refuses text holding
        # NUL (a DataError, so a 500). Forms refuse NUL in what is posted, field by field.
        in_path = any(isinstance(v, str) and "\x00" in v for v in view_kwargs.values())
        if in_path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                from sizes.api.problems import domain_problem

                return domain_problem(NUL_IN_QUERY)
            return self.render(request, NUL_IN_QUERY)
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        return self.render(request, exception)

    @staticmethod
    def render(request, error: DomainError):
        response = TemplateResponse(
            request, "web/domain_error.html", {"error": error}, status=error.status
        )
        response = response.render()
        retry_after = getattr(error, "retry_after", None)
        if retry_after:  # a RateLimited error (429): say when to try again
            response["Retry-After"] = str(retry_after)
        return response

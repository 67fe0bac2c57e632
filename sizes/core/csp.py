"""django-csp's middleware, with the header built once rather than on every response.

django-csp builds the Content-Security-Policy string from the settings on every response
(about 57 µs, some 5% of an API lookup's time). The string can only differ between responses
when the page used its nonce or a view set its own policy (django-csp's decorators), or when
the settings change. So for every other response the header built for the current settings is
reused; those cases, and the few settings that depend on the request (excluded URL prefixes,
DEBUG's exemption of error pages), go through django-csp unchanged. A test compares the two
headers response by response.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Set on a response by django-csp's decorators: that response's policy is its own.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(DjangoCSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self._headers: tuple[tuple, list[tuple[str, str, str]]] | None = None

    def process_response(self, request, response):
        headers = self._static_headers(request, response)
        if headers is None:
            return super().process_response(request, response)
        for header, value, exempt in headers:
            if header not in response and getattr(response, exempt, False) is False:
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _static_headers(self, request, response) -> list[tuple[str, str, str]] | None:
        """(header, value, exemption attribute) for a response that cannot change the policy,
        or None when django-csp must build it for this response."""
        if getattr(request, "_csp_nonce", None) is not None or settings.DEBUG:
            return None
        if any(hasattr(response, name) for name in _PER_RESPONSE):
            return None
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (policy or {}).get("EXCLUDE_URL_PREFIXES") or (report_only or {}).get(
            "EXCLUDE_URL_PREFIXES"
        ):
            return None
        cached = self._headers
        # The settings objects themselves are the key (override_settings gives new ones).
        if cached is None or cached[0][0] is not policy or cached[0][1] is not report_only:
            # Built by django-csp itself, for a response with nothing of its own.
            probe = HttpResponse()
            super().process_response(HttpRequest(), probe)
            built = [
                (header, probe[header], exempt)
                for header, exempt in (
                    (HEADER, "_csp_exempt"),
                    (HEADER_REPORT_ONLY, "_csp_exempt_ro"),
                )
                if header in probe
            ]
            cached = self._headers = ((policy, report_only), built)
        return cached[1]

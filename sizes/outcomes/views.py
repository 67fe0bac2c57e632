"""Outcomes pages and the SROI endpoint. Views parse, call one service or selector, render."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core.errors import DomainError
from sizes.outcomes import forms
from sizes.outcomes.http import problem_response
from sizes.outcomes.sroi import calculate_from_dict
from sizes.zones.selectors import zone_get_for_user

MAX_BODY_BYTES = 200_000


@csrf_exempt
@require_POST
def sroi_calculate(request):
    """POST JSON in, SROI results JSON out; errors as application/problem+json.

    Calculates only: nothing is stored, so it needs no sign-in and no CSRF token.
    """
    if len(request.body) > MAX_BODY_BYTES:
        return problem_response(
            DomainError(code="too_large", message="The request body is too large.", status=413)
        )
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return problem_response(
            DomainError(code="invalid_json", message="The request body must be valid JSON.")
        )
    try:
        result = calculate_from_dict(payload)
    except DomainError as exc:
        return problem_response(exc)
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "POST"])
def zone_sroi(request, slug):
    """The SROI calculator for a zone: paste an input, see the whole calculation."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    form = forms.SROIInputForm(request.POST if request.method == "POST" else None)
    result = None
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                result = calculate_from_dict(form.cleaned_data["input"])
                status = 200
            except DomainError as exc:
                for problem in exc.details or [exc]:
                    form.add_error("input", problem.message)
    return render(
        request,
        "outcomes/sroi.html",
        {"zone": zone, "form": form, "result": result, **sroi_page_extra(zone)},
        status=status,
    )


def sroi_page_extra(zone) -> dict:
    return {}

"""Outcomes pages and the SROI endpoint. Views parse, call one service or selector, render."""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.outcomes import charts, forms, selectors, services
from sizes.outcomes import permissions as perms
from sizes.outcomes.grades import zone_grade
from sizes.outcomes.http import problem_response
from sizes.outcomes.models import SROIAnalysis
from sizes.outcomes.sroi import calculate_from_dict
from sizes.zones.models import Theme
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
    """The zone's SROI analyses, and a calculator: paste an input, see the whole calculation;
    a steward may save it (to publish later)."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    steward = perms.can_manage_evidence(request.user, zone)
    form = forms.SROIInputForm(request.POST if request.method == "POST" else None, can_save=steward)
    result = None
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                if form.cleaned_data.get("save"):
                    p = form.cleaned_data["period"]
                    analysis = services.sroi_analysis_save(
                        actor=request.user,
                        zone=zone,
                        title=form.cleaned_data["title"],
                        period_start=p.start,
                        period_end=p.end,
                        inputs=form.cleaned_data["input"],
                    )
                    messages.success(request, "The analysis has been saved. Publish it when ready.")
                    return redirect("outcomes:sroi_detail", zone.slug, analysis.pk)
                result = calculate_from_dict(form.cleaned_data["input"])
                status = 200
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                for problem in exc.details or [exc]:
                    target = problem.field if problem.field in ("title", "period") else "input"
                    form.add_error(target, problem.message)
    analyses = SROIAnalysis.objects.filter(zone=zone)
    if not steward:
        analyses = analyses.filter(published=True)
    return render(
        request,
        "outcomes/sroi.html",
        {
            "zone": zone,
            "form": form,
            "result": result,
            "analyses": list(analyses),
            "steward": steward,
        },
        status=status,
    )


def _analysis(request, slug, pk):
    zone = zone_get_for_user(slug=slug, user=request.user)
    analysis = SROIAnalysis.objects.filter(zone=zone, pk=pk).first()
    if analysis is None or not (
        analysis.published or perms.can_manage_evidence(request.user, zone)
    ):
        raise NotFound("There is no SROI analysis at this address.")
    return zone, analysis


@require_http_methods(["GET", "POST"])
def sroi_detail(request, slug, pk):
    zone, analysis = _analysis(request, slug, pk)
    steward = perms.can_manage_evidence(request.user, zone)
    form = None
    status = 200
    if request.method == "POST":
        form = forms.VersionForm(request.POST)
        if not steward:
            raise NotAllowed("Only the zone's stewards can publish an analysis.")
        status = 400
        if form.is_valid():
            try:
                services.sroi_analysis_publish(
                    actor=request.user,
                    analysis=analysis,
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "The analysis is published.")
                return redirect("outcomes:sroi_detail", zone.slug, analysis.pk)
    return render(
        request,
        "outcomes/sroi_detail.html",
        {
            "zone": zone,
            "analysis": analysis,
            "result": analysis.results,
            "steward": steward,
            "form": form,
        },
        status=status,
    )


def _figure(value, unit) -> str | None:
    return None if value is None else selectors.format_value(value, unit)


def outcome_detail(request, slug, pk):
    """An outcome's indicators: zone and comparison series (chart and table) and the DiD."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    outcome = zone.outcomes.filter(pk=pk).first()
    if outcome is None:
        raise NotFound("There is no outcome at this address.")
    panels = []
    for indicator in outcome.indicators.all().order_by("is_context", "id"):
        comparison = selectors.indicator_comparison(indicator)
        chart = charts.line_chart(
            comparison.periods,
            [
                ("This zone", "zone", comparison.zone_values),
                ("Comparison areas (average)", "comparison", comparison.comparison_values),
            ]
            if comparison.comparison_codes
            else [("This zone", "zone", comparison.zone_values)],
        )
        panels.append(
            {
                "indicator": indicator,
                "comparison": comparison,
                "chart": chart,
                "start_x": charts.start_x(
                    comparison.periods, comparison.period_starts, comparison.start
                ),
                "rows": list(
                    zip(
                        comparison.periods,
                        comparison.zone_values,
                        comparison.comparison_values,
                        strict=True,
                    )
                ),
                "illustrative": indicator.measurements.filter(illustrative=True).exists(),
                "baseline_text": _figure(indicator.baseline_value, indicator.unit),
                "target_text": _figure(indicator.target_value, indicator.unit),
                "comparison_names": list(
                    indicator.comparison_areas.select_related("area").values_list(
                        "area__code", "area__name", "chosen"
                    )
                ),
            }
        )
    return render(
        request,
        "outcomes/outcome.html",
        {"zone": zone, "outcome": outcome, "panels": panels},
    )


def lessons(request):
    """Published lessons from every zone, searchable by words, theme and outcome."""
    f = forms.LessonSearchForm(request.GET or None)
    data = f.cleaned_data if f.is_valid() else {}
    found = selectors.lessons_published(
        q=data.get("q") or "", theme=data.get("theme") or "", outcome=data.get("outcome") or ""
    )
    return render(
        request,
        "outcomes/lessons.html",
        {
            "form": f,
            "lessons": list(found[:200]),
            "themes": Theme.objects.filter(lessons__published=True).distinct(),
        },
        status=200 if not f.is_bound or f.is_valid() else 400,
    )


def zone_outcomes_context(request, zone) -> dict:
    """What the zone page's "Outcomes and evidence" section needs (outcomes/_zone_section.html)."""
    grade = zone_grade(zone=zone)
    indicators = []
    for indicator in selectors.zone_indicators(zone=zone):
        latest = selectors.latest_zone_measurement(indicator)
        indicators.append(
            {
                "indicator": indicator,
                "latest": latest,
                "baseline_text": _figure(indicator.baseline_value, indicator.unit),
                "latest_text": _figure(latest.value if latest else None, indicator.unit),
            }
        )
    published = (
        SROIAnalysis.objects.filter(zone=zone, published=True).order_by("-period_end").first()
    )
    return {
        "outcomes_grade": grade,
        "outcomes_indicators": indicators,
        "outcomes_sroi": published,
        "outcomes_can_manage": perms.can_manage_evidence(request.user, zone),
    }

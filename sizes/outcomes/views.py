"""Outcomes pages and the SROI endpoint. Views parse, call one service or selector, render."""

import json
import re
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.outcomes import charts, forms, selectors, services
from sizes.outcomes import permissions as perms
from sizes.outcomes.grades import Known, zone_grade
from sizes.outcomes.http import problem_response
from sizes.outcomes.models import ComparisonArea, FinancialProxy, Indicator, SROIAnalysis
from sizes.outcomes.sroi import calculate_from_dict
from sizes.zones.forms import add_domain_error
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
    except (UnicodeDecodeError, ValueError, RecursionError):
        # ValueError: bad JSON, or an integer too long to convert; RecursionError: too deep.
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
        {
            "zone": zone,
            "outcome": outcome,
            "panels": panels,
            "steward": perms.can_manage_evidence(request.user, zone),
        },
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


def proxies(request):
    """The financial proxy library: every value with its source, licence and price year."""
    value_type = request.GET.get("type", "")
    if value_type not in FinancialProxy.ValueType.values:
        value_type = ""
    rows, uprated_year = selectors.financial_proxies(value_type=value_type)
    return render(
        request,
        "outcomes/proxies.html",
        {
            "rows": rows,
            "uprated_year": uprated_year,
            "value_type": value_type,
            "value_types": FinancialProxy.ValueType.choices,
        },
    )


def zone_outcomes_context(request, zone, *, known: Known | None = None) -> dict:
    """What the zone page's "Outcomes and evidence" section needs (outcomes/_zone_section.html).
    `known`: what the page has read already that the star grade reads too (`Known`); the
    section's own indicators and published SROI analyses are given to the grade as well."""
    zone_indicators = selectors.zone_indicators(zone=zone)
    published_sroi = list(SROIAnalysis.objects.filter(zone=zone, published=True))  # newest first
    grade = zone_grade(
        zone=zone,
        known=replace(known or Known(), indicators=zone_indicators, sroi=published_sroi),
    )
    indicators = []
    latest_values = selectors.latest_zone_measurements(zone_indicators)
    for indicator in zone_indicators:
        latest = latest_values.get(indicator.pk)
        indicators.append(
            {
                "indicator": indicator,
                "latest": latest,
                "baseline_text": _figure(indicator.baseline_value, indicator.unit),
                "latest_text": _figure(latest.value if latest else None, indicator.unit),
            }
        )
    can_manage = perms.can_manage_evidence(request.user, zone)
    return {
        "outcomes_grade": grade,
        "outcomes_indicators": indicators,
        "outcomes_sroi": published_sroi[0] if published_sroi else None,
        "outcomes_can_manage": can_manage,
        "outcomes_manage": _manage_links(zone) if can_manage else None,
    }


def _manage_links(zone) -> dict:
    """What a steward can add evidence to: outcomes, reviews and the zone's variations."""
    return {
        "outcomes": list(zone.outcomes.all()),
        "reviews": list(zone.reviews.all()[:5]),
        "variations": list(zone.variations.all().order_by("title")[:50]),
    }


# --- Steward write pages ------------------------------------------------------------------
# Each page: the zone's stewards only (403 otherwise, sign-in first), one service call, the
# service's DomainErrors beside the fields with status 400 (409 for a stale or ended record).


def _steward_zone(request, slug):
    zone = zone_get_for_user(slug=slug, user=request.user)
    if not perms.can_manage_evidence(request.user, zone):
        raise NotAllowed("Only the zone's stewards can change its evidence.")
    return zone


def _zone_indicator(request, slug, pk):
    zone = _steward_zone(request, slug)
    indicator = (
        Indicator.objects.select_related("outcome").filter(outcome__zone=zone, pk=pk).first()
    )
    if indicator is None:
        raise NotFound("There is no indicator at this address.")
    return zone, indicator


def _refused(form, exc: DomainError, field_map=None) -> int:
    """Put a service's refusal on the form; the status to answer with."""
    if exc.status in (403, 404):
        raise exc
    add_domain_error(form, exc, field_map=field_map)
    return exc.status if exc.status == 409 else 400


def _form_page(request, template, form, zone, status=200, **ctx):
    return render(request, template, {"form": form, "zone": zone, **ctx}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_new(request, slug, pk):
    """Give an outcome an indicator: definition, source, geography, baseline and target."""
    zone = _steward_zone(request, slug)
    outcome = zone.outcomes.filter(pk=pk).first()
    if outcome is None:
        raise NotFound("There is no outcome at this address.")
    form = forms.IndicatorForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.indicator_create(
                    actor=request.user, outcome=outcome, **form.service_fields()
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "The indicator has been added.")
                return redirect("outcomes:outcome", zone.slug, outcome.pk)
    return _form_page(request, "outcomes/indicator_form.html", form, zone, status, outcome=outcome)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request, slug, pk):
    """Change anything about an indicator, refusing a stale edit; once it has measurements its
    unit and geography stay as they are."""
    zone, indicator = _zone_indicator(request, slug, pk)
    form = forms.IndicatorEditForm(
        request.POST if request.method == "POST" else None,
        initial=forms.IndicatorEditForm.initial_for(indicator),
    )
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.indicator_update(
                    actor=request.user,
                    indicator=indicator,
                    expected_version=form.cleaned_data["version"],
                    **form.service_fields(),
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "The indicator has been changed.")
                return redirect("outcomes:outcome", zone.slug, indicator.outcome_id)
    return _form_page(
        request,
        "outcomes/indicator_form.html",
        form,
        zone,
        status,
        outcome=indicator.outcome,
        indicator=indicator,
    )


@require_http_methods(["GET", "POST"])
@login_required
def indicator_baseline(request, slug, pk):
    """Change an indicator's baseline (value and date), refusing a stale edit."""
    zone, indicator = _zone_indicator(request, slug, pk)
    initial = {
        "baseline_value": "" if indicator.baseline_value is None else indicator.baseline_value,
        "baseline_date": indicator.baseline_date,
        "version": indicator.version,
    }
    form = forms.BaselineForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.indicator_set_baseline(
                    actor=request.user,
                    indicator=indicator,
                    value=form.cleaned_data["baseline_value"],
                    on=form.cleaned_data["baseline_date"],
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "The baseline has been changed.")
                return redirect("outcomes:outcome", zone.slug, indicator.outcome_id)
    return _form_page(
        request, "outcomes/baseline_form.html", form, zone, status, indicator=indicator
    )


@require_http_methods(["GET", "POST"])
@login_required
def measurement_new(request, slug, pk):
    """Enter one value of an indicator for a period, for the zone or one reference area."""
    zone, indicator = _zone_indicator(request, slug, pk)
    form = forms.MeasurementForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.measurement_record(
                    actor=request.user,
                    indicator=indicator,
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    area_code=form.cleaned_data["area_code"],
                )
            except DomainError as exc:
                status = _refused(form, exc, field_map={"unit": "value"})
            else:
                messages.success(request, "The measurement has been saved.")
                return redirect("outcomes:outcome", zone.slug, indicator.outcome_id)
    return _form_page(
        request, "outcomes/measurement_form.html", form, zone, status, indicator=indicator
    )


@require_http_methods(["GET", "POST"])
@login_required
def comparison_choose(request, slug, pk):
    """Choose an indicator's comparison areas: tick suggested similar areas or type codes."""
    zone, indicator = _zone_indicator(request, slug, pk)
    area_type = indicator.geography_level if selectors.is_area_level(indicator) else "lsoa"
    suggestions = selectors.suggest_comparison_areas(
        zone=zone, indicators=[indicator], k=10, area_type=area_type
    )
    current = list(indicator.comparison_areas.select_related("area"))
    suggested_codes = {s.code for s in suggestions}
    initial = {
        "suggested": [c.area.code for c in current if c.area.code in suggested_codes],
        "codes": " ".join(c.area.code for c in current if c.area.code not in suggested_codes),
    }
    form = forms.ComparisonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        suggestions=suggestions,
    )
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            codes = form.all_codes()
            typed = set(re.split(r"[\s,;]+", (form.cleaned_data.get("codes") or "").upper()))
            chosen = (
                ComparisonArea.Choice.SUGGESTED
                if codes and not (typed - {""}) and "suggested" in form.fields
                else ComparisonArea.Choice.PICKED
            )
            try:
                services.comparison_areas_set(
                    actor=request.user, indicator=indicator, codes=codes, chosen=chosen
                )
            except DomainError as exc:
                status = _refused(
                    form,
                    exc,
                    field_map={"areas": "codes", "comparison_required": "codes"},
                )
            else:
                messages.success(request, "The comparison areas have been saved.")
                return redirect("outcomes:outcome", zone.slug, indicator.outcome_id)
    return _form_page(
        request,
        "outcomes/comparison_form.html",
        form,
        zone,
        status,
        indicator=indicator,
        suggestions=suggestions,
        current=current,
    )


@require_http_methods(["GET", "POST"])
@login_required
def lesson_new(request, slug, pk):
    """Write a lesson from a review; save it as a draft or publish it at once."""
    zone = _steward_zone(request, slug)
    review = zone.reviews.filter(pk=pk).first()
    if review is None:
        raise NotFound("There is no review at this address.")
    outcomes = list(zone.outcomes.all())
    form = forms.LessonForm(request.POST if request.method == "POST" else None, outcomes=outcomes)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                lesson = services.lesson_record(
                    actor=request.user,
                    zone=zone,
                    review=review,
                    title=data["title"],
                    what_worked=data["what_worked"],
                    what_did_not=data["what_did_not"],
                    what_should_spread=data["what_should_spread"],
                    outcome=form.chosen_outcome(),
                    publish=data["publish"],
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(
                    request,
                    "The lesson is published."
                    if lesson.published
                    else "The lesson has been saved as a draft.",
                )
                return redirect("zones:detail", zone.slug)
    drafts = list(zone.lessons.filter(review=review, published=False))
    return _form_page(
        request, "outcomes/lesson_form.html", form, zone, status, review=review, drafts=drafts
    )


@require_POST
@login_required
def lesson_publish(request, slug, pk):
    """Publish a draft lesson (a button on the lesson page)."""
    zone = _steward_zone(request, slug)
    lesson = zone.lessons.filter(pk=pk).first()
    if lesson is None:
        raise NotFound("There is no lesson at this address.")
    try:
        services.lesson_publish(actor=request.user, lesson=lesson)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "The lesson is published.")
    if lesson.review_id:
        return redirect("outcomes:lesson_new", zone.slug, lesson.review_id)
    return redirect("zones:detail", zone.slug)


@require_http_methods(["GET", "POST"])
@login_required
def adoption_new(request, slug, pk):
    """Record that one of the zone's variations was adopted beyond the zone, with a link."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    variation = zone.variations.filter(pk=pk).first()
    if variation is None:
        raise NotFound("There is no variation at this address.")
    if not perms.can_record_adoption(request.user, variation):
        raise NotAllowed("Only the zone's stewards can record where a variation was adopted.")
    form = forms.AdoptionForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.variation_adoption_record(
                    actor=request.user, variation=variation, **form.cleaned_data
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "The adoption has been recorded.")
                return redirect("zones:detail", zone.slug)
    return _form_page(
        request, "outcomes/adoption_form.html", form, zone, status, variation=variation
    )

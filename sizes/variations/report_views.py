"""Accountability report pages: HTML, and the same report as a PDF at `.pdf`."""

from django.http import HttpResponse
from django.shortcuts import render

from sizes.audit.selectors import public_zone_get
from sizes.variations.report import (
    accountability_report_for_ward,
    accountability_report_for_zone,
    report_period_parse,
    variation_rows,
)


def _period(request):
    return report_period_parse(start=request.GET.get("from"), end=request.GET.get("to"))


def _respond(request, report, *, filename: str, as_pdf: bool):
    if as_pdf:
        # reportlab only here: a worker that never makes a PDF does not carry it (issue 9).
        from sizes.variations.report_pdf import report_pdf

        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    query = request.GET.urlencode()
    return render(
        request,
        "accountability/report.html",
        {
            "report": report,
            "variation_rows": variation_rows,
            "pdf_url": request.path.rstrip("/") + ".pdf" + (f"?{query}" if query else ""),
        },
    )


def zone_report(request, slug: str, as_pdf: bool = False):
    period = _period(request)
    zone = public_zone_get(slug=slug)
    report = accountability_report_for_zone(zone=zone, period=period)
    name = f"accountability-{zone.slug}-{period.start}-{period.end}.pdf"
    return _respond(request, report, filename=name, as_pdf=as_pdf)


def ward_report(request, code: str, as_pdf: bool = False):
    period = _period(request)
    report = accountability_report_for_ward(code=code, period=period)
    name = f"accountability-ward-{code.upper()}-{period.start}-{period.end}.pdf"
    return _respond(request, report, filename=name, as_pdf=as_pdf)

"""The accountability report as a printable PDF (A4), made with reportlab's platypus.

reportlab is pure Python plus optional C speed-ups shipped as wheels: it installs with pip on
a fresh machine, with no system libraries. Table cells are Paragraphs so long text wraps.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sizes.variations.report import AccountabilityReport, variation_rows

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=9.5, leading=12)
LABEL = ParagraphStyle("label", parent=BODY, fontName="Helvetica-Bold")
H1 = ParagraphStyle("h1", parent=_styles["Heading1"], fontSize=18, leading=22)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontSize=14, leading=17, spaceBefore=10)
H3 = ParagraphStyle("h3", parent=_styles["Heading3"], fontSize=11.5, leading=14, spaceBefore=8)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, textColor=colors.HexColor("#505a5f"))

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm


def _p(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _table(rows: list[tuple[str, str]]) -> Table:
    width = PAGE_W - 2 * MARGIN
    table = Table(
        [[_p(k, LABEL), _p(v)] for k, v in rows],
        colWidths=[width * 0.28, width * 0.72],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _footer(canvas, doc, *, title: str) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.HexColor("#505a5f"))
    canvas.drawString(MARGIN, 10 * mm, title[:110])
    canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def report_pdf(report: AccountabilityReport) -> bytes:
    """Render the report to PDF bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=report.title,
        author="SIZes",
        subject=f"Variations in force or ended, {report.period}",
    )
    generated = timezone.localtime(report.generated_at)
    story = [
        _p(report.title, H1),
        _p(f"Area: {report.area}"),
        _p(f"Period: {report.period}"),
        _p(f"Generated: {generated:%-d %B %Y at %H:%M}", SMALL),
        Spacer(1, 4 * mm),
        _p(
            f"{len(report.sections)} zone(s), {report.variation_count} variation(s) in force or "
            "ended in the period."
        ),
    ]
    if not report.sections:
        story.append(_p("No public zone touches this area."))
    for section in report.sections:
        zone = section.zone
        story.append(_p(zone.name, H2))
        facts = [
            ("Status", zone.get_status_display()),
            ("Review date", f"{zone.review_date:%-d %B %Y}"),
        ]
        if section.share is not None:
            facts.insert(0, ("Share of the ward covered", section.share_text))
        story.append(_table(facts))
        if not section.variations:
            story.append(_p("No variation was in force in this zone during the period."))
        for line in section.variations:
            story.append(KeepTogether([_p(line.variation.title, H3), _table(variation_rows(line))]))
        if section.upcoming:
            story.append(_p("Proposed or agreed, not yet in force", H3))
            for line in section.upcoming:
                story.append(
                    _p(f"{line.variation.title} ({line.status.lower()}), {line.owner}. "
                       f"Accountable leader: {line.leader}.")
                )  # fmt: skip
    doc.build(
        story,
        onFirstPage=lambda c, d: _footer(c, d, title=report.title),
        onLaterPages=lambda c, d: _footer(c, d, title=report.title),
    )
    return buf.getvalue()

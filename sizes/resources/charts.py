"""A bar chart of budget totals per period, drawn on the server as SVG (no JavaScript).

The page shows the same figures in a table next to it; the SVG is marked as an image with a
text alternative that says what it shows.
"""

from decimal import Decimal
from html import escape

from markupsafe import Markup


def bar_chart(values: list[tuple[str, Decimal]], *, currency: str, title: str) -> Markup:
    """Vertical bars, one per (label, value), with the value written above each bar."""
    if not values:
        return Markup("")
    width, height, top, bottom, left = 560, 260, 30, 40, 10
    plot_h = height - top - bottom
    biggest = max(v for _, v in values) or Decimal(1)
    slot = (width - 2 * left) / len(values)
    bar_w = min(90.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="sizes-chart" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" '
        'stroke="#0b0c0c" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(values):
        h = float(value / biggest) * plot_h
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        cx = x + bar_w / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#1d70b8"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="14" '
            f'fill="#0b0c0c">{escape(currency)} {value:,.0f}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 22:.1f}" text-anchor="middle" '
            f'font-size="14" fill="#0b0c0c">{escape(label)}</text>'
        )
    parts.append("</svg>")
    # Every piece of text in it was escaped above.
    return Markup("".join(parts))  # noqa: S704

"""A server-rendered line chart (SVG) of the zone beside its comparison areas.

No JavaScript: the view passes `line_chart(...)` to the template, which draws the paths. The
table under the chart carries the same numbers for screen readers and for checking.
"""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 20, 50


@dataclass
class Series:
    name: str
    css: str
    points: list[tuple[float, float]]  # pixel coordinates

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


def _nice_ticks(low: float, high: float, n: int = 5) -> list[float]:
    if high == low:
        high, low = high + 1, low - 1
    step = (high - low) / (n - 1)
    return [low + i * step for i in range(n)]


def line_chart(
    periods: list[str], series: list[tuple[str, str, list[float | None]]]
) -> dict | None:
    """Pixel geometry for a line chart of several series over the same periods, or None."""
    values = [v for _, _, vals in series for v in vals if v is not None]
    if not periods or not values:
        return None
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1
    low, high = low - pad, high + pad
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (span_x * i / (len(periods) - 1) if len(periods) > 1 else span_x / 2)

    def y(v):
        return TOP + span_y * (1 - (v - low) / (high - low))

    out = []
    for name, css, vals in series:
        out.append(Series(name, css, [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]))
    step = max(1, -(-len(periods) // 6))  # at most 6 labels, so they never overlap
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "series": out,
        "x_labels": [(x(i), p) for i, p in enumerate(periods) if i % step == 0],
        "y_ticks": [(y(t), f"{t:,.1f}") for t in _nice_ticks(low, high)],
    }


def start_x(periods: list[str], starts: list, start) -> float | None:
    """The x position of the zone's start (between the last period before and the first after)."""
    if start is None or not periods:
        return None
    after = [i for i, s in enumerate(starts) if s >= start]
    if not after or after[0] == 0:
        return None
    i = after[0]
    span_x = WIDTH - LEFT - RIGHT
    return LEFT + span_x * (i - 0.5) / (len(periods) - 1)

"""A small server-rendered SVG line chart; the page always shows the same figures in a table beside it."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT, PAD = 640, 240, 40


def figure(value) -> str:
    """A recorded figure as people write it: Decimal("34.00") -> "34", Decimal("12.50") -> "12.5",
    Decimal("100.00") -> "100" (never "1E+2"); None -> ""; anything else as str()."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal
    flagged: bool


def line_chart(points: list[Point], *, title: str) -> str:
    if not points:
        return ""
    values = [float(p.value) for p in points]
    low, high = min(values + [0.0]), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return PAD + index * step, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)

    coords = [xy(i, v) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}" fill="{}"><title>{}: {}{}</title></circle>',
        (
            (
                f"{x:.1f}",
                f"{y:.1f}",
                6 if p.flagged else 3,
                "#d4351c" if p.flagged else "#1d70b8",
                p.label,
                figure(p.value),
                " (flagged)" if p.flagged else "",
            )
            for (x, y), p in zip(coords, points, strict=True)
        ),
    )
    return format_html(
        '<svg class="kcsp-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" focusable="false">'
        '<line x1="{p}" y1="{b}" x2="{r}" y2="{b}" stroke="#505a5f"/>'
        '<text x="{p}" y="{ty}" font-size="12" fill="#0b0c0c">{first}</text>'
        '<text x="{r}" y="{ty}" font-size="12" fill="#0b0c0c" text-anchor="end">{last}</text>'
        '<text x="4" y="{p}" font-size="12" fill="#0b0c0c">{high}</text>'
        '<polyline points="{path}" fill="none" stroke="#1d70b8" stroke-width="2"/>{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        t=title,
        p=PAD,
        b=HEIGHT - PAD,
        r=WIDTH - PAD,
        ty=HEIGHT - PAD + 18,
        first=points[0].label,
        last=points[-1].label,
        high=f"{high:g}",
        path=path,
        dots=dots,
    )

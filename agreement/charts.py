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


@dataclass(frozen=True)
class Segment:
    """One part of a bar: `label` names it in words (the legend and the tooltip), `count` is how many."""

    label: str
    count: int
    fill: str
    ink: str  # the colour of the count written on it: contrast of at least 4.5:1 with `fill`


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(segment.count for segment in self.segments)


BAR_HEIGHT, BAR_GAP, LABEL_GAP, LEGEND_ROW = 22, 14, 18, 22
COUNT_MIN_WIDTH = 18  # a segment narrower than this (in viewBox units) has no count written on it


def stacked_bar_chart(bars: list[Bar], *, title: str, description: str, chart_id: str) -> str:
    """Horizontal bars, one per `bars` row, each split into its segments in order, all to one scale (the
    largest total fills the width); a legend names every segment in words. Accessible as one image: role="img"
    labelled by its <title> and <desc> (ids from `chart_id`), each segment with its own <title>; colour is never
    the only signal, because every segment is outlined, its count is written on it where it fits, and the page
    shows the same figures in a table beside it. Returns "" when there are no bars."""
    if not bars:
        return ""
    largest = max((bar.total for bar in bars), default=0) or 1
    scale = (WIDTH - 2 * PAD) / largest
    parts, y = [], 8
    for bar in bars:
        parts.append(format_html('<text x="{}" y="{}" font-size="13" fill="#0b0c0c">{}</text>', PAD, y + 12, bar.label))
        y += LABEL_GAP
        x = float(PAD)
        if not bar.total:
            parts.append(format_html('<text x="{}" y="{}" font-size="12" fill="#505a5f">No items</text>', PAD, y + 15))
        for segment in bar.segments:
            if not segment.count:
                continue
            width = segment.count * scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#0b0c0c" stroke-width="1">'
                    "<title>{}: {} {}</title></rect>",
                    f"{x:.1f}",
                    y,
                    f"{width:.1f}",
                    BAR_HEIGHT,
                    segment.fill,
                    bar.label,
                    segment.label,
                    segment.count,
                )
            )
            if width >= COUNT_MIN_WIDTH:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="middle">{}</text>',
                        f"{x + width / 2:.1f}",
                        y + 15,
                        segment.ink,
                        segment.count,
                    )
                )
            x += width
        y += BAR_HEIGHT + BAR_GAP
    legend_x = PAD
    for segment in bars[0].segments:
        needed = 18 + 7 * len(segment.label)  # swatch, gap and an estimate of the words' width
        if legend_x + needed > WIDTH - PAD / 2:
            legend_x, y = PAD, y + LEGEND_ROW
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="#0b0c0c" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="12" fill="#0b0c0c">{}</text>',
                legend_x,
                y,
                segment.fill,
                legend_x + 18,
                y + 12,
                segment.label,
            )
        )
        legend_x += needed + 16
    height = y + LEGEND_ROW + 4
    return format_html(
        '<svg class="kcsp-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' focusable="false"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>{parts}</svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        t=title,
        d=description,
        parts=format_html_join("", "{}", ((part,) for part in parts)),
    )

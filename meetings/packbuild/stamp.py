"""Stamps (Page N, protective markings, per-recipient watermarks) drawn inside the page as it is displayed.

Every stamp sits in a reserved band at the top or bottom of the page as a viewer shows it (crop box, /Rotate
and page size taken into account), upright, in a font WeasyPrint embeds and subsets (so "Mr Ł Dvořák" comes
out exactly), drawn once as a Form XObject and wrapped as a pagination artifact so tagged packs keep it out
of the reading order. If a page's own text reaches into a band in use, the page's content is shrunk into the
rest of the page first, so a stamp never prints over the paper.
"""

import hashlib
import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pikepdf

A4 = (595.28, 841.89)
BAND = 28.0  # points, at A4 width: two 13-point lines (a marking or page number, and a watermark)
Lines = tuple[str, str]
Matrix = tuple[float, float, float, float, float, float]
BLANK_TEXT = "This page is intentionally left blank"

STAMP_CSS = """
@page { size: %(w).2fpt %(h).2fpt; margin: 0 }
body { margin: 0; }
section { height: %(h).2fpt; padding: 1pt 18pt; box-sizing: border-box; break-after: page; text-align: center; }
p { margin: 0; height: 13pt; line-height: 13pt; font-size: 8pt; white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; }
p.first { font-weight: bold; font-size: 9pt; }
p.second { color: #404040; }
"""


_RENDERED: dict[Lines, tuple[bytes, int]] = {}
RENDERED_KEEP = 4096  # stamps kept per process (a PDF and its page): page numbers are reused by every pack


def _render(stamps: Sequence[Lines]) -> tuple[dict[Lines, pikepdf.Page], list[pikepdf.Pdf]]:
    """One WeasyPrint page per stamp, A4-wide and one band high (fonts embedded and subsetted), kept per process."""
    missing = [lines for lines in stamps if lines not in _RENDERED]
    if missing:
        if len(_RENDERED) + len(missing) > RENDERED_KEEP:
            _RENDERED.clear()
        data = _render_now(missing)
        _RENDERED.update({lines: (data, index) for index, lines in enumerate(missing)})
    opened: dict[int, pikepdf.Pdf] = {}
    pages = {}
    for lines in stamps:
        data, index = _RENDERED[lines]
        if id(data) not in opened:
            opened[id(data)] = pikepdf.open(io.BytesIO(data))
        pages[lines] = opened[id(data)].pages[index]
    return pages, list(opened.values())  # the documents stay open while their pages are copied


def _render_now(stamps: Sequence[Lines]) -> bytes:
    from kcsp.pdf import html_pdf

    sections = "".join(
        f"<section><p class='first'>{html.escape(first) or '&nbsp;'}</p>"
        f"<p class='second'>{html.escape(second) or '&nbsp;'}</p></section>"
        for first, second in stamps
    )
    css = STAMP_CSS % {"w": A4[0], "h": BAND}
    document = f"<html lang='en-GB'><head>{print_fonts()}<style>{css}</style></head><body>{sections}</body></html>"
    return html_pdf(document)


def print_fonts() -> str:
    """The `<style>` with every PDF's font stack (templates/kcsp/pdf/base_style.html): a name in any script prints."""
    from django.template.loader import render_to_string

    return render_to_string("kcsp/pdf/base_style.html")


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n, in PDF's row-vector convention (what `m cm` inside `n cm` does)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _inverse(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class View:
    """A page as displayed: `to_display` maps user space onto an upright width x height box at the origin."""

    width: float
    height: float
    to_display: Matrix

    @property
    def scale(self) -> float:
        """Stamps grow or shrink with the page: 1 for A4, clamped so tiny or huge pages stay readable."""
        return min(max(min(self.width, self.height) / A4[0], 0.4), 3.0)

    @property
    def band(self) -> float:
        return BAND * self.scale


def page_view(page: pikepdf.Page) -> View:
    """The displayed box: the crop box clipped to the media box, turned by /Rotate (multiples of 90 degrees)."""
    media = [float(v) for v in page.mediabox]
    crop = [float(v) for v in page.cropbox]
    mx0, mx1 = sorted((media[0], media[2]))
    my0, my1 = sorted((media[1], media[3]))
    cx0, cx1 = sorted((crop[0], crop[2]))
    cy0, cy1 = sorted((crop[1], crop[3]))
    x0, y0, x1, y1 = max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)
    if x1 <= x0 or y1 <= y0:
        x0, y0, x1, y1 = mx0, my0, mx1, my1
    w, h = x1 - x0, y1 - y0
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    matrices = {
        0: ((1, 0, 0, 1, -x0, -y0), w, h),
        90: ((0, -1, 1, 0, -y0, x1), h, w),
        180: ((-1, 0, 0, -1, x1, y1), w, h),
        270: ((0, 1, -1, 0, y1, -x0), h, w),
    }
    matrix, width, height = matrices.get(rotate, matrices[0])
    return View(width, height, matrix)


TEXT_OPERATORS = "q Q cm BT Tm Td TD T* TL Tf Tj TJ ' \""


def _string_length(operands) -> int:
    if not operands:
        return 0
    value = operands[-1]
    if isinstance(value, pikepdf.Array):
        return sum(len(bytes(v)) for v in value if isinstance(v, pikepdf.String))
    return len(bytes(value)) if isinstance(value, pikepdf.String) else 0


def text_extents(page: pikepdf.Page, to_display: Matrix) -> list[tuple[float, float]]:
    """(bottom, top) in display space of each run of the page's own text, read from its content stream by qpdf.

    A run is taken as 0.3 em below and 1 em above its baseline and 0.6 em per byte wide; its width is only
    measured when the run is not level on the displayed page. Text inside nested forms is not followed. A
    content stream qpdf cannot parse gives an infinite extent, so the page is shrunk to be safe.
    """
    try:
        instructions = pikepdf.parse_content_stream(page, TEXT_OPERATORS)
    except pikepdf.PdfError:
        return [(-math.inf, math.inf)]
    identity: Matrix = (1, 0, 0, 1, 0, 0)
    ctm, stack, tm, line, size, leading = to_display, [], identity, identity, 0.0, 0.0
    extents = []
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif op == "BT":
            tm = line = identity
        elif op == "Tm" and len(operands) == 6:
            tm = line = tuple(float(v) for v in operands)
        elif op in ("Td", "TD") and len(operands) == 2:
            if op == "TD":
                leading = -float(operands[1])
            tm = line = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), line)
        elif op == "TL" and operands:
            leading = float(operands[0])
        elif op == "Tf" and len(operands) == 2:
            size = float(operands[1])
        elif op in ("T*", "'", '"'):
            tm = line = _mul((1, 0, 0, 1, 0, -leading), line)
        if op in ("Tj", "TJ", "'", '"'):
            m = _mul(tm, ctm)
            level = abs(m[1]) < 1e-6  # the run goes across the displayed page: its width moves no glyph up or down
            width = 0.0 if level else 0.6 * _string_length(operands)
            ys = [_apply(m, x * size, y * size)[1] for x, y in ((0, -0.3), (width, -0.3), (0, 1.0), (width, 1.0))]
            extents.append((min(ys), max(ys)))
            if not level:
                tm = _mul((1, 0, 0, 1, width * size, 0), tm)
    return extents


_EXTENTS: dict[tuple, list[tuple[float, float]]] = {}
EXTENTS_KEEP = 20000  # pages: a rebuilt pack's unchanged parts are not parsed again


def cached_text_extents(page: pikepdf.Page, to_display: Matrix) -> list[tuple[float, float]]:
    """`text_extents`, remembered per process by the page's raw content streams (unchanged parts keep theirs)."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    digest = hashlib.sha1(usedforsecurity=False)
    for stream in streams:
        digest.update(stream.read_raw_bytes())
        digest.update(b"\0")
    key = (digest.digest(), to_display)
    if key not in _EXTENTS:
        if len(_EXTENTS) >= EXTENTS_KEEP:
            _EXTENTS.clear()
        _EXTENTS[key] = text_extents(page, to_display)
    return _EXTENTS[key]


def _fit(view: View, extents, top: bool, bottom: bool) -> Matrix | None:
    """A display-space shrink keeping the page's text out of the bands in use, or None if it is clear already."""
    low = view.band if bottom else 0.0
    high = view.height - (view.band if top else 0.0)
    if all(y_min >= low - 0.01 and y_max <= high + 0.01 for y_min, y_max in extents):
        return None
    s = (high - low) / view.height
    return (s, 0, 0, s, view.width * (1 - s) / 2, low)


def _ops(name: str, place: Matrix) -> bytes:
    numbers = " ".join(f"{v:.4f}" for v in place)
    return b"/Artifact <</Type /Pagination>> BDC q %s cm %s Do Q EMC\n" % (numbers.encode(), name.encode())


def _placement(view: View, at_top: bool) -> Matrix:
    s = view.scale
    x = (view.width - A4[0] * s) / 2
    y = view.height - BAND * s if at_top else 0.0
    return _mul((s, 0, 0, s, x, y), _inverse(view.to_display))


def stamp_pdf(
    pdf: bytes,
    *,
    top: Callable[[int], Lines] | Lines | None = None,
    bottom: Callable[[int], Lines] | Lines | None = None,
    fit: bool = True,
    finish: Callable[[pikepdf.Pdf], None] | None = None,
) -> bytes:
    """`pdf` with `top`/`bottom` lines (fixed, or a function of the 1-based page number) stamped on every page.

    Each band holds two lines: the first bold (a marking), the second grey (a watermark or page number).
    With `fit`, a page whose own text reaches into a band in use is shrunk out of it first (`text_extents`);
    without it, the caller knows the bands are clear (a built pack stamped again at download). `finish`, if
    given, changes the document last, before it is saved (the pack's /PageLabels: pages.page_labels_write).
    Raises pikepdf.PdfError for a PDF that cannot be read.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        sources = stamp_doc(doc, top=top, bottom=bottom, fit=fit)  # open until saved: their stamps are copied
        if sources is None and finish is None:
            return pdf
        if finish is not None:
            finish(doc)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def stamp_doc(
    doc: pikepdf.Pdf,
    *,
    top: Callable[[int], Lines] | Lines | None = None,
    bottom: Callable[[int], Lines] | Lines | None = None,
    fit: bool = True,
) -> list[pikepdf.Pdf] | None:
    """`stamp_pdf` on an open document, changed in place (the pack's merge stamps before its one save).

    Returns the stamps' documents, which must stay open until `doc` is saved (qpdf copies stream data lazily),
    or None when there was nothing to stamp (the document is then unchanged)."""
    count = len(doc.pages)
    wanted = []
    for number in range(1, count + 1):
        row = []
        for spec in (top, bottom):
            lines = spec(number) if callable(spec) else spec
            row.append(tuple(lines) if lines and any(lines) else None)
        wanted.append(row)
    distinct = list(dict.fromkeys(lines for row in wanted for lines in row if lines))
    if not distinct:
        return None
    rendered, sources = _render(distinct)
    forms: dict[Lines, pikepdf.Object] = {}
    for index, page in enumerate(doc.pages):
        view = page_view(page)
        ops = b""
        for at_top, lines in zip((True, False), wanted[index], strict=True):
            if lines is None:
                continue
            if lines not in forms:
                source = pikepdf.Page(rendered[lines]).as_form_xobject()
                forms[lines] = doc.copy_foreign(source)
            name = page.add_resource(forms[lines], pikepdf.Name.XObject, prefix="KStamp")
            ops += _ops(str(name), _placement(view, at_top))
        in_use = [lines is not None for lines in wanted[index]]
        shrink = _fit(view, cached_text_extents(page, view.to_display), *in_use) if fit else None
        before = b"q\n"
        if shrink:
            matrix = _mul(_mul(view.to_display, shrink), _inverse(view.to_display))
            before += b"%s cm\n" % " ".join(f"{v:.4f}" for v in matrix).encode()
        page.contents_add(pikepdf.Stream(doc, before), prepend=True)
        page.contents_add(pikepdf.Stream(doc, b"Q\n" + ops))
    return sources


_BLANK: bytes | None = None


def blank_page_pdf() -> bytes:
    """An A4 page saying it is intentionally left blank (rendered once per process), its whole content a
    pagination artifact: page furniture a tagged pack keeps out of the reading order, like the stamps."""
    global _BLANK  # noqa: PLW0603 - a per-process cache of a constant page
    if _BLANK is None:
        from kcsp.pdf import html_pdf

        style = "@page { size: A4; margin: 0 } body { margin: 0; font-size: 11pt }"
        body = f"<p style='margin-top: 410pt; text-align: center'>{BLANK_TEXT}</p>"
        document = f"<html lang='en-GB'><head>{print_fonts()}<style>{style}</style></head><body>{body}</body></html>"
        with pikepdf.open(io.BytesIO(html_pdf(document))) as doc:
            page = doc.pages[0]
            page.contents_add(pikepdf.Stream(doc, b"/Artifact <</Type /Pagination>> BDC\n"), prepend=True)
            page.contents_add(pikepdf.Stream(doc, b"\nEMC\n"))
            out = io.BytesIO()
            doc.save(out)
        _BLANK = out.getvalue()
    return _BLANK

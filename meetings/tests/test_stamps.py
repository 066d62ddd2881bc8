"""Stamps land inside the page as displayed, upright, clear of the paper's text, in a font covering every name."""

import io

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from meetings.packbuild.assemble import watermark_copy
from meetings.packbuild.stamp import stamp_pdf

NAME = "Mr Ł Dvořák"
WATERMARK = f"downloaded by {NAME} on 1 May 2026 - do not forward"
MARKING = "OFFICIAL-SENSITIVE"
BODY = "Body text of the paper"


def page_pdf(media, lines, *, crop=None, rotate=0) -> bytes:
    """One page drawn by hand in Helvetica: `lines` are (x, y, size, text) in the page's own user space."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    ops = b"".join(b"BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET\n" % (s, x, y, t.encode()) for x, y, s, t in lines)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=media,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(ops),
    )
    if crop:
        page.CropBox = crop
    if rotate:
        page.Rotate = rotate
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


A4 = [0, 0, 595, 842]
SHAPES = {
    "cropped": page_pdf(A4, [(100, 400, 12, BODY)], crop=[50, 100, 545, 700]),
    "rotated 90": page_pdf(A4, [(100, 400, 12, BODY)], rotate=90),
    "rotated 270": page_pdf(A4, [(100, 400, 12, BODY)], rotate=270),
    "small page, odd origin": page_pdf([1000, -500, 1300, -80], [(1050, -300, 10, BODY)]),
    "own footer in the band": page_pdf(
        A4, [(100, 400, 12, BODY), (60, 8, 9, "The paper's own footer"), (60, 830, 9, "The paper's own header")]
    ),
}


def overlaps(a, b) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("shape", SHAPES)
def test_stamps_sit_inside_the_displayed_page_upright_and_clear_of_the_papers_text(shape):
    stamped = stamp_pdf(SHAPES[shape], top=(MARKING, WATERMARK), bottom=(MARKING, "Page 1"))
    with pdfplumber.open(io.BytesIO(stamped)) as doc:
        page = doc.pages[0]
        x0, top, x1, bottom = page.cropbox  # as displayed (rotated), in the same top-down space as the chars
        stamp = [c for c in page.chars if "Helvetica" not in c["fontname"]]  # the stamps' embedded font
        own = [c for c in page.chars if "Helvetica" in c["fontname"]]
        assert stamp and own
        for char in stamp:
            assert char["upright"], char
            assert x0 - 0.5 <= char["x0"] and char["x1"] <= x1 + 0.5, (shape, char)
            assert top - 0.5 <= char["top"] and char["bottom"] <= bottom + 0.5, (shape, char)
        assert not [(s["text"], o["text"]) for s in stamp for o in own if overlaps(s, o)]
        words = page.extract_text()
    assert NAME in words and WATERMARK in words and "Page 1" in words


def test_own_text_keeps_its_place_when_the_bands_are_clear():
    plain = SHAPES["cropped"]
    stamped = stamp_pdf(plain, top=(MARKING, WATERMARK), bottom=("", "Page 1"))
    with pdfplumber.open(io.BytesIO(plain)) as before, pdfplumber.open(io.BytesIO(stamped)) as after:
        first = [c for c in before.pages[0].chars]
        second = [c for c in after.pages[0].chars if "Helvetica" in c["fontname"]]
        assert [round(c["x0"], 1) for c in first] == [round(c["x0"], 1) for c in second]


def test_stamps_are_in_the_page_content_as_pagination_artifacts_not_annotations_or_layers():
    stamped = watermark_copy(SHAPES["cropped"], WATERMARK)
    with pikepdf.open(io.BytesIO(stamped)) as doc:
        page = doc.pages[0]
        content = page.obj.Contents
        streams = list(content) if isinstance(content, pikepdf.Array) else [content]
        ops = b"".join(s.read_bytes() for s in streams)
        assert b"/Artifact <</Type /Pagination>> BDC" in ops and b"EMC" in ops
        assert "/Annots" not in page.obj and "/OCProperties" not in doc.Root
        fonts = [f for x in page.Resources.XObject.values() for f in x.Resources.Font.values()]
        assert fonts and all("/FontFile2" in f.DescendantFonts[0].FontDescriptor for f in fonts)
    assert WATERMARK in PdfReader(io.BytesIO(stamped)).pages[0].extract_text()

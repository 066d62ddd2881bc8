"""Text stamped onto PDF pages with one small content stream per page (Page N, markings, watermarks)."""

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

FONT_NAME = "/KCSPStamp"
A4 = (595.28, 841.89)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.5  # Helvetica averages about half an em per character


def text_op(text: str, *, x: float, y: float, size: float = 9, grey: float = 0.0, center: bool = True) -> bytes:
    if center:
        x -= _text_width(text, size) / 2
    return b"%.3f g BT %s %.1f Tf %.2f %.2f Td %s Tj ET\n" % (grey, FONT_NAME.encode(), size, x, y, _pdf_string(text))


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def stamp(writer: PdfWriter, page: PageObject, ops: bytes) -> None:
    """Draw `ops` over the page, isolated from whatever graphics state the page's own content leaves."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    if NameObject(FONT_NAME) not in fonts:
        fonts[NameObject(FONT_NAME)] = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    existing = page.get("/Contents")
    parts = ArrayObject([_stream(writer, b"q\n")])
    if existing is not None:
        existing = existing.get_object()
        if isinstance(existing, ArrayObject):
            parts.extend(existing)
        else:
            parts.append(page.raw_get("/Contents"))
    llx, lly = float(page.mediabox.left), float(page.mediabox.bottom)
    parts.append(_stream(writer, b"Q\nq 1 0 0 1 %.2f %.2f cm\n" % (llx, lly) + ops + b"Q\n"))
    page[NameObject("/Contents")] = parts


def page_size(page: PageObject) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def add_blank_page(writer: PdfWriter, text: str = "This page is intentionally left blank") -> PageObject:
    page = writer.add_blank_page(*A4)
    stamp(writer, page, text_op(text, x=A4[0] / 2, y=A4[1] / 2, size=11))
    return page

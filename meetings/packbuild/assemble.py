"""Lay a pack out: front sheet, then each part starting on a right-hand (odd) page, numbered throughout."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from .stamp import blank_page_pdf, stamp_pdf

MAX_FRONT_SHEET_PASSES = 5


@dataclass
class PackPart:
    """One paper, appendix or set of notes, in agenda order."""

    key: str  # e.g. "item-12" or "appendix-3": what the front sheet's page range refers to
    outline_title: str
    pdf: bytes
    parent_key: str | None = None  # appendices nest under their paper in the bookmarks
    _reader: PdfReader | None = field(default=None, repr=False)

    @property
    def reader(self) -> PdfReader:
        if self._reader is None:
            self._reader = PdfReader(io.BytesIO(self.pdf))
        return self._reader

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)


@dataclass
class Layout:
    front_pages: int
    starts: dict[str, int]  # key -> first page number (1-based, whole pack)
    ends: dict[str, int]
    blank_before: set[str]
    total: int


def plan(front_pages: int, parts: list[PackPart]) -> Layout:
    page = front_pages
    starts, ends, blanks = {}, {}, set()
    for part in parts:
        if (page + 1) % 2 == 0:  # the next page would be a left-hand page
            blanks.add(part.key)
            page += 1
        starts[part.key] = page + 1
        page += part.page_count
        ends[part.key] = page
    return Layout(front_pages, starts, ends, blanks, page)


def lay_out(render_front_sheet: Callable[[dict], bytes], parts: list[PackPart]) -> tuple[bytes, Layout]:
    """Render the front sheet with page ranges until its own length stops changing, then plan around it."""
    front_pages = 1
    for _ in range(MAX_FRONT_SHEET_PASSES):
        layout = plan(front_pages, parts)
        ranges = {key: (layout.starts[key], layout.ends[key]) for key in layout.starts}
        front = render_front_sheet(ranges)
        actual = len(PdfReader(io.BytesIO(front)).pages)
        if actual == front_pages:
            return front, layout
        front_pages = actual
    raise RuntimeError("The front sheet's length did not settle.")


def build_pdf(
    *, front: bytes, layout: Layout, parts: list[PackPart], title: str, marking: str = "", watermark: str = ""
) -> bytes:
    """The pack: front sheet and parts with bookmarks, "Page N" on every page, and the marking when restricted.

    A restricted pack reserves its top band for the marking and the downloader's watermark (`watermark_copy`).
    """
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    outline_refs = {}
    blank = PdfReader(io.BytesIO(blank_page_pdf()))
    for part in parts:
        if part.key in layout.blank_before:
            writer.append(blank, import_outline=False)
        first_index = len(writer.pages)
        writer.append(part.reader, import_outline=False)
        parent = outline_refs.get(part.parent_key)
        outline_refs[part.key] = writer.add_outline_item(
            title=part.outline_title, page_number=first_index, parent=parent
        )
    writer.add_metadata({"/Title": title, "/Author": "Kent Community Safety Partnership"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    top = (marking, watermark) if marking or watermark else None
    return stamp_pdf(out.getvalue(), top=top, bottom=lambda number: (marking, f"Page {number}"))


def watermark_copy(pdf: bytes, text: str) -> bytes:
    """A copy of a built restricted pack with `text` (the downloader's name and the date) in its reserved top band."""
    return stamp_pdf(pdf, top=("", text), fit=False)

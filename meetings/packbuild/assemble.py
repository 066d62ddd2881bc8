"""Put a pack's file together from its front sheet and parts, where its layout (pages.py) puts them, stamped with
each page's label and carrying them as /PageLabels."""

import io
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from .pages import BLANK, FRONT, Layout, page_labels_write
from .stamp import blank_page_pdf, stamp_pdf


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


def build_pdf(
    *, front: bytes, layout: Layout, parts: list[PackPart], title: str, marking: str = "", watermark: str = ""
) -> bytes:
    """The pack: front sheet, parts and blank pages in `layout`'s order, with bookmarks, "Page <label>" on every
    page and the labels as /PageLabels, and the marking when restricted.

    A restricted pack reserves its top band for the marking and the downloader's watermark (`watermark_copy`).
    """
    writer = PdfWriter()
    outline_refs = {}
    blank = PdfReader(io.BytesIO(blank_page_pdf()))
    by_key = {part.key: part for part in parts}
    for key, count in layout.blocks():
        if key == BLANK:
            for _ in range(count):
                writer.append(blank, import_outline=False)
        elif key == FRONT:
            writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
        else:
            part = by_key[key]
            first_index = len(writer.pages)
            writer.append(part.reader, import_outline=False)
            parent = outline_refs.get(part.parent_key)
            outline_refs[key] = writer.add_outline_item(
                title=part.outline_title, page_number=first_index, parent=parent
            )
    writer.add_metadata({"/Title": title, "/Author": "Kent Community Safety Partnership"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    top = (marking, watermark) if marking or watermark else None
    labels = layout.labels
    return stamp_pdf(
        out.getvalue(),
        top=top,
        bottom=lambda number: (marking, f"Page {labels[number - 1]}"),
        finish=lambda doc: page_labels_write(doc, labels),
    )


def watermark_copy(pdf: bytes, text: str) -> bytes:
    """A copy of a built restricted pack with `text` (the downloader's name and the date) in its reserved top band."""
    return stamp_pdf(pdf, top=("", text), fit=False)

"""Put a pack's file together from its front sheet and parts, where its layout (pages.py) puts them, stamped with
each page's label and carrying them as /PageLabels.

The merge, the stamps and the labels are done in one pikepdf (qpdf) document saved once: about four times
quicker than merging with pypdf and stamping a second copy (bench/pack.py's merge-only floor)."""

import io
from dataclasses import dataclass, field

import pikepdf

from .pages import BLANK, FRONT, Layout, page_labels_write
from .stamp import blank_page_pdf, stamp_doc


@dataclass
class PackPart:
    """One paper, appendix or set of notes, in agenda order."""

    key: str  # e.g. "item-12" or "appendix-3": what the front sheet's page range refers to
    outline_title: str
    pdf: bytes
    parent_key: str | None = None  # appendices nest under their paper in the bookmarks
    _doc: pikepdf.Pdf | None = field(default=None, repr=False)

    @property
    def doc(self) -> pikepdf.Pdf:
        """The part opened by pikepdf (once). pikepdf.PdfError for a file qpdf cannot read."""
        if self._doc is None:
            self._doc = pikepdf.open(io.BytesIO(self.pdf))
        return self._doc

    @property
    def page_count(self) -> int:
        return len(self.doc.pages)


def build_pdf(
    *, front: bytes, layout: Layout, parts: list[PackPart], title: str, marking: str = "", watermark: str = ""
) -> bytes:
    """The pack: front sheet, parts and blank pages in `layout`'s order, with bookmarks, "Page <label>" on every
    page and the labels as /PageLabels, and the marking when restricted.

    A restricted pack reserves its top band for the marking and the downloader's watermark (`watermark_copy`).
    The parts' own bookmarks are not carried over; each part gets one, an appendix's under its paper's.
    """
    blank = pikepdf.open(io.BytesIO(blank_page_pdf()))
    front_doc = pikepdf.open(io.BytesIO(front))
    by_key = {part.key: part for part in parts}
    with pikepdf.new() as doc:
        bookmarks: list[tuple[PackPart, int]] = []
        for key, count in layout.blocks():
            if key == BLANK:
                for _ in range(count):
                    doc.pages.append(blank.pages[0])
            elif key == FRONT:
                doc.pages.extend(front_doc.pages)
            else:
                part = by_key[key]
                bookmarks.append((part, len(doc.pages)))
                doc.pages.extend(part.doc.pages)
        with doc.open_outline() as outline:
            items: dict[str, pikepdf.OutlineItem] = {}
            for part, first_index in bookmarks:
                item = items[part.key] = pikepdf.OutlineItem(part.outline_title, first_index)
                parent = items.get(part.parent_key)
                (parent.children if parent is not None else outline.root).append(item)
        doc.docinfo[pikepdf.Name.Title] = title
        doc.docinfo[pikepdf.Name.Author] = "Kent Community Safety Partnership"
        doc.Root.Lang = pikepdf.String("en-GB")
        doc.Root.PageMode = pikepdf.Name.UseOutlines
        top = (marking, watermark) if marking or watermark else None
        labels = layout.labels
        stamps = stamp_doc(doc, top=top, bottom=lambda number: (marking, f"Page {labels[number - 1]}"))
        page_labels_write(doc, labels)
        out = io.BytesIO()
        doc.save(out)
        del stamps  # open until the save: qpdf copies their streams then
    return out.getvalue()


def watermark_copy(pdf: bytes, text: str) -> bytes:
    """A copy of a built restricted pack with `text` (the downloader's name and the date) in its reserved top band."""
    from .stamp import stamp_pdf

    return stamp_pdf(pdf, top=("", text), fit=False)

"""Put a pack's file together from its front sheet and parts, where its layout (pages.py) puts them, stamped with
each page's label and carrying them as /PageLabels, tagged as one document (structure.py: the parts' structure
trees merged under one /Document, stamps and blank pages as artifacts).

The merge, the stamps and the labels are done in one pikepdf (qpdf) document saved once: about four times
quicker than merging with pypdf and stamping a second copy (bench/pack.py's merge-only floor)."""

import io
import warnings
from dataclasses import dataclass, field

import pikepdf

from kcsp.marking import marking_line

from .pages import BLANK, FRONT, Layout, page_labels_write
from .stamp import blank_page_pdf, stamp_doc
from .structure import StructureMerge, kids_of

FRONT_TITLE = "Agenda"
MAX_OWN_BOOKMARKS = 2000  # an uploaded paper's bookmarks kept, at most (deeper or more are dropped)
MAX_BOOKMARK_DEPTH = 12


@dataclass
class PackPart:
    """One paper, appendix or set of notes, in agenda order."""

    key: str  # e.g. "item-12" or "appendix-3": what the front sheet's page range refers to
    outline_title: str
    pdf: bytes
    parent_key: str | None = None  # appendices nest under their paper in the bookmarks
    uploaded: bool = False  # an uploaded file: its own bookmarks go under its bookmark, its pictures described
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
    page and the labels as /PageLabels, and the marking with its handling line when restricted; tagged
    (PDF/UA-1) with the parts' structure merged in page order (structure.py).

    A restricted pack reserves its top band for the marking and the downloader's watermark (`watermark_copy`).
    Each part gets one bookmark (pointing at its /Part structure element too), an appendix's under its paper's;
    an uploaded file's own bookmarks (`uploaded`) are kept under it. When settings.PACK_STRUCTURE_CHECK is
    on (the tests), the file is read back and checked (kcsp.pdfstructure); PackStructureError if it fails.
    """
    blank = pikepdf.open(io.BytesIO(blank_page_pdf()))  # an artifact as a whole (stamp.blank_page_pdf)
    front_doc = pikepdf.open(io.BytesIO(front))
    by_key = {part.key: part for part in parts}
    labels = layout.labels
    with pikepdf.new() as doc:
        placed: list[tuple[PackPart | None, pikepdf.Pdf, int, int]] = []
        for key, count in layout.blocks():
            if key == BLANK:
                for _ in range(count):
                    doc.pages.append(blank.pages[0])
                continue
            source = front_doc if key == FRONT else by_key[key].doc
            placed.append((by_key.get(key), source, len(doc.pages), count))
            with warnings.catch_warnings():  # named destinations: links_resolve points each link at its page
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                doc.pages.extend(source.pages)
        structure = StructureMerge(doc, lang="en-GB")
        bookmarks: list[tuple[PackPart, int, pikepdf.Dictionary]] = []
        for part, source, first, count in placed:
            pages = [doc.pages[n] for n in range(first, first + count)]
            part_title = part.outline_title if part else FRONT_TITLE
            uploaded = part is not None and part.uploaded
            element = structure.add_part(
                source, pages, title=part_title, labels=labels[first : first + count], uploaded=uploaded
            )
            links_resolve(source, pages)
            if part is not None:
                bookmarks.append((part, first, element))
        with doc.open_outline() as outline:
            items: dict[str, pikepdf.OutlineItem] = {}
            for part, first_index, element in bookmarks:
                item = pikepdf.OutlineItem(part.outline_title, first_index, structure_element=element)
                items[part.key] = item
                if part.uploaded:
                    item.children.extend(own_bookmarks(part.doc, doc, first_index))
                parent = items.get(part.parent_key)
                (parent.children if parent is not None else outline.root).append(item)
        structure.finish(title=title)
        doc.docinfo[pikepdf.Name.Author] = "Kent Community Safety Partnership"
        doc.Root.PageMode = pikepdf.Name.UseOutlines
        line = marking_line(marking)  # the marking with its handling line (kcsp/marking.py), or "" when public
        top = (line, watermark) if line or watermark else None
        stamps = stamp_doc(doc, top=top, bottom=lambda number: (line, f"Page {labels[number - 1]}"))
        page_labels_write(doc, labels)
        out = io.BytesIO()
        # PDF/UA-1 is built on PDF 1.7; object streams hold the structure's many small objects (a third the size)
        doc.save(out, min_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate)
        del stamps  # open until the save: qpdf copies their streams then
    data = out.getvalue()
    _check(data, title)
    return data


class PackStructureError(Exception):
    """A built pack's structure failed the checker (only raised when settings.PACK_STRUCTURE_CHECK is on)."""


def _check(data: bytes, title: str) -> None:
    from django.conf import settings

    if not getattr(settings, "PACK_STRUCTURE_CHECK", False):
        return
    from kcsp.pdfstructure import structure_problems

    problems = structure_problems(data)
    if problems:
        raise PackStructureError(f"{title}: " + "; ".join(problems[:10]))


def _named_destinations(source: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    """The file's named destinations: the /Dests name tree (PDF 1.2 on) and the older /Dests dictionary."""
    named: dict[str, pikepdf.Object] = {}
    old = source.Root.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        named.update({name[1:]: value for name, value in old.items()})
    names = source.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        named.update(pikepdf.NameTree(names.Dests).items())
    return named


def links_resolve(source: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
    """Point links to named destinations (WeasyPrint writes every link within a paper so, `/Dest (c3)`) at the
    page and view they name: the names live in the part's catalogue, which merging pages does not carry over.
    `pages` are `source`'s pages as added to the pack, in order. A name that cannot be resolved is left."""
    named: dict | None = None
    page_at = {page.obj.objgen: pages[n].obj for n, page in enumerate(source.pages)}
    for page in pages:
        for annotation in kids_of(page.obj.get("/Annots")):
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            action = annotation.get("/A")
            goto = isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/GoTo"
            for holder, key in ((annotation, "/Dest"), (action if goto else None, "/D")):
                target = holder.get(key) if holder is not None else None
                if not isinstance(target, (pikepdf.String, pikepdf.Name)):
                    continue
                if named is None:
                    named = _named_destinations(source)
                explicit = named.get(str(target).removeprefix("/") if isinstance(target, pikepdf.Name) else str(target))
                if isinstance(explicit, pikepdf.Dictionary):
                    explicit = explicit.get("/D")
                page = explicit[0] if isinstance(explicit, pikepdf.Array) and len(explicit) else None
                if isinstance(page, pikepdf.Dictionary) and page.objgen in page_at:
                    holder[key] = pikepdf.Array([page_at[page.objgen], *list(explicit)[1:]])


def own_bookmarks(source: pikepdf.Pdf, doc: pikepdf.Pdf, first_index: int) -> list[pikepdf.OutlineItem]:
    """`source`'s bookmarks, pointing at its pages where they now are in `doc` (from `first_index`).

    Explicit destinations keep their view (/XYZ position, /Fit …); named ones and GoTo actions are resolved; one
    that cannot be resolved points at the part's first page. At most MAX_OWN_BOOKMARKS, MAX_BOOKMARK_DEPTH deep."""
    index_of = {page.obj.objgen: n for n, page in enumerate(source.pages)}
    named: dict | None = None
    budget = [MAX_OWN_BOOKMARKS]

    def destination(item: pikepdf.OutlineItem):
        nonlocal named
        target = item.destination
        if target is None and isinstance(item.action, pikepdf.Dictionary) and item.action.get("/S") == "/GoTo":
            target = item.action.get("/D")
        if isinstance(target, (pikepdf.String, pikepdf.Name, str)):
            if named is None:
                named = _named_destinations(source)
            target = named.get(str(target).lstrip("/"))
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/D")
        if isinstance(target, pikepdf.Array) and len(target) and isinstance(target[0], pikepdf.Dictionary):
            index = index_of.get(target[0].objgen)
            if index is not None:
                return pikepdf.Array([doc.pages[first_index + index].obj, *list(target)[1:]])
        return first_index

    def convert(items, depth: int) -> list[pikepdf.OutlineItem]:
        out = []
        for item in items:
            if budget[0] <= 0 or depth > MAX_BOOKMARK_DEPTH:
                break
            budget[0] -= 1
            new = pikepdf.OutlineItem(str(item.title), destination(item))
            new.children.extend(convert(item.children, depth + 1))
            out.append(new)
        return out

    try:
        with source.open_outline() as outline:
            return convert(outline.root, 1)
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, RecursionError, ValueError, TypeError, KeyError):
        return []  # bookmarks qpdf or pikepdf cannot follow (a loop, a broken tree): the part's own bookmark only


def watermark_copy(pdf: bytes, text: str) -> bytes:
    """A copy of a built restricted pack with `text` (the downloader's name and the date) in its reserved top band."""
    from .stamp import stamp_pdf

    return stamp_pdf(pdf, top=("", text), fit=False)

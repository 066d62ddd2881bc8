"""Whether a PDF is tagged: it carries a logical structure tree (ISO 32000-1 14.7, 14.8) a screen reader can read.

The one test used everywhere a paper's accessibility is decided: at upload (the officer is told), when a pack is
merged (meetings/packbuild/structure.py), on the front sheet and in the accessibility statement.
"""

import io

import pikepdf

UNTAGGED_WARNING = (
    "This PDF has no tags: screen-reader users will not be able to read it. Export it from Word with "
    "“document structure tags for accessibility” (File > Save As > PDF > Options) and upload that instead."
)


def is_tagged(doc: pikepdf.Pdf) -> bool:
    """True if `doc` has a structure tree with at least one element (/StructTreeRoot with a non-empty /K).

    /MarkInfo /Marked alone is not enough (some writers set it on files with no tree), and a tree with no
    elements tags nothing."""
    root = doc.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return False
    kids = root.get("/K")
    if isinstance(kids, pikepdf.Array):
        return len(kids) > 0
    return isinstance(kids, pikepdf.Dictionary)


def pdf_tagged(data: bytes) -> bool:
    """`is_tagged` for PDF bytes; False for bytes qpdf cannot read."""
    try:
        with pikepdf.open(io.BytesIO(data)) as doc:
            return is_tagged(doc)
    except (pikepdf.PdfError, ValueError, OSError):
        return False

"""Refuse an uploaded PDF whose accessibility tags are damaged, before it is stored (issue 19, adversarial review).

A tagged upload's structure tree is copied into every pack that holds it (meetings/packbuild/structure.py) and
the "chosen pages" PDF is cut from that pack (meetings/pack_pages.py), so a tree that is not a tree breaks them:
an element reached twice (a /K pointing back at an ancestor) or nested deeper than any document needs, a
/StructParents or /StructParent that is not a non-negative integer, an /IDTree with keys that are not strings,
a ParentTree that is not a valid number tree or misses keys, an MCID that is not one. Such a file
would make a pack that is not a valid tagged document (kcsp.pdfstructure), or fail to build, so the officer is
asked for a fresh export. A file with no tags at all is not judged here: it is flagged as untagged instead
(meetings/uploads.py upload_untagged). Also refused: more bookmarks than any paper has (reading them all is slow).

Every walk here is iterative and remembers what it has visited, so loops and depth cannot hang or crash it.
"""

import pikepdf
from pikepdf import Array, Dictionary

from .packbuild.tags import is_tagged

DAMAGED_TAGS = (
    "The selected PDF's accessibility tags are damaged ({reason}), so it cannot be put in an agenda pack. "
    "Export it again from the program that made it, with “document structure tags for accessibility”, and "
    "upload that."
)
TOO_MANY_BOOKMARKS = "The selected PDF has more than {limit:,} bookmarks: save it again with fewer and upload that."
MAX_DEPTH = 100  # levels of structure elements; Word, LibreOffice and WeasyPrint nest a few dozen at most
MAX_BOOKMARKS = 10_000
MAX_KEY = 2**31 - 1  # a ParentTree key (ISO 32000-1 Annex C: integers are 32-bit)
# The checker's sentences about the tree itself (kcsp.pdfstructure). Not these: headings, alternative text and
# links are the author's choices, and marked content the tree does not reach is common in good files (WeasyPrint
# writes some): they are carried into the pack as they are.
STRUCTURAL = ("StructTreeRoot:", "ParentTree:", "Structure tree:", "Content:")


def _kids(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _key_ok(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= int(value) <= MAX_KEY


def _tree_damage(root: Dictionary) -> str | None:
    """Why the element tree under `root` is not a tree of elements, or None."""
    seen: set = set()
    pending = [(kid, 1) for kid in _kids(root.get("/K"))]
    while pending:
        element, depth = pending.pop()
        if isinstance(element, pikepdf.Stream):
            return "a structure element is a stream"
        if not isinstance(element, Dictionary) or element.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if depth > MAX_DEPTH:
            return f"structure elements nested more than {MAX_DEPTH} deep"
        if element.is_indirect:
            if element.objgen in seen:
                return "a structure element is reached twice, so the tree loops"
            seen.add(element.objgen)
        for kid in _kids(element.get("/K")):
            is_mcr = isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR"
            if (is_mcr and not _key_ok(kid.get("/MCID"))) or (isinstance(kid, int) and not _key_ok(kid)):
                return "a structure element names marked content with no valid MCID"
            pending.append((kid, depth + 1))
    return None


def _keys_damage(pdf: pikepdf.Pdf) -> str | None:
    """Why a page's, annotation's or form XObject's ParentTree key is not one, or None."""
    for number, page in enumerate(pdf.pages, start=1):
        obj = page.obj
        if "/StructParents" in obj and not _key_ok(obj.StructParents):
            return f"page {number}'s /StructParents is not a key"
        for annotation in _kids(obj.get("/Annots")):
            if isinstance(annotation, Dictionary) and not _key_ok(annotation.get("/StructParent", 0)):
                return f"an annotation on page {number} has a /StructParent that is not a key"
        resources = obj.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
        for xobject in xobjects.values() if isinstance(xobjects, Dictionary) else []:
            if isinstance(xobject, pikepdf.Stream) and not _key_ok(xobject.get("/StructParents", 0)):
                return f"a form XObject on page {number} has a /StructParents that is not a key"
    return None


def _id_tree_damage(root: Dictionary) -> str | None:
    """Why the /IDTree is not a name tree of string keys, or None."""
    node = root.get("/IDTree")
    if node is None:
        return None
    seen: set = set()
    pending = [node]
    while pending:
        node = pending.pop()
        if not isinstance(node, Dictionary) or (node.is_indirect and node.objgen in seen):
            return "the /IDTree is not a name tree"
        if node.is_indirect:
            seen.add(node.objgen)
        names = node.get("/Names")
        if isinstance(names, Array) and not all(isinstance(key, pikepdf.String) for key in list(names)[::2]):
            return "an /IDTree key is not a string"
        pending.extend(_kids(node.get("/Kids")))
    return None


def bookmark_count(pdf: pikepdf.Pdf, limit: int) -> int:
    """How many bookmarks the file has, counting no further than `limit` + 1 (each item once, loops ignored)."""
    outlines = pdf.Root.get("/Outlines")
    first = outlines.get("/First") if isinstance(outlines, Dictionary) else None
    seen: set = set()
    pending = [first]
    while pending and len(seen) <= limit:
        item = pending.pop()
        if not isinstance(item, Dictionary) or not item.is_indirect or item.objgen in seen:
            continue
        seen.add(item.objgen)
        pending += [item.get("/Next"), item.get("/First")]
    return len(seen)


def structure_refusal(pdf: pikepdf.Pdf, data: bytes) -> str | None:
    """The message refusing the upload `pdf` (opened from the cleaned bytes `data`), or None to accept it."""
    if bookmark_count(pdf, MAX_BOOKMARKS) > MAX_BOOKMARKS:
        return TOO_MANY_BOOKMARKS.format(limit=MAX_BOOKMARKS)
    if not is_tagged(pdf):
        return None
    root = pdf.Root.StructTreeRoot
    reason = _tree_damage(root) or _keys_damage(pdf) or _id_tree_damage(root)
    if reason is None:
        from kcsp.pdfstructure import structure_problems

        found = [problem for problem in structure_problems(data) if problem.startswith(STRUCTURAL)]
        reason = found[0].rstrip(".") if found else None
    return DAMAGED_TAGS.format(reason=reason) if reason else None

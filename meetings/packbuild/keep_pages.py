"""A tagged pack cut down to some of its pages (the reader's "chosen pages" PDF, meetings/pack_pages.py): the
structure, ParentTree keys, IDs, links and bookmarks of the pages left out are dropped, so the copy is still one
valid tagged file and carries nothing of those pages (qpdf writes every object still referenced: a /Pg, a link's
destination or a bookmark would bring a dropped page back)."""

import pikepdf
from pikepdf import Array, Dictionary

from .structure import is_element, kids_of, tree_write
from .tags import is_tagged


def _on_kept_page(kid, page, kept: set) -> bool:
    """Whether `kid` (a page itself, an MCID on `page`, or a reference or element with its own /Pg) is on a page
    kept."""
    if isinstance(kid, Dictionary) and kid.get("/Type") == "/Page":
        return kid.objgen in kept
    target = kid.get("/Pg", page) if isinstance(kid, Dictionary) else page
    return isinstance(target, Dictionary) and target.objgen in kept


def _key(element: Dictionary):
    return element.objgen if element.is_indirect else id(element)


def _prune(top: list, kept: set) -> tuple[list, set]:
    """Drop from the elements under `top` the content on pages not `kept` (post-order, without recursion; a /K
    that loops back to an ancestor is cut). Returns the top elements still holding content (or that never held
    any) and the keys of every element kept."""
    holds: dict = {}  # element key -> still holds content
    stack = [(element, None, False) for element in reversed(top) if is_element(element)]
    while stack:
        element, page, expanded = stack.pop()
        key = _key(element)
        if not expanded:
            if key in holds:
                continue
            holds[key] = None  # being pruned: a loop back to it is cut
            page = element.get("/Pg", page)
            stack.append((element, page, True))
            stack.extend((kid, page, False) for kid in reversed(kids_of(element.get("/K"))) if is_element(kid))
            continue
        kids = kids_of(element.get("/K"))
        left = []
        for kid in kids:
            if is_element(kid):
                if holds.get(_key(kid)):
                    left.append(kid)
            elif isinstance(kid, (int, Dictionary)) and _on_kept_page(kid, page, kept):
                left.append(kid)  # an MCID, or a marked-content or object reference, on a page kept
        if "/Pg" in element and not _on_kept_page(element, None, kept):
            del element["/Pg"]
        if kids:
            element.K = Array(left)
        holds[key] = bool(left) or not kids
    kept_top = [element for element in top if is_element(element) and holds.get(_key(element))]
    return kept_top, {key for key, held in holds.items() if held}


def structure_keep_pages(doc: pikepdf.Pdf) -> None:
    """After pages were deleted from a tagged `doc`, drop the structure, ParentTree keys, IDs and bookmarks of
    the pages that went, so the copy is still one valid tagged file and carries nothing of the pages left out
    (qpdf writes every object still referenced: a /Pg or a bookmark would bring a dropped page back)."""
    kept = {page.obj.objgen for page in doc.pages}
    root = doc.Root.get("/StructTreeRoot")
    if is_tagged(doc):
        top, live = _prune(kids_of(root.K), kept)
        root.K = Array(top)
        keys = []
        for page in doc.pages:
            keys += [page.obj.get("/StructParents")]
            keys += [a.get("/StructParent") for a in kids_of(page.obj.get("/Annots")) if isinstance(a, Dictionary)]
        old = pikepdf.NumberTree(root.ParentTree)
        wanted = {int(k) for k in keys if isinstance(k, int)}
        root.ParentTree = doc.make_indirect(tree_write(doc, {k: old[k] for k in wanted if k in old}, "/Nums"))
        if "/IDTree" in root:
            ids = {
                name.encode("utf-8", "surrogateescape"): element
                for name, element in pikepdf.NameTree(root.IDTree).items()
                if isinstance(element, Dictionary) and element.objgen in live
            }
            root.IDTree = doc.make_indirect(tree_write(doc, ids, "/Names"))
    for page in doc.pages:
        for annotation in kids_of(page.obj.get("/Annots")):
            if not isinstance(annotation, Dictionary):
                continue
            action = annotation.get("/A")
            for holder, key in ((annotation, "/Dest"), (action, "/D")):
                target = holder.get(key) if isinstance(holder, Dictionary) else None
                if isinstance(target, Array) and len(target) and not _on_kept_page(target[0], None, kept):
                    del holder[key]
            if isinstance(annotation.get("/P"), Dictionary) and not _on_kept_page(annotation.P, None, kept):
                del annotation["/P"]
    _bookmarks_keep(doc, kept)


def _bookmarks_keep(doc: pikepdf.Pdf, kept: set) -> None:
    def keep(items) -> list:
        out = []
        for item in items:
            children = keep(list(item.children))
            target = item.destination
            if "/SE" in item.obj:
                del item.obj["/SE"]
            if isinstance(target, Array) and len(target) and _on_kept_page(target[0], None, kept):
                item.children[:] = children
                out.append(item)
            else:
                out.extend(children)  # a bookmark whose page went: its kept children move up
        return out

    with doc.open_outline() as outline:
        outline.root[:] = keep(list(outline.root))

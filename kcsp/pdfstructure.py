"""The PDF/UA structure checker the tests run on every pack: is a PDF a tagged document a screen reader can read?

`structure_problems(pdf)` returns the problems as plain sentences, each naming its rule and where (an empty list
passes); `struct_outline(pdf)` prints the structure tree. The rules are the machine-checkable part of PDF/UA-1
(ISO 14289-1) that a merged pack can get wrong (issue 19): the catalog's /MarkInfo, /Lang, /ViewerPreferences
/DisplayDocTitle, the title in Info and XMP, the PDF/UA identifier; a structure tree whose /ParentTree is a valid
number tree that every page, form XObject and annotation resolves in; every page's marked content reached from the
tree (and back through the ParentTree); page furniture marked as artifact; headings in order; figures with
alternative text; links tagged. pikepdf only, one pass over the tree and the pages.

The `pdfua` package (PyPI 0.1.3, "machine-checkable subset of PDF/UA-1 built on pikepdf") was tried as the
maintained checker issue 19 asks about and is not used: it is not sound for packs. (1) Its heading rule UA-14-001
raises "ValueError: pikepdf.Object is not a Dictionary or Stream: cannot get key '/is_integer' on object of type
array" on every WeasyPrint PDF/UA-1 document (a /K array under a heading) and the validator files the rule as
skipped, not failed: a report with no findings does not mean the headings were checked. (2) It warns on a valid
WeasyPrint table (UA-15-003 "Table has 2 header cell(s) but none carry /Scope or /Headers"), as it looks for
/Headers on the TH cells while WeasyPrint puts them on the TD cells, where ISO 32000-1 14.8.5.7 has them. (3) It
passes broken copies: two pages sharing a /StructParents key, a ParentTree key removed, marked content the tree
does not reach, an H1 followed by an H3, a link annotation outside any /Link element, a path or text painted in
a /Span sequence with no MCID, and an XMP packet whose pdfuaid:part was removed (it only looks for the text
"pdfuaid" or "pdf/ua" anywhere in the packet, and the namespace declaration stays). (4) It reads a path only, so
pack bytes would go through a temporary file. What it does catch (MarkInfo, Lang, DisplayDocTitle, text outside
marked content, a Figure with no /Alt) is checked here too.
"""

import io

import pikepdf

from kcsp.pdfmarked import number_tree_problems, scan_content

_HEADINGS = {f"/H{level}": level for level in range(1, 7)}
_MAX_ROLE_HOPS = 16


def structure_problems(pdf: bytes) -> list[str]:
    """The PDF/UA-1 structure problems of `pdf` (PDF bytes) as sentences; [] when it passes.

    A file qpdf cannot read gives the one problem "not a readable PDF"."""
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError, OSError) as error:
        return [f"Not a readable PDF: qpdf cannot open it ({str(error).split(': ', 1)[-1]})."]
    with doc:
        problems = _catalog_problems(doc)
        pages = {page.objgen: number for number, page in enumerate(doc.pages, start=1)}
        tree = _Tree(doc, pages)
        problems += tree.problems
        problems += _content_problems(doc, tree)
        return problems


def _text(value) -> str:
    try:
        return str(value).strip() if value is not None else ""
    except (ValueError, TypeError):
        return ""


def _catalog_problems(doc: pikepdf.Pdf) -> list[str]:
    root = doc.Root
    problems = []
    mark_info = root.get("/MarkInfo")
    if not (isinstance(mark_info, pikepdf.Dictionary) and mark_info.get("/Marked") is True):
        problems.append("MarkInfo: the catalog has no /MarkInfo with /Marked true (PDF/UA-1 6.2).")
    if not _text(root.get("/Lang")):
        problems.append("Lang: the catalog has no /Lang naming the document's language (PDF/UA-1 7.2).")
    preferences = root.get("/ViewerPreferences")
    if not (isinstance(preferences, pikepdf.Dictionary) and preferences.get("/DisplayDocTitle") is True):
        problems.append("DisplayDocTitle: /ViewerPreferences /DisplayDocTitle is not true (PDF/UA-1 7.1).")
    info = doc.trailer.get("/Info")
    if not (isinstance(info, pikepdf.Dictionary) and _text(info.get("/Title"))):
        problems.append("Title: the Info dictionary has no /Title (PDF/UA-1 7.1).")
    if "/Metadata" not in root:
        problems.append("XMP: the catalog has no /Metadata, so no dc:title and no pdfuaid:part (PDF/UA-1 5, 7.1).")
        return problems
    try:
        meta = doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        title, part = _text(meta.get("dc:title")), _text(meta.get("pdfuaid:part"))
    except Exception as error:  # noqa: BLE001 - pikepdf raises parser errors of several kinds for bad XMP
        return [*problems, f"XMP: the metadata cannot be read ({error}) (PDF/UA-1 5)."]
    if not title:
        problems.append("Title: the XMP metadata has no dc:title (PDF/UA-1 7.1).")
    if part != "1":
        problems.append(
            f"PDF/UA identifier: the XMP metadata's pdfuaid:part is {part or 'absent'}, not 1 (PDF/UA-1 5)."
        )
    return problems


class _Tree:
    """One walk of the structure tree in document order, recording what the content and annotation checks need.

    `reached[(container objgen, mcid)]` is the element holding that marked content (the container is the page,
    or the form XObject of an MCR's /Stm); `objr[objgen]` the element holding an OBJR to that object;
    `link_annots` the annotations reached through an OBJR in a /Link element; `parent_tree` the ParentTree
    read with pikepdf.NumberTree (None if it is missing or broken)."""

    def __init__(self, doc: pikepdf.Pdf, pages: dict):
        self.doc, self.pages = doc, pages
        self.problems: list[str] = []
        self.reached: dict[tuple, pikepdf.Object] = {}
        self.objr: dict[tuple, pikepdf.Object] = {}
        self.link_annots: set[tuple] = set()
        self.parent_tree: dict[int, pikepdf.Object] | None = None
        self.keys: list[int] = []
        root = doc.Root.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary) or not _kids(root):
            self.problems.append("StructTreeRoot: the document has no structure tree with elements (PDF/UA-1 7.1).")
            return
        self.role_map = root.get("/RoleMap") if isinstance(root.get("/RoleMap"), pikepdf.Dictionary) else {}
        self._read_parent_tree(root)
        self._walk(root)

    def role(self, element: pikepdf.Dictionary) -> str:
        """The element's standard type: its /S followed through the RoleMap."""
        role = str(element.get("/S", ""))
        for _ in range(_MAX_ROLE_HOPS):
            mapped = self.role_map.get(role)
            if not isinstance(mapped, pikepdf.Name) or str(mapped) == role:
                break
            role = str(mapped)
        return role

    def _read_parent_tree(self, root: pikepdf.Dictionary) -> None:
        node = root.get("/ParentTree")
        if not isinstance(node, pikepdf.Dictionary):
            self.problems.append("ParentTree: the StructTreeRoot has no /ParentTree (ISO 32000-1 14.7.4.4).")
            return
        self.keys, shape = number_tree_problems(node, "ParentTree")
        self.problems += shape
        if shape:
            return
        self.parent_tree = dict(pikepdf.NumberTree(node).items())
        next_key = root.get("/ParentTreeNextKey")
        if isinstance(next_key, int) and self.keys and int(next_key) <= max(self.keys):
            self.problems.append(
                f"ParentTree: /ParentTreeNextKey {int(next_key)} is not greater than the greatest key "
                f"{max(self.keys)} (ISO 32000-1 14.7.4.4)."
            )

    def _where(self, page) -> str:
        number = self.pages.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
        return f"page {number}" if number else "no page"

    def _walk(self, root: pikepdf.Dictionary) -> None:
        seen: set[tuple] = set()
        previous = 0
        stack = [(kid, None) for kid in reversed(_kids(root))]
        while stack:
            element, page = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or element.objgen in seen and element.is_indirect:
                continue
            if element.is_indirect:
                seen.add(element.objgen)
            page = element.get("/Pg", page)
            role = self.role(element)
            level = _HEADINGS.get(role)
            if level is not None:
                where = self._where(page)
                if previous == 0 and level != 1:
                    self.problems.append(f"Headings: the first heading is H{level} ({where}), not H1 (PDF/UA-1 7.4.2).")
                elif previous and level > previous + 1:
                    self.problems.append(
                        f"Headings: an H{level} ({where}) follows an H{previous}, skipping a level (PDF/UA-1 7.4.2)."
                    )
                previous = level
            if role == "/Figure" and "/Alt" not in element and "/ActualText" not in element:
                self.problems.append(
                    f"Figure: a Figure ({self._where(page)}) has neither /Alt nor /ActualText (PDF/UA-1 7.3)."
                )
            children = []
            for kid in _kids(element):
                if isinstance(kid, int):
                    self._reach(page, int(kid), element)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    container = kid.get("/Stm") or kid.get("/Pg", page)
                    self._reach(container, kid.get("/MCID"), element)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    target = kid.get("/Obj")
                    if isinstance(target, pikepdf.Object) and target.is_indirect:
                        self.objr[target.objgen] = element
                        if role == "/Link":
                            self.link_annots.add(target.objgen)
                else:
                    children.append((kid, page))
            stack.extend(reversed(children))

    def _reach(self, container, mcid, element: pikepdf.Dictionary) -> None:
        if not isinstance(container, pikepdf.Object) or not container.is_indirect or not isinstance(mcid, int):
            self.problems.append(
                f"Structure tree: a {element.get('/S')} element holds marked content with no page or MCID "
                "(ISO 32000-1 14.7.4.2)."
            )
            return
        self.reached[(container.objgen, int(mcid))] = element


def _kids(node: pikepdf.Dictionary) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _mcids(mcids: list[int]) -> str:
    """ "MCID 4" or "MCIDs 0, 1, 2, 3, 4, … (12 in all)": one sentence a page, however many there are."""
    if len(mcids) == 1:
        return f"MCID {mcids[0]}"
    shown = ", ".join(str(mcid) for mcid in mcids[:5])
    return f"MCIDs {shown}{f', … ({len(mcids)} in all)' if len(mcids) > 5 else ''}"


def _same(one, other) -> bool:
    """True if both are the same indirect object (structure elements are indirect: ISO 32000-1 14.7.2)."""
    return (
        isinstance(one, pikepdf.Object)
        and isinstance(other, pikepdf.Object)
        and one.is_indirect
        and one.objgen == other.objgen
    )


def _content_problems(doc: pikepdf.Pdf, tree: _Tree) -> list[str]:
    """Every page's (and tagged form XObject's) marked content against the tree and ParentTree; page furniture;
    annotations. One pass over the pages."""
    problems: list[str] = []
    owners: dict[int, str] = {}  # ParentTree key -> what uses it, to find a key used twice
    forms: set[tuple] = set()  # form XObjects checked (one may be drawn on many pages)

    def own(key, what: str) -> bool:
        """Record `key` as `what`'s; True if it is its own and resolves in a readable ParentTree."""
        if not isinstance(key, int):
            problems.append(f"ParentTree: {what} has a key that is not an integer (ISO 32000-1 14.7.4.4).")
            return False
        key = int(key)
        if key in owners:
            problems.append(f"ParentTree: {what} and {owners[key]} share the key {key} (ISO 32000-1 14.7.4.4).")
            return False
        owners[key] = what
        if tree.parent_tree is not None and key not in tree.parent_tree:
            problems.append(f"ParentTree: {what}'s key {key} is not in the ParentTree (ISO 32000-1 14.7.4.4).")
            return False
        return tree.parent_tree is not None

    def check_marks(container: pikepdf.Object, what: str, key) -> None:
        properties = container.get("/Resources", {}).get("/Properties")
        try:
            marked = scan_content(
                container if isinstance(container, pikepdf.Stream) else pikepdf.Page(container), properties
            )
        except pikepdf.PdfError as error:
            problems.append(f"Content: {what}'s content cannot be parsed ({error}).")
            return
        if marked.untagged and not isinstance(container, pikepdf.Stream):  # a form's Do is judged on its page
            problems.append(
                f"Untagged content on {what}: text or graphics outside any marked content with an MCID and outside "
                "any /Artifact (PDF/UA-1 7.1)."
            )
        if not marked.mcids:
            return
        if key is None:
            problems.append(f"ParentTree: {what} has marked content but no /StructParents (ISO 32000-1 14.7.4.4).")
            return
        if not own(key, what):
            return
        parents = tree.parent_tree[int(key)]
        unreached, misfiled = [], []
        for mcid in marked.mcids:
            element = tree.reached.get((container.objgen, mcid))
            if element is None:
                unreached.append(mcid)
            elif not (isinstance(parents, pikepdf.Array) and mcid < len(parents) and _same(parents[mcid], element)):
                misfiled.append(mcid)
        if unreached:
            problems.append(
                f"Marked content on {what}: {_mcids(unreached)} {'is' if len(unreached) == 1 else 'are'} not reached "
                "from the structure tree (PDF/UA-1 7.1)."
            )
        if misfiled:
            problems.append(
                f"ParentTree: on {what}, the entries of key {int(key)} for {_mcids(misfiled)} are not the elements "
                "holding them (ISO 32000-1 14.7.4.4)."
            )

    for number, page in enumerate(doc.pages, start=1):
        what = f"page {number}"
        check_marks(page.obj, what, page.obj.get("/StructParents"))
        resources = page.obj.get("/Resources", {})
        for name, xobject in (resources.get("/XObject") or {}).items():
            if isinstance(xobject, pikepdf.Stream) and "/StructParents" in xobject and xobject.objgen not in forms:
                forms.add(xobject.objgen)
                check_marks(xobject, f"form XObject {name} on {what}", xobject.get("/StructParents"))
        for annot in page.obj.get("/Annots") or []:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", ""))
            key = annot.get("/StructParent")
            if subtype == "/Link" and annot.objgen not in tree.link_annots:
                problems.append(
                    f"Link: a link annotation on {what} is not reached through an OBJR in a /Link element "
                    "(PDF/UA-1 7.18.5)."
                )
            owned = key is not None and own(key, f"a {subtype[1:]} annotation on {what}")
            if owned and not _same(tree.parent_tree[int(key)], tree.objr.get(annot.objgen)):
                problems.append(
                    f"ParentTree: entry {int(key)} for a {subtype[1:]} annotation on {what} is not the element "
                    "holding its OBJR (ISO 32000-1 14.7.4.4)."
                )
    return problems


def struct_outline(pdf: bytes, depth: int = 4) -> list[str]:
    """The structure tree of `pdf` as indented lines, two spaces a level, to `depth` levels below the root:
    "Document", "  Part: <its /T>", "    H1: <its /ActualText, /Alt or /T>"; marked content and OBJRs are left out.
    [] for an untagged or unreadable PDF."""
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError, OSError):
        return []
    with doc:
        root = doc.Root.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary):
            return []
        lines: list[str] = []
        stack = [(kid, 0) for kid in reversed(_kids(root))]
        while stack:
            element, level = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            label = next(
                (_text(element.get(key)) for key in ("/ActualText", "/Alt", "/T") if _text(element.get(key))), ""
            )
            words = " ".join(label.split()[:8])
            lines.append("  " * level + str(element.S)[1:] + (f": {words}" if words else ""))
            if level + 1 < depth:
                stack.extend((kid, level + 1) for kid in reversed(_kids(element)))
        return lines

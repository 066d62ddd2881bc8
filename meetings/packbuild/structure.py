"""One logical structure tree for a pack merged from its parts' trees (tagged PDF: ISO 32000-1 14.7 and 14.8;
PDF/UA-1, ISO 14289-1).

Merging pages drops each part's /StructTreeRoot, so a merged pack would be untagged. `StructureMerge` rebuilds it:

- One /StructTreeRoot whose /Document element holds one /Part per part in page order (front sheet, each paper,
  its appendices), each titled (/T) with the part's bookmark title. A part's own /Document element becomes that
  /Part (its children kept as they are); any other top level is wrapped in a new /Part.
- /StructParents of every page and form XObject, and /StructParent of every annotation, are renumbered to the
  pack's next keys part by part, so keys never clash (a key the part's ParentTree does not hold is dropped), and
  one /ParentTree is built with them (a number tree written by qpdf, so /Nums, /Kids and /Limits are valid);
  /ParentTreeNextKey follows the last key.
- /RoleMap and /ClassMap are merged: a name a part maps differently from an earlier part is renamed for that
  part (its elements' /S or /C follow). /IDTree is merged; an ID already taken is prefixed "p<n>-".
- A part with no tree (an untagged upload) cannot be made readable: each of its pages' content is marked as a
  /Figure whose /Alt says so, and its links are tagged /Link, so the pack stays one well-formed tagged file
  whose reading order announces the paper and its pages. Blank pages are artifacts (stamp.blank_page_pdf).

The parts' pages must be in the pack (doc.pages) before `add_part` copies the tree: qpdf's copy of a foreign
object maps each page it references to the copy already made, so /Pg keys point at the pack's pages.
"""

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .tags import is_tagged

UNTAGGED_ALT = (
    "Page {label}: “{title}” was uploaded without accessibility tags, so its text cannot be read here. "
    "Ask the contact officer on the agenda for an accessible copy."
)


NO_DESCRIPTION = "A picture in “{title}” that its author gave no description."


def kids_of(value) -> list:
    """A /K (or /Annots) value as a list: [] for none, its items for an array, else the one value."""
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def is_element(value) -> bool:
    """A structure element (not a marked-content or object reference, nor an MCID)."""
    return isinstance(value, Dictionary) and "/S" in value and value.get("/Type") not in (Name.MCR, Name.OBJR)


def elements(top: list) -> list[Dictionary]:
    """Every structure element under `top` (a list of elements), each once, in document order."""
    found, seen, pending = [], set(), list(reversed(top))
    while pending:
        element = pending.pop()
        if not is_element(element):
            continue
        key = element.objgen if element.is_indirect else id(element)
        if key in seen:
            continue
        seen.add(key)
        found.append(element)
        pending.extend(reversed(kids_of(element.get("/K"))))
    return found


def _as_key(value) -> int | None:
    """A ParentTree key as an int (pikepdf gives PDF integers as int), or None for anything else."""
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _struct_parent_holders(pages: list[pikepdf.Page]) -> list[tuple[Dictionary, str]]:
    """Every (object, key name) holding a ParentTree key on `pages`: the page's /StructParents, its annotations'
    /StructParent and its form XObjects' /StructParents (nested forms too), each object once."""
    found, seen = [], set()
    for page in pages:
        obj = page.obj
        if "/StructParents" in obj:
            found.append((obj, "/StructParents"))
        for annotation in kids_of(obj.get("/Annots")):
            if isinstance(annotation, Dictionary) and "/StructParent" in annotation:
                key = annotation.objgen if annotation.is_indirect else id(annotation)
                if key not in seen:
                    seen.add(key)
                    found.append((annotation, "/StructParent"))
        pending = [obj.get("/Resources")]
        while pending:
            resources = pending.pop()
            xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
            if not isinstance(xobjects, Dictionary):
                continue
            for xobject in xobjects.values():
                if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
                if "/StructParents" in xobject:
                    found.append((xobject, "/StructParents"))
                pending.append(xobject.get("/Resources"))
    return found


TREE_FAN = 256  # entries a leaf, kids a node, of the number and name trees written here


def tree_write(doc: pikepdf.Pdf, entries: dict, kind: str) -> Dictionary:
    """A number tree (`kind` "/Nums": int keys) or name tree ("/Names": bytes keys) holding `entries`, written
    by hand (ISO 32000-1 7.9.6, 7.9.7): keys ascending, TREE_FAN a leaf, /Limits on every node but the root.
    Not pikepdf.NumberTree/NameTree: filled in key order, qpdf 12.4 leaves a node's /Limits stale at some sizes
    (8,513 keys: tests/test_issue19_attack.py)."""
    pairs = sorted(entries.items())

    def key(value):
        return value if kind == "/Nums" else String(value)

    if len(pairs) <= TREE_FAN:
        return Dictionary({kind: Array([item for k, v in pairs for item in (key(k), v)])})
    nodes = []
    for start in range(0, len(pairs), TREE_FAN):
        chunk = pairs[start : start + TREE_FAN]
        leaf = Dictionary({kind: Array([item for k, v in chunk for item in (key(k), v)])})
        leaf.Limits = Array([key(chunk[0][0]), key(chunk[-1][0])])
        nodes.append((chunk[0][0], chunk[-1][0], doc.make_indirect(leaf)))
    while len(nodes) > TREE_FAN:
        parents = []
        for start in range(0, len(nodes), TREE_FAN):
            chunk = nodes[start : start + TREE_FAN]
            node = Dictionary(Kids=Array([n for _, _, n in chunk]), Limits=Array([key(chunk[0][0]), key(chunk[-1][1])]))
            parents.append((chunk[0][0], chunk[-1][1], doc.make_indirect(node)))
        nodes = parents
    return Dictionary(Kids=Array([n for _, _, n in nodes]))


class StructureMerge:
    """The pack's structure tree, built part by part; `finish` writes it into the document's catalogue."""

    def __init__(self, doc: pikepdf.Pdf, *, lang: str):
        self.doc = doc
        self.lang = lang
        self.root = doc.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root, K=Array()))
        self.root.K = Array([self.document])
        self.parents: dict[int, pikepdf.Object] = {}
        self.next_key = 0
        self.role_map: dict[str, pikepdf.Object] = {}
        self.class_map: dict[str, pikepdf.Object] = {}
        self.ids: dict[bytes, pikepdf.Object] = {}
        self.parts = 0

    def add_part(
        self, source: pikepdf.Pdf, pages: list[pikepdf.Page], *, title: str, labels: list[str], uploaded: bool = False
    ) -> Dictionary:
        """Add `source`'s structure for its `pages` as they are in the pack (same order, already added), under a
        /Part titled `title`. `labels` are the pages' printed labels (for an untagged part's /Alt). An `uploaded`
        file's pictures that its author left without a description are given one saying so (PDF/UA-1 7.3).
        Returns the /Part element (a bookmark may point at it with /SE)."""
        self.parts += 1
        if not is_tagged(source):
            return self._add_untagged(pages, title=title, labels=labels)
        tree = self.doc.copy_foreign(source.Root.StructTreeRoot)
        self._renumber(tree, pages)
        top = [kid for kid in kids_of(tree.get("/K")) if is_element(kid)]
        self._merge_maps(tree, top)
        if uploaded:
            self._describe_figures(tree, top, title)
        self._merge_ids(tree)
        if len(top) == 1 and str(top[0].S) == "/Document":
            part = top[0]
            part.S = Name.Part
        else:
            part = self.doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(top)))
            for kid in top:
                kid.P = part
        part.P = self.document
        part.T = String(title)
        lang = source.Root.get("/Lang")
        if lang is not None and str(lang) != self.lang and "/Lang" not in part:
            part.Lang = lang
        self.document.K.append(part)
        self._tag_loose_annotations(part, pages)
        return part

    def _tag_loose_annotations(self, part: Dictionary, pages: list[pikepdf.Page]) -> None:
        """Tag the annotations the part's own tree leaves out (no key, or a key whose element does not hold it by
        an OBJR: PDF/UA-1 7.18.1), under the part; pop-ups belong to their parent annotation and are left."""
        for page in pages:
            for annotation in kids_of(page.obj.get("/Annots")):
                if not isinstance(annotation, Dictionary) or not annotation.is_indirect:
                    continue
                if annotation.get("/Subtype") == Name.Popup:
                    continue
                element = self.parents.get(_as_key(annotation.get("/StructParent")))
                holds = isinstance(element, Dictionary) and any(
                    isinstance(kid, Dictionary) and kid.get("/Obj") is not None and kid.Obj.objgen == annotation.objgen
                    for kid in kids_of(element.get("/K"))
                )
                if not holds:
                    self._tag_annotation(part, page, annotation)
                    page.obj.Tabs = Name.S

    def _describe_figures(self, tree: Dictionary, top: list[Dictionary], title: str) -> None:
        role_map = tree.get("/RoleMap")
        roles = role_map.items() if isinstance(role_map, Dictionary) else []
        figures = {"/Figure"} | {str(name) for name, role in roles if role == "/Figure"}
        for element in elements(top):
            if str(element.S) in figures and "/Alt" not in element and "/ActualText" not in element:
                element.Alt = String(NO_DESCRIPTION.format(title=title))

    def _renumber(self, tree: Dictionary, pages: list[pikepdf.Page]) -> None:
        """Give this part's ParentTree keys the pack's next numbers, in their order, on its pages, annotations and
        forms; a key its ParentTree does not hold (or that is not an integer) is dropped rather than left dangling."""
        own: dict[int, pikepdf.Object] = {}
        parent_tree = tree.get("/ParentTree")
        if isinstance(parent_tree, Dictionary):
            for key, value in pikepdf.NumberTree(parent_tree).items():
                if _as_key(key) is not None:
                    own[int(key)] = value
        new_key = {old: self.next_key + n for n, old in enumerate(sorted(own))}
        for old, value in own.items():
            self.parents[new_key[old]] = value
        self.next_key += len(own)
        lost = []
        for holder, name in _struct_parent_holders(pages):
            old = _as_key(holder.get(name))
            if old in new_key:
                holder[name] = new_key[old]
            else:
                del holder[name]
                if name == "/StructParents" and holder.get("/Type") == Name.Page:
                    lost.append(holder)
        if lost:
            self._rebuild_entries(tree, lost)

    def _rebuild_entries(self, tree: Dictionary, lost: list[Dictionary]) -> None:
        """Give pages whose ParentTree entry was missing a new one, read from the tree: for each MCID an element
        holds on that page (its /Pg, or an MCR's), that element. Only for broken files: it walks every element."""
        wanted = {page.objgen: {} for page in lost}
        for element in elements(kids_of(tree.get("/K"))):
            page = element.get("/Pg")
            for kid in kids_of(element.get("/K")):
                target, mcid = page, kid
                if isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                    target, mcid = kid.get("/Pg", page), kid.get("/MCID")
                if isinstance(target, Dictionary) and target.objgen in wanted and _as_key(mcid) is not None:
                    wanted[target.objgen][int(mcid)] = element
        for page in lost:
            found = wanted[page.objgen]
            if found and max(found) < 100_000:
                key = self._new_key()
                page.StructParents = key
                self.parents[key] = Array([found.get(n) for n in range(max(found) + 1)])

    def _merge_maps(self, tree: Dictionary, top: list[Dictionary]) -> None:
        """Join this part's /RoleMap and /ClassMap to the pack's; rename a name that clashes, in this part only
        (its elements are walked only then)."""
        for key, merged, attribute in (("/RoleMap", self.role_map, "/S"), ("/ClassMap", self.class_map, "/C")):
            own = tree.get(key)
            if not isinstance(own, Dictionary):
                continue
            renames = {}
            for name, value in own.items():
                if name in merged and repr(merged[name]) != repr(value):
                    renames[name] = f"{name}_p{self.parts}"
                    merged[renames[name]] = value
                else:
                    merged[name] = value
            if renames:
                self._rename(elements(top), attribute, renames)

    @staticmethod
    def _rename(members: list[Dictionary], attribute: str, renames: dict[str, str]) -> None:
        for element in members:
            value = element.get(attribute)
            if isinstance(value, Name) and str(value) in renames:
                element[attribute] = Name(renames[str(value)])
            elif isinstance(value, Array):
                element[attribute] = Array(
                    [Name(renames[str(v)]) if isinstance(v, Name) and str(v) in renames else v for v in value]
                )

    def _merge_ids(self, tree: Dictionary) -> None:
        id_tree = tree.get("/IDTree")
        if not isinstance(id_tree, Dictionary):
            return
        try:
            items = list(pikepdf.NameTree(id_tree).items())
        except (pikepdf.PdfError, TypeError, ValueError):
            return  # an ID tree qpdf cannot read: IDs are optional (only references by ID would need it)
        for key, element in items:
            name = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else bytes(key)
            if name in self.ids:
                name = f"p{self.parts}-".encode() + name
                if isinstance(element, Dictionary):
                    element.ID = String(name)
            self.ids[name] = element

    def _add_untagged(self, pages: list[pikepdf.Page], *, title: str, labels: list[str]) -> Dictionary:
        """Each page's content as one /Figure saying the paper is not accessible; its links as /Link."""
        part = self.doc.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array(), T=String(title))
        )
        for page, label in zip(pages, labels, strict=True):
            key = self._new_key()
            figure = self.doc.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name.Figure,
                    P=part,
                    Pg=page.obj,
                    K=Array([0]),
                    Alt=String(UNTAGGED_ALT.format(label=label, title=title)),
                )
            )
            part.K.append(figure)
            marked = [figure]
            page.contents_add(pikepdf.Stream(self.doc, b"/Figure <</MCID 0>> BDC q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(self.doc, b"Q EMC\n"))
            page.obj.StructParents = key
            self.parents[key] = Array(marked)
            for annotation in kids_of(page.obj.get("/Annots")):
                if isinstance(annotation, Dictionary) and annotation.is_indirect:
                    self._tag_annotation(part, page, annotation)
            page.obj.Tabs = Name.S
        self.document.K.append(part)
        return part

    def _tag_annotation(self, part: Dictionary, page: pikepdf.Page, annotation: Dictionary) -> None:
        kind = Name.Link if annotation.get("/Subtype") == Name.Link else Name.Annot
        key = self._new_key()
        element = self.doc.make_indirect(Dictionary(Type=Name.StructElem, S=kind, P=part, Pg=page.obj))
        element.K = Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj)])
        annotation.StructParent = key
        if kind == Name.Link and "/Contents" not in annotation:
            annotation.Contents = String("Link")
        self.parents[key] = element
        part.K.append(element)

    def _new_key(self) -> int:
        key = self.next_key
        self.next_key += 1
        return key

    def finish(self, *, title: str) -> None:
        """Write the tree, /MarkInfo, /Lang, /ViewerPreferences /DisplayDocTitle and the title (Info and XMP,
        with the PDF/UA identification) into the document."""
        doc = self.doc
        self.root.ParentTree = doc.make_indirect(tree_write(doc, self.parents, "/Nums"))
        self.root.ParentTreeNextKey = self.next_key
        if self.role_map:
            self.root.RoleMap = Dictionary({name: value for name, value in self.role_map.items()})
        if self.class_map:
            self.root.ClassMap = Dictionary({name: value for name, value in self.class_map.items()})
        if self.ids:
            self.root.IDTree = doc.make_indirect(tree_write(doc, self.ids, "/Names"))
        doc.Root.StructTreeRoot = self.root
        doc.Root.MarkInfo = Dictionary(Marked=True)
        doc.Root.Lang = String(self.lang)
        doc.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        doc.docinfo[Name.Title] = title
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["pdfuaid:part"] = "1"

"""Make an uploaded Word document publish only what its author saw: refuse revisions and comments, strip the rest.

Refused (the author must decide): tracked changes and comments. Stripped from the stored copy: hidden
text, document properties (author, last modified by, company, custom properties, thumbnail, document
variables, attached data such as SharePoint properties, the list of reviewers), embedded objects and
their parts, and photos' camera, author and place details. Fields that recompute when converted (dates,
file names, page counts, cross-references) are replaced by the result Word last showed (docx_fields),
so the PDF made by LibreOffice shows what the author saw, and the converter fetches nothing a field names.
"""

import io
import posixpath
import re
import zipfile

from django.core.exceptions import ValidationError
from lxml import etree

from .docx_fields import freeze_fields, w
from .image_clean import jpeg_without_metadata

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
MAX_PICTURE_BYTES = 64 * 1024 * 1024
NOT_WORD = "The selected file is not a Word document: it may be damaged or renamed."
NOT_TRANSITIONAL = (
    "The selected Word document is saved as Strict Open XML, which cannot be checked: in Word, choose File > Save As "
    "and the type 'Word Document (*.docx)', then upload that."
)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
REVISIONS = {
    w(tag)
    for tag in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
        "tblPrExChange", "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "cellIns", "cellDel",
        "cellMerge",
    )
}  # fmt: skip
COMMENT_MARKS = {w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")}
STORY_TYPES = ("/header", "/footer", "/footnotes", "/endnotes")
COMMENT_PARTS = re.compile(r"^word/(comments|commentsExtended|commentsIds|commentsExtensible|people)\.xml$")
# Who wrote it, not what it says: the core properties kept are the title (a PDF's accessible name) and language.
CORE_KEPT = {f"{{{DC}}}title", f"{{{DC}}}language"}
CORE_LABELS = {f"{{{DC}}}creator": "author", f"{{{CP}}}lastModifiedBy": "last modified by"}
APP_KEPT = {
    f"{{{EP}}}{name}"
    for name in ("Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs", "DocSecurity",
                 "ScaleCrop", "LinksUpToDate", "SharedDoc", "HyperlinksChanged", "AppVersion", "Application")
}  # fmt: skip
APP_LABELS = {f"{{{EP}}}Company": "company", f"{{{EP}}}Manager": "manager", f"{{{EP}}}Template": "template name"}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Package:
    """The .docx as named parts: XML parsed on demand, parts dropped with their relationships and content types."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = [info.filename for info in archive.infolist()]
        self.parsed: dict[str, etree._Element] = {}
        self.dropped: set[str] = set()
        self.replaced: dict[str, bytes] = {}

    def root(self, name: str):
        if name not in self.parsed:
            try:
                element = etree.fromstring(self.archive.read(name), PARSER)  # noqa: S320 - no DTD, no entities
            except etree.XMLSyntaxError as error:
                raise ValidationError(NOT_WORD) from error
            if element.getroottree().docinfo.doctype:
                raise ValidationError(NOT_WORD)  # Word never writes a DTD: one is there to expand entities
            self.parsed[name] = element
        return self.parsed[name]

    def relationships(self):
        """(rels part, Relationship element, resolved internal target or None) for every relationship."""
        for rels in (name for name in self.names if name.endswith(".rels") and name not in self.dropped):
            folder, _, base = rels.rpartition("_rels/")
            owner_dir = posixpath.dirname(folder + base.removesuffix(".rels")) if base != ".rels" else ""
            for relationship in self.root(rels).iter(f"{{{REL}}}Relationship"):
                target = relationship.get("Target", "")
                if relationship.get("TargetMode") == "External":
                    yield rels, relationship, None
                elif target.startswith("/"):
                    yield rels, relationship, target[1:]
                else:
                    yield rels, relationship, posixpath.normpath(posixpath.join(owner_dir.rstrip("/"), target))

    def drop(self, name: str) -> None:
        self.dropped.add(name)
        folder, _, base = name.rpartition("/")
        self.dropped.add(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")

    def write(self) -> bytes:
        for _rels, relationship, target in list(self.relationships()):
            if target in self.dropped:
                relationship.getparent().remove(relationship)
        types = self.root("[Content_Types].xml")
        for override in [el for el in types if isinstance(el.tag, str) and el.get("PartName", "")[1:] in self.dropped]:
            types.remove(override)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in self.names:
                if name in self.dropped:
                    continue
                if name in self.parsed:
                    data = etree.tostring(self.parsed[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                elif name in self.replaced:
                    data = self.replaced[name]
                else:
                    data = self.archive.read(name)
                target.writestr(name, data)
        return out.getvalue()


def story_parts(package: Package) -> list[str]:
    """The main document and every header, footer, footnote and endnote part it uses."""
    stories = ["word/document.xml"]
    for _rels, relationship, target in package.relationships():
        if target and target in package.names and relationship.get("Type", "").endswith(STORY_TYPES):
            stories.append(target)
    return list(dict.fromkeys(stories))


def refuse_revisions_and_comments(package: Package, stories: list[str]) -> None:
    changes, comments = 0, set()
    for name in stories:
        for element in package.root(name).iter():
            if element.tag in REVISIONS:
                changes += 1
            elif element.tag in COMMENT_MARKS:
                comments.add(element.get(w("id")))
    for name in (n for n in package.names if n.startswith("word/comments") and n.endswith(".xml")):
        comments.update(comment.get(w("id")) for comment in package.root(name).iter(w("comment")))
    if not changes and not comments:
        return
    found = " and ".join(text for text in (changes and plural(changes, "tracked change"),
                                           comments and plural(len(comments), "comment")) if text)  # fmt: skip
    steps = ["Review > Accept > Accept All Changes"] if changes else []
    steps += ["Review > Delete > Delete All Comments in Document"] if comments else []
    raise ValidationError(
        f"This document still has {found}. In Word, choose {' and then '.join(steps)}, save the document and "
        "upload it again. File > Info > Check for Issues > Inspect Document also finds anything else left in it."
    )


def _switched_on(element) -> bool:
    return element.get(w("val"), "true").lower() not in ("0", "false", "off")


def _style_hiding(package: Package):
    """style id -> True/False where a style (or one it is based on) sets hidden text; the default setting."""
    if "word/styles.xml" not in package.names:
        return {}, False
    styles = package.root("word/styles.xml")
    own, parents = {}, {}
    for style in styles.iter(w("style")):
        style_id = style.get(w("styleId"))
        vanish = style.find(f"{w('rPr')}/{w('vanish')}")
        own[style_id] = None if vanish is None else _switched_on(vanish)
        based = style.find(w("basedOn"))
        parents[style_id] = based.get(w("val")) if based is not None else None

    def resolve(style_id):
        seen = set()
        while style_id in own and style_id not in seen:
            seen.add(style_id)
            if own[style_id] is not None:
                return own[style_id]
            style_id = parents[style_id]
        return None

    default = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('vanish')}")
    return {style_id: resolve(style_id) for style_id in own}, default is not None and _switched_on(default)


def _is_hidden(run, hiding: dict, default: bool) -> bool:
    vanish = run.find(f"{w('rPr')}/{w('vanish')}")
    if vanish is not None:
        return _switched_on(vanish)
    run_style = run.find(f"{w('rPr')}/{w('rStyle')}")
    if run_style is not None and hiding.get(run_style.get(w("val"))) is not None:
        return hiding[run_style.get(w("val"))]
    paragraph = next((a for a in run.iterancestors(w("p"))), None)
    para_style = paragraph.find(f"{w('pPr')}/{w('pStyle')}") if paragraph is not None else None
    if para_style is not None and hiding.get(para_style.get(w("val"))) is not None:
        return hiding[para_style.get(w("val"))]
    return default


def strip_hidden_text(package: Package, root) -> int:
    hiding, default = _style_hiding(package)
    hidden = [
        run
        for run in root.iter(w("r"))
        if _is_hidden(run, hiding, default) and run.find(w("fldChar")) is None and run.find(w("instrText")) is None
    ]
    for run in hidden:
        run.getparent().remove(run)
    return len(hidden)


def strip_embedded_objects(package: Package) -> int:
    """Drop embedded objects (OLE packages, a chart's workbook) with the parts and links that carry them."""
    embedded = {n for n in package.names if n.startswith("word/embeddings/")}
    ids_by_owner: dict[str, set[str]] = {}
    for rels, relationship, target in package.relationships():
        if target in embedded or relationship.get("Type", "").endswith(("/oleObject", "/package")):
            folder, _, base = rels.rpartition("_rels/")
            ids_by_owner.setdefault(folder + base.removesuffix(".rels"), set()).add(relationship.get("Id"))
            if target:
                embedded.add(target)
    objects = 0
    for owner, ids in ids_by_owner.items():
        if owner not in package.names or not owner.endswith(".xml"):
            continue
        for element in list(package.root(owner).iter()):
            if element.getparent() is None or not any(k.startswith(f"{{{R}}}") and v in ids
                                                      for k, v in element.attrib.items()):  # fmt: skip
                continue
            doomed = next(element.iterancestors(w("object")), element)
            if doomed.getparent() is not None:
                doomed.getparent().remove(doomed)
                objects += 1
    for name in [n for n in story_parts(package) if n in package.names]:
        for leftover in list(package.root(name).iter(w("object"))):
            leftover.getparent().remove(leftover)
            objects += 1
    for name in embedded:
        package.drop(name)
    return objects or len(embedded)


def strip_picture_metadata(package: Package) -> int:
    """Take EXIF, XMP, IPTC and comments out of JPEG pictures (keeping how each is turned); returns how many."""
    cleaned = 0
    for name in [n for n in package.names if n.startswith("word/media/") and n not in package.dropped]:
        if package.archive.getinfo(name).file_size <= MAX_PICTURE_BYTES:
            picture = jpeg_without_metadata(package.archive.read(name), keep_orientation=True)
            if picture is not None:
                package.replaced[name] = picture
                cleaned += 1
    return cleaned


def strip_properties(package: Package) -> list[str]:
    """Remove authorship and other properties; names what was there, for the officer."""
    found: list[str] = []
    for name, kept, labels in (
        ("docProps/core.xml", CORE_KEPT, CORE_LABELS),
        ("docProps/app.xml", APP_KEPT, APP_LABELS),
    ):
        properties = package.root(name) if name in package.names else []
        for element in [el for el in properties if el.tag not in kept]:
            value = (element.text or "").strip()
            if value and element.tag in labels and not value.lower().startswith("normal."):  # Word's own template
                found.append(labels[element.tag])
            properties.remove(element)
    if "docProps/custom.xml" in package.names:
        count = len(package.root("docProps/custom.xml"))
        package.drop("docProps/custom.xml")
        found.append("1 custom property" if count == 1 else f"{count} custom properties")
    for name in package.names:
        if name.startswith("docProps/thumbnail"):
            package.drop(name)
            found.append("thumbnail picture")
        elif name.startswith("customXml/"):
            package.drop(name)
            if name.endswith(".xml") and "/item" in name and "Props" not in name:
                found.append("attached custom XML data (such as SharePoint properties)")
        elif name.startswith("word/glossary/"):
            package.drop(name)
            found.append("saved building blocks")
        elif COMMENT_PARTS.match(name):
            package.drop(name)  # empty: comments are refused before this
            if name.endswith("people.xml"):
                found.append("names of reviewers")
    if "word/settings.xml" in package.names:
        settings = package.root("word/settings.xml")
        for variables in list(settings.iter(w("docVars"))):
            settings.remove(variables)
            found.append("document variables")
    return ["document properties (" + ", ".join(dict.fromkeys(found)) + ")"] if found else []


def clean_docx(upload) -> tuple[bytes, list[str]]:
    """The stored copy of a checked .docx, and what was removed from it (for the officer).

    Raises ValidationError when tracked changes or comments remain, saying what and how to clear them in Word.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            package = Package(archive)
            if package.root("word/document.xml").tag != w("document"):
                raise ValidationError(NOT_TRANSITIONAL)
            stories = story_parts(package)
            refuse_revisions_and_comments(package, stories)
            hidden = frozen = 0
            for name in stories:
                frozen += freeze_fields(package.root(name))
                hidden += strip_hidden_text(package, package.root(name))
            for name in stories:
                for binding in list(package.root(name).iter(w("dataBinding"))):
                    binding.getparent().remove(binding)
            objects = strip_embedded_objects(package)
            removed = strip_properties(package)
            pictures = strip_picture_metadata(package)
            data = package.write()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError, RuntimeError) as exc:
        raise ValidationError(NOT_WORD) from exc
    finally:
        upload.seek(0)
    if hidden:
        removed.append(f"hidden text ({plural(hidden, 'passage')})")
    if objects:
        removed.append(plural(objects, "embedded object"))
    if pictures:
        removed.append(f"camera, author and place details from {plural(pictures, 'picture')}")
    if frozen:
        removed.append(
            f"{plural(frozen, 'field')} that would update on conversion (such as dates, file names and page counts)"
            ": fixed at what Word last showed"
        )
    return data, removed

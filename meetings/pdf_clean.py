"""Make an uploaded PDF publish only what its author meant: no active content, attachments, authorship or old saves.

Removed from the stored copy: actions other than links to web pages (http, https, mailto), within the
document (GoTo, destinations) and page-turning (so JavaScript, Launch, SubmitForm, ResetForm, ImportData,
remote go-to GoToR/GoToE, renditions and the rest go), embedded files and media, XFA forms, authorship
metadata (the Info dictionary but its Title; XMP, rebuilt with only the title and the PDF/UA claim when the
file makes one; metadata and private application data on pages and pictures), and owner-password
restrictions. Kept, because readers of assistive technology need them: the structure tree, MarkInfo,
the document language, the title (viewers show it instead of the file name when DisplayDocTitle asks,
and screen readers announce it). Author, Creator and Producer go as authorship; Subject, Keywords and
custom Info keys go too, being free text the author rarely sees and the usual place for internal notes.
The copy is a fresh full save, so earlier revisions kept by incremental saves are gone.
"""

import io
from xml.sax.saxutils import escape

import pikepdf
from django.core.exceptions import ValidationError
from pikepdf import Array, Dictionary, Name

from .docx_clean import plural
from .image_clean import jpeg_without_metadata
from .pdf_structure_check import structure_refusal

NOT_A_PDF = "The selected file is not a PDF: it may be damaged or a different type of file renamed."
NEEDS_PASSWORD = (
    "The selected PDF is protected by a password that is needed to open it: save a copy without a password "
    "(in Adobe Acrobat: File > Properties > Security > No Security) and upload that."
)
PDF_BOMB = "The selected PDF is built in a way that could not be opened safely. Save it again as a PDF and upload that."
MAX_OBJECTS = 500_000  # a 1,000-page tagged report has about a fifth of this
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
PAGE_TURNS = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
WEB_SCHEMES = ("http://", "https://", "mailto:")
ACTION_LABELS = {
    "/JavaScript": "JavaScript",
    "/Launch": "commands that open programs or files (Launch)",
    "/SubmitForm": "form submission (SubmitForm)",
    "/ResetForm": "form resets (ResetForm)",
    "/ImportData": "data imports (ImportData)",
    "/GoToR": "links into other files (GoToR)",
    "/GoToE": "links into embedded files (GoToE)",
    "/URI": "links that are not web pages",
}
MEDIA_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
INFO_LABELS = {"/Author": "author", "/Creator": "creating application", "/Producer": "producing software"}
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
    "<pdfuaid:part>{part}</pdfuaid:part></rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)


def all_dictionaries(pdf: pikepdf.Pdf) -> list:
    """Every dictionary (and stream dictionary) in the file, direct ones nested inside objects included."""
    found, seen = [], set()
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            found.append(obj)
            children = obj.values()
        elif isinstance(obj, Array):
            children = list(obj)
        else:
            continue
        pending.extend(child for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect)
    return found


def _unsafe(action) -> str | None:
    """The label of an action a reader must never run, or None for a link to the web or within the document."""
    if not isinstance(action, Dictionary) or "/S" not in action:
        return None
    kind = str(action.S)
    if kind == "/URI" and str(action.get("/URI", "")).strip().lower().startswith(WEB_SCHEMES):
        return None
    if kind == "/Named" and str(action.get("/N", "")) in PAGE_TURNS:
        return None
    if kind in SAFE_ACTIONS - {"/URI", "/Named"}:
        return None
    return ACTION_LABELS.get(kind, "other actions")


class Cleaner:
    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.removed: dict[str, int] = {}

    def note(self, label: str, count: int = 1) -> None:
        self.removed[label] = self.removed.get(label, 0) + count

    def strip_actions(self, dictionary) -> None:
        for key in ("/A", "/OpenAction", "/Next"):
            value = dictionary.get(key)
            if isinstance(value, Array):
                kept = [action for action in value if not _unsafe(action)]
                for action in value:
                    if _unsafe(action):
                        self.note(_unsafe(action))
                if len(kept) != len(value):
                    dictionary[key] = Array(kept)
            elif _unsafe(value):
                self.note(_unsafe(value))
                del dictionary[key]
        triggers = dictionary.get("/AA")
        if isinstance(triggers, Dictionary):
            for trigger in list(triggers.keys()):
                if _unsafe(triggers[trigger]):
                    self.note(_unsafe(triggers[trigger]))
                    del triggers[trigger]
            if not triggers.keys():
                del dictionary["/AA"]

    def strip_embedded(self, dictionary) -> None:
        if "/EF" in dictionary:
            self.note("embedded files")
        for key in ("/EF", "/RF", "/AF", "/PieceInfo"):
            if key in dictionary:
                del dictionary[key]
        if "/Metadata" in dictionary and dictionary.objgen != self.pdf.Root.objgen:
            del dictionary["/Metadata"]
            self.note("metadata inside pages or pictures")
        filters = dictionary.get("/Filter") if isinstance(dictionary, pikepdf.Stream) else None
        if dictionary.get("/Subtype") == Name.Image and filters in (Name.DCTDecode, Array([Name.DCTDecode])):
            picture = jpeg_without_metadata(dictionary.read_raw_bytes())
            if picture is not None:
                dictionary.write(picture, filter=Name.DCTDecode, decode_parms=dictionary.get("/DecodeParms"))
                self.note("metadata inside pages or pictures")

    def strip_annotations(self) -> None:
        for page in self.pdf.pages:
            annotations = page.obj.get("/Annots")
            if not isinstance(annotations, Array):
                continue
            kept = []
            for annotation in annotations:
                subtype = str(annotation.get("/Subtype", "")) if isinstance(annotation, Dictionary) else ""
                if subtype in MEDIA_ANNOTATIONS:
                    if subtype != "/FileAttachment":  # an attached file is counted with the embedded files
                        self.note("embedded media")
                    for key in [k for k in annotation if k not in ("/Type", "/Subtype", "/Rect", "/P")]:
                        del annotation[key]  # a structure tree may still point here: leave nothing to open
                elif subtype == "/Link" and "/A" not in annotation and "/Dest" not in annotation:
                    pass  # its only action was unsafe: a link to nowhere goes
                else:
                    kept.append(annotation)
            if len(kept) != len(annotations):
                page.obj.Annots = Array(kept)

    def strip_catalogue(self) -> None:
        root = self.pdf.Root
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            if "/JavaScript" in names:
                self.note("JavaScript")
            for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions"):
                if key in names:
                    del names[key]
        form = root.get("/AcroForm")
        if isinstance(form, Dictionary) and "/XFA" in form:
            del form["/XFA"]
            self.note("XFA form")
        for key in ("/Collection", "/NeedsRendering", "/PieceInfo"):
            if key in root:
                del root[key]

    def strip_authorship(self) -> None:
        info = self.pdf.trailer.get("/Info")
        title = info.get("/Title") if isinstance(info, Dictionary) else None
        if isinstance(info, Dictionary):
            found = [INFO_LABELS.get(str(k), "other properties") for k in info if k != "/Title" and str(info[k])]
            if found:
                self.note("authorship properties (" + ", ".join(dict.fromkeys(found)) + ")")
            kept = Dictionary(Title=title) if title is not None else Dictionary()
            self.pdf.trailer.Info = self.pdf.make_indirect(kept)
        if "/Metadata" not in self.pdf.Root:
            return
        try:
            with self.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
                part, xmp_title = metadata.get("pdfuaid:part"), metadata.get("dc:title")
        except Exception:  # noqa: BLE001 - damaged XMP is simply dropped
            part = xmp_title = None
        del self.pdf.Root["/Metadata"]
        self.note("XMP metadata")
        if part:  # the file claims PDF/UA, which needs its title in XMP
            text = XMP.format(title=escape(str(xmp_title or title or "")), part=escape(str(part)))
            self.pdf.Root.Metadata = self.pdf.make_stream(text.encode(), Type=Name.Metadata, Subtype=Name.XML)

    def run(self) -> None:
        self.strip_catalogue()
        for dictionary in all_dictionaries(self.pdf):
            self.strip_actions(dictionary)
            self.strip_embedded(dictionary)
        self.strip_annotations()
        self.strip_authorship()


def labels(removed: dict[str, int]) -> list[str]:
    return [plural(count, "embedded file") if label == "embedded files" else label for label, count in removed.items()]


def clean_pdf(upload) -> tuple[bytes, list[str]]:
    """The stored copy of a checked PDF (decrypted, active content and authorship removed, freshly saved).

    Returns (bytes, what was removed, for the officer); raises ValidationError for a PDF that needs a password,
    or whose accessibility tags are damaged or bookmarks too many (pdf_structure_check.structure_refusal).
    """
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.objects) > MAX_OBJECTS:
                raise ValidationError(PDF_BOMB)
            cleaner = Cleaner(pdf)
            if pdf.is_encrypted:
                cleaner.note("password restrictions on printing or copying")
            if data.count(b"%%EOF") > 1 and not pdf.is_linearized:
                cleaner.note("earlier versions of the document saved inside the file")
            cleaner.run()
            out = io.BytesIO()
            pdf.save(
                out,
                encryption=False,
                fix_metadata_version=False,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve,  # as uploaded: no bigger
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
            refusal = structure_refusal(pdf, out.getvalue())
            if refusal:
                raise ValidationError(refusal)
    except pikepdf.PasswordError as error:
        raise ValidationError(NEEDS_PASSWORD) from error
    except (pikepdf.PdfError, RecursionError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(NOT_A_PDF) from error
    return out.getvalue(), labels(cleaner.removed)

"""Checks on uploaded papers: real PDF or Word (.docx) content, a size limit, and nothing hostile inside.

Hostile means: a PDF bomb (more pages than any paper has, nesting deep enough to exhaust the reader, or
a compressed stream that unpacks to far more than a paper needs), a PDF that needs a password to open
(one with only an owner password opens, and is stored decrypted), a Word document with macros or
ActiveX, a zip bomb, or links the converter would follow
to fetch something from elsewhere (a remote template, image, linked file or sub-document). Ordinary
hyperlinks in a Word document are fine: nothing follows them.

A file that passes is then cleaned (docx_clean, pdf_clean) and only the clean copy is stored: every upload
form cleans its file field to `CheckedUpload.file`, and the officer is told what was removed.
"""

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from lxml import etree

from .docx_clean import clean_docx
from .packbuild.tags import pdf_tagged
from .pdf_clean import NEEDS_PASSWORD, NOT_A_PDF, PDF_BOMB, clean_pdf

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 1000
MAX_STREAM_BYTES = 64 * 1024 * 1024  # one page's unpacked content or image
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # the whole file unpacked, PDF streams or .docx parts
MAX_DOCX_PARTS = 2000
KINDS = {".pdf": "pdf", ".docx": "docx"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: its kind, display name, the cleaned copy to store, and what cleaning removed."""

    kind: str
    original_name: str
    file: ContentFile | None = None
    removed: tuple[str, ...] = ()
    title: str = ""  # the document title kept in the stored copy (readers show it in place of the file name)

    def removal_note(self) -> str:
        """' Removed before publishing: a; b.' plus the title that stays, for the success message; '' if neither."""
        note = f" Removed before publishing: {'; '.join(self.removed)}." if self.removed else ""
        if self.title:
            note += (
                f" Kept: the document title “{self.title}”, which PDF readers show in place of the file name;"
                " if it should not be published, change it (in Word: File > Info > Properties) and upload again."
            )
        return note


def document_title(data: bytes, kind: str) -> str:
    """The title a stored PDF (Info /Title) or Word document (core properties dc:title) carries, or ''."""
    try:
        if kind == "pdf":
            with pikepdf.open(io.BytesIO(data)) as pdf:
                return str(pdf.docinfo.get("/Title", "")).strip()[:200]
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if "docProps/core.xml" not in package.namelist():
                return ""
            root = etree.fromstring(package.read("docProps/core.xml"), etree.XMLParser(resolve_entities=False))
            found = root.find("{http://purl.org/dc/elements/1.1/}title")
            return (found.text or "").strip()[:200] if found is not None else ""
    except Exception:  # noqa: BLE001 - a title that cannot be read is simply not reported
        return ""


def clean_file_name(name: str) -> str:
    """The user's file name as a display label only: no folders, no control characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>:|?*').strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if len(name) > 200:  # keep the extension when cutting a long name
        name = f"{stem[: 199 - len(suffix)]}.{suffix}" if dot and len(suffix) < 10 else name[:200]
    return name or "document"


def _unpacked_size(stream, limit: int) -> int:
    """Bytes a Flate stream unpacks to, counting no further than the limit (the rest is never unpacked)."""
    from pypdf.generic import ArrayObject

    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, ArrayObject) else [filters] if filters else []
    raw = stream._data or b""
    if "/FlateDecode" not in filters:
        return len(raw)
    unpacker = zlib.decompressobj()
    try:
        return len(unpacker.decompress(raw, limit + 1))
    except zlib.error:
        return len(raw)  # damaged streams are the renderer's problem, not a bomb


def _page_streams(page):
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    parts = list(contents) if isinstance(contents, list) else [contents] if contents is not None else []
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        parts.extend(xobjects.get_object().values())
    return [part.get_object() for part in parts if hasattr(part.get_object(), "_data")]


def _check_pdf(upload) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone does not stop reading
            raise ValidationError(NEEDS_PASSWORD)
        declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        if declared > MAX_PDF_PAGES or len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(f"The selected PDF has more than {MAX_PDF_PAGES:,} pages: split it into parts.")
        if len(reader.pages) == 0:
            raise ValidationError(NOT_A_PDF)
        total = 0
        for page in reader.pages:
            for stream in _page_streams(page):
                size = _unpacked_size(stream, MAX_STREAM_BYTES)
                total += size
                if size > MAX_STREAM_BYTES or total > MAX_UNPACKED_BYTES:
                    raise ValidationError(PDF_BOMB)
    except RecursionError as exc:
        raise ValidationError(PDF_BOMB) from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        # pypdf reports nesting that exhausted its stack as a read error caused by RecursionError.
        raise ValidationError(PDF_BOMB if isinstance(exc.__cause__, RecursionError) else NOT_A_PDF) from exc
    finally:
        upload.seek(0)


# Relationships a converter would follow to fetch something: anything external but a plain hyperlink.
EXTERNAL = re.compile(rb"<Relationship\b[^>]*TargetMode\s*=\s*[\"']External[\"'][^>]*>", re.I)
HYPERLINK_TYPE = re.compile(rb"Type\s*=\s*[\"'][^\"']*/hyperlink[\"']", re.I)
MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"vbaData", b"activeX")


def _check_docx(upload) -> None:
    not_word = "The selected file is not a Word document: it may be damaged or renamed."
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise ValidationError(not_word)
            if len(infos) > MAX_DOCX_PARTS or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    "The selected Word document unpacks to far more than a paper needs: save it again and upload that."
                )
            lowered = {name.lower() for name in names}
            content_types = archive.read("[Content_Types].xml")
            active = ("vbaproject.bin", "vbadata.xml")
            if any(n.endswith(active) or n.startswith("word/activex/") for n in lowered) or any(
                marker.lower() in content_types.lower() for marker in MACRO_TYPES
            ):
                raise ValidationError("The selected Word document contains macros: save it as a .docx without macros.")
            for name in sorted(n for n in names if n.lower().endswith(".rels")):
                for relationship in EXTERNAL.findall(archive.read(name)):
                    if not HYPERLINK_TYPE.search(relationship):
                        raise ValidationError(
                            "The selected Word document links to files elsewhere (such as a remote template, image "
                            "or linked file): save it with everything embedded, or as a PDF, and upload that."
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError, RuntimeError) as exc:
        raise ValidationError(not_word) from exc
    finally:
        upload.seek(0)


def check_upload(upload) -> CheckedUpload:
    """Refuse anything but a real, non-empty PDF or .docx within the size limit, with a clear message.

    Returns the cleaned copy (store `.file`, never the upload itself) and what was removed from it.
    """
    original_name = clean_file_name(upload.name or "")
    kind = KINDS.get(PurePath(original_name).suffix.lower())
    if kind is None:
        raise ValidationError("The selected file must be a PDF or a Word document (.docx).")
    if upload.size == 0:
        raise ValidationError("The selected file is empty.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if kind == "pdf":
        if not head.startswith(b"%PDF-"):
            raise ValidationError(NOT_A_PDF)
        _check_pdf(upload)
        data, removed = clean_pdf(upload)
    else:
        if not head.startswith(b"PK"):
            raise ValidationError(
                "The selected file is not a Word document: it may be damaged or a different type of file renamed."
            )
        _check_docx(upload)
        data, removed = clean_docx(upload)
    return CheckedUpload(
        kind, original_name, ContentFile(data, name=original_name), tuple(removed), document_title(data, kind)
    )


def upload_untagged(upload, kind: str) -> bool:
    """True for a stored (cleaned) PDF upload with no structure tags: screen-reader users cannot read it and nothing
    can tag it for them (issue 19; the test is meetings/packbuild/tags.py). A Word document never is: the pack
    converts it tagged (meetings/packbuild/parts.py docx_to_pdf). `upload` is a file or field file, read whole."""
    if kind != "pdf":
        return False
    upload.seek(0)
    try:
        return not pdf_tagged(upload.read())
    finally:
        upload.seek(0)


MAX_EXTRACTED_CHARS = 1_000_000


def extract_text(upload, kind: str) -> str:
    """The text of an uploaded PDF (pypdf) or Word document (its XML), stored on the row for search.

    A file whose text cannot be read still uploads: it is just not found by its contents.
    """
    upload.seek(0)
    try:
        text = _pdf_text(upload) if kind == "pdf" else _docx_text(upload)
    except Exception:  # noqa: BLE001 - a damaged text layer must not refuse a valid upload
        text = ""
    finally:
        upload.seek(0)
    return " ".join(text.replace("\x00", " ").split())[:MAX_EXTRACTED_CHARS]


def _pdf_text(upload) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(upload.read()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(upload) -> str:
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(upload) as archive:
        xml = archive.read("word/document.xml")
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        return ""  # Word never writes a DTD: one is there to expand entities, so its text is not read
    root = ElementTree.fromstring(xml)  # noqa: S314 - no DTD, so no entity expansion
    paragraphs = []
    for paragraph in root.iter(f"{ns}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{ns}t")))
    return "\n".join(paragraphs)

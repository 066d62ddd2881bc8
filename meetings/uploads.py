"""Checks on uploaded papers: real PDF or Word (.docx) content, a size limit, and no macros."""

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KINDS = {".pdf": "pdf", ".docx": "docx"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    original_name: str


def clean_file_name(name: str) -> str:
    """The user's file name as a display label only: no folders, no control characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "document"


def _looks_like_pdf(head: bytes, upload) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not head.startswith(b"%PDF-"):
        return False
    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        return len(reader.pages) > 0
    except (PdfReadError, ValueError, KeyError, OSError):
        return False
    finally:
        upload.seek(0)


def _check_docx(upload) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise ValidationError("The selected file is not a Word document: it may be damaged or renamed.") from exc
    finally:
        upload.seek(0)
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ValidationError("The selected file is not a Word document: it may be damaged or renamed.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError("The selected Word document contains macros: save it as a .docx without macros.")


def check_upload(upload) -> CheckedUpload:
    """Refuse anything but a real, non-empty PDF or .docx within the size limit, with a clear message."""
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
    if kind == "pdf" and not _looks_like_pdf(head, upload):
        raise ValidationError("The selected file is not a PDF: it may be damaged or a different type of file renamed.")
    if kind == "docx":
        if not head.startswith(b"PK"):
            raise ValidationError(
                "The selected file is not a Word document: it may be damaged or a different type of file renamed."
            )
        _check_docx(upload)
    return CheckedUpload(kind, original_name)


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

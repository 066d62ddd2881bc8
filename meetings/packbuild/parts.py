"""The parts of a pack as PDF bytes, each cached by the hash of what it is made from."""

import hashlib
import io
import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from django.conf import settings
from django.template.loader import render_to_string

from kcsp.pdf import print_pdf

TEMPLATE_VERSION = "2"  # bump when the print templates change, so cached parts are rendered again
# LibreOffice's PDF export with tags (writer_pdf_Export's UseTaggedPDF, the JSON filter options LibreOffice 7.4 reads):
# a converted Word paper keeps its headings, paragraphs and tables for screen readers (issue 19).
TAGGED_PDF_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


class PackBuildError(Exception):
    """A part could not be made; the message names the paper for the officer."""


@dataclass
class RenderStats:
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def cache_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "pack-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cached(key: str, label: str, make, stats: RenderStats) -> bytes:
    path = cache_dir() / f"{key}.pdf"
    if path.exists():
        stats.reused.append(label)
        return path.read_bytes()
    data = make()
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # two workers never share one
    tmp.write_bytes(data)
    tmp.replace(path)
    stats.rendered.append(label)
    return data


def _digest(*chunks: bytes | str) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk.encode() if isinstance(chunk, str) else chunk)
        h.update(b"\0")
    return h.hexdigest()


def rendered_part(template: str, context: dict, *, title: str, label: str, stats: RenderStats) -> bytes:
    """A part written in the app, rendered by WeasyPrint only when its HTML changed."""
    html = render_to_string(template, {**context, "pdf_title": title, "pdf_lang": "en-GB"})
    key = _digest("html", TEMPLATE_VERSION, html)
    return _cached(key, label, lambda: print_pdf(html), stats)


def checked_pdf(data: bytes, name: str) -> bytes:
    """`data` if qpdf (pikepdf, which merges the pack: assemble.py) reads it as an unencrypted PDF with pages;
    PackBuildError naming `name` if not."""
    password = PackBuildError(f"{name} is password-protected (encrypted): upload a copy without a password.")
    try:
        with pikepdf.open(io.BytesIO(data)) as doc:
            encrypted, pages = doc.is_encrypted, len(doc.pages)
    except pikepdf.PasswordError as error:
        raise password from error
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise PackBuildError(f"{name} is damaged and cannot be read as a PDF ({type(error).__name__}).") from error
    if encrypted:
        raise password
    if not pages:
        raise PackBuildError(f"{name} has no pages.")
    return data


def docx_to_pdf(data: bytes, name: str) -> bytes:
    """Convert with LibreOffice headless, in a private profile so parallel workers do not collide, exported tagged
    (TAGGED_PDF_EXPORT). PackBuildError naming `name` if LibreOffice fails."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "paper.docx"
        source.write_bytes(data)
        profile = Path(work) / "profile"
        command = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            TAGGED_PDF_EXPORT,
            "--outdir",
            work,
            str(source),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603
        except (subprocess.SubprocessError, OSError) as error:
            raise PackBuildError(f"{name} could not be converted from Word to PDF.") from error
        output = Path(work) / "paper.pdf"
        if not output.exists():
            raise PackBuildError(f"{name} could not be converted from Word to PDF.")
        return output.read_bytes()


def uploaded_part(field_file, kind: str, name: str, stats: RenderStats) -> bytes:
    """An uploaded paper or appendix as PDF: PDFs as they are, Word documents converted tagged (and cached; the key
    is not the untagged conversions' of before issue 19, so none of those is reused)."""
    try:
        with field_file.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        raise PackBuildError(f"{name} is missing from storage.") from error
    if kind == "docx":
        data = _cached(_digest("docx-tagged", data), name, lambda: docx_to_pdf(data, name), stats)
    return checked_pdf(data, name)

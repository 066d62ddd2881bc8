"""Hostile uploads: bombs, disguises, remote links, macros and hostile names are refused or neutralised."""

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject, StreamObject

from meetings import uploads
from meetings.models import Paper
from meetings.uploads import check_upload, clean_file_name

from .test_uploads import docx, item, real_pdf, upload  # noqa: F401  (item is a fixture)

pytestmark = pytest.mark.django_db


def pdf_with(*, pages: int = 1, bomb_bytes: int = 0, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    if bomb_bytes:
        stream = StreamObject()
        stream._data = zlib.compress(b"0 0 m " * (bomb_bytes // 6), 9)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def nested_pdf(depth: int) -> bytes:
    """A page carrying an array nested `depth` deep: a reader that recurses runs out of stack."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Deep " + b"[" * depth + b"]" * depth + b" >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def lying_page_count() -> bytes:
    data = pdf_with()
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer._root_object["/Pages"].get_object()[NameObject("/Count")] = NumberObject(10_000_000)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def rels(target_type: str, target: str, mode: str = ' TargetMode="External"') -> str:
    return (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'{target_type}" Target="{target}"{mode}/></Relationships>'
    )


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content))
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("web.pdf", lambda: b"<html><script>alert(1)</script></html>", "is not a PDF"),
        ("fake.pdf", lambda: b"%PDF-1.7\n this is not really a PDF", "is not a PDF"),
        ("pdf.docx", real_pdf, "is not a Word document"),
        ("archive.docx", lambda: zip_of({"readme.txt": "hello"}), "is not a Word document"),
        ("bomb.pdf", lambda: pdf_with(bomb_bytes=80 * 1024 * 1024), "could not be opened safely"),
        ("deep.pdf", lambda: nested_pdf(20_000), "could not be opened safely"),
        ("long.pdf", lambda: pdf_with(pages=uploads.MAX_PDF_PAGES + 1), "more than 1,000 pages"),
        ("liar.pdf", lying_page_count, "more than 1,000 pages"),
        ("locked.pdf", lambda: pdf_with(password="secret"), "protected by a password"),
        (
            "template.docx",
            lambda: docx({"word/_rels/settings.xml.rels": rels("attachedTemplate", "https://evil.example/t.dotm")}),
            "links to files elsewhere",
        ),
        (
            "image.docx",
            lambda: docx({"word/_rels/document.xml.rels": rels("image", "http://169.254.169.254/latest/meta-data")}),
            "links to files elsewhere",
        ),
        (
            "linked.docx",
            lambda: docx({"word/_rels/document.xml.rels": rels("externalLink", "file:///etc/passwd")}),
            "links to files elsewhere",
        ),
        (
            "frame.docx",
            lambda: docx({"word/_rels/document.xml.rels": rels("subDocument", "\\\\server\\share\\x.docx")}),
            "links to files elsewhere",
        ),
        ("vba.docx", lambda: docx({"word/vbaData.xml": "<x/>"}), "contains macros"),
        ("activex.docx", lambda: docx({"word/activeX/activeX1.xml": "<x/>"}), "contains macros"),
        ("parts.docx", lambda: docx({f"word/media/{n}.bin": "" for n in range(2001)}), "unpacks to far more"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(name, make, message):
    assert message in refused(name, make())


def zip_of(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def test_a_docx_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + " " * 2 * 1024 * 1024)
    assert len(buffer.getvalue()) < 20_000, "a small file..."
    assert "unpacks to far more" in refused("zip.docx", buffer.getvalue()), "...that unpacks to 2 MB"


def test_ordinary_hyperlinks_and_a_fair_sized_pdf_pass():
    linked = docx({"word/_rels/document.xml.rels": rels("hyperlink", "https://www.kent.gov.uk/")})
    assert check_upload(SimpleUploadedFile("Links.docx", linked)).kind == "docx"
    assert check_upload(SimpleUploadedFile("Fair.pdf", pdf_with(pages=40, bomb_bytes=2 * 1024 * 1024))).kind == "pdf"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../etc/cron.d/job.pdf", "job.pdf"),
        ("C:\\Users\\officer\\Desktop\\Report.pdf", "Report.pdf"),
        ("Report\x00.exe\x1b[31m.pdf", "Report.exe[31m.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ('say "hello"; filename=evil.sh.pdf', "say hello; filename=evil.sh.pdf"),
        ("line\r\nContent-Type: text/html.pdf", "html.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("...", "document"),
    ],
)
def test_hostile_file_names_are_shown_without_folders_controls_or_quotes(name, shown):
    assert clean_file_name(name) == shown


def test_through_the_page_a_bomb_is_refused_and_nothing_saved(officer_client, item, tmp_path):  # noqa: F811
    response = upload(officer_client, item, "bomb.pdf", pdf_with(bomb_bytes=80 * 1024 * 1024))
    body = response.content.decode()
    assert response.status_code == 200 and "could not be opened safely" in body
    assert not Paper.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_hostile_name_is_stored_under_a_random_name_and_sent_back_safely(officer_client, item, tmp_path):  # noqa: F811
    response = upload(officer_client, item, "..\\..\\x\x07\x1b\u202e.pdf", real_pdf())
    assert response.status_code == 302, response.content.decode()[-3000:]
    paper = Paper.objects.get()
    assert paper.original_name == "x.pdf"
    assert paper.file.path.startswith(str(tmp_path / "papers"))
    download = officer_client.get(f"/meetings/papers/{paper.pk}/file/")
    assert download["Content-Disposition"] == 'attachment; filename="x.pdf"'

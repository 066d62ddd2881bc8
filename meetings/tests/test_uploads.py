"""Uploaded papers: real PDF or .docx only, size-limited, macro-free; refusals are clear and save nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from meetings.models import Appendix, Paper
from meetings.uploads import MAX_UPLOAD_BYTES, check_upload, clean_file_name

from .factories import PDF_BYTES, AgendaItemFactory, published_meeting

pytestmark = pytest.mark.django_db


def real_pdf() -> bytes:
    from kcsp.pdf import render_pdf

    return render_pdf("kcsp/pdf/render_check.html", {"check": None}, title="Paper")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"/>')
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def item(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return AgendaItemFactory(meeting=published_meeting(), section="B", position=1)


def upload(officer_client, item, name, content, subject="Working Group Update"):
    return officer_client.post(
        f"/meetings/items/{item.pk}/papers/upload/",
        {"subject": subject, "upload": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03 this is a Windows executable", "The selected file is not a PDF"),
        ("report.docx", b"MZ\x90\x00\x03 executable", "The selected file is not a Word document"),
        ("report.pdf", b"", "The selected file is empty"),
        ("report.exe", PDF_BYTES, "must be a PDF or a Word document"),
        ("report.docx", b"PK\x03\x04 not really a zip", "not a Word document"),
        ("macro.docx", "macros", "contains macros"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_saved(
    officer_client, item, tmp_path, name, content, message
):
    if content == "macros":
        content = docx({"word/vbaProject.bin": b"\x00VBA"})
    response = upload(officer_client, item, name, content)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert 'value="Working Group Update"' in body, "what the officer typed is kept"
    assert not Paper.objects.exists()
    assert not any(tmp_path.rglob("*.*")), "no half-saved file on disk"


def test_oversize_upload_is_refused(officer_client, item):
    response = upload(officer_client, item, "big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    assert "must be smaller than 20 MB" in response.content.decode()
    assert not Paper.objects.exists()


def test_real_pdf_is_stored_under_a_random_name_and_served_only_through_the_view(officer_client, item, tmp_path):
    content = real_pdf()
    response = upload(officer_client, item, "../../etc/Working\x07Group.pdf", content)
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.is_supplementary, "added after publication"
    assert paper.original_name == "WorkingGroup.pdf"
    stored = paper.file.path
    assert stored.startswith(str(tmp_path / "papers")) and "Working" not in stored
    download = officer_client.get(f"/meetings/papers/{paper.pk}/file/")
    sent = b"".join(download.streaming_content)
    assert sent == paper.file.open("rb").read(), "the stored (cleaned) copy is what is sent"
    assert PdfReader(io.BytesIO(sent)).pages[0].extract_text() == PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert 'filename="WorkingGroup.pdf"' in download["Content-Disposition"]


def test_docx_paper_and_lettered_appendices(officer_client, item):
    assert upload(officer_client, item, "report.docx", docx()).status_code == 302
    paper = Paper.objects.get()
    assert paper.file_kind == "docx"
    for title in ("Action plan", "Grant projects"):
        response = officer_client.post(
            f"/meetings/papers/{paper.pk}/appendices/new/",
            {"title": title, "upload": SimpleUploadedFile(f"{title}.pdf", real_pdf())},
        )
        assert response.status_code == 302
    assert [(a.letter, a.title) for a in Appendix.objects.order_by("letter")] == [
        ("A", "Action plan"),
        ("B", "Grant projects"),
    ]


def test_file_names_lose_folders_and_control_characters():
    assert clean_file_name("..\\..\\windows\\evil\r\n.pdf") == "evil.pdf"
    assert clean_file_name("/etc/passwd") == "passwd"
    assert clean_file_name("\x00\x01") == "document"


def test_check_upload_accepts_a_real_pdf():
    checked = check_upload(SimpleUploadedFile("Paper.PDF", real_pdf()))
    assert (checked.kind, checked.original_name) == ("pdf", "Paper.PDF")

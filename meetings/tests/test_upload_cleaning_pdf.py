"""PDF uploads: stored decrypted, without active content, attached files, authorship or earlier revisions; read back."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from meetings.models import Appendix, Pack, Paper
from meetings.packbuild.service import pack_build
from meetings.pdf_clean import all_dictionaries

from .hostile_pdfs import SECRETS, WEB_LINK, encrypted_pdf, hostile_pdf
from .test_upload_cleaning_docx import item, post_paper  # noqa: F401  (item is a fixture)

pytestmark = pytest.mark.django_db

ACTIVE_KEYS = {"/AA", "/JS", "/EF", "/XFA", "/EmbeddedFiles", "/JavaScript"}
UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ResetForm", "/ImportData", "/GoToR", "/GoToE"}


def active_content(data: bytes) -> list[str]:
    """Every key or action in the file that would run, open or carry something other than the page."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for dictionary in all_dictionaries(pdf):
            found += [str(key) for key in dictionary if str(key) in ACTIVE_KEYS]
            if str(dictionary.get("/S", "")) in UNSAFE_ACTIONS:
                found.append(str(dictionary.S))
            if str(dictionary.get("/Subtype", "")) == "/FileAttachment":
                found.append("/FileAttachment")
    return found


def links(pdf: pikepdf.Pdf) -> list:
    return [
        str(a.A.URI) if "/A" in a else "internal"
        for page in pdf.pages
        for a in page.obj.get("/Annots", [])
        if str(a.get("/Subtype")) == "/Link"
    ]


def test_pdf_needing_a_password_to_open_is_refused_and_nothing_stored(officer_client, item, tmp_path):  # noqa: F811
    body = post_paper(officer_client, item, encrypted_pdf(user="reader-password"), name="p.pdf").content.decode()
    assert "needed to open it: save a copy without a password" in body
    assert 'value="Community safety update"' in body, "what was typed is kept"
    assert not Paper.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_uploaded_pdfs_are_stored_clean_and_the_pack_carries_nothing_removed(officer_client, item):  # noqa: F811
    original = hostile_pdf()
    assert all(secret.encode() in original for secret in SECRETS), "the test file really carries each secret"
    page = post_paper(officer_client, item, original, name="p.pdf").content.decode()
    assert "p.pdf uploaded. Removed before publishing:" in page
    removals = ("earlier versions of the document", "JavaScript", "Launch", "SubmitForm", "GoToR", "XFA form")
    removals += ("2 embedded files", "authorship properties (author, creating application)", "XMP metadata")
    for removed in removals:
        assert removed in page, removed
    paper = Paper.objects.get()
    protected = encrypted_pdf(user="")
    response = officer_client.post(
        f"/meetings/papers/{paper.pk}/appendices/new/",
        {"title": "Owner-protected plan", "upload": SimpleUploadedFile("plan.pdf", protected)},
        follow=True,
    )
    assert "Appendix A added. Removed before publishing: password restrictions" in response.content.decode()

    stored = paper.file.read()
    assert not [s for s in SECRETS if s.encode() in stored], "nothing removed is left in the bytes"
    assert stored.count(b"%%EOF") == 1, "one revision: a fresh full save"
    assert not active_content(stored)
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked) and str(pdf.Root.Lang) == "en-GB"
        assert dict(pdf.trailer.Info) == {"/Title": pikepdf.String("Grant projects update")}
        assert "/Metadata" not in pdf.Root
        assert links(pdf) == [WEB_LINK, "internal"], "web and in-document links stay"
    appendix = Appendix.objects.get()
    with pikepdf.open(io.BytesIO(appendix.file.read())) as pdf:
        assert not pdf.is_encrypted and "/StructTreeRoot" in pdf.Root
    assert "VISIBLE-PDF-TEXT" in paper.extracted_text and "EARLIER" not in paper.extracted_text

    kind = Pack.Kind.SUPPLEMENTARY if paper.is_supplementary else Pack.Kind.PUBLIC  # added after publication
    pack_build(meeting=item.meeting, kind=kind)
    pack = Pack.objects.get(meeting=item.meeting, kind=kind)
    assert pack.status == Pack.Status.READY, pack.error
    built = pack.file.read()
    assert not [s for s in SECRETS if s.encode() in built]
    assert not active_content(built)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(built)).pages)
    assert text.count("VISIBLE-PDF-TEXT") == 2, "the paper and its appendix"
    with pikepdf.open(io.BytesIO(built)) as pdf:
        assert WEB_LINK in links(pdf)


def test_a_pdf_of_more_objects_than_any_paper_needs_is_refused(monkeypatch):
    from django.core.exceptions import ValidationError

    from meetings import pdf_clean
    from meetings.uploads import check_upload

    monkeypatch.setattr(pdf_clean, "MAX_OBJECTS", 10)
    with pytest.raises(ValidationError, match="could not be opened safely"):
        check_upload(SimpleUploadedFile("many.pdf", hostile_pdf()))


def test_the_officer_is_told_the_document_title_that_stays(officer_client, item):  # noqa: F811
    """The title is kept (PDF readers show it; accessibility needs one), so the officer is shown it at upload."""
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = "DRAFT v3 do not circulate"
        pdf.docinfo["/Author"] = "Jane Authorname"
        pdf.save(out)
    page = post_paper(officer_client, item, out.getvalue(), name="p.pdf").content.decode()
    assert "Removed before publishing: authorship properties (author)" in page
    assert "Kept: the document title \u201cDRAFT v3 do not circulate\u201d" in page

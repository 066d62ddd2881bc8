"""Papers that are not accessible (untagged PDFs, issue 19), told to the people who need it: the officer at upload
and on the paper's page, the pack's front sheet, the accessibility statement. Word uploads convert tagged.

Tagged PDFs are made with kcsp.pdf.print_pdf (WeasyPrint PDF/UA-1), untagged ones with html_pdf (no variant);
packs are built for real and read back with pypdf."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader

from kcsp import roles
from kcsp.pdf import html_pdf, print_pdf
from meetings.models import Appendix, Pack, Paper
from meetings.packbuild.parts import RenderStats, _digest, cache_dir, uploaded_part
from meetings.packbuild.service import pack_build
from meetings.packbuild.tags import UNTAGGED_WARNING, pdf_tagged
from meetings.packbuild.untagged import TEAM_EMAIL, statement_rows
from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db

WARNING = escape(UNTAGGED_WARNING)
HEADING = "Papers in this pack that are not accessible"


def tagged_pdf(text: str) -> bytes:
    return print_pdf(f"<html lang='en-GB'><head><title>{text}</title></head><body><h1>{text}</h1></body></html>")


def untagged_pdf(text: str) -> bytes:
    return html_pdf(f"<html lang='en-GB'><body><p>{text}</p></body></html>")


def word_document(heading: str, text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(heading, 1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload_paper(client, item, pdf: bytes):
    url = f"/meetings/items/{item.pk}/papers/upload/"
    data = {"subject": "Uploaded", "upload": SimpleUploadedFile("report.pdf", pdf)}
    return client.post(url, data, follow=True), lambda: Paper.objects.get(subject="Uploaded")


def upload_appendix(client, item, pdf: bytes):
    written = Paper.objects.create(item=item, format="written", subject="Written")
    url = f"/meetings/papers/{written.pk}/appendices/new/"
    data = {"title": "Costs", "upload": SimpleUploadedFile("costs.pdf", pdf)}
    return client.post(url, data, follow=True), lambda: Appendix.objects.get(title="Costs")


@pytest.mark.parametrize("path", [upload_paper, upload_appendix], ids=["paper", "appendix"])
@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
def test_the_officer_is_told_at_upload_and_on_the_page_while_the_pdf_is_untagged(
    path, tagged, officer_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = AgendaItemFactory(meeting=published_meeting(), section="B", position=1)
    pdf = tagged_pdf("Tagged report") if tagged else untagged_pdf("Untagged report")
    response, stored = path(officer_client, item, pdf)
    assert response.status_code == 200
    row = stored()  # the upload succeeds either way
    assert row.untagged is not tagged
    landing = response.content.decode()
    again = officer_client.get(response.redirect_chain[-1][0]).content.decode()  # the paper's page, later
    for page in (landing, again):
        assert (WARNING in page) is not tagged
    assert ("govuk-warning-text" in again) is not tagged
    assert ("Important" in landing) is not tagged  # the warning's notification banner, beside the success one


def test_word_uploads_convert_to_tagged_pdf_and_old_untagged_conversions_are_not_reused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = word_document("Word paper", "A paper written in Word")
    (cache_dir() / f"{_digest('docx', data)}.pdf").write_bytes(untagged_pdf("Converted before issue 19"))
    stats = RenderStats()
    pdf = uploaded_part(ContentFile(data, name="w.docx"), "docx", "w.docx", stats)
    assert stats.rendered == ["w.docx"]  # converted again, not the untagged copy cached under the old key
    assert pdf_tagged(pdf)
    assert "A paper written in Word" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.fixture
def world(settings, tmp_path, make_user):
    """A published meeting: B1 an untagged uploaded paper with a tagged appendix, B2 a written paper, D1 a
    restricted untagged upload; its public and restricted packs built. A member of its committee."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory()
    member = make_user(roles.MEMBER)
    from kcsp.tests.factories import PersonFactory

    MembershipFactory(committee=committee, person=PersonFactory(user=member))
    meeting = published_meeting(committee=committee, contact_email="clerk@kcsp.example")
    b1 = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Community safety plan")
    b2 = AgendaItemFactory(meeting=meeting, section="B", position=2, title="Written business")
    d1 = AgendaItemFactory(meeting=meeting, section="D", position=1, title="Prevent case", restriction_reason="prevent")
    public = _upload(b1, "Public partner report", untagged_pdf("PUBLIC-UNTAGGED"))
    Appendix.objects.create(
        paper=public, letter="A", title="Tagged costs", file=ContentFile(tagged_pdf("Costs"), name="a.pdf"),
        original_name="a.pdf", file_kind="pdf",
    )  # fmt: skip
    Paper.objects.create(item=b2, format="written", subject="Written report", summary="Written in the app.")
    restricted = _upload(d1, "Restricted partner report", untagged_pdf("RESTRICTED-UNTAGGED"))
    for kind in (Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED):
        pack_build(meeting=meeting, kind=kind)
    return {"meeting": meeting, "member": member, "public": public, "restricted": restricted}


def _upload(item, subject: str, pdf: bytes) -> Paper:
    paper = Paper(item=item, format="uploaded", subject=subject, original_name="p.pdf", file_kind="pdf")
    paper.file.save("p.pdf", ContentFile(pdf))
    return paper


def front_sheet_text(pack: Pack) -> str:
    with pack.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join((reader.pages[0].extract_text() or "").split())


def test_the_build_records_the_untagged_parts_and_the_front_sheet_names_them_with_their_pages(world):
    public = Pack.objects.get(meeting=world["meeting"], kind="public")
    restricted = Pack.objects.get(meeting=world["meeting"], kind="restricted")
    assert public.untagged_parts == [{"key": f"paper-{world['public'].pk}", "title": "B1 Public partner report"}]
    assert restricted.untagged_parts == [
        {"key": f"paper-{world['restricted'].pk}", "title": "D1 Restricted partner report"}
    ]
    text = front_sheet_text(public)
    assert HEADING in text
    page = public.page_labels[public.contents.get(what="paper", paper=world["public"]).first_page - 1]
    assert f"B1 Public partner report (Page {page}" in text
    assert "Tagged costs" not in text.split(HEADING)[1] and "Written report" not in text
    assert "Anna Taylor (clerk@kcsp.example)" in text and TEAM_EMAIL in text
    assert "Restricted partner report" not in text
    assert "D1 Restricted partner report" in front_sheet_text(restricted)


def test_a_pack_whose_parts_are_all_tagged_says_nothing_about_accessibility(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = published_meeting()
    item = AgendaItemFactory(meeting=meeting, section="B", position=1)
    _upload(item, "Tagged partner report", tagged_pdf("Tagged partner report"))
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.untagged_parts == []
    assert HEADING not in front_sheet_text(pack)


def test_the_statement_lists_the_untagged_papers_each_reader_may_see(world, client):
    anonymous = Client().get("/accessibility/").content.decode()
    assert "tagged PDF documents (PDF/UA-1)" in anonymous and "artifacts" in anonymous
    assert "B1 Public partner report" in anonymous and world["meeting"].get_absolute_url() in anonymous
    assert "Restricted partner report" not in anonymous
    assert "Prevent case" not in anonymous
    client.force_login(world["member"])
    member = client.get("/accessibility/").content.decode()
    assert "B1 Public partner report" in member and "D1 Restricted partner report" in member


def test_the_statement_reads_the_build_record_in_one_query_and_has_an_empty_state(
    world, django_assert_num_queries, settings
):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(1):
        rows = statement_rows(AnonymousUser())
    assert [row["titles"] for row in rows] == [["B1 Public partner report"]]
    Pack.objects.update(untagged_parts=[])
    assert "Every paper in the agenda packs you can see is tagged." in Client().get("/accessibility/").content.decode()

"""Agenda packs read back with pypdf: numbering, blank pages, page ranges, bookmarks, restriction, cache, failure."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from kcsp.demo_clock import REFERENCE_TODAY
from meetings.models import Meeting, Pack, Paper
from meetings.packbuild.assemble import watermark_copy
from meetings.packbuild.parts import PackBuildError
from meetings.packbuild.service import pack_build

pytestmark = pytest.mark.django_db


def pages_text(pdf_path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf_path).pages]


def three_page_pdf() -> bytes:
    import weasyprint

    pages = "".join(f"<p style='break-after: page'>UPLOADED-PAGE-{n}</p>" for n in range(1, 4))
    return weasyprint.HTML(string=f"<html lang='en'><body>{pages}</body></html>").write_pdf()


@pytest.fixture
def july(settings, tmp_path, demo_load):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`: the papers' own dates
    meeting = Meeting.objects.get(starts_at__date="2022-07-14")
    b2 = meeting.items.get(section="B", position=2)
    paper = Paper(item=b2, format="uploaded", subject="Working Group Update", original_name="wg.pdf", file_kind="pdf")
    paper.file.save("wg.pdf", ContentFile(three_page_pdf()))
    return meeting


def test_public_pack_numbers_every_page_and_starts_each_paper_on_a_right_hand_page(july):
    pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=july, kind="public")
    assert pack.status == Pack.Status.READY
    texts = pages_text(pack.file.path)
    assert len(texts) == pack.page_count
    for number, text in enumerate(texts, start=1):
        assert f"Page {number}" in text, number
    # Parts start on odd pages; a blank page fills the gap where one would start on an even page.
    markers = (
        "UPLOADED-PAGE-1",
        "NOTES of a meeting",
        "B1 Kent Community Safety Agreement Update",
        "B3 KCSP Terms of Reference Update 2022",
    )
    starts = {name: i + 1 for i, t in enumerate(texts) for name in markers if name in t and i > 0}
    assert len(starts) == 4 and all(page % 2 == 1 for page in starts.values()), starts
    blanks = [i + 1 for i, t in enumerate(texts) if "This page is intentionally left blank" in t]
    assert blanks and all(page % 2 == 0 for page in blanks)
    # The front sheet's ranges are the real pages.
    front = texts[0]
    assert re.search(rf"A4 Notes of meeting held on 24 March 2022\s*Pages {starts['NOTES of a meeting']} - \d+", front)
    b2 = re.search(r"B2 .*?Pages (\d+) - (\d+)", front, re.S)
    assert int(b2.group(1)) == starts["UPLOADED-PAGE-1"] and int(b2.group(2)) == starts["UPLOADED-PAGE-1"] + 2
    assert "UPLOADED-PAGE-3" in texts[int(b2.group(2)) - 1]


def test_public_pack_has_bookmarks_title_language_and_no_restricted_text(july):
    pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=july, kind="public")
    reader = PdfReader(pack.file.path)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "B1 Kent Community Safety Agreement Update" in titles and "B2 Working Group Update" in titles
    assert reader.metadata.title.startswith("Agenda pack: Kent Community Safety Partnership")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    texts = pages_text(pack.file.path)
    front, everything = texts[0], "\n".join(texts[1:])
    # The front sheet lists the restricted items' titles under section D with the exclusion statement, as the
    # July 2022 agenda does, the DHR item's title withheld; none of their pages, and no other page names them.
    assert "D2 Kent and Medway PREVENT Duty Delivery Board Update" in front and "D1 Restricted item" in front
    assert "Meeting not open to the press and public" in front and "Domestic Homicide" not in front
    for secret in ("PREVENT", "Domestic Homicide", "Exploitation", "OFFICIAL-SENSITIVE", "Sylvie"):
        assert secret not in everything, secret


def test_restricted_pack_holds_only_restricted_items_marked_on_every_page(july):
    pack_build(meeting=july, kind=Pack.Kind.RESTRICTED)
    texts = pages_text(Pack.objects.get(meeting=july, kind="restricted").file.path)
    assert all("OFFICIAL-SENSITIVE" in t for t in texts)
    assert "PREVENT" in texts[0] and "Joint Exploitation" in texts[0]
    assert "Domestic Homicide" not in "\n".join(texts), "DHR items go in the DHR pack only"
    assert "Community Safety Agreement" not in "\n".join(texts)
    pack_build(meeting=july, kind=Pack.Kind.DHR)
    dhr = "\n".join(pages_text(Pack.objects.get(meeting=july, kind="dhr").file.path))
    assert "Domestic Homicide Review Update" in dhr and "PREVENT" not in dhr


def test_changing_one_paper_re_renders_only_that_paper(july):
    first = pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    assert len(first.rendered) >= 3
    again = pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    assert again.rendered == []
    paper = Paper.objects.get(item__meeting=july, subject="KCSP Terms of Reference Update 2022")
    paper.summary = "Changed summary."
    paper.save()
    changed = pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    assert changed.rendered == [f"paper {paper.pk}"]


def test_a_corrupt_upload_fails_the_build_naming_the_paper_and_keeps_the_last_good_pack(july):
    pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=july, kind="public")
    good_name, good_bytes = pack.file.name, Path(pack.file.path).read_bytes()
    c1 = july.items.get(section="C")
    broken = Paper(item=c1, format="uploaded", subject="Dates paper", original_name="dates.pdf", file_kind="pdf")
    broken.file.save("dates.pdf", ContentFile(b"%PDF-1.7 this is not really a PDF"))
    with pytest.raises(PackBuildError):
        pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    pack.refresh_from_db()
    assert pack.status == Pack.Status.FAILED and "Dates paper" in pack.failure and "damaged" in pack.failure
    assert pack.file.name == good_name and Path(pack.file.path).read_bytes() == good_bytes


def test_watermark_carries_the_downloaders_name_on_every_page(july):
    pack_build(meeting=july, kind=Pack.Kind.RESTRICTED)
    pdf = Path(Pack.objects.get(meeting=july, kind="restricted").file.path).read_bytes()
    marked = watermark_copy(pdf, "Downloaded by Mr A Harper on 23 November 2026")
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(marked)).pages]
    assert all("Downloaded by Mr A Harper on 23 November 2026" in t for t in texts)


def test_docx_upload_is_converted_with_libreoffice(july):
    c1 = july.items.get(section="C")
    paper = Paper(item=c1, format="uploaded", subject="Word paper", original_name="w.docx", file_kind="docx")
    paper.file.save("w.docx", ContentFile(real_docx("CONVERTED-FROM-WORD")))
    pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    assert "CONVERTED-FROM-WORD" in "\n".join(pages_text(Pack.objects.get(meeting=july, kind="public").file.path))


def real_docx(text: str) -> bytes:
    import zipfile

    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def test_one_build_at_a_time_per_meeting(july):
    from django.utils import timezone

    from meetings.packbuild.service import BuildBusy

    Pack.objects.update_or_create(  # the demo has requested July's packs already: one row per kind
        meeting=july, kind="restricted", defaults={"status": "building", "build_started_at": timezone.now()}
    )
    with pytest.raises(BuildBusy):
        pack_build(meeting=july, kind=Pack.Kind.PUBLIC)
    Pack.objects.filter(meeting=july, kind="restricted").update(
        build_started_at=timezone.now() - timezone.timedelta(hours=1)
    )
    pack_build(meeting=july, kind=Pack.Kind.PUBLIC)  # a build abandoned by a dead worker no longer blocks
    assert Pack.objects.get(meeting=july, kind="public").status == Pack.Status.READY

"""Issue 19's done-when: the demo meetings' public, restricted, DHR and supplementary packs and their approved
(signed) minutes are tagged documents that pass the structure checker (kcsp/pdfstructure.py) and that poppler's
pdfinfo reports as tagged; a pack of three written papers and one tagged upload reads in agenda order."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kcsp.demo_clock import REFERENCE_TODAY
from kcsp.pdf import print_pdf
from kcsp.pdfstructure import struct_outline, structure_problems
from kcsp.testing import pdfinfo, pdfinfo_struct
from meetings.models import Meeting, Pack, Paper, SignedMinutes
from meetings.packbuild.service import pack_build
from meetings.signedpdf import signed_minutes_render

pytestmark = pytest.mark.django_db

KINDS = [Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED, Pack.Kind.DHR, Pack.Kind.SUPPLEMENTARY]


def tagged_upload(title: str) -> bytes:
    body = f"<h1>{title}</h1><p>A paper a partner wrote and exported tagged.</p><h2>Detail</h2><p>More.</p>"
    return print_pdf(f"<html lang='en-GB'><head><title>{title}</title></head><body>{body}</body></html>")


@pytest.fixture
def july(settings, tmp_path, demo_load):
    settings.MEDIA_ROOT = tmp_path
    demo_load(REFERENCE_TODAY)
    meeting = Meeting.objects.get(starts_at__date="2022-07-14")
    b2 = meeting.items.get(section="B", position=2)
    late = Paper(
        item=b2,
        format="uploaded",
        subject="Working Group late report",
        original_name="late.pdf",
        file_kind="pdf",
        is_supplementary=True,
    )
    late.file.save("late.pdf", ContentFile(tagged_upload("Working Group late report")))
    return meeting


def test_every_demo_pack_and_the_signed_minutes_pass_the_checker_and_pdfinfo_says_tagged(july):
    checked = []
    for kind in KINDS:
        pack_build(meeting=july, kind=kind)  # build_pdf itself checks too (settings.PACK_STRUCTURE_CHECK)
        pack = Pack.objects.get(meeting=july, kind=kind)
        assert pack.status == Pack.Status.READY, (kind, pack.failure)
        data = pack.file.read()
        assert structure_problems(data) == [], kind
        assert "Tagged:          yes" in pdfinfo(data), kind
        assert "Document" in pdfinfo_struct(data), kind
        checked.append(kind)
    records = list(SignedMinutes.objects.all())
    assert {record.kind for record in records} >= {"public", "restricted"}, "March's minutes were signed at July"
    for record in records:
        record = signed_minutes_render(record=record) if not record.first_sha256 else record
        data = record.pdf.read()
        assert structure_problems(data) == [], record.kind
        assert "Tagged:          yes" in pdfinfo(data)
        checked.append(f"minutes-{record.kind}")
    assert len(checked) >= 6


def test_a_pack_of_three_written_papers_and_one_tagged_upload_reads_in_agenda_order(settings, tmp_path, db):
    from meetings.tests.factories import AgendaItemFactory, published_meeting

    settings.MEDIA_ROOT = tmp_path
    meeting = published_meeting(starts_at=timezone.now() + datetime.timedelta(days=10))
    titles = []
    for position, subject in enumerate(["Action plan update", "Working group update", "Terms of reference"], 1):
        item = AgendaItemFactory(meeting=meeting, section="B", position=position, title=subject)
        Paper.objects.create(item=item, format="written", subject=subject, summary=f"{subject} summary.")
        titles.append(f"{item.code} {subject}")
    item = AgendaItemFactory(meeting=meeting, section="B", position=4, title="Violence against women and girls")
    upload = Paper(item=item, format="uploaded", subject="VAWG strategy", original_name="vawg.pdf", file_kind="pdf")
    upload.file.save("vawg.pdf", ContentFile(tagged_upload("VAWG strategy")))
    titles.append(f"{item.code} VAWG strategy")
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    data = Pack.objects.get(meeting=meeting, kind="public").file.read()
    assert structure_problems(data) == []
    outline = struct_outline(data, depth=3)
    print("\n".join(outline))  # the note quotes it
    parts = [line.strip().removeprefix("Part: ") for line in outline if line.strip().startswith("Part")]
    assert parts == ["Agenda", *titles]
    upload_part = outline.index(f"  Part: {titles[-1]}")
    assert outline[upload_part + 1].strip().startswith("H1"), "the upload's own structure is inside its part"

"""Copies stored before uploads were cleaned: the command cleans them in place and lists those to replace."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from dhr.models import CaseDocument
from dhr.tests.factories import make_case
from meetings.models import Paper

from .factories import AgendaItemFactory, published_meeting
from .hostile_pdfs import SECRETS, hostile_pdf
from .test_upload_cleaning_docx import word_paper

pytestmark = pytest.mark.django_db


def test_uploads_clean_replaces_old_copies_and_lists_what_an_officer_must_replace(settings, tmp_path, make_user):
    settings.MEDIA_ROOT = tmp_path
    item = AgendaItemFactory(meeting=published_meeting(), section="B", position=1)
    dirty = Paper(item=item, format="uploaded", subject="Old", original_name="old.docx", file_kind="docx")
    dirty.file.save("old.docx", ContentFile(word_paper()))
    tracked = Paper(item=item, format="uploaded", subject="Draft", original_name="draft.docx", file_kind="docx")
    tracked.file.save("draft.docx", ContentFile(word_paper(tracked=True)))
    document = CaseDocument(case=make_case(), title="Letter", file_kind="pdf", original_name="l.pdf")
    document.uploaded_by = make_user("dhr_cleared")
    document.file.save("l.pdf", ContentFile(hostile_pdf()))
    before = tracked.file.name

    out = io.StringIO()
    call_command("uploads_clean", "--dry-run", stdout=out)
    assert "2 cleaned, 1 to be replaced" in out.getvalue()
    assert b"Jane Authorname" in Paper.objects.get(pk=dirty.pk).file.read(), "a dry run changes nothing"

    out = io.StringIO()
    call_command("uploads_clean", stdout=out)
    report = out.getvalue()
    assert f"Removed from Paper {dirty.pk} (old.docx): document properties (author" in report
    assert f"Replace Paper {tracked.pk} (draft.docx): This document still has 3 tracked changes" in report
    assert f"Removed from DHR file {document.pk} (l.pdf): earlier versions" in report
    cleaned = Paper.objects.get(pk=dirty.pk).file.read()
    assert b"Jane Authorname" not in cleaned and b"OLE-SECRET" not in cleaned
    assert not [s for s in SECRETS if s.encode() in CaseDocument.objects.get().file.read()]
    assert Paper.objects.get(pk=tracked.pk).file.name == before, "a refused file is listed, not changed"
    assert len(list((tmp_path / "papers").rglob("*.*"))) == 2, "the old copy is deleted"

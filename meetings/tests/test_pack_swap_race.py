"""A download that meets a build swapping its new file in gets a whole pack, never a 404 for a pack that exists.

The build deletes the old file when its swap commits; a reader who loaded the row just before opens a name that
is gone. The race is made certain here by running a real rebuild at the moment the reader opens the file."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from kcsp import downloads
from meetings.models import AgendaItem, Pack, Paper, PaperSection
from meetings.packbuild.service import pack_build
from meetings.tests.factories import published_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_download_during_the_swap_serves_the_new_pack(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = published_meeting()
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="Report 1")
    paper = Paper.objects.create(item=item, format="written", subject="Report 1")
    PaperSection.objects.create(paper=paper, position=1, heading="Summary", body="The first version.")
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    old_name = Pack.objects.get(meeting=meeting, kind="public").file.name

    real_read = downloads.Outgoing.read
    swaps = []

    def read_after_a_swap(self):
        if not swaps:  # the first read meets a build that swaps a new file in and deletes the old one
            Paper.objects.filter(pk=paper.pk).update(subject="Report 1 (revised)")
            pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
            swaps.append(Pack.objects.get(meeting=meeting, kind="public").file.name)
        return real_read(self)

    monkeypatch.setattr(downloads.Outgoing, "read", read_after_a_swap)
    response = Client().get(f"/meetings/{meeting.pk}/packs/public.pdf")

    assert swaps and swaps[0] != old_name
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Report 1 (revised)" in text


def test_a_build_stopped_after_its_swap_commits_keeps_the_file_the_pack_now_serves(settings, tmp_path, monkeypatch):
    """A worker stopped (SIGTERM raises in the process) while the callbacks after the swap's commit run: the row
    already points at the new file, so the new file stays and the pack is served; only the old file is left over."""
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = published_meeting()
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="Report 1")
    Paper.objects.create(item=item, format="written", subject="Report 1")
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    old_name = Pack.objects.get(meeting=meeting, kind="public").file.name
    storage = Pack._meta.get_field("file").storage
    real_delete = storage.delete

    def stopped_while_deleting_the_old_file(name):
        if name == old_name:
            raise SystemExit("SIGTERM")
        return real_delete(name)

    monkeypatch.setattr(storage, "delete", stopped_while_deleting_the_old_file)
    Paper.objects.filter(item=item).update(subject="Report 1 (revised)")
    with pytest.raises(SystemExit):
        pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    monkeypatch.undo()
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.file.name != old_name and storage.exists(pack.file.name), "the committed row's file is still there"
    response = Client().get(f"/meetings/{meeting.pk}/packs/public.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response.status_code == 200 and "Report 1 (revised)" in text

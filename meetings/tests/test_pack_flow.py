"""Packs as people meet them: built on publication, downloaded (watermarked, logged), refused, rebuilt."""

import io
import time

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from pypdf import PdfReader

from kcsp import roles
from kcsp.models import FileDownload
from meetings import services
from meetings.models import AgendaItem, Pack, Paper

from .factories import CommitteeFactory, MeetingFactory, MembershipFactory


def build_ready_meeting(make_user, django_capture_on_commit_callbacks=None):
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    meeting = services.meeting_create(
        committee=committee, starts_at=MeetingFactory.build().starts_at, contact_name="Anna Taylor"
    )
    services.agenda_item_save(item=AgendaItem(meeting=meeting, section="B", title="Action plan", kind="report"))
    services.agenda_item_save(
        item=AgendaItem(
            meeting=meeting, section="D", title="Prevent update", kind="verbal", restriction_reason="prevent"
        )
    )
    item = meeting.items.get(section="B")
    Paper.objects.create(item=item, format="written", subject="Action plan report", summary="Plan summary.")
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    return meeting


def download(client, meeting, kind):
    return client.get(f"/meetings/{meeting.pk}/packs/{kind}.pdf")


@pytest.mark.django_db
def test_publishing_builds_the_packs_and_members_download_them(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    meeting = build_ready_meeting(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    assert set(meeting.packs.values_list("kind", "status")) == {("public", "ready"), ("restricted", "ready")}
    public = download(Client(), meeting, "public")
    assert public.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(public.content)).pages)
    assert "Action plan report" in text
    # The front sheet lists the restricted item's title under section D with the exclusion statement (as the
    # partnership's agendas do), and nothing more of it: its pages are in the restricted pack only.
    assert "D1 Prevent update" in text and "Meeting not open to the press and public" in text
    assert "OFFICIAL-SENSITIVE" not in text and text.count("Prevent") == 1


@pytest.mark.django_db
def test_restricted_pack_download_is_watermarked_logged_and_refused_to_others(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    meeting = build_ready_meeting(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    member_user = make_user(roles.MEMBER)
    MembershipFactory(
        committee=meeting.committee,
        person__user=member_user,
        person__title="Mr",
        person__initials="A",
        person__surname="Harper",
    )
    member = Client()
    member.force_login(member_user)
    response = download(member, meeting, "restricted")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert all("downloaded by Mr A Harper" in page.extract_text() for page in pages)
    assert FileDownload.objects.get().user == member_user
    outsider = Client()
    outsider.force_login(make_user(roles.MEMBER))
    assert download(outsider, meeting, "restricted").status_code == 404
    assert "Restricted pack" not in outsider.get(meeting.get_absolute_url()).content.decode()
    assert download(Client(), meeting, "restricted").status_code == 404
    assert FileDownload.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_rebuild_keeps_serving_the_last_good_pack(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    meeting = build_ready_meeting(make_user)
    # A late paper already out: papers added after publication go into the supplementary pack (issue 17).
    Paper.objects.create(
        item=meeting.items.get(section="B"), format="written", subject="Late", summary="Late.", is_supplementary=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    before = download(Client(), meeting, "supplementary").content
    broken = Paper(
        item=meeting.items.get(section="B"),
        format="uploaded",
        subject="Broken annex",
        original_name="annex.pdf",
        file_kind="pdf",
    )
    broken.file.save("annex.pdf", ContentFile(b"%PDF-1.4 broken"), save=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_save(paper=broken)
    pack = meeting.packs.get(kind="supplementary")
    assert pack.status == Pack.Status.FAILED and "Broken annex" in pack.failure
    assert download(Client(), meeting, "supplementary").content == before
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    assert "Broken annex" in officer.get(f"/meetings/{meeting.pk}/packs/").content.decode()
    assert "Broken annex" not in Client().get(f"/meetings/{meeting.pk}/packs/").content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pack_end_to_end(real_worker, make_user):
    meeting = build_ready_meeting(make_user)
    services.meeting_publish(meeting=meeting)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statuses = set(meeting.packs.values_list("status", flat=True))
        if statuses <= {"ready", "failed"}:
            break
        time.sleep(0.3)
    pack = meeting.packs.get(kind="public")
    assert pack.status == Pack.Status.READY, pack.failure
    reader = PdfReader(pack.file.path)
    assert len(reader.pages) == pack.page_count
    assert "Page 1" in reader.pages[0].extract_text()


@pytest.mark.django_db
def test_papers_added_after_publication_also_go_into_a_supplementary_pack(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    meeting = build_ready_meeting(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting)
    late = Paper(item=meeting.items.get(section="B"), format="written", subject="Late addendum", summary="Late.")
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_save(paper=late)
    assert late.is_supplementary
    supplementary = download(Client(), meeting, "supplementary")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(supplementary.content)).pages)
    assert "Late addendum" in text and "Action plan report" not in text
    public = download(Client(), meeting, "public")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(public.content)).pages)
    assert "Late addendum" not in text, "a published pack's pages never move: late papers are not put between them"
    assert "added after publication is in the supplementary pack" in " ".join(text.split()), "its front sheet says"


@pytest.mark.django_db
def test_approved_minutes_become_one_public_pdf_the_signed_record(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The minutes pack is retired: its old address leads to the signed record's public PDF, made at signing."""
    import datetime

    from django.utils import timezone

    from meetings import minuting
    from meetings.models import Minute
    from meetings.signing import minutes_approve

    from .factories import chaired_by, held_meeting

    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory()
    march = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=100))
    july = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=2))
    public_item = AgendaItem.objects.create(meeting=march, section="B", position=1, title="Working Group Update")
    secret_item = AgendaItem.objects.create(
        meeting=march, section="D", position=1, title="Prevent", restriction_reason="prevent"
    )
    minuting.minute_add(
        minute=Minute(
            meeting=march, item=public_item, title="Working Group Update", text="RESOLVED that the update be noted."
        )
    )
    minuting.minute_add(
        minute=Minute(
            meeting=march,
            item=secret_item,
            title="Prevent Duty Delivery Board",
            text="RESOLVED that the threat level be noted.",
        )
    )
    assert Client().get(f"/meetings/{march.pk}/packs/minutes.pdf", follow=True).status_code == 404, "not before"
    chair = make_user(roles.CHAIR)
    chaired_by(july, chair)
    with django_capture_on_commit_callbacks(execute=True):
        minutes_approve(meeting=march, at_meeting=july, user=chair)
    assert not Pack.objects.filter(meeting=march).exists(), "no pack is built for the minutes"
    response = Client().get(f"/meetings/{march.pk}/packs/minutes.pdf", follow=True)
    assert response.redirect_chain == [(f"/meetings/{march.pk}/minutes/public.pdf", 301)]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert "1. Working Group Update" in text and "RESOLVED" in text and "Page 1" in text
    assert "Prevent" not in text and "threat level" not in text

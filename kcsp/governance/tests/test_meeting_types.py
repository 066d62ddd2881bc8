"""Record types of the meetings app (meetings/retention): due, label, dispose with files, history, search."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kcsp.governance.record_types import DisposalRefused, record_type
from kcsp.tests.factories import PersonFactory
from meetings.models import (
    Annotation,
    Appendix,
    Attendance,
    Declaration,
    Meeting,
    Membership,
    Minute,
    OfficeTerm,
    Pack,
    PackRead,
    Paper,
)
from meetings.tests.factories import (
    PDF_BYTES,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    committee_business,
    held_meeting,
)

from .helpers import TODAY, dispose, due_ids, gone, history_count, rule, search_count

pytestmark = pytest.mark.django_db

OLD = timezone.make_aware(datetime.datetime(2016, 3, 10, 18, 0))
RECENT = timezone.make_aware(datetime.datetime(2025, 3, 10, 18, 0))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _meeting_with_paper(starts_at, *, published=False, reason=""):
    meeting = MeetingFactory(starts_at=starts_at, published_at=starts_at if published else None)
    item = AgendaItemFactory(meeting=meeting, title="Road safety", restriction_reason=reason)
    paper = Paper(item=item, format="uploaded", subject="Road safety report", original_name="r.pdf", file_kind="pdf")
    paper.file.save("r.pdf", ContentFile(PDF_BYTES))
    appendix = Appendix(paper=paper, letter="A", title="Figures", original_name="a.pdf", file_kind="pdf")
    appendix.file.save("a.pdf", ContentFile(PDF_BYTES))
    return meeting, item, paper, appendix


def test_meeting_due_from_its_date_and_deleted_with_everything(media, django_capture_on_commit_callbacks):
    old, item, paper, appendix = _meeting_with_paper(OLD)
    recent, *_ = _meeting_with_paper(RECENT)
    pack = Pack(meeting=old, kind="public", status="ready", page_count=1)
    pack.file.save("pack.pdf", ContentFile(PDF_BYTES))
    files = [paper.file.name, appendix.file.name, pack.file.name]
    assert search_count("paper", [paper.pk]) == 1

    assert due_ids("meeting") == {old.pk}
    assert record_type("meeting").label(old.pk) == f"{old.committee.name}, 10 March 2016"
    done = dispose("meeting", old.pk, capture=django_capture_on_commit_callbacks)

    assert not Meeting.objects.filter(pk=old.pk).exists()
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert all(gone(name, media) for name in files)
    assert done.files_removed == 3
    assert history_count(Meeting, [old.pk]) == 0 and history_count(Paper, [paper.pk]) == 0
    assert history_count(Appendix, [appendix.pk]) == 0
    assert search_count("paper", [paper.pk]) == 0 and search_count("meeting", [old.pk]) == 0
    assert done.history_rows_removed > 0 and done.search_documents_removed > 0
    assert Meeting.objects.filter(pk=recent.pk).exists()
    assert record_type("meeting").label(old.pk) == "(already removed)"


def test_meeting_with_public_record_not_deleted(django_capture_on_commit_callbacks):
    old, *_ = _meeting_with_paper(OLD, published=True)
    assert due_ids("meeting") == set()
    assert due_ids("meeting", action="review") == {old.pk}
    with pytest.raises(DisposalRefused, match="public record"):
        dispose("meeting", old.pk, capture=django_capture_on_commit_callbacks)


def test_meeting_anonymise_leaves_no_contact_in_row_or_history(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(starts_at=OLD, contact_name="Anna Taylor", contact_email="anna@kent.example")
    meeting.contact_phone = "03000 416262"
    meeting.save()
    dispose("meeting", meeting.pk, "anonymise", capture=django_capture_on_commit_callbacks)
    meeting.refresh_from_db()
    assert (meeting.contact_name, meeting.contact_phone, meeting.contact_email) == ("Democratic Services", "", "")
    assert not Meeting.history.filter(contact_name="Anna Taylor").exists()
    assert not Meeting.history.filter(contact_email="anna@kent.example").exists()


def test_paper_published_public_only_reviewed_restricted_deleted(media, django_capture_on_commit_callbacks):
    _, _, public, _ = _meeting_with_paper(OLD, published=True)
    _, _, restricted, appendix = _meeting_with_paper(OLD, published=True, reason="prevent")
    _, _, recent, _ = _meeting_with_paper(RECENT, reason="prevent")
    assert due_ids("paper") == {restricted.pk}
    assert due_ids("paper", action="review") == {public.pk, restricted.pk}
    with pytest.raises(DisposalRefused, match="public record"):
        dispose("paper", public.pk, capture=django_capture_on_commit_callbacks)
    assert dispose("paper", public.pk, "archive", capture=django_capture_on_commit_callbacks).files_removed == 0
    assert Paper.objects.filter(pk=public.pk).exists()

    names = [restricted.file.name, appendix.file.name]
    done = dispose("paper", restricted.pk, capture=django_capture_on_commit_callbacks)
    assert done.files_removed == 2 and all(gone(name, media) for name in names)
    assert not Paper.objects.filter(pk=restricted.pk).exists()
    assert history_count(Paper, [restricted.pk]) == 0 and history_count(Appendix, [appendix.pk]) == 0
    assert Paper.objects.filter(pk=recent.pk).exists()


def test_dhr_paper_is_dhr():
    _, _, paper, _ = _meeting_with_paper(OLD, reason="dhr")
    [due] = record_type("paper").due(rule("paper"), TODAY)
    assert due.object_id == paper.pk and due.is_dhr


def test_a_meeting_with_a_dhr_item_is_dhr():
    """Found trying it: a meeting was never DHR, so a DPO without a code could approve deleting one with its DHR
    items and papers (its minutes, attendance and declarations were already DHR when a DHR item was on it)."""
    with_dhr, _, _, _ = _meeting_with_paper(OLD, reason="dhr")
    plain, _, _, _ = _meeting_with_paper(OLD)
    found = {due.object_id: due.is_dhr for due in record_type("meeting").due(rule("meeting"), TODAY)}
    assert found == {with_dhr.pk: True, plain.pk: False}


def test_signed_minutes_attendance_declarations_refused(make_user, django_capture_on_commit_callbacks):
    from kcsp import roles

    chair = make_user(roles.CHAIR)
    PersonFactory(user=chair)
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=chair)
    signed, held = business["signed"], business["held"]
    later = datetime.date(2045, 1, 1)  # the signed meeting's date cannot change: count its period to a later day
    for key in ("minutes", "attendance", "declaration"):
        assert signed.pk not in due_ids(key, as_of=later), key
        with pytest.raises(DisposalRefused, match="signed"):
            dispose(key, signed.pk, capture=django_capture_on_commit_callbacks)
    assert signed.pk not in due_ids("meeting", as_of=later)
    with pytest.raises(DisposalRefused):
        dispose("meeting", signed.pk, capture=django_capture_on_commit_callbacks)

    assert held.pk in due_ids("minutes", as_of=later) and held.pk in due_ids("attendance", as_of=later)
    minute = business["minute"]
    dispose("minutes", held.pk, capture=django_capture_on_commit_callbacks)
    assert not Minute.objects.filter(pk=minute.pk).exists() and history_count(Minute, [minute.pk]) == 0
    assert search_count("minute", [minute.pk]) == 0
    attendance = business["attendance"]
    dispose("attendance", held.pk, capture=django_capture_on_commit_callbacks)
    assert not Attendance.objects.filter(pk=attendance.pk).exists()
    assert history_count(Attendance, [attendance.pk]) == 0


def test_declarations_of_an_unsigned_meeting(django_capture_on_commit_callbacks):
    old = held_meeting(starts_at=OLD)
    recent = held_meeting(starts_at=RECENT)
    person = PersonFactory()
    for meeting in (old, recent):
        Declaration.objects.create(meeting=meeting, person=person, name_as_recorded="Ms S Smith", interest="Trustee")
    assert due_ids("declaration") == {old.pk}
    assert record_type("declaration").label(old.pk).startswith("Declarations of ")
    dispose("declaration", old.pk, capture=django_capture_on_commit_callbacks)
    assert not Declaration.objects.filter(meeting=old).exists() and Declaration.objects.filter(meeting=recent).exists()
    assert not Declaration.history.filter(meeting_id=old.pk).exists()


def test_pack_deleted_with_reads_downloads_and_kept_copies(media, make_user, django_capture_on_commit_callbacks):
    from django.contrib.contenttypes.models import ContentType

    from kcsp.models import FileDownload

    old = MeetingFactory(starts_at=OLD)
    recent = MeetingFactory(starts_at=RECENT)
    packs = {}
    for meeting in (old, recent):
        pack = Pack(meeting=meeting, kind="restricted", status="ready", page_count=1)
        pack.file.save("pack.pdf", ContentFile(PDF_BYTES))
        packs[meeting] = pack
    pack = packs[old]
    user = make_user()
    PackRead.objects.create(user=user, pack=pack)
    FileDownload.objects.create(
        user=user, what="pack", content_type=ContentType.objects.get_for_model(Pack), object_id=pack.pk
    )
    kept = media / "reader-copies" / f"pack-{pack.pk}" / "v"
    kept.mkdir(parents=True)
    (kept / "1-x.pdf").write_bytes(PDF_BYTES)

    assert due_ids("pack") == {pack.pk}
    assert record_type("pack").label(pack.pk).startswith("Restricted pack: ")
    done = dispose("pack", pack.pk, capture=django_capture_on_commit_callbacks)
    assert done.files_removed == 1 and gone(pack.file.name, media)
    assert not (media / "reader-copies" / f"pack-{pack.pk}").exists()
    assert not PackRead.objects.filter(pack_id=pack.pk).exists()
    assert not FileDownload.objects.filter(object_id=pack.pk).exists()
    assert Pack.objects.filter(pk=packs[recent].pk).exists()


def test_annotation_due_from_last_change(make_user, django_capture_on_commit_callbacks):
    _, _, paper, _ = _meeting_with_paper(OLD)
    user = make_user()
    old = Annotation.objects.create(user=user, paper=paper, quote="q", note="mine", paper_fingerprint="f")
    Annotation.objects.filter(pk=old.pk).update(updated_at=OLD, created_at=OLD)
    recent = Annotation.objects.create(user=user, paper=paper, quote="q", note="mine", paper_fingerprint="f")
    assert due_ids("annotation") == {old.pk}
    assert record_type("annotation").label(old.pk) == f"Private annotation {old.pk}"
    dispose("annotation", old.pk, capture=django_capture_on_commit_callbacks)
    assert not Annotation.objects.filter(pk=old.pk).exists() and Annotation.objects.filter(pk=recent.pk).exists()


def test_memberships_and_office_terms_from_their_end(django_capture_on_commit_callbacks):
    from kcsp.governance.typebase import SECOND_OFFSET

    committee = CommitteeFactory()
    ended = MembershipFactory(
        committee=committee, starts_on=datetime.date(2012, 1, 1), ends_on=datetime.date(2016, 1, 1)
    )
    open_ = MembershipFactory(committee=committee)
    person = PersonFactory()
    term = OfficeTerm.objects.create(
        committee=committee, person=person, office="chair", starts_on=datetime.date(2012, 1, 1),
        ends_on=datetime.date(2015, 6, 1),
    )  # fmt: skip
    assert due_ids("membership") == {ended.pk, SECOND_OFFSET + term.pk}
    assert record_type("membership").label(SECOND_OFFSET + term.pk).startswith(f"Office term {term.pk}")
    dispose("membership", ended.pk, capture=django_capture_on_commit_callbacks)
    dispose("membership", SECOND_OFFSET + term.pk, capture=django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(pk=ended.pk).exists() and Membership.objects.filter(pk=open_.pk).exists()
    assert not OfficeTerm.objects.filter(pk=term.pk).exists()
    assert history_count(Membership, [ended.pk]) == 0 and history_count(OfficeTerm, [term.pk]) == 0


def test_paper_deleted_from_a_built_pack_withdraws_it(media, make_user, django_capture_on_commit_callbacks):
    from kcsp import roles

    business = committee_business(member_user=make_user(roles.MEMBER))
    paper, pack = business["restricted_paper"], business["restricted_pack"]
    Meeting.objects.filter(pk=business["published"].pk).update(starts_at=OLD)
    pack_file = pack.file.name
    kept = media / "reader-copies" / f"pack-{pack.pk}"
    kept.mkdir(parents=True)
    (kept / "1-x.pdf").write_bytes(PDF_BYTES)
    assert paper.pk in due_ids("paper")
    done = dispose("paper", paper.pk, capture=django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.withdrawn_at is not None and not pack.file and gone(pack_file, media) and not kept.exists()
    assert done.files_removed == 2  # the paper's file and the pack built with it


def test_signed_meeting_anonymised_keeps_the_signature(make_user, django_capture_on_commit_callbacks):
    from kcsp import roles

    chair = make_user(roles.CHAIR)
    PersonFactory(user=chair)
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=chair)
    signed = business["signed"]
    signed.refresh_from_db()
    signature = signed.minutes_signed_name
    dispose("meeting", signed.pk, "anonymise", capture=django_capture_on_commit_callbacks)
    signed.refresh_from_db()
    assert signed.contact_name == "Democratic Services" and signed.minutes_signed_name == signature


def test_a_refusal_part_way_leaves_the_packs_as_they_were(make_user, django_capture_on_commit_callbacks):
    from unittest import mock

    from kcsp import roles

    business = committee_business(member_user=make_user(roles.MEMBER))
    paper, pack = business["restricted_paper"], business["restricted_pack"]
    refused = mock.patch("meetings.retention.business.rows_delete", side_effect=DisposalRefused("linked"))
    with refused, pytest.raises(DisposalRefused), transaction.atomic():
        record_type("paper").dispose(paper.pk, "delete")
    pack.refresh_from_db()
    assert pack.withdrawn_at is None and pack.file

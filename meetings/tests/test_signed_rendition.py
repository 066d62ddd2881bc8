"""A signed record's first PDF is kept for good; a new rendition comes from the frozen content alone, word for word."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, transaction
from django.test import Client, override_settings

from kcsp import roles
from meetings.freeze import frozen_writes_allowed
from meetings.models import Attendance, Minute, SignedMinutes
from meetings.signedpdf import pdf_words, signed_minutes_render, signed_minutes_render_pending

from .factories import CommitteeFactory, held_meeting, signed_minutes_world

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, InternalError)


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def test_the_database_refuses_any_change_to_the_content_or_the_first_file(signed_world):
    record = signed_world["records"]["public"]
    changes = {
        "content": {**record.content, "committee": "Another partnership"},
        "content_sha256": "0" * 64,
        "first_sha256": "f" * 64,
        "first_pdf": "minutes/signed/other.pdf",
        "signed_at": record.signed_at.replace(year=2020),
    }
    for field, value in changes.items():
        with pytest.raises(REFUSED), transaction.atomic():
            SignedMinutes.objects.filter(pk=record.pk).update(**{field: value})
        with pytest.raises(REFUSED), transaction.atomic():
            fresh = SignedMinutes.objects.get(pk=record.pk)
            setattr(fresh, field, value)
            fresh.save()
    with pytest.raises(REFUSED), transaction.atomic():
        SignedMinutes.objects.filter(pk=record.pk).delete()
    fresh = SignedMinutes.objects.get(pk=record.pk)
    assert fresh.content == record.content and fresh.first_sha256 == record.first_sha256
    assert hashlib.sha256(read(fresh.first_pdf)).hexdigest() == fresh.first_sha256


def test_the_database_refuses_a_signed_record_added_outside_the_signing(signed_world, make_user):
    """Another part for a signed meeting, or a record of a meeting never signed: only the signing inserts them."""
    record = signed_world["records"]["public"]
    for meeting, kind in (
        (record.meeting, "dhr"),
        (held_meeting(committee=CommitteeFactory()), "public"),
    ):
        with pytest.raises(REFUSED), transaction.atomic():
            SignedMinutes.objects.create(
                meeting=meeting,
                kind=kind,
                content=record.content,
                content_sha256=record.content_sha256,
                signed_at=record.signed_at,
            )
    assert set(SignedMinutes.objects.values_list("meeting", flat=True)) == {record.meeting_id}


def test_a_rerendering_from_the_frozen_content_keeps_every_word_even_after_the_live_rows_changed(signed_world):
    record, people = signed_world["records"]["public"], signed_world["people"]
    first_bytes, first_sha = read(record.first_pdf), record.first_sha256
    first_words = pdf_words(first_bytes)
    assert "Rivers" in first_words and "Taylor" in first_words
    # Later data: people renamed, the committee renamed, and (demo loader's way round the freeze) the live rows of
    # the signed minutes themselves changed.
    rivers, taylor, committee = people["rivers"], people["taylor"], signed_world["committee"]
    rivers.surname, taylor.surname, taylor.title = "Brook", "Marsh", "Dr"
    rivers.save()
    taylor.save()
    committee.name = "Kent and Medway Community Safety Partnership"
    committee.save()
    with frozen_writes_allowed():
        Minute.objects.filter(pk=signed_world["minutes"]["public"].pk).update(title="Changed after signing")
        Attendance.objects.filter(meeting=signed_world["meeting"]).update(name_as_recorded="Someone Else")
    again = signed_minutes_render(record=record, reason="Accessibility tags improved")
    again.refresh_from_db()
    assert again.first_sha256 == first_sha and read(again.first_pdf) == first_bytes, "the first file is kept"
    assert again.sha256 == hashlib.sha256(read(again.pdf)).hexdigest()
    assert again.rendition_reason == "Accessibility tags improved" and again.rendered_at is not None
    new_words = pdf_words(read(again.pdf))
    assert new_words == first_words, "word for word the file made at signing"
    for later in ("Brook", "Marsh", "Medway", "Changed", "Someone"):
        assert later not in new_words
    served = Client().get(f"/meetings/{record.meeting_id}/minutes/public.pdf")
    assert b"".join(served.streaming_content) == read(again.pdf), "the current rendition is served"
    page = Client().get(f"/meetings/{record.meeting_id}/minutes/").content.decode()
    assert first_sha in page and "Accessibility tags improved" in page and "Rivers" in page and "Brook" not in page


def test_a_rendition_whose_words_differ_is_refused_and_changes_nothing(signed_world, tmp_path, settings):
    record = signed_world["records"]["restricted"]
    before = (read(record.pdf), record.sha256, record.rendition_reason)
    changed = tmp_path / "templates" / "meetings" / "pdf"
    changed.mkdir(parents=True)
    original = (settings.BASE_DIR / "templates" / "meetings" / "pdf" / "minutes.html").read_text()
    (changed / "minutes.html").write_text(original.replace("<h1>", "<h1>REVISED "))
    engines = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=engines), pytest.raises(ValidationError) as refused:
        signed_minutes_render(record=record, reason="A template that changed a word")
    assert "exactly the words of the file made at signing" in refused.value.messages[0]
    assert "REVISED" in refused.value.messages[0]
    record.refresh_from_db()
    assert (read(record.pdf), record.sha256, record.rendition_reason) == before


def test_the_first_rendering_is_done_once_however_often_the_task_is_delivered(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory()
    world = signed_minutes_world(
        committee=committee,
        at_meeting=held_meeting(committee=committee),
        chair_user=make_user(roles.CHAIR),
        render=False,
    )
    pending = SignedMinutes.objects.filter(meeting=world["meeting"], first_sha256="")
    assert pending.count() == 3
    assert signed_minutes_render_pending() == 3, "the periodic re-send renders what was never rendered (eagerly here)"
    assert not pending.exists()
    record = SignedMinutes.objects.get(meeting=world["meeting"], kind="public")
    first = (record.first_sha256, record.sha256, record.rendered_at)
    signed_minutes_render(record=record)  # delivered again, no reason: nothing to do
    record.refresh_from_db()
    assert (record.first_sha256, record.sha256, record.rendered_at) == first
    assert record.rendition_reason == "As signed"
    assert signed_minutes_render_pending() == 0


def test_the_command_rerenders_each_part_with_its_reason_and_refuses_what_it_cannot(signed_world):
    meeting = signed_world["meeting"]
    out = io.StringIO()
    call_command("minutes_rerender", "--meeting", str(meeting.pk), "--kind", "dhr", "--reason", "PDF/UA", stdout=out)
    dhr = SignedMinutes.objects.get(meeting=meeting, kind="dhr")
    assert dhr.rendition_reason == "PDF/UA" and dhr.first_sha256 in out.getvalue()
    assert SignedMinutes.objects.get(meeting=meeting, kind="public").rendition_reason == "As signed"
    call_command("minutes_rerender", "--meeting", str(meeting.pk), "--reason", "All parts", stdout=out)
    assert set(SignedMinutes.objects.filter(meeting=meeting).values_list("rendition_reason", flat=True)) == {
        "All parts"
    }
    with pytest.raises(CommandError, match="no signed minutes"):
        call_command("minutes_rerender", "--meeting", str(signed_world["at_meeting"].pk), "--reason", "x")
    with pytest.raises(CommandError, match="reason"):
        call_command("minutes_rerender", "--meeting", str(meeting.pk), "--reason", " ")

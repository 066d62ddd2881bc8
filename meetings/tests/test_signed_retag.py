"""Signed minutes whose served PDF is untagged get a tagged rendition from their frozen content, word for word."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.utils import timezone

from kcsp import roles
from kcsp.pdf import html_pdf
from meetings.models import SignedMinutes
from meetings.packbuild.stamp import stamp_pdf
from meetings.packbuild.tags import pdf_tagged
from meetings.signedpdf import (
    RETAG_REASON,
    TEMPLATE,
    pdf_words,
    signed_marking,
    signed_minutes_pdf,
    signed_minutes_render,
    signed_minutes_retag,
    signed_minutes_title,
)
from meetings.tasks import signed_minutes_retag_task

from .factories import CommitteeFactory, held_meeting, signed_minutes_world

pytestmark = pytest.mark.django_db


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def untagged_pdf(content: dict) -> bytes:
    """The part as it was rendered before tagging: the same template and stamps, WeasyPrint without pdf/ua-1."""
    html = render_to_string(TEMPLATE, {"record": content, "pdf_title": signed_minutes_title(content)})
    marking = signed_marking(content)
    top = (marking, "") if marking else None
    return stamp_pdf(html_pdf(html), top=top, bottom=lambda number: (marking, f"Page {number}"))


def signed_untagged(record: SignedMinutes, data: bytes) -> SignedMinutes:
    """`record` (not rendered yet) as signed before tagging: `data` is both its first file and the served one."""
    name = f"minutes-{record.meeting_id}-{record.kind}.pdf"
    digest = hashlib.sha256(data).hexdigest()
    record.first_pdf.save(name, ContentFile(data), save=False)
    record.pdf.save(name, ContentFile(data), save=False)
    record.first_sha256 = record.sha256 = digest
    record.rendered_at, record.rendition_reason = timezone.now(), "As signed"
    record.save()
    return record


@pytest.fixture
def unrendered(make_user, settings, tmp_path):
    """signed_minutes_world whose three parts have no PDF yet, keyed by kind."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory()
    world = signed_minutes_world(
        committee=committee,
        at_meeting=held_meeting(committee=committee),
        chair_user=make_user(roles.CHAIR),
        render=False,
    )
    return {record.kind: record for record in SignedMinutes.objects.filter(meeting=world["meeting"])}


def snapshot(record: SignedMinutes) -> tuple:
    record.refresh_from_db()
    return (record.first_sha256, read(record.first_pdf), record.sha256, read(record.pdf), record.rendition_reason)


def test_the_untagged_file_has_the_words_a_tagged_rendition_has(unrendered):
    for record in unrendered.values():
        old, new = untagged_pdf(record.content), signed_minutes_pdf(record.content)
        assert not pdf_tagged(old) and pdf_tagged(new)
        assert pdf_words(old) == pdf_words(new), record.kind


def test_an_untagged_part_is_retagged_from_its_content_and_a_tagged_one_left_alone(unrendered):
    public = signed_untagged(unrendered["public"], untagged_pdf(unrendered["public"].content))
    first_bytes, first_sha = read(public.first_pdf), public.first_sha256
    tagged = signed_minutes_render(record=unrendered["dhr"])  # rendered tagged at signing
    tagged_before = snapshot(tagged)
    history_before = public.history.count()

    done = signed_minutes_retag()

    assert [record.pk for record in done] == [public.pk]
    public.refresh_from_db()
    served = read(public.pdf)
    assert pdf_tagged(served), "the served file is tagged"
    assert public.sha256 == hashlib.sha256(served).hexdigest() != first_sha
    assert read(public.first_pdf) == first_bytes and public.first_sha256 == first_sha, "the first file is kept"
    assert pdf_words(served) == pdf_words(first_bytes), "word for word the file made at signing"
    assert public.rendition_reason == RETAG_REASON
    assert public.history.count() == history_before + 1
    assert public.history.first().rendition_reason == RETAG_REASON
    assert snapshot(tagged) == tagged_before, "a tagged part is left alone"
    assert not SignedMinutes.objects.get(pk=unrendered["restricted"].pk).first_sha256, "no first file yet: skipped"

    again = snapshot(public)
    assert signed_minutes_retag() == [], "a second run does nothing"
    assert snapshot(public) == again


def test_a_refused_part_is_reported_and_left_as_it_is_and_the_run_goes_on(unrendered, caplog):
    public, restricted = unrendered["public"], unrendered["restricted"]
    other_words = {**public.content, "committee": "Another partnership"}
    signed_untagged(public, untagged_pdf(other_words))  # its first file's words are not its content's
    signed_untagged(restricted, untagged_pdf(restricted.content))
    public_before = snapshot(public)

    refused: list = []
    done = signed_minutes_retag(refused=refused)

    assert [record.pk for record in done] == [restricted.pk], "the part after the refused one is retagged"
    assert pdf_tagged(read(SignedMinutes.objects.get(pk=restricted.pk).pdf))
    assert [record.pk for record, _ in refused] == [public.pk]
    assert "exactly the words of the file made at signing" in refused[0][1] and "ANOTHER" in refused[0][1]
    assert f"Signed minutes public of meeting {public.meeting_id} not retagged" in caplog.text
    assert snapshot(public) == public_before, "the refused part changes in nothing"


def test_the_command_and_the_daily_task_retag_what_is_untagged(unrendered, settings):
    public, restricted = unrendered["public"], unrendered["restricted"]
    signed_untagged(public, untagged_pdf({**public.content, "committee": "Another partnership"}))
    signed_untagged(restricted, untagged_pdf(restricted.content))
    out, err = io.StringIO(), io.StringIO()
    call_command("minutes_rerender", "--untagged", stdout=out, stderr=err)
    assert f"Tagged: minutes of restricted items of meeting {restricted.meeting_id}" in out.getvalue()
    assert "1 signed part(s) given a tagged rendition, 1 refused." in out.getvalue()
    assert f"Not tagged: minutes of meeting {public.meeting_id}: A new rendition" in err.getvalue()
    restricted.refresh_from_db()
    assert restricted.rendition_reason == RETAG_REASON

    dhr = signed_untagged(unrendered["dhr"], untagged_pdf(unrendered["dhr"].content))
    assert signed_minutes_retag_task.delay().get() == 1
    dhr.refresh_from_db()
    assert pdf_tagged(read(dhr.pdf)) and dhr.rendition_reason == RETAG_REASON
    assert signed_minutes_retag_task.delay().get() == 0

    schedule = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "meetings.tasks.signed_minutes_retag_task" in schedule


def test_the_command_wants_one_of_meeting_or_untagged_and_a_reason_only_with_meeting(unrendered):
    with pytest.raises(CommandError, match="one of the arguments --meeting --untagged is required"):
        call_command("minutes_rerender")
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("minutes_rerender", "--untagged", "--meeting", "1")
    with pytest.raises(CommandError, match="--kind goes with --meeting"):
        call_command("minutes_rerender", "--untagged", "--kind", "dhr")
    with pytest.raises(CommandError, match="reason"):
        call_command("minutes_rerender", "--meeting", str(unrendered["public"].meeting_id))
    out = io.StringIO()
    call_command("minutes_rerender", "--untagged", "--reason", "Tags", stdout=out)
    assert "0 signed part(s) given a tagged rendition, 0 refused." in out.getvalue()

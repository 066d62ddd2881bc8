"""A decision of 40 lettered parts (issue 14: the 27th line used to answer 500 and break the next pack build) is
held, shown on the minutes page, printed in the next agenda pack's notes and in the signed PDF, labelled
(a) … (z), (aa) … (an). Written against the block structure meetings/minutetext.py documents (a decision's
parts, each labelled `part_label(i, style)`), not against how the parser reads the text."""

import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kcsp import roles
from meetings import services
from meetings.minutetext import part_label
from meetings.models import AgendaItem, Pack
from meetings.signedpdf import signed_minutes_pdf

from .factories import CommitteeFactory
from .record_helpers import add, meeting_on, on, sign

pytestmark = pytest.mark.django_db
PARTS = 40
LABELS = [part_label(i, "(a)") for i in range(PARTS)]


def text(content: bytes | str) -> str:
    if isinstance(content, bytes):
        content = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    else:
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return " ".join(content.split())


def test_a_decision_of_forty_lettered_parts_is_shown_and_printed_everywhere(
    officer_client, make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    assert LABELS[0] == "(a)" and LABELS[25] == "(z)" and LABELS[26] == "(aa)" and LABELS[-1] == "(an)"
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    march = meeting_on(committee, 2022, 3, 24)
    item = AgendaItem.objects.create(meeting=march, section="B", position=1, title="Community Safety Agreement")
    lines = [f"{label} consider priority {n}." for n, label in enumerate(LABELS, start=1)]
    body = "RESOLVED that the Partnership\n" + "\n".join(lines)
    minute = add(march, "Community Safety Agreement", item=item, text=body)

    decisions = [block for block in minute.blocks if block["kind"] == "decision"]
    assert len(decisions) == 1
    parts = decisions[0]["parts"]
    assert [part["label"] for part in parts] == LABELS
    assert [" ".join(part["paragraphs"]) for part in parts] == [f"consider priority {n}." for n in range(1, PARTS + 1)]
    printed = [f"{label} consider priority {n}." for n, label in enumerate(LABELS, start=1)]

    page = text(officer_client.get(reverse("meetings:minutes", args=[march.pk])).content.decode())
    assert all(line in page for line in printed), "every part on the minutes page"

    july = services.meeting_create(committee=committee, starts_at=on(2022, 7, 14), contact_name="Anna Taylor")
    services.agenda_agree(meeting=july, chair=make_user(roles.CHAIR))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=july)
    pack = Pack.objects.get(meeting=july, kind="public")
    assert pack.status == Pack.Status.READY, pack.failure
    response = Client().get(reverse("meetings:pack_download", args=[july.pk, "public"]))
    notes = text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert all(line in notes for line in printed), "every part in the notes the next agenda pack carries"

    services.meeting_mark_held(meeting=july)
    with django_capture_on_commit_callbacks(execute=True):
        sign(march, at_meeting=july, chair=make_user(roles.CHAIR))
    record = march.signed_minutes.get(kind="public")
    signed = text(signed_minutes_pdf(record.content))
    assert all(line in signed for line in printed), "every part in the signed minutes"
    assert record.first_sha256, "the signed PDF was rendered at signing"
    signed_page = text(Client().get(reverse("meetings:minutes", args=[march.pk])).content.decode())
    assert all(line in signed_page for line in printed), "every part on the signed minutes page"

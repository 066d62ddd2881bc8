"""Actions recorded under a minute (issue 14): printed inside the minute ("Action – owner, by date: text") on the
minutes page, in the signed PDF and in the notes the next agenda pack carries; the owner's name as it stood when
set; followed up after signing (status and progress, until done) while the wording never changes; shown at every
later meeting until done."""

import datetime
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import minuting, selectors, services
from meetings.models import Action, AgendaItem, Pack
from meetings.signedpdf import signed_minutes_pdf

from .factories import CommitteeFactory
from .record_helpers import add, meeting_on, on, sign

pytestmark = pytest.mark.django_db
PRINTED = "Action – Mrs A Taylor, by 14 July 2022: Circulate the revised plan to every partner"


def page_text(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def world(db):
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    march = meeting_on(committee, 2022, 3, 24)
    item = AgendaItem.objects.create(meeting=march, section="B", position=1, title="Working Group Update")
    minute = add(march, "Working Group Update", item=item, text="RESOLVED that the update be noted.")
    owner = PersonFactory(title="Mrs", initials="A", surname="Taylor")
    action = minuting.action_save(
        action=Action(
            minute=minute,
            text="Circulate the revised plan to every partner",
            owner=owner,
            due_on=datetime.date(2022, 7, 14),
        )
    )
    owner.surname = "Taylor-Brown"  # renamed later: the action keeps the name as it stood when it was set
    owner.save()
    return {"committee": committee, "march": march, "minute": minute, "action": action, "owner": owner}


def test_an_action_prints_in_its_minute_on_the_page_in_the_next_agenda_pack_and_in_the_signed_pdf(
    world, officer_client, make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    march, action = world["march"], world["action"]
    assert action.owner_name == "Mrs A Taylor"
    page = page_text(officer_client.get(reverse("meetings:minutes", args=[march.pk])))
    assert PRINTED in page and "Taylor-Brown" not in page
    assert page.index("1. Working Group Update") < page.index(PRINTED), "the action prints inside its minute"

    july = services.meeting_create(committee=world["committee"], starts_at=on(2022, 7, 14), contact_name="Anna Taylor")
    assert july.items.filter(title="Notes of meeting held on 24 March 2022").exists()
    services.agenda_agree(meeting=july, chair=make_user(roles.CHAIR))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=july)
    assert Pack.objects.get(meeting=july, kind="public").status == Pack.Status.READY
    pack = Client().get(reverse("meetings:pack_download", args=[july.pk, "public"]))
    assert pack.status_code == 200
    text = pdf_text(b"".join(pack.streaming_content) if pack.streaming else pack.content)
    assert "Notes of meeting held on 24 March 2022" in text
    assert PRINTED in text and "Taylor-Brown" not in text, "the draft notes in the next pack carry the action"

    services.meeting_mark_held(meeting=july)
    with django_capture_on_commit_callbacks(execute=True):
        sign(march, at_meeting=july, chair=make_user(roles.CHAIR))
    record = march.signed_minutes.get(kind="public")
    assert record.content["minutes"][0]["actions"][0]["owner"] == "Mrs A Taylor"
    signed = pdf_text(signed_minutes_pdf(record.content))
    assert PRINTED in signed and signed.index("1. Working Group Update") < signed.index(PRINTED)
    assert PRINTED in page_text(Client().get(reverse("meetings:minutes", args=[march.pk]))), "the public reads it"


def test_after_signing_status_and_progress_are_followed_up_until_done_but_the_wording_never_changes(
    world, officer_client, make_user
):
    march, action = world["march"], world["action"]
    sign(march, at_meeting=meeting_on(world["committee"], 2022, 7, 14), chair=make_user(roles.CHAIR))
    url = reverse("meetings:action_edit", args=[action.pk])
    form = officer_client.get(url).context["form"]
    assert [name for name in ("text", "owner", "due_on", "status", "progress") if form.fields[name].disabled] == [
        "text",
        "owner",
        "due_on",
    ]

    data = {
        "text": "Reworded",
        "owner": PersonFactory().pk,
        "due_on_day": "1",
        "due_on_month": "1",
        "due_on_year": "2031",
    }
    response = officer_client.post(url, opened(officer_client, url, {**data, "status": "open", "progress": "Halfway"}))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.text, action.owner_id, action.due_on) == (
        "Circulate the revised plan to every partner",
        world["owner"].pk,
        datetime.date(2022, 7, 14),
    ), "the disabled fields ignore what was posted"
    assert (action.status, action.progress) == ("open", "Halfway")

    action.text = "Reworded through the service"
    with pytest.raises(ValidationError, match="signed"):
        minuting.action_save(action=action)
    with pytest.raises(DatabaseError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(text="Reworded behind the service's back")
    with pytest.raises(DatabaseError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(owner_name="Someone else")

    response = officer_client.post(url, opened(officer_client, url, {"status": "done", "progress": "Sent on 1 June"}))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.text, action.status, action.progress) == (
        "Circulate the revised plan to every partner",
        "done",
        "Sent on 1 June",
    )
    form = officer_client.get(url).context["form"]
    assert all(form.fields[name].disabled for name in ("status", "progress")), "closed: nothing left to update"
    history = Action.history.filter(id=action.pk).count()
    officer_client.post(url, opened(officer_client, url, {"status": "open", "progress": "Reopened"}))
    action.refresh_from_db()
    assert action.status == "done" and Action.history.filter(id=action.pk).count() == history
    action.status = "open"
    with pytest.raises(ValidationError, match="closed"):
        minuting.action_save(action=action)


def opened(client, url, data):
    from kcsp.testing import opened as with_version

    return with_version(client, url, data)


def test_open_actions_show_at_every_later_meeting_of_the_committee_until_done(world, officer_client):
    committee, action = world["committee"], world["action"]
    january, may, july = (meeting_on(committee, 2022, m, d) for m, d in ((1, 20), (5, 26), (7, 14)))
    other = meeting_on(CommitteeFactory(), 2022, 5, 26)
    officer = officer_client.get("/").wsgi_request.user
    for meeting in (may, july):
        assert list(selectors.open_actions_for(meeting, officer)) == [action]
        page = page_text(officer_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])))
        assert "Actions open from earlier meetings" in page and action.text in page and "Mrs A Taylor" in page
    assert not selectors.open_actions_for(january, officer).exists(), "not at an earlier meeting"
    assert not selectors.open_actions_for(other, officer).exists(), "not at another committee's meeting"

    action.status = Action.Status.DONE
    minuting.action_save(action=action)
    assert not selectors.open_actions_for(july, officer).exists()
    assert action.text not in page_text(officer_client.get(reverse("meetings:meeting_detail", args=[july.pk])))

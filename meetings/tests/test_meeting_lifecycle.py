"""The one table of a meeting's steps (meetings/lifecycle.py), walked: every status x every action is allowed
exactly when the table says so, each step only by the role the table names, and every step taken is recorded."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp import roles
from meetings.lifecycle import STEPS, meeting_step
from meetings.models import Meeting, MeetingStatusChange

from .factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def meeting_in(status: str, *, past: bool) -> Meeting:
    """A meeting in `status` whose dates satisfy the database checks; in the past or 30 days ahead."""
    starts = NOW + datetime.timedelta(days=-1 if past else 30)
    fields = {"status": status, "starts_at": starts}
    if status not in ("draft", "postponed", "cancelled"):
        fields["agenda_agreed_at"] = NOW
    if status in ("published", "held", "minutes_approved"):
        fields["published_at"] = NOW
    meeting = MeetingFactory(**fields)
    AgendaItemFactory(meeting=meeting)
    return meeting


def extra_for(action: str, meeting: Meeting) -> dict:
    if action == "reschedule":
        return {"starts_at": NOW + datetime.timedelta(days=60)}
    if action == "approve-minutes":
        return {"at_meeting": meeting}
    if action == "replace":
        return {"replacement": MeetingFactory(committee=meeting.committee, replaces=meeting)}
    return {}


def refusal_code(meeting: Meeting, action: str, user=None) -> str:
    """'' if the step went through, else the code of the ValidationError (the effect's own rules have none)."""
    try:
        with transaction.atomic():
            meeting_step(
                meeting=meeting, action=action, user=user, reason="Room unavailable", **extra_for(action, meeting)
            )
    except ValidationError as error:
        return error.code or "rule"
    return ""


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Meeting.Status.values, STEPS)))
def test_every_status_and_action_is_allowed_exactly_when_the_table_says(status, action):
    step = STEPS[action]
    past = action in ("held", "record-held", "approve-minutes")
    meeting = meeting_in(status, past=past)
    code = refusal_code(meeting, action)
    if status in step.sources:
        assert code != "status", f"{action} from {status} is in the table but was refused by status"
    else:
        assert code == "status", f"{action} from {status} is not in the table but was not refused by status"
        meeting.refresh_from_db()
        assert meeting.status == status and not MeetingStatusChange.objects.filter(meeting=meeting).exists()


def test_a_refusal_names_the_meetings_status_and_the_rule():
    held = meeting_in("held", past=True)
    with pytest.raises(ValidationError, match="is held. A meeting that has been held cannot be cancelled"):
        meeting_step(meeting=held, action="cancel", reason="x")
    draft = meeting_in("draft", past=False)
    with pytest.raises(ValidationError, match="is draft. The chair must agree the agenda before it is published"):
        meeting_step(meeting=draft, action="publish")


@pytest.mark.parametrize("action", list(STEPS))
@pytest.mark.parametrize("role", [roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED])
def test_each_step_only_by_the_role_the_table_names(make_user, action, role):
    step = STEPS[action]
    meeting = meeting_in(step.sources[0], past=action in ("held", "record-held", "approve-minutes"))
    user = make_user(role)
    code = refusal_code(meeting, action, user)
    assert (code == "permission") is (not user.has_perm(step.permission, meeting))


def test_cancel_and_postpone_need_a_reason():
    meeting = meeting_in("published", past=False)
    for action in ("cancel", "postpone", "reschedule"):
        with pytest.raises(ValidationError) as refused:
            meeting_step(meeting=meeting, action=action, reason="  ", **extra_for(action, meeting))
        assert refused.value.code == "reason"


def test_steps_are_recorded_with_who_when_why_and_the_sequence_counts_changes(make_user):
    officer, chair = make_user(roles.OFFICER), make_user(roles.CHAIR)
    meeting = meeting_in("draft", past=False)
    meeting_step(meeting=meeting, action="agree", user=chair)
    meeting_step(meeting=meeting, action="publish", user=officer)
    meeting_step(meeting=meeting, action="postpone", user=officer, reason="The venue flooded")
    meeting.refresh_from_db()
    assert meeting.sequence == 3
    rows = list(MeetingStatusChange.objects.filter(meeting=meeting).values_list("action", "to_status", "by", "reason"))
    assert rows == [
        ("agree", "agenda_agreed", chair.pk, ""),
        ("publish", "published", officer.pk, ""),
        ("postpone", "postponed", officer.pk, "The venue flooded"),
    ]
    meeting_step(
        meeting=meeting,
        action="reschedule",
        user=officer,
        reason="New room",
        starts_at=NOW + datetime.timedelta(days=50),
    )
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.sequence == 4  # back where it was, on its new date


def test_a_past_draft_meeting_is_recorded_as_held_without_agree_or_publish(officer_client):
    meeting = meeting_in("draft", past=True)
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert "Record a past meeting as held" in page and "was due to be published" not in page
    response = officer_client.post(f"/meetings/{meeting.pk}/held-after-the-event/", {})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.recorded_after_event and meeting.published_at is None
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert "was due to be published" not in page and "Publication due" not in page


def test_a_future_meeting_cannot_be_recorded_as_held():
    with pytest.raises(ValidationError, match="has not started"):
        meeting_step(meeting=meeting_in("draft", past=False), action="record-held")

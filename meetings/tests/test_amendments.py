"""Circulating draft minutes, proposing and deciding amendments: the rules of meetings/amendments.py, who is told,
and who may read a circulated draft (meetings/access.py)."""

# ruff: noqa: F811  (the fixtures imported from amendment_world are redefined as arguments)

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from meetings.amendments import amendment_decide, amendment_propose, minutes_circulate, wording_diff
from meetings.freeze import frozen_writes_allowed
from meetings.minutetext import minute_blocks
from meetings.minuting import minute_save, minute_style
from meetings.models import Meeting, Minute, MinuteAmendment
from meetings.record import minutes_records
from meetings.signing import minutes_approve
from meetings.tests.factories import held_meeting, published_meeting
from notifications.models import Preference, SentNotice

from .amendment_world import PUBLIC_TEXT, site_url, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
ATTENDED = ["guest@amend.example", "member@amend.example", "substitute@amend.example", "visitor@amend.example"]
NEW_TEXT = "The working group reported on the plan and its funding.\n\nRESOLVED that the update be noted."


def circulate(world, capture):
    with capture(execute=True):
        return minutes_circulate(meeting=world["march"], user=world["users"]["clerk"])


def propose(world, capture, who="member", kind="public", text=NEW_TEXT, note="Funding was discussed."):
    with capture(execute=True):
        return amendment_propose(minute=world["minutes"][kind], user=world["users"][who], proposed_text=text, note=note)


def decide(world, capture, amendment, accept=True, reason="Agreed: it was said.", **kwargs):
    with capture(execute=True):
        return amendment_decide(
            amendment=amendment, user=world["users"]["clerk"], accept=accept, reason=reason, **kwargs
        )


# --- circulation -----------------------------------------------------------------------------------------------


def test_circulating_tells_everyone_who_attended_with_an_account_and_no_one_else(
    world, django_capture_on_commit_callbacks
):
    result = circulate(world, django_capture_on_commit_callbacks)
    march = Meeting.objects.get(pk=world["march"].pk)
    assert march.minutes_circulated_at is not None and not result.again and result.addressed == 4
    assert sorted(m.to[0] for m in mail.outbox) == ATTENDED  # not apologies, absent, no account, non-attenders
    body = mail.outbox[0].body
    assert f"http://testserver.example/meetings/{march.pk}/minutes/" in body
    assert "http://testserver.example/account/notifications/" in body
    assert all("Heron" not in m.body and "working group reported" not in m.body for m in mail.outbox)


def test_circulating_again_tells_them_again_and_a_repeated_notice_goes_once(world, django_capture_on_commit_callbacks):
    from meetings import notify

    circulate(world, django_capture_on_commit_callbacks)
    again = circulate(world, django_capture_on_commit_callbacks)
    assert again.again and len(mail.outbox) == 8
    with django_capture_on_commit_callbacks(execute=True):
        notify.minutes_circulated(Meeting.objects.get(pk=world["march"].pk))  # the same circulation, once more
    assert len(mail.outbox) == 8 and SentNotice.objects.filter(kind="minutes_circulated").count() == 8


def test_an_attendee_who_switched_the_notice_off_is_not_told(world, django_capture_on_commit_callbacks):
    Preference.objects.create(user=world["users"]["guest"], kind="minutes_circulated", enabled=False)
    circulate(world, django_capture_on_commit_callbacks)
    assert "guest@amend.example" not in [m.to[0] for m in mail.outbox] and len(mail.outbox) == 3


def test_circulation_is_refused_before_the_meeting_is_held_once_signed_without_minutes_and_to_non_officers(
    world, django_capture_on_commit_callbacks
):
    clerk = world["users"]["clerk"]
    with pytest.raises(ValidationError, match="held"):
        minutes_circulate(meeting=published_meeting(committee=world["committee"]), user=clerk)
    with pytest.raises(ValidationError, match="no minutes"):
        minutes_circulate(meeting=held_meeting(committee=world["committee"]), user=clerk)
    for who in ("chair", "member"):
        with pytest.raises(ValidationError, match="Only an officer"):
            minutes_circulate(meeting=world["march"], user=world["users"][who])
    sign(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="approved and signed"):
        minutes_circulate(meeting=world["march"], user=clerk)
    assert not mail.outbox or all("Draft minutes" not in m.subject for m in mail.outbox)


def sign(world, capture):
    with capture(execute=True):
        return minutes_approve(meeting=world["march"], at_meeting=world["july"], user=world["users"]["chair"])


# --- who reads a circulated draft -------------------------------------------------------------------------------


def test_an_attendee_who_is_not_a_member_reads_the_draft_once_circulated_and_never_restricted_parts(
    world, django_capture_on_commit_callbacks
):
    guest, march = world["users"]["guest"], world["march"]
    assert not Minute.objects.visible_to(guest).filter(meeting=march).exists()
    assert minutes_records(march, guest) == []
    circulate(world, django_capture_on_commit_callbacks)
    march.refresh_from_db()
    assert list(Minute.objects.visible_to(guest).filter(meeting=march)) == [world["minutes"]["public"]]
    assert [r["kind"] for r in minutes_records(march, guest)] == ["public"]
    # Neither someone who sent apologies (not a member) nor a stranger reads it; a member who did not come does.
    for name, reads in (("stranger", False), ("nonattending_member", True)):
        assert Minute.objects.visible_to(world["users"][name]).filter(meeting=march).exists() is reads


def test_attendance_opens_a_non_public_bodys_meeting_only_while_the_account_holds_a_role(
    world, django_capture_on_commit_callbacks
):
    committee, guest = world["committee"], world["users"]["guest"]
    committee.is_public = False
    committee.save()
    assert Meeting.objects.visible_to(guest).get() == world["march"]  # july: not attended
    assert not Meeting.objects.visible_to(world["users"]["stranger"]).exists()
    circulate(world, django_capture_on_commit_callbacks)
    assert Minute.objects.visible_to(guest).count() == 1
    guest.groups.clear()
    guest = type(guest).objects.get(pk=guest.pk)
    assert not Meeting.objects.visible_to(guest).exists() and not Minute.objects.visible_to(guest).exists()


# --- proposing ----------------------------------------------------------------------------------------------------


def test_an_attendee_proposes_an_amendment_and_the_contact_officer_is_told(world, django_capture_on_commit_callbacks):
    circulate(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    amendment = propose(world, django_capture_on_commit_callbacks, who="guest")
    assert amendment.status == MinuteAmendment.Status.PROPOSED and amendment.proposed_by == world["users"]["guest"]
    assert amendment.based_on_text == PUBLIC_TEXT and amendment.proposed_text == NEW_TEXT
    assert amendment.proposer_name == world["people"]["guest"].display_name and amendment.note
    assert [m.to for m in mail.outbox] == [["clerk@amend.example"]]  # the meeting names no contact address
    assert f"/meetings/amendments/{amendment.pk}/decide/" in mail.outbox[0].body
    assert "funding" not in mail.outbox[0].body  # links only, never the wording
    assert Minute.objects.get(pk=world["minutes"]["public"].pk).text == PUBLIC_TEXT  # nothing changes yet


@pytest.mark.parametrize(
    ("who", "kind", "text", "message"),
    [
        ("absent", "public", NEW_TEXT, "Only those who attended"),
        ("stayed_away", "public", NEW_TEXT, "Only those who attended"),
        ("nonattending_member", "public", NEW_TEXT, "Only those who attended"),
        ("clerk", "public", NEW_TEXT, "Only those who attended"),
        ("guest", "restricted", "Heron: changed.", "may not read this minute"),
        ("member", "dhr", "Osprey: changed.", "may not read this minute"),  # a member, not DHR-cleared
        ("member", "public", PUBLIC_TEXT + "  \n", "wording now"),
        ("member", "public", "   ", "Enter the wording"),
    ],
)
def test_proposals_are_refused_with_the_rule(world, django_capture_on_commit_callbacks, who, kind, text, message):
    circulate(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match=message):
        propose(world, django_capture_on_commit_callbacks, who=who, kind=kind, text=text)
    assert not MinuteAmendment.objects.exists()


def test_a_member_who_attended_proposes_to_a_restricted_minute_they_may_read(world, django_capture_on_commit_callbacks):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks, kind="restricted", text="Heron: agreed a plan.")
    assert amendment.minute == world["minutes"]["restricted"]


def test_no_proposal_before_circulation_or_after_approval(world, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="not been circulated"):
        propose(world, django_capture_on_commit_callbacks)
    circulate(world, django_capture_on_commit_callbacks)
    sign(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="no amendment is proposed or decided after approval"):
        propose(world, django_capture_on_commit_callbacks)
    assert not MinuteAmendment.objects.exists()


# --- deciding -----------------------------------------------------------------------------------------------------


def test_accepting_puts_the_wording_in_through_the_minute_service_and_tells_the_proposer(
    world, django_capture_on_commit_callbacks
):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks)
    history_before = world["minutes"]["public"].history.count()
    mail.outbox.clear()
    decided = decide(world, django_capture_on_commit_callbacks, amendment, reason="Agreed: the funding was discussed.")
    minute = Minute.objects.get(pk=world["minutes"]["public"].pk)
    assert minute.text == NEW_TEXT
    assert minute.blocks == minute_blocks(NEW_TEXT, minute_style(world["committee"]))  # printed form recomputed
    assert minute.history.count() == history_before + 1 and minute.history.first().text == NEW_TEXT
    assert decided.status == "accepted" and decided.decided_by == world["users"]["clerk"] and decided.decided_at
    assert [m.to for m in mail.outbox] == [["member@amend.example"]]
    assert "accepted" in mail.outbox[0].subject and "the funding was discussed" in mail.outbox[0].body


def test_rejecting_keeps_the_text_and_each_proposal_is_decided_once(world, django_capture_on_commit_callbacks):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="reason"):
        decide(world, django_capture_on_commit_callbacks, amendment, accept=False, reason="  ")
    decide(world, django_capture_on_commit_callbacks, amendment, accept=False, reason="Not what was said.")
    assert Minute.objects.get(pk=world["minutes"]["public"].pk).text == PUBLIC_TEXT
    for accept in (True, False):
        with pytest.raises(ValidationError, match="already rejected"):
            decide(world, django_capture_on_commit_callbacks, amendment, accept=accept)
    assert MinuteAmendment.objects.get().decision_reason == "Not what was said."
    for who in ("chair", "member"):
        with pytest.raises(ValidationError, match="Only an officer"):
            amendment_decide(amendment=amendment, user=world["users"][who], accept=True, reason="x")


def test_a_minute_changed_since_the_proposal_is_not_overwritten(world, django_capture_on_commit_callbacks):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks)
    minute = Minute.objects.get(pk=world["minutes"]["public"].pk)
    minute.text = PUBLIC_TEXT.replace("the plan", "the plan and the website")
    minute_save(minute=minute)
    with pytest.raises(ValidationError, match="Edit the minute by hand"):
        decide(world, django_capture_on_commit_callbacks, amendment)
    assert Minute.objects.get(pk=minute.pk).text == minute.text
    other = propose(world, django_capture_on_commit_callbacks, who="guest", text=minute.text + "\n\nMore.")
    with pytest.raises(ValidationError, match="has not changed"):
        decide(world, django_capture_on_commit_callbacks, other, by_hand=True)
    decided = decide(world, django_capture_on_commit_callbacks, amendment, by_hand=True, reason="Included by hand.")
    assert decided.status == "accepted" and Minute.objects.get(pk=minute.pk).text == minute.text


def test_accepting_is_allowed_when_the_clerk_already_typed_the_proposed_wording(
    world, django_capture_on_commit_callbacks
):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks)
    minute = Minute.objects.get(pk=world["minutes"]["public"].pk)
    minute.text = NEW_TEXT
    minute_save(minute=minute)
    assert decide(world, django_capture_on_commit_callbacks, amendment).status == "accepted"


def test_the_decision_on_a_restricted_minute_is_sent_without_its_reason(world, django_capture_on_commit_callbacks):
    circulate(world, django_capture_on_commit_callbacks)
    amendment = propose(world, django_capture_on_commit_callbacks, kind="restricted", text="Heron: a plan.")
    mail.outbox.clear()
    decide(world, django_capture_on_commit_callbacks, amendment, accept=False, reason="Heron's plan was not agreed.")
    assert len(mail.outbox) == 1 and "Heron" not in mail.outbox[0].body and "sign in" in mail.outbox[0].body


def test_minutes_are_not_approved_while_a_proposal_is_undecided_and_nothing_is_decided_after(
    world, django_capture_on_commit_callbacks
):
    circulate(world, django_capture_on_commit_callbacks)
    first = propose(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="not yet accepted or rejected"):
        sign(world, django_capture_on_commit_callbacks)
    decide(world, django_capture_on_commit_callbacks, first, accept=False, reason="No.")
    sign(world, django_capture_on_commit_callbacks)
    with frozen_writes_allowed():  # as a proposal left over from before the rule would be (the database refuses it)
        late = MinuteAmendment.objects.create(
            minute=first.minute,
            proposed_by=first.proposed_by,
            proposer_name="x",
            based_on_text=first.minute.text,
            proposed_text="Late.",
        )
    with pytest.raises(ValidationError, match="after approval"):
        decide(world, django_capture_on_commit_callbacks, late)
    assert MinuteAmendment.objects.get(pk=late.pk).status == "proposed"


def test_the_wording_diff_marks_removed_and_added_words_and_keeps_the_rest():
    pieces = wording_diff("The plan was noted.\n\nRESOLVED that", "The revised plan was agreed.\n\nRESOLVED that")
    assert any(op == "ins" and "revised" in text for op, text in pieces)
    assert ("del", "noted.") in pieces and ("ins", "agreed.") in pieces
    assert "".join(text for op, text in pieces if op != "del") == "The revised plan was agreed.\n\nRESOLVED that"
    assert "".join(text for op, text in pieces if op != "ins") == "The plan was noted.\n\nRESOLVED that"
    assert wording_diff("", "New.") == [("ins", "New.")]


def test_a_minute_deleted_before_approval_takes_its_proposals_with_it(world, django_capture_on_commit_callbacks):
    from meetings.minuting import minute_delete

    circulate(world, django_capture_on_commit_callbacks)
    propose(world, django_capture_on_commit_callbacks)
    minute_delete(minute=world["minutes"]["public"])
    assert not MinuteAmendment.objects.exists()

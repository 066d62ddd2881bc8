"""A forward plan for the walking tests: a draft meeting of a committee and an entry expected at it."""

import datetime

from django.utils import timezone

from meetings.forward_plan import month_start
from meetings.models import Committee, ForwardPlanEntry, Meeting

from .factories import MeetingFactory


def draft_meeting(committee: Committee, days: int = 60) -> Meeting:
    return MeetingFactory(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=days))


def entry_for(meeting: Meeting, **fields) -> ForwardPlanEntry:
    """A waiting entry expected at `meeting` (as the save service stores it: the meeting's month)."""
    fields = {"title": "Serious Violence Duty update", "purpose": "decision", "lead_text": "Mr M Powell"} | fields
    return ForwardPlanEntry.objects.create(
        committee=meeting.committee, expected_meeting=meeting, expected_month=month_start(meeting.date), **fields
    )


def forward_plan_world(business: dict) -> dict:
    """committee_business's committee with a later draft meeting and an entry suggested on its agenda."""
    draft = draft_meeting(business["committee"])
    return {"forward_plan_draft": draft, "forward_plan_entry": entry_for(draft)}

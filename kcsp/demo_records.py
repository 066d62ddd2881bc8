"""The demo's own rows: marked when made, deleted before the demo is placed again on a later week.

Rows a user made are never marked, so never deleted here. Deletion runs in the order of DELETE_ORDER so that
PROTECT foreign keys are met (a bid before the plan item it names, a plan before its agreement, a meeting's
actions and minutes with it), inside meetings.freeze.frozen_writes_allowed so PostgreSQL's signed-minute triggers
let the demo replace its own signed meetings.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import DemoRecord

DELETE_ORDER = (
    "grants.Bid",
    "grants.GrantYear",
    "agreement.Indicator",
    "agreement.ActionPlan",
    "agreement.Theme",
    "agreement.Priority",
    "agreement.Agreement",
    "meetings.Meeting",
    "meetings.TermsOfReference",
)


def demo_mark(rows, placed_for: datetime.date) -> None:
    """Record each model instance in `rows` as the demo's own."""
    DemoRecord.objects.bulk_create(
        [
            DemoRecord(content_type=ContentType.objects.get_for_model(row), object_id=row.pk, placed_for=placed_for)
            for row in rows
        ],
        ignore_conflicts=True,
    )


def demo_placed_for() -> datetime.date | None:
    """The Monday the demo's rows were last placed around, or None before the first load."""
    return DemoRecord.objects.order_by("-placed_for").values_list("placed_for", flat=True).first()


def demo_records_delete() -> int:
    """Delete every marked row (with what cascades from it) in DELETE_ORDER; returns how many marked rows went."""
    from django.apps import apps

    from meetings.freeze import frozen_writes_allowed
    from meetings.models import Meeting

    gone = 0
    with frozen_writes_allowed():
        for label in DELETE_ORDER:
            model = apps.get_model(label)
            kind = ContentType.objects.get_for_model(model)
            marks = DemoRecord.objects.filter(content_type=kind)
            ids = list(marks.values_list("object_id", flat=True))
            queryset = model.objects.filter(pk__in=ids)
            if model is Meeting:
                _meeting_children_delete(queryset)
            queryset.delete()
            gone += marks.delete()[0]
        gone += DemoRecord.objects.all().delete()[0]  # a kind no longer made
    return gone


def _meeting_children_delete(meetings: models.QuerySet) -> None:
    """What points at a demo meeting with PROTECT goes first: approvals by another meeting, actions, minutes."""
    from meetings.models import Action, Meeting, Minute, SignedMinutes

    Meeting.objects.filter(minutes_approved_at_meeting__in=meetings).update(minutes_approved_at_meeting=None)
    SignedMinutes.objects.filter(meeting__in=meetings).delete()
    Action.objects.filter(minute__meeting__in=meetings).delete()
    Minute.objects.filter(meeting__in=meetings).delete()

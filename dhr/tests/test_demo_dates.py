"""The demo's DHR agency actions, their updates and escalations are placed relative to the day the demo is loaded
(as its cases are): on any day only the two actions the demo means to show are late, by weeks, not years."""

import datetime

import pytest

from dhr.demo import demo_dhr_load
from dhr.models import ActionUpdate, AgencyAction, Escalation
from kcsp.demo_clock import REFERENCE_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_agency_actions_are_placed_around_today(settings, demo_load):
    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`: the organisations and logins
    for today in (datetime.date(2026, 11, 30), datetime.date(2029, 5, 7)):
        demo_dhr_load(today)
        _placed_around(today)


def _placed_around(today):
    year_ago = today - datetime.timedelta(days=420)
    for action in AgencyAction.objects.all():
        assert action.set_on >= year_ago and action.due_on >= year_ago, action
        assert action.completed_on is None or action.completed_on >= year_ago
    assert all(update.given_on >= year_ago for update in ActionUpdate.objects.all())
    late = AgencyAction.objects.overdue(today)
    assert late.count() == 2 and all(today - action.due_on <= datetime.timedelta(days=90) for action in late)
    escalation = Escalation.objects.get()
    assert escalation.action in late and today - escalation.escalated_on < datetime.timedelta(days=60)

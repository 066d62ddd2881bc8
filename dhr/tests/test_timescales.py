"""Statutory timescales at their boundaries: month ends, leap years, extensions and changed rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dhr.models import Case, TimescaleRule
from dhr.services import extension_add, timescale_rule_save
from dhr.timescales import add_months
from kcsp.testing import opened

from .factories import make_case

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 1, 29), 1, D(2024, 2, 29)),
        (D(2023, 1, 28), 1, D(2023, 2, 28)),
        (D(2023, 3, 31), 1, D(2023, 4, 30)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),  # over the year end
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2022, 8, 31), 6, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 5, 10), -3, D(2024, 2, 10)),
    ],
)
def test_months_end_on_the_last_day_of_a_short_month(start, months, due):
    assert add_months(start, months) == due


@pytest.mark.django_db
def test_decision_is_due_a_month_after_notification_and_the_review_six_months_after_the_decision():
    case = make_case(notified_on=D(2024, 1, 31))
    assert case.decision_due_on == D(2024, 2, 29)
    assert case.review_due_on is None
    case.decision, case.decision_on = Case.Decision.MET, D(2024, 2, 29)
    case.save()
    from dhr.services import case_due_dates_refresh

    case_due_dates_refresh(case=case)
    assert case.review_due_on == D(2024, 8, 29)


@pytest.mark.django_db
def test_overdue_from_the_day_after_the_due_date():
    case = make_case(notified_on=D(2023, 1, 31))
    assert case.decision_due_on == D(2023, 2, 28)
    assert not case.is_overdue(D(2023, 2, 28))
    assert case.milestones(D(2023, 2, 28))[0]["days_left"] == 0
    assert case.is_overdue(D(2023, 3, 1))
    assert case.milestones(D(2023, 3, 1))[0]["days_overdue"] == 1
    assert list(Case.objects.overdue(D(2023, 2, 28))) == []
    assert list(Case.objects.overdue(D(2023, 3, 1))) == [case]


@pytest.mark.django_db
def test_a_decision_stops_the_clock_and_a_closed_case_is_never_overdue():
    case = make_case(notified_on=D(2023, 1, 31), decision=Case.Decision.NOT_MET, decision_on=D(2023, 3, 10))
    assert not case.is_overdue(D(2023, 6, 1))
    assert list(Case.objects.overdue(D(2023, 6, 1))) == []


@pytest.mark.django_db
def test_an_extension_moves_the_due_date_and_must_be_later(make_user):
    user = make_user("dhr_cleared")
    case = make_case(notified_on=D(2023, 1, 31))
    extension_add(case=case, milestone="decision", new_due_on=D(2023, 3, 31), reason="Trial", user=user)
    case.refresh_from_db()
    assert case.decision_due_on == D(2023, 3, 31)
    assert not case.is_overdue(D(2023, 3, 31))
    assert list(Case.objects.overdue(D(2023, 3, 15))) == []
    with pytest.raises(ValidationError):
        extension_add(case=case, milestone="decision", new_due_on=D(2023, 3, 31), reason="Again", user=user)
    with pytest.raises(ValidationError):
        extension_add(case=case, milestone="review", new_due_on=D(2024, 3, 31), reason="No decision yet", user=user)


@pytest.mark.django_db
def test_changing_a_rule_moves_every_cases_due_date():
    case = make_case(notified_on=D(2023, 1, 31))
    rule = TimescaleRule.objects.get(key="decision")
    rule.months = 2
    timescale_rule_save(rule=rule)
    case.refresh_from_db()
    assert case.decision_due_on == D(2023, 3, 31)


@pytest.mark.django_db
def test_overdue_cases_are_listed_first(dhr_client):
    from django.utils import timezone

    today = timezone.localdate()
    recent = make_case(pseudonym="Recent", notified_on=today)
    late = make_case(pseudonym="Late", notified_on=today - datetime.timedelta(days=90))
    newer_ok = make_case(pseudonym="Newer", notified_on=today - datetime.timedelta(days=2))
    assert list(Case.objects.listing(today)) == [late, recent, newer_ok]
    body = dhr_client.get("/reviews/").content.decode()
    assert body.index("Late/2023") < body.index("Recent/2023")
    assert "1 case overdue" in body


@pytest.mark.django_db
def test_the_case_form_validates_the_stages(dhr_client):
    case = make_case()
    data = {
        "pseudonym": case.pseudonym,
        "year": case.year,
        "csp_area": "swale",
        "status": "in_progress",
        "notified_on_day": "31",
        "notified_on_month": "1",
        "notified_on_year": "2023",
        "decision": "",
    }
    data = opened(dhr_client, f"/reviews/{case.pk}/edit/", data)
    response = dhr_client.post(f"/reviews/{case.pk}/edit/", data)
    assert response.status_code == 200
    assert "Record the decision before moving the case past notification" in response.content.decode()
    data |= {"decision": "met", "decision_on_day": "1", "decision_on_month": "1", "decision_on_year": "2023"}
    response = dhr_client.post(f"/reviews/{case.pk}/edit/", data)
    assert "must be on or after the date the partnership was notified" in response.content.decode()
    data |= {"decision_on_day": "20", "decision_on_month": "2"}
    assert dhr_client.post(f"/reviews/{case.pk}/edit/", data).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress" and case.review_due_on == D(2023, 8, 20)

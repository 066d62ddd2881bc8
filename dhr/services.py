"""Writes of Domestic Homicide Reviews: due dates kept in step, the access log, publication and the weekly digest."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp import roles
from kcsp.models import User

from .models import AccessLog, Case, Extension, TimescaleRule


def access_record(*, request, action: str, what: str, case: Case | None = None) -> AccessLog:
    """Write one line of the access log for this request."""
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        case=case,
        what=str(what)[:300],
        path=request.get_full_path()[:500],
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


def case_due_dates_refresh(*, case: Case) -> Case:
    """Recalculate and store the case's due dates from the rules and its extensions."""
    decision_due, review_due = case.compute_due_dates(
        TimescaleRule.months_for(TimescaleRule.Key.DECISION), TimescaleRule.months_for(TimescaleRule.Key.REVIEW)
    )
    Case.objects.filter(pk=case.pk).update(decision_due_on=decision_due, review_due_on=review_due)
    case.decision_due_on, case.review_due_on = decision_due, review_due
    return case


@transaction.atomic
def case_save(*, case: Case) -> Case:
    case.full_clean()
    if case.status not in Case.PUBLISHED_STAGES:
        case.is_listed_publicly = False  # a case taken back from publication leaves the public list
    case.save()
    return case_due_dates_refresh(case=case)


@transaction.atomic
def extension_add(*, case: Case, milestone: str, new_due_on: datetime.date, reason: str, user) -> Extension:
    """Record an agreed extension; the new date must be later than the date now due."""
    current = case.decision_due_on if milestone == Extension.Milestone.DECISION else case.review_due_on
    if milestone == Extension.Milestone.REVIEW and current is None:
        raise ValidationError(
            {"milestone": "The review timescale starts once the decision to hold a review is recorded"}
        )
    if current and new_due_on <= current:
        raise ValidationError({"new_due_on": f"The new due date must be after the current one, {current:%-d %B %Y}"})
    extension = Extension.objects.create(
        case=case, milestone=milestone, new_due_on=new_due_on, reason=reason, recorded_by=user
    )
    case_due_dates_refresh(case=case)
    return extension


@transaction.atomic
def timescale_rule_save(*, rule: TimescaleRule) -> TimescaleRule:
    """Save a changed rule and move every case's due dates with it."""
    rule.full_clean()
    rule.save()
    for case in Case.objects.prefetch_related("extensions"):
        case_due_dates_refresh(case=case)
    return rule


@transaction.atomic
def case_publication_set(*, case: Case, listed: bool, report=None) -> Case:
    """List (or withdraw) a published case on the public page; only pseudonym, year, date and report go public."""
    if listed and (case.status not in Case.PUBLISHED_STAGES or not case.published_on):
        raise ValidationError("Only a published case, with its publication date recorded, can be listed publicly.")
    if listed and not (case.published_url or report or case.published_report):
        raise ValidationError("Add the link to the published report or upload it before listing the case publicly.")
    if report is not None:
        case.published_report.save(f"{case.pk}.pdf", report, save=False)
    case.is_listed_publicly = listed
    case.save(update_fields=["is_listed_publicly", "published_report"])
    return case


def cleared_recipients():
    return User.objects.filter(is_active=True, groups__name=roles.DHR_CLEARED).exclude(email="").distinct()


def overdue_digest_send(*, today: datetime.date | None = None) -> int:
    """E-mail each cleared user the overdue cases (pseudonym and what is late only); returns e-mails sent.

    Once per user per ISO week (period "2026-W48"), through the recorded-notice path: a second beat, a
    redelivered task or a rerun in the same week sends nothing, and each user can switch it off.
    """
    from notifications import kinds
    from notifications.services import send_each

    today = today or timezone.localdate()
    cases = list(Case.objects.overdue(today).prefetch_related("extensions"))
    if not cases:
        return 0
    rows = [(case, [m for m in case.milestones(today) if m["overdue"]]) for case in cases]
    year, week, _ = today.isocalendar()
    return send_each(
        {
            "kind": kinds.DHR_OVERDUE,
            "about": user,
            "recipient": user.email,
            "period": f"{year}-W{week:02d}",
            "subject": f"{len(cases)} Domestic Homicide Review(s) overdue",  # marked by notice_mail (kinds.MARKED)
            "template": "dhr_overdue",
            "context": {"rows": rows, "today": today},
        }
        for user in cleared_recipients()
    )

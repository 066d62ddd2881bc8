"""Records past their period are listed, approved and disposed of, leaving a disposal record with no personal
data; a held record is neither listed nor, if held after listing, disposed of; the DHR access log is deleted
only inside the disposal service; the monthly beat task."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kcsp import roles
from kcsp.governance.disposal import record_dispose
from kcsp.governance.lists import candidate_keep, disposal_approve, disposal_list_make, waiting_count
from kcsp.governance.models import DisposalCandidate, DisposalRecord, RetentionRule
from kcsp.governance.services import legal_hold_lift, legal_hold_place
from kcsp.governance.tasks import disposal_list_make_task
from notifications.models import SentNotice

pytestmark = pytest.mark.django_db
Status = DisposalCandidate.Status
TODAY = datetime.date.today()


def test_a_record_past_its_period_is_listed_approved_and_disposed_of(
    dpo, notice, notices_type, django_capture_on_commit_callbacks
):
    recent = SentNotice.objects.create(
        kind=notice.kind, content_type=notice.content_type, object_id=2, recipient="x@example.org"
    )
    listed = disposal_list_make(TODAY)
    (candidate,) = listed.candidates.all()
    assert (candidate.object_id, candidate.label, candidate.action) == (notice.pk, f"Notice {notice.pk}", "delete")
    assert waiting_count(dpo) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the disposal_run task runs eagerly once committed
        disposal_approve(dpo, [candidate], listed)
    candidate.refresh_from_db()
    assert candidate.status == Status.DISPOSED and candidate.decided_by == dpo
    assert not SentNotice.objects.filter(pk=notice.pk).exists() and SentNotice.objects.filter(pk=recent.pk).exists()
    record = DisposalRecord.objects.get()
    assert (record.record_type, record.object_id, record.label) == ("notification", notice.pk, f"Notice {notice.pk}")
    assert record.approved_by == dpo.get_username() and record.action == "delete" and not record.is_dhr
    assert record.rule.startswith("2 years from the date it was sent or recorded; delete; A record that a notice")
    stored = " ".join(str(getattr(record, f.attname)) for f in DisposalRecord._meta.concrete_fields)
    assert "someone.private" not in stored, "a disposal record holds no personal data of the record"
    assert not disposal_list_make(TODAY).candidates.exists(), "a decided record is never listed again"


def test_a_held_record_is_not_listed_and_one_held_after_listing_is_not_disposed_of(
    dpo, notice, notices_type, django_capture_on_commit_callbacks
):
    hold = legal_hold_place(dpo, "notification", notice.pk, "A claim")
    assert not disposal_list_make(TODAY).candidates.exists()
    legal_hold_lift(dpo, hold, "Settled")
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get()
    legal_hold_place(dpo, "notification", notice.pk, "A second claim")
    with django_capture_on_commit_callbacks(execute=True):
        disposal_approve(dpo, [candidate], listed)
    candidate.refresh_from_db()
    assert candidate.status == Status.HELD
    assert SentNotice.objects.filter(pk=notice.pk).exists() and not DisposalRecord.objects.exists()


def test_keep_permanently_lists_nothing_and_a_waiting_record_is_not_listed_twice(dpo, notice, notices_type):
    disposal_list_make(TODAY)
    assert not disposal_list_make(TODAY).candidates.exists(), "still waiting on the first list"
    RetentionRule.objects.filter(record_type="notification").update(action="keep", period_months=None)
    DisposalCandidate.objects.all().delete()
    assert not disposal_list_make(TODAY).candidates.exists()


def test_a_refusal_leaves_the_record_and_marks_the_candidate_failed(
    dpo, notice, notices_type, django_capture_on_commit_callbacks
):
    notices_type.refuse = {notice.pk}
    listed = disposal_list_make(TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        disposal_approve(dpo, listed.candidates.all(), listed)
    candidate = listed.candidates.get()
    assert (candidate.status, candidate.note) == (Status.FAILED, "This notice belongs to signed minutes")
    assert SentNotice.objects.filter(pk=notice.pk).exists() and not DisposalRecord.objects.exists()


def test_a_stale_approval_is_refused_and_keeping_needs_a_note(dpo, notice, notices_type, make_user):
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get()
    with pytest.raises(ValidationError, match="Enter why"):
        candidate_keep(dpo, candidate, "  ")
    candidate_keep(dpo, candidate, "Needed for the 2027 audit")
    with pytest.raises(ValidationError, match="no longer waiting for review"):
        disposal_approve(dpo, [candidate], listed)
    other = disposal_list_make(TODAY)
    with pytest.raises(ValidationError, match="not on this list"):
        disposal_approve(dpo, [candidate], other)
    with pytest.raises(PermissionDenied):
        disposal_approve(make_user(roles.ADMIN), [candidate], listed)
    candidate.refresh_from_db()
    assert candidate.status == Status.KEPT and SentNotice.objects.filter(pk=notice.pk).exists()


def test_record_dispose_does_nothing_to_a_candidate_not_approved(dpo, notice, notices_type):
    candidate = disposal_list_make(TODAY).candidates.get()
    assert record_dispose(candidate, dpo).status == Status.LISTED
    assert SentNotice.objects.filter(pk=notice.pk).exists()


def _log_row(user):
    from dhr.models import AccessLog

    return AccessLog.objects.create(
        user=user,
        action="view",
        what="Case page",
        path="/reviews/1/",
        at=timezone.now() - datetime.timedelta(days=20 * 366),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_dhr_access_log_is_deleted_only_inside_the_disposal_service(dhr_dpo, log_type):
    from dhr.models import AccessLog

    row = _log_row(dhr_dpo)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [row.pk])
    RetentionRule.objects.filter(record_type="dhr_access_log").update(period_months=12)
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get(record_type="dhr_access_log")
    assert candidate.is_dhr
    candidate.status, candidate.decided_at = Status.APPROVED, timezone.now()
    candidate.save()
    assert record_dispose(candidate, dhr_dpo).status == Status.DISPOSED
    assert not AccessLog.objects.filter(pk=row.pk).exists()
    assert DisposalRecord.objects.get(record_type="dhr_access_log").is_dhr
    other = _log_row(dhr_dpo)  # the setting is off again for the rest of the transaction
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [other.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL kcsp.disposal = 'on'")
        cursor.execute("UPDATE dhr_accesslog SET what = 'x' WHERE id = %s", [other.pk])


def test_dhr_candidates_are_approved_only_by_a_dhr_cleared_dpo(dpo, make_user, log_type):
    _log_row(dpo)
    RetentionRule.objects.filter(record_type="dhr_access_log").update(period_months=12)
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get(record_type="dhr_access_log")
    assert waiting_count(dpo) == 0
    with pytest.raises(PermissionDenied):
        disposal_approve(dpo, [candidate], listed)


def test_the_monthly_task_is_scheduled_early_on_the_first_and_makes_a_list(notice, notices_type):
    entry = settings.CELERY_BEAT_SCHEDULE["disposal-list-make"]
    assert entry["task"] == "kcsp.governance.tasks.disposal_list_make_task"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {1} and schedule.month_of_year == set(range(1, 13))
    assert len(schedule.hour) == 1 and min(schedule.hour) < 7 and len(schedule.minute) == 1
    assert disposal_list_make_task.apply().get() == 1
    assert DisposalCandidate.objects.get().object_id == notice.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_a_refused_dhr_disposal_leaves_the_log_append_only(dhr_dpo, log_type, monkeypatch):
    from kcsp.governance.record_types import DisposalRefused

    row = _log_row(dhr_dpo)

    def refuse(object_id, action):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [object_id])
        raise DisposalRefused("The case is under review")

    monkeypatch.setattr(log_type, "dispose", refuse)
    RetentionRule.objects.filter(record_type="dhr_access_log").update(period_months=12)
    candidate = disposal_list_make(TODAY).candidates.get(record_type="dhr_access_log")
    candidate.status, candidate.decided_at = Status.APPROVED, timezone.now()
    candidate.save()
    assert record_dispose(candidate, dhr_dpo).status == Status.FAILED
    from dhr.models import AccessLog

    assert AccessLog.objects.filter(pk=row.pk).exists(), "the refusal's savepoint undid the delete"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [row.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_dhr_access_log_cannot_be_truncated_by_hand(dhr_dpo):
    """Found trying it: the row trigger refused DELETE, but `TRUNCATE dhr_accesslog` in a shell emptied the log
    (dhr migration 0005 refuses it), even with the disposal service's setting on."""
    from dhr.models import AccessLog

    row = _log_row(dhr_dpo)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: TRUNCATE would wait on them
    for statement in ("TRUNCATE dhr_accesslog", "TRUNCATE dhr_accesslog CASCADE", "TRUNCATE dhr_case CASCADE"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL kcsp.disposal = 'on'")
            cursor.execute(statement)
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_an_approval_the_broker_never_got_is_sent_again(
    dpo, notice, notices_type, monkeypatch, django_capture_on_commit_callbacks
):
    """Found trying it: approving while the broker was down (kcsp.queueing.send logs and returns False) left the
    records "Approved" for ever: settled, so never listed again, and nothing sent them again."""
    from kcsp.governance import lists, tasks

    listed = disposal_list_make(TODAY)
    (candidate,) = listed.candidates.all()
    with monkeypatch.context() as broker_down, django_capture_on_commit_callbacks(execute=True):
        broker_down.setattr(lists, "send", lambda task, args, **kwargs: False)  # kcsp.queueing.send's answer
        disposal_approve(dpo, [candidate], listed)
    candidate.refresh_from_db()
    assert candidate.status == Status.APPROVED
    assert lists.approved_resend() == 0, "a batch approved a moment ago is the worker's"
    DisposalCandidate.objects.filter(pk=candidate.pk).update(decided_at=timezone.now() - datetime.timedelta(hours=1))
    assert tasks.disposal_resend_task() == 1  # the beat task; Celery eager in tests
    candidate.refresh_from_db()
    assert candidate.status == Status.DISPOSED and not SentNotice.objects.filter(pk=notice.pk).exists()
    assert DisposalRecord.objects.get().approved_by == dpo.get_username()
    assert tasks.disposal_resend_task() == 0
    assert settings.CELERY_BEAT_SCHEDULE["disposal-resend"]["task"] == "kcsp.governance.tasks.disposal_resend_task"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_log_rows_cannot_be_deleted_by_hand_with_the_old_switch_or_a_candidate_not_approved(dhr_dpo):
    """dhr migration 0006: `SET kcsp.disposal = 'on'` in a shell no longer opens the log; only the id of an
    approved DHR candidate does (what record_dispose sets), and never for a non-DHR candidate."""
    from kcsp.governance.models import DisposalList

    row = _log_row(dhr_dpo)
    listed = DisposalList.objects.create(as_of=TODAY)

    def candidate(status, **fields):
        return DisposalCandidate.objects.create(
            disposal_list=listed, object_id=row.pk, label="x", due_on=TODAY, action="delete", status=status, **fields
        )

    waiting = candidate(Status.LISTED, record_type="dhr_access_log", is_dhr=True)
    other = candidate(Status.APPROVED, record_type="notification", is_dhr=False)
    for value in ("on", str(waiting.pk), str(other.pk), f"{waiting.pk} OR true"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kcsp.disposal', %s, true)", [value])
            cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [row.pk])
    from dhr.models import AccessLog

    assert AccessLog.objects.filter(pk=row.pk).exists()

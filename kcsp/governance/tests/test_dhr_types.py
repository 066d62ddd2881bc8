"""Record types of Domestic Homicide Reviews (dhr/retention.py): cases with their files, and the access log.

Deleting access-log rows needs the disposal service's setting naming an approved DHR disposal candidate
(kcsp.governance.disposal.dhr_log_disposal, dhr migration 0006): tests that delete them make such a candidate and
dispose of the record inside that block, as record_dispose does."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from dhr.models import AccessLog, ActionUpdate, AgencyAction, Case, CaseDocument, PanelMember, Recommendation
from dhr.tests.factories import dhr_world, make_case
from kcsp.governance.record_types import DisposalRefused, record_type
from kcsp.models import FileDownload

from .helpers import TODAY, due_ids, gone, history_count, rule

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2016, 4, 5, 10, 0))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _trigger_allows_disposal() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'dhr_accesslog_append_only'")
        row = cursor.fetchone()
    return bool(row) and "kcsp.disposal" in row[0]


def _require_trigger():
    assert _trigger_allows_disposal(), "the DHR access-log trigger must allow the disposal service (dhr 0004, 0006)"


def _dispose_as_service(key, object_id, capture, action="delete"):
    from kcsp.governance.disposal import dhr_log_disposal
    from kcsp.governance.models import DisposalCandidate, DisposalList

    candidate = DisposalCandidate.objects.create(
        disposal_list=DisposalList.objects.create(as_of=datetime.date.today()),
        record_type=key,
        object_id=object_id,
        label="For the test",
        due_on=datetime.date.today(),
        action=action,
        is_dhr=True,
        status=DisposalCandidate.Status.APPROVED,
    )
    with capture(execute=True), transaction.atomic(), dhr_log_disposal(candidate):
        return record_type(key).dispose(object_id, action)


def _closed_case(user):
    world = dhr_world(user=user)
    case = world["dhr_case"]
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=datetime.date(2016, 6, 30))
    return world, case


def test_case_due_from_closure_labelled_by_pseudonym(make_user):
    world, case = _closed_case(make_user())
    open_case = make_case(pseudonym="Opencase", year=2015)
    listed = world["dhr_listed"]  # published June 2021: 72 months run to June 2027
    assert due_ids("dhr_case") == {case.pk}
    [due] = record_type("dhr_case").due(rule("dhr_case"), TODAY)
    assert due.is_dhr and due.label == f"{case.pseudonym}/{case.year}" and due.due_on == datetime.date(2022, 6, 30)
    assert open_case.pk not in due_ids("dhr_case", as_of=datetime.date(2040, 1, 1))
    assert listed.pk in due_ids("dhr_case", as_of=datetime.date(2027, 6, 1))
    assert "victim" not in due.label.lower()


def test_case_delete_refused_outside_the_disposal_service(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    _, case = _closed_case(user)
    AccessLog.objects.create(user=user, action="view", case=case, what="Case", path="/dhr/")
    with pytest.raises(DisposalRefused, match="disposal service"), transaction.atomic():
        record_type("dhr_case").dispose(case.pk, "delete")
    assert Case.objects.filter(pk=case.pk).exists()


def test_case_deleted_with_files_log_rows_downloads_and_history(media, make_user, django_capture_on_commit_callbacks):
    _require_trigger()
    user = make_user()
    world, case = _closed_case(user)
    document = world["dhr_document"]
    PanelMember.objects.create(case=case, name="Panel Person", role_on_panel="Chair")
    AccessLog.objects.create(user=user, action="view", case=case, what="Case", path="/dhr/")
    other = AccessLog.objects.create(user=user, action="view", case=None, what="List", path="/dhr/")
    FileDownload.objects.create(
        user=user, what="tor", dhr=True, content_type=ContentType.objects.get_for_model(CaseDocument),
        object_id=document.pk,
    )  # fmt: skip
    ids = {
        Recommendation: [world["dhr_recommendation"].pk],
        AgencyAction: [world["dhr_action"].pk],
        CaseDocument: [document.pk],
        Case: [case.pk],
    }
    done = _dispose_as_service("dhr_case", case.pk, django_capture_on_commit_callbacks)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert gone(document.file.name, media) and done.files_removed >= 1
    assert not AccessLog.objects.filter(case_id=case.pk).exists() and AccessLog.objects.filter(pk=other.pk).exists()
    assert not FileDownload.objects.filter(dhr=True, object_id=document.pk).exists()
    assert not ActionUpdate.objects.filter(action_id=world["dhr_action"].pk).exists()
    for model, pks in ids.items():
        assert history_count(model, pks) == 0, model
    assert not PanelMember.history.filter(case_id=case.pk).exists()
    assert Case.objects.filter(pk=world["dhr_listed"].pk).exists()


def test_access_log_per_month(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    AccessLog.objects.create(user=user, action="view", what="List", path="/dhr/")
    with connection.cursor() as cursor:  # the trigger refuses UPDATE: write the old row as it would have been
        cursor.execute(
            "INSERT INTO dhr_accesslog (at, user_id, action, what, path) VALUES (%s, %s, 'view', 'Old', '/dhr/')",
            [LONG_AGO, user.pk],
        )
    assert due_ids("dhr_access_log", 24) == {201604}
    [due] = record_type("dhr_access_log").due(rule("dhr_access_log", 24), TODAY)
    assert due.is_dhr and due.label == "DHR access log of April 2016"
    with pytest.raises(DisposalRefused), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_type("dhr_access_log").dispose(201604, "delete")
    assert AccessLog.objects.filter(what="Old").exists()
    _require_trigger()
    _dispose_as_service("dhr_access_log", 201604, django_capture_on_commit_callbacks)
    assert not AccessLog.objects.filter(what="Old").exists() and AccessLog.objects.filter(what="List").exists()

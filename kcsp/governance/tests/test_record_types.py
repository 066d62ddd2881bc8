"""The record-type registry as a whole (every RETENTION_KEYS key declared) and the governance app's own types
(kcsp/governance/retention.py). Each app's types are tested beside this file: test_meeting_types, test_core_types,
test_plan_grant_types, test_log_types, test_dhr_types."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kcsp.datamap import RETENTION_KEYS
from kcsp.governance.models import (
    Action,
    DisposalCandidate,
    DisposalList,
    DisposalRecord,
    LegalHold,
    SubjectAccessPackage,
    Trigger,
)
from kcsp.governance.record_types import DisposalRefused, record_type, record_types
from kcsp.governance.typebase import SECOND_OFFSET

from .helpers import dispose, due_ids, gone, history_count

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2016, 1, 20, 12, 0))


def test_every_key_has_a_record_type_with_triggers_and_actions():
    assert [kind.key for kind in record_types()] == list(RETENTION_KEYS)
    for kind in record_types():
        assert kind.triggers and set(kind.triggers) <= set(Trigger.values), kind.key
        assert kind.actions and set(kind.actions) <= set(Action.values), kind.key
        assert Action.KEEP in kind.actions or Action.REVIEW in kind.actions, kind.key


def test_keep_permanently_lists_nothing(make_user):
    for kind in record_types():
        assert due_ids(kind.key, None, as_of=datetime.date(2100, 1, 1)) == set(), kind.key


def test_unknown_action_refused():
    with pytest.raises(DisposalRefused):
        record_type("dhr_case").dispose(1, "anonymise")


def test_package_deleted_with_its_file(settings, tmp_path, make_user, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    dpo = make_user()
    old = SubjectAccessPackage(subject_label="Person 1", made_by=dpo, made_at=LONG_AGO)
    old.file.save("p.zip", ContentFile(b"PK"))
    recent = SubjectAccessPackage.objects.create(subject_label="Person 2", made_by=dpo)
    assert due_ids("subject_access") == {old.pk}
    assert record_type("subject_access").label(old.pk) == f"Subject-access package {old.pk}"
    done = dispose("subject_access", old.pk, capture=django_capture_on_commit_callbacks)
    assert done.files_removed == 1 and gone(old.file.name, tmp_path)
    assert not SubjectAccessPackage.objects.filter(pk=old.pk).exists()
    assert SubjectAccessPackage.objects.filter(pk=recent.pk).exists()


def test_lifted_holds_and_old_lists_go_disposal_records_stay(make_user, django_capture_on_commit_callbacks):
    dpo = make_user()
    lifted = LegalHold.objects.create(
        record_type="paper", object_id=1, label="A paper", reason="Inquiry", placed_by=dpo, lifted_by=dpo,
        lifted_at=LONG_AGO,
    )  # fmt: skip
    active = LegalHold.objects.create(record_type="paper", object_id=2, label="B", reason="Claim", placed_by=dpo)
    old_list = DisposalList.objects.create(made_at=LONG_AGO, as_of=LONG_AGO.date())
    candidate = DisposalCandidate.objects.create(
        disposal_list=old_list, record_type="paper", object_id=1, label="A paper", due_on=LONG_AGO.date(),
        action="delete",
    )  # fmt: skip
    DisposalList.objects.create(as_of=timezone.localdate())
    record = DisposalRecord.objects.create(
        record_type="paper", object_id=1, label="A paper", action="delete", rule="6 years", approved_by="dpo",
        approved_at=LONG_AGO, disposed_at=LONG_AGO,
    )  # fmt: skip
    assert due_ids("governance") == {lifted.pk, SECOND_OFFSET + old_list.pk}
    dispose("governance", lifted.pk, capture=django_capture_on_commit_callbacks)
    dispose("governance", SECOND_OFFSET + old_list.pk, capture=django_capture_on_commit_callbacks)
    assert not LegalHold.objects.filter(pk=lifted.pk).exists() and history_count(LegalHold, [lifted.pk]) == 0
    assert not DisposalCandidate.objects.filter(pk=candidate.pk).exists()
    assert history_count(DisposalCandidate, [candidate.pk]) == 0
    assert DisposalRecord.objects.filter(pk=record.pk).exists()
    with pytest.raises(DisposalRefused, match="still in force"):
        dispose("governance", active.pk, capture=django_capture_on_commit_callbacks)


def test_every_default_rule_uses_a_trigger_and_action_its_record_type_allows():
    """The schedule's edit page offers only the type's triggers and actions: a default outside them could not be
    shown or saved as it stands (kcsp/governance/retention_defaults.json)."""
    import json
    from pathlib import Path

    from kcsp.governance import record_types

    defaults = json.loads((Path(record_types.__file__).parent / "retention_defaults.json").read_text())
    wrong = [
        key
        for key, rule in defaults.items()
        if rule["trigger"] not in record_types.record_type(key).triggers
        or rule["action"] not in record_types.record_type(key).actions
    ]
    assert wrong == []

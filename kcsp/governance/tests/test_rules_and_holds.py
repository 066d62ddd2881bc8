"""Editing a retention rule (validation, history, nothing changed when nothing is) and legal holds."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kcsp import roles
from kcsp.governance.models import Action, LegalHold, RetentionRule
from kcsp.governance.services import legal_hold_lift, legal_hold_place, retention_rule_change

pytestmark = pytest.mark.django_db


def rule(key="notification"):
    return RetentionRule.objects.get(record_type=key)


def errors(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_rule_validation_names_each_rule_and_saves_nothing(make_user, notices_type):
    admin = make_user(roles.ADMIN)
    before = rule().period_months
    assert "period_months" in errors(lambda: retention_rule_change(admin, rule(), period_months=None))
    assert "period_months" in errors(lambda: retention_rule_change(admin, rule(), action=Action.KEEP))
    assert "source" in errors(lambda: retention_rule_change(admin, rule(), source="   "))
    assert "2000 characters" in errors(lambda: retention_rule_change(admin, rule(), source="x" * 2001))["source"][0]
    # the test record type allows only "sent" and delete/keep
    assert "trigger" in errors(lambda: retention_rule_change(admin, rule(), trigger="meeting"))
    assert "action" in errors(lambda: retention_rule_change(admin, rule(), action=Action.ANONYMISE))
    assert rule().period_months == before and rule().history.count() == 1


def test_an_undeclared_record_type_allows_every_trigger_and_action(make_user, notices_type):
    dpo = make_user(roles.DPO)
    changed = retention_rule_change(dpo, rule("person"), trigger="created", action=Action.DELETE)
    assert (changed.trigger, changed.action) == ("created", Action.DELETE)


def test_a_change_is_in_the_history_and_saving_unchanged_changes_nothing(make_user, client):
    admin = make_user(roles.ADMIN, full_name="Ada Admin")
    retention_rule_change(admin, rule(), period_months=36, source="Our policy, 2026")
    assert rule().period_text == "3 years"
    assert rule().history.count() == 2 and rule().history.first().history_user == admin
    current = rule()
    retention_rule_change(admin, current, **{f: getattr(current, f) for f in ("period_months", "source", "action")})
    assert rule().history.count() == 2
    retention_rule_change(admin, rule(), action=Action.KEEP, period_months=None)
    assert rule().period_text == "Permanently"


def test_only_admin_and_dpo_change_rules(make_user):
    for role in (roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED):
        with pytest.raises(PermissionDenied):
            retention_rule_change(make_user(role), rule(), period_months=12)


def test_a_hold_is_placed_once_labelled_from_its_record_type_and_lifted_with_a_reason(dpo, notice, notices_type):
    hold = legal_hold_place(dpo, "notification", notice.pk, "A claim is expected")
    assert (hold.label, hold.is_active) == (f"Notice {notice.pk}", True)
    assert "object_id" in errors(lambda: legal_hold_place(dpo, "notification", notice.pk, "Again"))
    assert "reason" in errors(lambda: legal_hold_place(dpo, "notification", 99, " "))
    assert "lift_reason" in errors(lambda: legal_hold_lift(dpo, hold, ""))
    legal_hold_lift(dpo, hold, "The claim was settled")
    hold.refresh_from_db()
    assert not hold.is_active and hold.lifted_by == dpo
    with pytest.raises(ValidationError):
        legal_hold_lift(dpo, hold, "Twice")


def test_holds_are_the_dpos_and_dhr_holds_need_a_dhr_cleared_dpo(make_user, dpo, log_type):
    with pytest.raises(PermissionDenied):
        legal_hold_place(make_user(roles.ADMIN), "notification", 1, "Reason")
    with pytest.raises(PermissionDenied):
        legal_hold_place(dpo, "dhr_access_log", 1, "Reason")  # not DHR-cleared with a code
    assert not LegalHold.objects.exists()


def test_a_hold_on_a_number_that_names_no_record_is_refused_and_a_month_number_is_checked(dpo):
    """Found trying it: a hold on person 987654321 was placed on "(already removed)", and one on sign-in records
    number 5 (not a month like 202403) was a 500 (year 0 is out of range)."""
    from kcsp.models import Person

    person = Person.objects.create(forenames="Held", surname="Person")
    for key, number in (("person", 987654321), ("person", 2**63 - 1), ("session", 5), ("session", 202413)):
        refused = errors(lambda key=key, number=number: legal_hold_place(dpo, key, number, "A claim"))
        assert "There is no record of" in refused["object_id"][0]
    assert not LegalHold.objects.exists()
    hold = legal_hold_place(dpo, "session", 202403, "A claim about a sign-in")
    assert hold.label == "Sign-in records of March 2024"
    assert legal_hold_place(dpo, "person", person.pk, "A claim").label == f"Person {person.pk}"

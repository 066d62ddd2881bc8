"""The retention schedule's defaults: one rule per record type, each with its source."""

import json

import pytest

from kcsp.datamap import RETENTION_KEYS
from kcsp.governance.defaults import DEFAULTS_FILE, retention_rules_create_missing
from kcsp.governance.models import Action, RetentionRule, Trigger

pytestmark = pytest.mark.django_db

PERMANENT = ("meeting", "paper", "minutes", "attendance", "declaration")


def test_every_record_type_has_a_rule_with_a_source():
    defaults = json.loads(DEFAULTS_FILE.read_text())
    assert set(defaults) == set(RETENTION_KEYS)
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    assert set(rules) == set(RETENTION_KEYS), "post_migrate makes every rule"
    for key, rule in rules.items():
        assert rule.source.strip(), key
        assert rule.trigger in Trigger.values and rule.action in Action.values, key
        assert (rule.period_months is None) == (rule.action == Action.KEEP), key
        if rule.confirm_with_dpo:
            assert "to confirm with your dpo" in rule.source.lower(), key


def test_the_public_record_is_kept_permanently():
    for key in PERMANENT:
        rule = RetentionRule.objects.get(record_type=key)
        assert (rule.action, rule.period_months, rule.period_text) == (Action.KEEP, None, "Permanently"), key


def test_missing_rules_are_made_and_edited_ones_never_overwritten():
    RetentionRule.objects.filter(record_type="pack").delete()
    RetentionRule.objects.filter(record_type="notification").update(period_months=6, source="Our own policy")
    assert retention_rules_create_missing() == 1
    assert RetentionRule.objects.get(record_type="pack").period_months == 24
    edited = RetentionRule.objects.get(record_type="notification")
    assert (edited.period_months, edited.source) == (6, "Our own policy")
    assert retention_rules_create_missing() == 0

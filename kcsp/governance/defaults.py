"""The retention schedule's defaults (retention_defaults.json): one rule per kcsp.datamap.RETENTION_KEYS key.

Each default gives `period_months` (None: keep permanently), `trigger` (models.Trigger), `action` (models.Action),
`source` (the law or guidance, as text) and `confirm_with_dpo` (True where the source could not be checked: the
source then says "to confirm with your DPO"). `retention_rules_create_missing` runs after every migrate
(GovernanceConfig.ready): it adds the rules that are missing and never changes a rule the DPO or admin edited.
"""

import json
from functools import cache
from pathlib import Path

DEFAULTS_FILE = Path(__file__).with_name("retention_defaults.json")


@cache
def retention_defaults() -> dict[str, dict]:
    """{record type key: {period_months, trigger, action, source, confirm_with_dpo}} as the file gives them."""
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def retention_rules_create_missing(**kwargs) -> int:
    """Create the rule of every RETENTION_KEYS key that has none, from the defaults; returns how many were made.

    A post_migrate receiver (it takes and ignores the signal's keyword arguments)."""
    from kcsp.datamap import RETENTION_KEYS

    from .models import RetentionRule

    defaults = retention_defaults()
    existing = set(RetentionRule.objects.values_list("record_type", flat=True))
    missing = [key for key in RETENTION_KEYS if key not in existing and key in defaults]
    made = 0
    for key in missing:  # one by one, so each rule's history starts with its default ("Added")
        made += RetentionRule.objects.get_or_create(record_type=key, defaults=defaults[key])[1]
    return made

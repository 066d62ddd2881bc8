"""Shared by the record-type tests: a rule, what is due under it, and disposing inside a transaction."""

import datetime
import os

from django.db import transaction

from kcsp.governance.models import RetentionRule
from kcsp.governance.record_types import record_type

TODAY = datetime.date(2026, 12, 1)


def rule(key: str, months: int | None = 72, *, trigger: str | None = None, action: str = "delete") -> RetentionRule:
    """An unsaved rule for `key` (the record type's default trigger unless given)."""
    kind = record_type(key)
    return RetentionRule(
        record_type=key, period_months=months, trigger=trigger or kind.triggers[0], action=action, source="Test"
    )


def due_ids(key: str, months: int | None = 72, *, as_of=TODAY, **fields) -> set[int]:
    return {due.object_id for due in record_type(key).due(rule(key, months, **fields), as_of)}


def dispose(key: str, object_id: int, action: str = "delete", *, capture):
    """Dispose inside a transaction, running its on-commit work (files removed from storage)."""
    with capture(execute=True), transaction.atomic():
        return record_type(key).dispose(object_id, action)


def gone(field_file_name: str, media_root) -> bool:
    return not os.path.exists(os.path.join(media_root, field_file_name))


def history_count(model, ids) -> int:
    return model.history.model.objects.filter(**{f"{model._meta.pk.attname}__in": list(ids)}).count()


def search_count(kind: str, ids) -> int:
    from search.models import SearchDocument

    return SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)).count()

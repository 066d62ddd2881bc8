"""A RecordType over one model, the shape most `<app>/retention.py` record types take (kcsp/governance/record_types.py).

A subclass sets `model`, `key`, `triggers`, `actions` and `label_values` (name -> expression read with the row to
label it), and defines `trigger_on(trigger)` (the SQL expression of the date the period runs from, for a
models.Trigger value), `label_of(values)` and `delete(object_id)` / `anonymise(object_id)` for the actions it
supports. `listable(action)` narrows the rows a rule may list (for example: not signed minutes); `refuse(object_id,
action)` raises DisposalRefused for a row that may not be disposed of so.

Actions "keep", "archive" and "review" change nothing here: the record stays where it is and the disposal record
says what was decided (archiving to another store, where a partner has one, is outside the product).
"""

import datetime

from .erase import due_rows
from .models import Action
from .record_types import DisposalRefused, Disposed, Due, RecordType

REMOVED = "(already removed)"
CHANGES = (Action.DELETE, Action.ANONYMISE)


class ModelRecordType(RecordType):
    model = None
    label_values: dict = {}

    def rows(self):
        """Every row of the record type (the base manager: no visibility filter, DHR rows too)."""
        return self.model._base_manager.all()

    def listable(self, action: str):
        """The rows a rule with `action` may list; all by default."""
        return self.rows()

    def trigger_on(self, trigger: str):
        raise NotImplementedError

    def label_of(self, values: dict) -> str:
        raise NotImplementedError

    def is_dhr_of(self, values: dict) -> bool:
        return self.is_dhr

    def due(self, rule, as_of: datetime.date) -> list[Due]:
        trigger = rule.trigger if rule.trigger in self.triggers else self.triggers[0]
        rows = due_rows(
            self.listable(rule.action), trigger=self.trigger_on(trigger), months=rule.period_months, as_of=as_of
        )
        values = rows.order_by("due_on", "pk").values("pk", "due_on", **self.label_values)
        return [Due(row["pk"], self.label_of(row), row["due_on"], self.is_dhr_of(row)) for row in values]

    def label(self, object_id: int) -> str:
        row = self.rows().filter(pk=object_id).values("pk", **self.label_values).first()
        return self.label_of(row) if row else REMOVED

    def refuse(self, object_id: int, action: str) -> None:
        """Raise DisposalRefused when the row may not be disposed of with `action`; nothing by default."""

    def dispose(self, object_id: int, action: str) -> Disposed:
        if action not in self.actions:
            raise DisposalRefused(f"{self.key} records cannot be disposed of with the action {action!r}.")
        if action not in CHANGES:
            return Disposed()
        if not self.rows().filter(pk=object_id).exists():
            return Disposed()
        self.refuse(object_id, action)
        if action == Action.DELETE:
            return self.delete(object_id)
        return self.anonymise(object_id)

    def delete(self, object_id: int) -> Disposed:
        raise NotImplementedError

    def anonymise(self, object_id: int) -> Disposed:
        raise NotImplementedError


# Two models under one key (memberships and office terms; API tokens and calendar feeds): the second model's rows
# are numbered SECOND_OFFSET + their id, so one (record_type, object_id) names one row.
SECOND_OFFSET = 1_000_000_000_000

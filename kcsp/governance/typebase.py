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

from dateutil.relativedelta import relativedelta
from django.db import models, transaction
from django.db.models.functions import TruncMonth

from .erase import due_rows, history_erase
from .models import Action, Trigger
from .record_types import DisposalRefused, Disposed, Due, RecordType

REMOVED = "(already removed)"
CHANGES = (Action.DELETE, Action.ANONYMISE)


class ModelRecordType(RecordType):
    """A record type whose object ids are one model's primary keys (module docstring)."""

    model = None
    label_values: dict = {}
    url_name = ""  # the URL name of a row's page, reversed with its id (RecordType.url); "" when it has none

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

    def url(self, object_id: int) -> str:
        if not self.url_name or object_id >= SECOND_OFFSET:  # a second model's rows (SECOND_OFFSET) have no page here
            return ""
        from django.urls import reverse

        return reverse(self.url_name, args=[object_id])

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
        with transaction.atomic():  # a refusal part-way (a protected link) leaves nothing half done
            return self.delete(object_id) if action == Action.DELETE else self.anonymise(object_id)

    def delete(self, object_id: int) -> Disposed:
        raise NotImplementedError

    def anonymise(self, object_id: int) -> Disposed:
        raise NotImplementedError


# Two models under one key (memberships and office terms; API tokens and calendar feeds): the second model's rows
# are numbered SECOND_OFFSET + their id, so one (record_type, object_id) names one row.
SECOND_OFFSET = 1_000_000_000_000


def month_key(day: datetime.date) -> int:
    """202403 for any day of March 2024: the object id of a month's records (MonthRecordType)."""
    return day.year * 100 + day.month


def is_month_key(key: int) -> bool:
    """True when `key` names a month as month_key writes it (202403), years 1900 to 9998."""
    return 190001 <= key <= 999812 and 1 <= key % 100 <= 12


def month_of(key: int) -> tuple[datetime.date, datetime.date]:
    """The first day of the month `key` names and of the month after; ValueError when it names none."""
    if not is_month_key(key):
        raise ValueError(f"{key} does not name a month: write it like 202403 for March 2024")
    first = datetime.date(key // 100, key % 100, 1)
    return first, first + relativedelta(months=1)


class MonthRecordType(RecordType):
    """Log-like records (sign-ins, notices sent, the DHR access log) kept per calendar month: the object id is the
    month (202403 for March 2024), the period runs from the month's end, and disposing deletes that month's rows.

    A subclass sets `noun` ("Sign-in records") and defines `sources()`: (queryset, date or datetime field) pairs."""

    noun = ""
    triggers = (Trigger.CREATED,)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)

    def sources(self) -> list[tuple]:
        raise NotImplementedError

    def due(self, rule, as_of: datetime.date) -> list[Due]:
        """One query per source: the months holding rows, then month end + period <= as_of in Python."""
        if rule.period_months is None:
            return []
        months = set()
        for queryset, field in self.sources():
            found = queryset.annotate(m=TruncMonth(field)).order_by().values_list("m", flat=True).distinct()
            months.update(month_key(m.date() if isinstance(m, datetime.datetime) else m) for m in found if m)
        due = []
        for key in sorted(months):
            due_on = month_of(key)[1] - datetime.timedelta(days=1) + relativedelta(months=rule.period_months)
            if due_on <= as_of:
                due.append(Due(key, self.label(key), due_on, self.is_dhr))
        return due

    def label(self, object_id: int) -> str:
        """ "Sign-in records of March 2024" for 202403; REMOVED when the number names no month."""
        if not is_month_key(object_id):
            return REMOVED
        return f"{self.noun} of {month_of(object_id)[0]:%B %Y}"

    def month_rows(self, object_id: int):
        """The (queryset, field) pairs narrowed to the month `object_id`."""
        first, after = month_of(object_id)
        for queryset, field in self.sources():
            if isinstance(queryset.model._meta.get_field(field), models.DateTimeField):
                yield queryset.filter(**{f"{field}__date__gte": first, f"{field}__date__lt": after}), field
            else:
                yield queryset.filter(**{f"{field}__gte": first, f"{field}__lt": after}), field

    def dispose(self, object_id: int, action: str) -> Disposed:
        if action not in self.actions:
            raise DisposalRefused(f"{self.noun} cannot be disposed of with the action {action!r}.")
        if action != Action.DELETE:
            return Disposed()
        done = Disposed()
        for rows, _ in self.month_rows(object_id):
            ids = list(rows.values_list("pk", flat=True))
            rows.model._base_manager.filter(pk__in=ids).delete()
            done.history_rows_removed += history_erase(rows.model, ids)
        return done

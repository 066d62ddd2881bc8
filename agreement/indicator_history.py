"""The history of an indicator as its page shows it: who changed which field from what to what, and each value
recorded, changed or removed (from django-simple-history, two queries)."""

from dataclasses import dataclass

from .indicator_grid import period_label
from .models import Indicator, IndicatorValue

SHOWN_FIELDS = ("priority_id", "name", "unit", "frequency", "rule", "tolerance_percent", "source", "retired")
LIMIT = 100


@dataclass(frozen=True)
class Entry:
    """One saved change: when, by whom (None: the system), and each change in words."""

    at: object
    by: object
    changes: list[str]


def _label(name: str) -> str:
    field = Indicator._meta.get_field(name.removesuffix("_id"))
    return str(field.verbose_name).capitalize()


def _shown(indicator: Indicator, name: str, value, priorities: dict) -> str:
    if name == "priority_id":
        return priorities.get(value, "another priority")
    if name == "retired":
        return "Retired" if value else "In use"
    if name == "tolerance_percent":
        return f"{value.normalize():f}%" if value is not None else "(blank)"
    field = Indicator._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value) if value not in (None, "") else "(blank)"


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else "(blank)"


def indicator_changes(indicator: Indicator) -> list[Entry]:
    """The latest 100 saves of the indicator and its values, newest first, field by field."""
    priorities = {p.pk: p.name for p in indicator.priority.agreement.priorities.all()}
    entries = []
    previous = None
    for record in indicator.history.select_related("history_user").order_by("history_date", "history_id"):
        if previous is None:
            changes = [f"Created: {record.name}, {_shown(indicator, 'rule', record.rule, priorities)}"]
        else:
            changes = []
            for name in SHOWN_FIELDS:
                before, after = getattr(previous, name), getattr(record, name)
                if before != after:
                    changes.append(
                        f"{_label(name)}: {_shown(indicator, name, before, priorities)} → "
                        f"{_shown(indicator, name, after, priorities)}"
                    )
            if record.retired and not previous.retired and record.retired_reason:
                changes.append(f"Reason for retiring: {record.retired_reason}")
        if changes:
            entries.append(Entry(record.history_date, record.history_user, changes))
        previous = record
    last: dict[int, object] = {}
    values = IndicatorValue.history.filter(indicator_id=indicator.pk).select_related("history_user")
    for record in values.order_by("history_date", "history_id"):
        period = period_label(record.period_start, indicator.frequency)
        before = last.get(record.id)
        if record.history_type == "-":
            change = f"Value for {period} removed (it was {_number(record.value)})"
        elif before is None or before.history_type == "-":
            change = f"Value for {period} recorded: {_number(record.value)}"
        elif before.value != record.value:
            change = f"Value for {period}: {_number(before.value)} → {_number(record.value)}"
        elif before.notes != record.notes:
            change = f"Notes for {period}: {before.notes or '(blank)'} → {record.notes or '(blank)'}"
        else:
            change = ""
        last[record.id] = record
        if change:
            entries.append(Entry(record.history_date, record.history_user, [change]))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:LIMIT]

"""A record's history as people read it: who changed what, field by field, newest first (django-simple-history)."""

from dataclasses import dataclass, field

from django.db import models

SHOWN = 20  # versions listed on a page


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Version:
    """One saved version: when, by whom ("" when not known), "Added" or "Changed", and the fields that changed."""

    at: object
    by: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)


def _shown(model, name: str, value, shown: dict) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "(blank)"
    if name in shown:
        return shown[name](value)
    if model_field.is_relation:
        related_model = model_field.related_model
        if hasattr(related_model, "history_label"):  # a record that may since have become restricted names itself
            return related_model.history_label(value)
        related = related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else "(a record since removed)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime") and not hasattr(value, "hour"):
        return f"{value:%-d %B %Y}"
    return str(value)


def record_history(
    record: models.Model, *, leave_out: tuple[str, ...] = (), limit: int = SHOWN, shown: dict | None = None
) -> list[Version]:
    """The last `limit` versions of `record`, newest first, each with the fields that changed from the version
    before (labels as the model names them; choices, dates and related records as people read them: a related
    model with a `history_label(pk)` classmethod names itself, so a row that has since become restricted is never
    loaded or shown by its title). `leave_out`: fields never listed (for example an account link); `shown`: field
    name -> function giving a stored value as people read it (for example a month)."""
    shown = shown or {}
    model = type(record)
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    versions = []
    for newer, older in zip(rows[:limit], [*rows[1:], None], strict=False):
        by = newer.history_user.get_full_name() if newer.history_user else ""
        if older is None or newer.history_type == "+":
            versions.append(Version(newer.history_date, by, "Added"))
            continue
        delta = newer.diff_against(older)
        changes = [
            FieldChange(
                str(model._meta.get_field(change.field).verbose_name).capitalize(),
                _shown(model, change.field, change.old, shown),
                _shown(model, change.field, change.new, shown),
            )
            for change in delta.changes
            if change.field not in leave_out
        ]
        if changes or newer.history_type == "-":
            versions.append(
                Version(newer.history_date, by, "Removed" if newer.history_type == "-" else "Changed", changes)
            )
    return versions

"""Optimistic locking for every edit page: a save over a record someone else changed since you opened it is refused.

The form carries the record's *version*: a hash of the saved values of the fields the form edits (plus any
the view names in `lock_also`). The save re-reads the row FOR UPDATE and compares; a different version means
someone else saved one of those fields in between, so the save is refused with what changed (old → new, read
from django-simple-history), the saved version, and what was typed kept in the form.

Why a hash of saved values and not a version column: it needs no migration on the ~20 editable models, it also
notices writes that bypass `save()` (a `QuerySet.update()` leaves no history row and no `updated_at`), and it
ignores background writes to fields the form does not edit (pack status, due dates recomputed, converted
PDFs), which would otherwise refuse an edit that loses nothing. A value changed and changed back (A→B→A) is
not refused, and nothing is lost by saving over it.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.views.generic.detail import SingleObjectMixin

VERSION_FIELD = "record_version"
HISTORY_SEARCHED = 50  # past versions looked through to find the one the form was opened on
SHOWN_CHARS = 400  # longer saved texts are cut in the "what changed" table


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    return value


def _digest(parts: list) -> str:
    text = json.dumps(parts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _model_fields(obj, names: Iterable[str]) -> tuple[list, list]:
    """(concrete fields, many-to-many fields) of obj's model among names, each sorted by name."""
    concrete, many = [], []
    opts = type(obj)._meta
    known = {f.name: f for f in (*opts.concrete_fields, *opts.many_to_many) if not f.primary_key}
    for name in sorted(set(names)):
        field = known.get(name)
        if field is None:
            continue
        (many if field.many_to_many else concrete).append(field)
    return concrete, many


def _concrete_part(obj, fields) -> str:
    return _digest([[f.name, _plain(getattr(obj, f.attname, None))] for f in fields])


def _many_values(obj, field) -> list:
    if obj.pk is None:
        return []
    return sorted(getattr(obj, field.name).values_list("pk", flat=True))


def record_version(obj: models.Model, fields: Iterable[str]) -> str:
    """The version of obj as saved, over the named model fields: "<24 hex>.<24 hex>" (values, many-to-many)."""
    concrete, many = _model_fields(obj, fields)
    return f"{_concrete_part(obj, concrete)}.{_digest([[f.name, _many_values(obj, f)] for f in many])}"


@dataclass(frozen=True)
class Change:
    """One field that differs: label, what it was when the form was opened (None: not known), what is saved now,
    and the model field's name ("" for the saved-version rows)."""

    label: str
    before: str | None
    after: str
    name: str = ""


class StaleRecord(Exception):
    """Someone else saved the record since the form was opened: nothing was saved.

    `current` is the locked saved row, `changes` the fields that differ, `opened` the history row the form was
    opened on (None when history cannot tell: `changes` then compare the saved row with what was typed), and
    `saved` every locked field as saved now, `by`/`at` who saved the newest version and when, when history knows.
    """

    def __init__(self, current, changes: list[Change], saved: list[Change], opened=None, by=None, at=None):
        self.thing = str(type(current)._meta.verbose_name)
        super().__init__(f"Someone else changed this {self.thing} since you opened it")
        self.current, self.changes, self.saved, self.opened = current, changes, saved, opened
        self.by, self.at = by, at
        self.refreshed: list[str] = []  # labels of fields this user left alone, now showing the saved value

    @property
    def who(self) -> str:
        """The person who saved the newest version, as named on the page, or "someone else"."""
        name = getattr(self.by, "get_full_name", lambda: "")() if self.by is not None else ""
        return name or (str(self.by) if self.by is not None else "") or "someone else"

    @property
    def message(self) -> str:
        return (
            f"Someone else changed this {self.thing} since you opened it. Your changes are below and have not "
            "been saved: check them against the saved version, then save again."
        )


def _shown(obj, field, form_fields) -> str:
    """A field's value as a person reads it; a related record only if the form would offer it to this user."""
    form_field = form_fields.get(field.name)
    value = _plain(getattr(obj, field.attname, None))
    if field.many_to_many:
        value = _many_values(obj, field)
        rows = form_field.queryset.filter(pk__in=value) if form_field is not None else []
        return "; ".join(str(row) for row in rows) or "(none)"
    if value in (None, ""):
        return "(blank)"
    if field.is_relation:
        queryset = getattr(form_field, "queryset", None)
        row = queryset.filter(pk=value).first() if queryset is not None else None
        return str(row) if row is not None else "(a record not shown here)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _label(field, form_fields) -> str:
    """The field's name as the form shows it, else the model's."""
    form_field = form_fields.get(field.name)
    return str(getattr(form_field, "label", None) or field.verbose_name)


def _changes(current, opened, typed, fields, expected: str, form_fields) -> list[Change]:
    concrete, many = _model_fields(current, fields)
    changes = []
    for field in concrete:
        before_obj = opened if opened is not None else typed
        if _plain(getattr(before_obj, field.attname, None)) != _plain(getattr(current, field.attname, None)):
            before = _shown(opened, field, form_fields) if opened is not None else None
            label, after = _label(field, form_fields), _shown(current, field, form_fields)
            changes.append(Change(label, before, after, field.name))
    if many and record_version(current, [f.name for f in many]).split(".")[1] != expected.partition(".")[2]:
        for field in many:
            changes.append(Change(_label(field, form_fields), None, _shown(current, field, form_fields), field.name))
    return changes


def _opened_version(current, fields, expected: str):
    """The history row whose values match the version the form was opened on, or None."""
    history = getattr(current, "history", None)
    if history is None:
        return None
    concrete, _ = _model_fields(current, fields)
    wanted = expected.partition(".")[0]
    for record in history.all()[:HISTORY_SEARCHED]:
        if _concrete_part(record, concrete) == wanted:
            return record
    return None


def record_lock_check(obj: models.Model, *, fields: Iterable[str], expected: str, form=None) -> models.Model:
    """Lock obj's row (SELECT … FOR UPDATE) and return it, or raise StaleRecord if its version is not `expected`.

    Call inside the transaction that saves obj, after any parent rows the service locks first. `obj` may hold
    what was typed (it is used for the refusal when history cannot say what the record was). An empty
    `expected` (a form that lost its version) is refused too.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_lock_check must run inside the transaction that saves the record")
    fields = tuple(fields)
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if record_version(current, fields) == expected:
        return current
    opened = _opened_version(current, fields, expected or "")
    latest = current.history.first() if hasattr(current, "history") else None
    form_fields = form.fields if form is not None else {}
    concrete, many = _model_fields(current, fields)
    raise StaleRecord(
        current,
        _changes(current, opened, obj, fields, expected or "", form_fields),
        [Change(_label(f, form_fields), None, _shown(current, f, form_fields)) for f in (*concrete, *many)],
        opened=opened,
        by=getattr(latest, "history_user", None),
        at=getattr(latest, "history_date", None),
    )


def _put(form, name: str, value) -> None:
    """Write a saved model value into a bound form's (mutable) data as its widget would post it."""
    key, field = form.add_prefix(name), form.fields[name]
    if isinstance(field.widget, forms.CheckboxInput):
        values = ["on"] if value else []
    else:
        shown = field.widget.format_value(field.prepare_value(value))
        values = [str(v) for v in (shown if isinstance(shown, list | tuple) else [shown]) if v is not None]
    if hasattr(form.data, "setlist"):
        form.data.setlist(key, values)
    elif values:
        form.data[key] = values if len(values) > 1 else values[0]
    else:
        form.data.pop(key, None)


def stale_merge(form, stale: StaleRecord) -> list[tuple[str, str]]:
    """Bring the other person's changes into a refused form, so saving again cannot silently undo them.

    For each field in `stale.changes` whose old value is known (history matched the version the form was opened
    on): if what this user posted equals that old value, they did not touch it and the form now holds the saved
    value; if they changed it too (to something other than the saved value), what they typed stays and the
    answer names the field: [(field name, "You and <who> both changed <label>: check before saving")].
    `form.data` must be a mutable copy. Labels brought in are listed in `stale.refreshed`. Issue 13 §7.
    """
    if stale.opened is None:
        return []
    both = []
    for change in stale.changes:
        field = form.fields.get(change.name)
        if change.before is None or field is None or field.disabled or isinstance(field, forms.FileField):
            continue
        attname = type(stale.current)._meta.get_field(change.name).attname
        before, after = getattr(stale.opened, attname, None), getattr(stale.current, attname, None)
        posted = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(change.name))
        if not field.has_changed(before, posted):
            _put(form, change.name, after)
            stale.refreshed.append(change.label)
        elif field.has_changed(after, posted):
            both.append((change.name, f"You and {stale.who} both changed {change.label}: check before saving"))
    return both


@dataclass(frozen=True)
class RecordLock:
    """What an edit form was opened on: the fields it edits and their version. Services call `check(obj)`."""

    fields: tuple[str, ...]
    expected: str
    form: object = None

    def check(self, obj: models.Model) -> models.Model:
        return record_lock_check(obj, fields=self.fields, expected=self.expected, form=self.form)


class RecordLockMixin:
    """For every view that edits an existing record: the form carries its version, the save checks it.

    By default the check runs just before the view's own `form_valid`, in one transaction with it. A view whose
    service locks parent rows first sets `lock_in_service = True` and passes `self.record_lock` to the
    service, which calls `lock.check(obj)` after its own locks (one lock order, no deadlock). A refused save
    answers 200 with the form page: the rule in the error summary, what changed, the saved version, the typed
    values kept and the other person's changes brought into fields this user left alone (`stale_merge`), with
    the new version so that saving again (deliberately) goes through and keeps both people's changes.
    """

    lock_also: tuple[str, ...] = ()
    lock_in_service = False
    record_lock: RecordLock | None = None

    def get_locked_object(self):
        obj = getattr(self, "object", None)
        return obj if obj is not None and obj.pk is not None else None

    def get_locked_fields(self, form) -> tuple[str, ...]:
        return (*form.fields, *self.lock_also)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        obj = self.get_locked_object()
        if obj is not None:
            form.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
            form.initial[VERSION_FIELD] = record_version(obj, self.get_locked_fields(form))
        return form

    def post(self, request, *args, **kwargs):
        """ProcessFormView's POST, with the check and the view's own `form_valid` in one transaction."""
        if isinstance(self, SingleObjectMixin):
            self.object = self.get_object()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        obj = self.get_locked_object()
        if obj is None:
            return self.form_valid(form)
        fields = tuple(name for name in self.get_locked_fields(form) if name != VERSION_FIELD)
        self.record_lock = RecordLock(fields, form.cleaned_data.get(VERSION_FIELD) or "", form)
        try:
            with transaction.atomic():
                if not self.lock_in_service:
                    self.record_lock.check(obj)
                return self.form_valid(form)
        except StaleRecord as stale:
            return self.stale_response(form, stale, fields)

    def stale_response(self, form, stale: StaleRecord, fields):
        form.add_error(None, stale.message)
        form.data = form.data.copy()
        for name, message in stale_merge(form, stale):
            form.add_error(name, message)
        form.data[form.add_prefix(VERSION_FIELD)] = record_version(stale.current, fields)
        context = self.get_context_data(form=form, stale=stale, current=stale.current)
        return self.render_to_response(context)


class RecordLockAdminMixin:
    """The admin's change pages: the same version in the form, checked inside the admin's own transaction.

    A refused save stays on the change page with the rule and what changed as form errors, what was typed kept,
    fields this user left alone showing the other person's saved value (`stale_merge`), and the new version, so
    saving again (deliberately) goes through and keeps both people's changes.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.pk is not None:
            fieldsets = [*fieldsets, (None, {"fields": [VERSION_FIELD]})]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        from django.contrib.admin.utils import flatten_fieldsets

        fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:  # the version is the form's own field, not the model's
            kwargs["fields"] = [name for name in fields if name != VERSION_FIELD]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.pk is None:
            return form_class
        return _locked_admin_form(form_class, record_version(obj, form_class.base_fields))


def _locked_admin_form(form_class, version: str):
    fields = tuple(form_class.base_fields)

    class LockedAdminForm(form_class):
        record_version = forms.CharField(required=False, widget=forms.HiddenInput, initial=version)

        def clean(self):
            cleaned = super().clean()
            try:
                record_lock_check(self.instance, fields=fields, expected=cleaned.get(VERSION_FIELD) or "", form=self)
            except StaleRecord as stale:
                self.data = self.data.copy()
                self.data[self.add_prefix(VERSION_FIELD)] = record_version(stale.current, fields)
                for name, message in stale_merge(self, stale):
                    self.add_error(name, message)
                shown = [f"{c.label}: {c.before or '(not known)'} → {c.after}" for c in stale.changes]
                raise forms.ValidationError([stale.message, *shown]) from None
            return cleaned

    LockedAdminForm.__name__ = form_class.__name__
    return LockedAdminForm

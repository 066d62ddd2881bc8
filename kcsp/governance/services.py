"""Writes of the retention schedule and legal holds: each rule named where it is checked.

Disposal lists and disposal itself: kcsp.governance.lists and kcsp.governance.disposal.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp.datamap import RETENTION_KEYS
from kcsp.roles import dpo_sees_dhr

from . import record_types
from .models import Action, LegalHold, RetentionRule, Trigger
from .typebase import REMOVED

RULE_FIELDS = ("period_months", "trigger", "action", "source", "confirm_with_dpo")
REASON_LENGTH = 2000  # characters of a hold's reason or lift reason
SOURCE_LENGTH = 2000  # characters of a rule's source (the longest default is under 400)
NO_SUCH_RECORD = (
    "There is no record of {type} with this number: use the number in the record's address, or for records kept "
    "by month the month, like 202403 for March 2024"
)


def _allowed(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(triggers, actions) the record type allows; every one when no app declares the type."""
    try:
        declared = record_types.record_type(key)
    except KeyError:
        return tuple(Trigger.values), tuple(Action.values)
    return (tuple(declared.triggers) or tuple(Trigger.values), tuple(declared.actions) or tuple(Action.values))


def retention_rule_check(rule: RetentionRule) -> None:
    """Raise ValidationError {field: message} when the rule breaks one of the schedule's rules:

    - keep permanently has no period; every other action needs a period of at least one month;
    - the trigger and the action are ones the record type allows (its RecordType's `triggers` and `actions`,
      kcsp.governance.record_types; all of them when no app declares the type yet);
    - the source (the law or guidance, as text) is required, up to SOURCE_LENGTH characters.
    """
    errors = {}
    triggers, actions = _allowed(rule.record_type)
    if rule.action == Action.KEEP and rule.period_months is not None:
        errors["period_months"] = "Leave the period blank when the action is keep permanently"
    elif rule.action != Action.KEEP and rule.period_months is None:
        errors["period_months"] = "Enter a period in months, unless the action is keep permanently"
    elif rule.period_months is not None and rule.period_months < 1:
        errors["period_months"] = "Enter a period of at least 1 month"
    if rule.trigger not in triggers:
        allowed = ", ".join(str(Trigger(value).label).lower() for value in triggers)
        errors["trigger"] = f"This record type's period can run only from: {allowed}"
    if rule.action not in actions:
        allowed = ", ".join(str(Action(value).label).lower() for value in actions)
        errors["action"] = f"This record type allows only these actions: {allowed}"
    if not (rule.source or "").strip():
        errors["source"] = "Enter the law or guidance the rule follows, or “to confirm with your DPO”"
    elif len(rule.source) > SOURCE_LENGTH:
        errors["source"] = f"Source must be {SOURCE_LENGTH} characters or fewer"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def retention_rule_change(user, rule: RetentionRule, **fields) -> RetentionRule:
    """Change a rule's `fields` (any of period_months, trigger, action, source, confirm_with_dpo), checked by
    retention_rule_check; the change is kept in the rule's history with who made it. Fields equal to the saved
    values change nothing: no save, no history row. Raises ValidationError (nothing saved) or
    PermissionDenied when `user` may not change the schedule (governance.change_retention_rule)."""
    if not user.has_perm("governance.change_retention_rule"):
        raise PermissionDenied("Only the admin role or the data protection officer changes the retention schedule")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Not a rule field: {sorted(unknown)}")
    current = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if "source" in fields and fields["source"] is not None:
        fields["source"] = fields["source"].strip()
    changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
    if not changed:
        return current
    for name, value in changed.items():
        setattr(current, name, value)
    retention_rule_check(current)
    current._history_user = user
    current.save(update_fields=list(changed))
    return current


def hold_label(key: str, object_id: int) -> str:
    """The record's title or pseudonym from its record type; "<type> <id>" when no app declares the type."""
    try:
        return record_types.record_type(key).label(object_id)[:300]
    except KeyError:
        return f"{RETENTION_KEYS.get(key, key)} {object_id}"


def is_dhr_key(key: str) -> bool:
    """True when the record type's rows are DHR material (its RecordType says; the dhr_ keys when undeclared)."""
    try:
        return record_types.record_type(key).is_dhr
    except KeyError:
        return key.startswith("dhr")


def dhr_keys() -> list[str]:
    """The RETENTION_KEYS keys whose rows are DHR material."""
    return [key for key in RETENTION_KEYS if is_dhr_key(key)]


def _dhr_check(user, key: str) -> None:
    if is_dhr_key(key) and not dpo_sees_dhr(user):
        raise PermissionDenied(
            "A hold on a DHR record is placed only by a DHR-cleared data protection officer who has entered a "
            "one-time code"
        )


@transaction.atomic
def legal_hold_place(user, record_type: str, object_id: int, reason: str) -> LegalHold:
    """Place a legal hold on one record: while active it is never listed for disposal nor disposed of.

    `record_type` a RETENTION_KEYS key, `object_id` the record's id, `reason` required (why it must be kept:
    a claim, an inquiry, a request under the Freedom of Information Act …). A record already under an active
    hold is refused, and so is a number that names no record of the type (its record type labels it "(already
    removed)": a row that does not exist, a month number like 5 instead of 202403). DHR record types only by a
    DPO who sees DHR (kcsp.roles.dpo_sees_dhr). Raises
    ValidationError (nothing saved) or PermissionDenied."""
    if not user.has_perm("governance.place_legal_hold"):
        raise PermissionDenied("Only the data protection officer places legal holds")
    if record_type not in RETENTION_KEYS:
        raise ValidationError({"record_type": "Select a record type from the list"})
    _dhr_check(user, record_type)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the record must be kept"})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"reason": f"Reason must be {REASON_LENGTH} characters or fewer"})
    active = LegalHold.objects.select_for_update().filter(
        record_type=record_type, object_id=object_id, lifted_at__isnull=True
    )
    if active.exists():
        raise ValidationError({"object_id": "This record is already under a legal hold"})
    label = hold_label(record_type, object_id)
    if label == REMOVED:
        raise ValidationError({"object_id": NO_SUCH_RECORD.format(type=RETENTION_KEYS[record_type].lower())})
    hold = LegalHold(
        record_type=record_type,
        object_id=object_id,
        label=label,
        reason=reason,
        placed_by=user,
    )
    hold._history_user = user
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(user, hold: LegalHold, reason: str) -> LegalHold:
    """Lift an active hold, with the reason; the record may be listed for disposal again next month.

    Raises ValidationError when the hold was already lifted or no reason is given, PermissionDenied as
    legal_hold_place."""
    if not user.has_perm("governance.place_legal_hold"):
        raise PermissionDenied("Only the data protection officer lifts legal holds")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    _dhr_check(user, hold.record_type)
    if hold.lifted_at is not None:
        raise ValidationError("This hold was already lifted")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"lift_reason": "Enter why the hold is lifted"})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"lift_reason": f"Reason must be {REASON_LENGTH} characters or fewer"})
    hold.lifted_by, hold.lifted_at, hold.lift_reason = user, timezone.now(), reason
    hold._history_user = user
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    return hold


def held(record_type: str, object_id: int) -> bool:
    """True while the record is under an active legal hold."""
    return LegalHold.objects.filter(record_type=record_type, object_id=object_id, lifted_at__isnull=True).exists()

"""Writes to performance indicators: create and edit (with the edit form's record lock), retire and bring back.

The rules (agreement/models/indicators.py has the flagging rules): an indicator belongs to a priority of one
agreement and keeps to it; a quarterly indicator holds values only for the first month of a quarter, so an
indicator with values in other months cannot be made quarterly; a retired indicator keeps its values and history
and leaves the value grid, the import and the exception report until it is brought back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp.locking import RecordLock

from .models import Indicator, IndicatorValue

MAX_REASON = 300


def _history_user(indicator: Indicator, user) -> None:
    if user is not None and user.is_authenticated:
        indicator._history_user = user


def _refuse_months_outside_quarters(indicator: Indicator) -> None:
    if indicator.frequency != Indicator.Frequency.QUARTERLY or indicator.pk is None:
        return
    odd = [
        v.period_start for v in indicator.values.order_by("period_start") if not indicator.takes_period(v.period_start)
    ]
    if odd:
        months = ", ".join(f"{day:%B %Y}" for day in odd[:6]) + (" and others" if len(odd) > 6 else "")
        raise ValidationError(
            f"{indicator.name} cannot be made quarterly: it has values for months that do not start a quarter "
            f"({months}). A quarterly indicator holds one value a quarter, for April, July, October or January."
        )


@transaction.atomic
def indicator_save(*, indicator: Indicator, user=None, lock: RecordLock | None = None) -> Indicator:
    """Create or edit an indicator. With `lock` (the edit form's), someone else's save since the form was opened
    raises kcsp.locking.StaleRecord and nothing is saved. Raises ValidationError naming the rule when the
    indicator would move to another agreement's priority or become quarterly with values in other months."""
    if indicator.pk is not None:
        current = (
            lock.check(indicator) if lock is not None else Indicator.objects.select_for_update().get(pk=indicator.pk)
        )
        if current.priority.agreement_id != indicator.priority.agreement_id:
            raise ValidationError("An indicator stays with its agreement: choose one of this year's priorities.")
        indicator.retired, indicator.retired_at, indicator.retired_reason = (
            current.retired,
            current.retired_at,
            current.retired_reason,
        )
    indicator.name = " ".join(indicator.name.split())
    indicator.unit = " ".join(indicator.unit.split())
    _refuse_months_outside_quarters(indicator)
    indicator.full_clean()
    _history_user(indicator, user)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_retire(*, indicator: Indicator, reason: str, user=None) -> Indicator:
    """Retire an indicator in use, with the reason (required, at most 300 characters): it leaves the grid, the
    import and the exception report; its values and history are kept. Refused if already retired."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    reason = " ".join((reason or "").split())
    if indicator.retired:
        raise ValidationError(
            f"{indicator.name} was already retired on {timezone.localtime(indicator.retired_at):%-d %B %Y}."
        )
    if not reason:
        raise ValidationError("Enter why the indicator is being retired")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason must be {MAX_REASON} characters or fewer")
    indicator.retired, indicator.retired_at, indicator.retired_reason = True, timezone.now(), reason
    _history_user(indicator, user)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_unretire(*, indicator: Indicator, user=None) -> Indicator:
    """Bring a retired indicator back into use (the grid, the import, the exception report); its history keeps
    when and why it was retired. Refused if it is in use."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if not indicator.retired:
        raise ValidationError(f"{indicator.name} is in use: only a retired indicator can be brought back.")
    indicator.retired, indicator.retired_at, indicator.retired_reason = False, None, ""
    _history_user(indicator, user)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_value_add(*, value: IndicatorValue, user=None) -> IndicatorValue:
    """Record one value of an indicator in use (under its lock, so a retirement meanwhile refuses it). Raises
    ValidationError for a retired indicator, a period it does not take (a quarterly indicator takes the first day
    of April, July, October or January; a monthly one the first of a month) or a period already recorded."""
    indicator = Indicator.objects.select_for_update().get(pk=value.indicator_id)
    if indicator.retired:
        raise ValidationError(f"{indicator.name} is retired: bring it back before recording values.")
    if not indicator.takes_period(value.period_start):
        raise ValidationError(f"{indicator.name} takes no value for {value.period_start:%-d %B %Y}")
    value.full_clean()
    if user is not None and user.is_authenticated:
        value._history_user = user
    value.save()
    return value

"""The value grid of an agreement's indicators: its periods, its version, and the one service that writes values.

Rows are the agreement's indicators in use (retired ones leave the grid), columns the months of a financial year
(April to March); a quarterly indicator takes values only in the first month of each quarter. The grid opens on
the agreement's year or the year before it (the year its values are compared with). Saving is all or nothing:
every cell is checked, and one bad cell saves none; only changed cells are written, each through the model so each
change has its history. Two officers saving the same grid: the grid carries a version over the rows it shows (a
hash of the indicators and their values that year, and the newest value history row it saw, to say afterwards what
changed), and a save over a grid someone else saved since is refused (StaleGrid), as meetings/register.py does
for the attendance register.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kcsp.financial_year import year_and_quarter, year_label
from kcsp.locking import Change

from .models import Agreement, Indicator, IndicatorValue

MAX_VALUE = Decimal(10) ** 10  # IndicatorValue.value: 12 digits, 2 after the point
Key = tuple[int, datetime.date]  # (indicator id, first day of the month)
TAKES = {
    Indicator.Frequency.MONTHLY: "a monthly indicator takes a value for each month of the grid's year",
    Indicator.Frequency.QUARTERLY: "a quarterly indicator takes one value a quarter, in April, July, October and "
    "January",
}


def grid_years(agreement: Agreement) -> tuple[int, int]:
    """The financial years (first calendar year) the grid opens on: the year before the agreement's (what its
    values are compared with), and the agreement's own."""
    return agreement.year - 1, agreement.year


def year_months(year: int) -> list[datetime.date]:
    """The first day of each month of the financial year starting in April `year`: April `year` to March next."""
    return [datetime.date(year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]


def period_label(day: datetime.date, frequency: str = Indicator.Frequency.MONTHLY) -> str:
    """ "April 2022" for a month; "Q1 2022/23 (April 2022)" for a quarterly indicator's quarter."""
    if frequency != Indicator.Frequency.QUARTERLY:
        return f"{day:%B %Y}"
    year, quarter = year_and_quarter(day)
    return f"Q{quarter} {year_label(year)} ({day:%B %Y})"


def value_parse(text: str, indicator: Indicator, period: datetime.date) -> Decimal | None:
    """A typed value as a Decimal (None when blank). Thousands separators are allowed ("1,510"); anything else must
    be a number with at most 2 decimal places, less than 10,000,000,000 either side of 0. Raises ValidationError
    naming the indicator, the period and the rule."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    where = f"{indicator.name} in {period_label(period, indicator.frequency)}"
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(f"Enter the value for {where} as a number, like 1510 or 12.5")
    if value.as_tuple().exponent < -2:
        raise ValidationError(f"The value for {where} can have at most 2 decimal places")
    if abs(value) >= MAX_VALUE:
        raise ValidationError(f"The value for {where} must be less than 10,000,000,000")
    return value


def grid_indicators(agreement: Agreement):
    """The rows of the grid: the agreement's indicators in use, by priority then name (one query)."""
    return Indicator.objects.active().filter(priority__agreement=agreement).select_related("priority")


def grid_values(indicator_ids, months: list[datetime.date]):
    return IndicatorValue.objects.filter(
        indicator_id__in=indicator_ids, period_start__gte=months[0], period_start__lte=months[-1]
    )


def _digest(indicators, values) -> str:
    rows = sorted([i.pk, i.frequency] for i in indicators)
    cells = sorted([v.indicator_id, v.period_start.isoformat(), str(v.value)] for v in values)
    return hashlib.sha256(json.dumps([rows, cells]).encode()).hexdigest()[:24]


def _last_history(indicator_ids) -> int:
    found = IndicatorValue.history.filter(indicator_id__in=indicator_ids).aggregate(last=Max("history_id"))
    return found["last"] or 0


def grid_version(indicators, values) -> str:
    """ "<24 hex>.<history id>": a hash of the rows shown (indicator and frequency) and their values, and the newest
    value history row when read. Only the hash decides whether the grid changed. One query."""
    return f"{_digest(indicators, values)}.{_last_history([i.pk for i in indicators])}"


class GridRefused(ValidationError):
    """Nothing was saved: `problems` maps each bad cell (indicator id, month) to the broken rule."""

    def __init__(self, problems: dict[Key, str]):
        super().__init__(list(problems.values()), code="grid")
        self.problems = problems


class StaleGrid(Exception):
    """Someone else saved values on this grid since it was opened: nothing was saved.

    `changes` (kcsp.locking.Change, label "<indicator>, <period>", name the cell's key) lists each cell that differs
    from when the grid was opened (before None when history cannot tell), `saved` every value as saved now,
    `opened` {key: value} as opened (None when unknown), `version` the grid's version now, `by`/`at` the last save.
    """

    def __init__(self, *, changes, saved, opened, version, by=None, at=None):
        super().__init__("Someone else changed this grid of values since you opened it")
        self.changes, self.saved, self.opened, self.version, self.by, self.at = changes, saved, opened, version, by, at
        self.refreshed: list[str] = []

    @property
    def message(self) -> str:
        return (
            "Someone else changed this grid of values since you opened it. Your changes are below and have not "
            "been saved: check them against the saved values, then save again."
        )


def _shown(value) -> str:
    return "(blank)" if value is None else f"{value.normalize():f}"


def _stale(indicators, months, values, version: str, now: str) -> StaleGrid:
    names = {i.pk: i for i in indicators}
    current = {(v.indicator_id, v.period_start): v.value for v in values}
    head, _, tail = (version or "").partition(".")
    opened = None
    if head and tail.isascii() and tail.isdigit():  # str.isdigit() alone takes "²", which int() refuses
        latest: dict[int, object] = {}
        records = IndicatorValue.history.filter(
            indicator_id__in=list(names), period_start__gte=months[0], period_start__lte=months[-1]
        )
        for record in records.filter(history_id__lte=int(tail)).order_by("history_id"):
            latest[record.id] = record
        opened = {(r.indicator_id, r.period_start): r.value for r in latest.values() if r.history_type != "-"}

    def label(key):
        indicator = names[key[0]]
        return f"{indicator.name}, {period_label(key[1], indicator.frequency)}"

    changes = []
    if opened is not None:
        for key in sorted(set(current) | set(opened), key=lambda k: (names[k[0]].name, k[1])):
            if key[0] in names and current.get(key) != opened.get(key):
                changes.append(Change(label(key), _shown(opened.get(key)), _shown(current.get(key)), key))
    saved = [
        Change(label(key), None, _shown(current[key]), key)
        for key in sorted(current, key=lambda k: (names[k[0]].name, k[1]))
    ]
    latest_record = IndicatorValue.history.filter(indicator_id__in=list(names)).order_by("-history_id").first()
    return StaleGrid(
        changes=changes,
        saved=saved,
        opened=opened,
        version=now,
        by=getattr(latest_record, "history_user", None),
        at=getattr(latest_record, "history_date", None),
    )


@dataclass(frozen=True)
class Written:
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def values_write(
    indicators: dict[int, Indicator], wanted: dict[Key, tuple], existing: dict[Key, IndicatorValue], user
) -> Written:
    """Write each cell whose value (or notes) differs: wanted is {key: (Decimal or None, notes or None to keep)}.
    A blank value removes a recorded one. Each row is saved through the model (its history). The caller has
    checked every cell and holds the locks."""
    added = changed = removed = 0
    for key, (value, notes) in sorted(wanted.items()):
        row = existing.get(key)
        if value is None:
            if row is not None:
                if user is not None:
                    row._history_user = user
                row.delete()
                removed += 1
            continue
        if row is None:
            row = IndicatorValue(indicator=indicators[key[0]], period_start=key[1])
        elif row.value == value and (notes is None or notes == row.notes):
            continue
        is_new = row.pk is None
        row.value = value
        if notes is not None:
            row.notes = notes
        row.full_clean()
        if user is not None:
            row._history_user = user
        row.save()
        added, changed = added + is_new, changed + (not is_new)
    return Written(added, changed, removed)


def grid_locked(agreement: Agreement, months: list[datetime.date]) -> tuple[list[Indicator], list[IndicatorValue]]:
    """Lock the agreement's indicators in use (by id, one lock order) and their values from the first to the last of
    `months`; return both. Call inside the transaction that writes."""
    indicators = list(
        Indicator.objects.active().filter(priority__agreement=agreement).select_for_update(of=("self",)).order_by("pk")
    )
    values = list(grid_values([i.pk for i in indicators], months).select_for_update())
    return indicators, values


@transaction.atomic
def indicator_values_save(
    *, agreement: Agreement, year: int, cells: dict[Key, str], user=None, version: str | None = None
) -> Written:
    """Save the typed cells of the grid of `agreement` for the financial year starting in April `year` (one of
    grid_years): {(indicator id, first day of month): typed text}; blank removes a recorded value. Cells not
    posted are left as they are.

    All or nothing. Raises StaleGrid when `version` (grid_version when the grid was opened) is given and the grid
    has changed since; GridRefused naming every bad cell (not a number, more than 2 decimal places, too large, a
    month a quarterly indicator does not take, an indicator not on the grid). Returns what was written.
    """
    if year not in grid_years(agreement):
        raise ValidationError(f"The grid shows {agreement.year_label} and the year before it, not {year}.")
    months = year_months(year)
    indicators, values = grid_locked(agreement, months)
    if version is not None:
        now = grid_version(indicators, values)
        if now.partition(".")[0] != version.partition(".")[0]:
            raise _stale(indicators, months, values, version, now)
    by_id = {i.pk: i for i in indicators}
    problems: dict[Key, str] = {}
    wanted: dict[Key, tuple] = {}
    for key, text in cells.items():
        indicator = by_id.get(key[0])
        if indicator is None:
            problems[key] = "A value was sent for an indicator that is not on this grid: it may have been retired"
        elif key[1] not in months or not indicator.takes_period(key[1]):
            problems[key] = f"{indicator.name} takes no value for {period_label(key[1])}: {TAKES[indicator.frequency]}"
        else:
            try:
                wanted[key] = (value_parse(text, indicator, key[1]), None)
            except ValidationError as error:
                problems[key] = error.messages[0]
    if problems:
        raise GridRefused(problems)
    existing = {(v.indicator_id, v.period_start): v for v in values}
    return values_write(by_id, wanted, existing, user)

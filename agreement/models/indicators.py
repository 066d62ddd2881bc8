"""Performance indicators (proxy measures) per priority, and the rules that flag a value for the exception report.

Every rule compares a value with the value for the same period one year earlier, as the partnership's reports do
("2014 will record an increase against 2013"; "the number of reported incidents ... continue to rise"), and flags
it when it has moved by more than the indicator's tolerance, as a percentage of last year's value:

- CHANGE ("A change either way", the default and the rule before issue 15): flagged when the value is more than
  the tolerance above or below last year's. For measures where any large swing wants explaining (reports of
  domestic abuse: more may mean more confidence to report, not more abuse).
- LOWER_IS_BETTER ("Lower is better: flag a rise"): flagged only when the value is more than the tolerance above
  last year's (crimes, people killed or seriously injured).
- HIGHER_IS_BETTER ("Higher is better: flag a fall"): flagged only when the value is more than the tolerance below
  last year's (people supported, referrals taken up).

Kept simple so anyone can check it by hand: exactly at the tolerance is not flagged; with no value a year earlier
nothing is flagged; when last year's value was 0 any change counts as beyond the tolerance (a rise from 0 flags
CHANGE and LOWER_IS_BETTER; HIGHER_IS_BETTER cannot fall from 0 unless a value is negative). The partnership's
reports set no numeric targets, so there is no target rule. A retired indicator keeps its values and history but
leaves the value grid, the import and the exception report.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .agreements import Agreement, Priority


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Indicators of the agreements the user may see (unpublished agreements only to officers)."""
        return self.filter(priority__agreement__in=Agreement.objects.visible_to(user))

    def active(self):
        return self.filter(retired=False)


class Indicator(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Rule(models.TextChoices):
        CHANGE = "change", "A change either way"
        LOWER_IS_BETTER = "lower_is_better", "Lower is better: flag a rise"
        HIGHER_IS_BETTER = "higher_is_better", "Higher is better: flag a fall"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(
        max_length=50, blank=True, help_text='What a value counts, for example "crimes", "people", "%".'
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(max_length=200, blank=True)
    rule = models.CharField("rule it is judged by", max_length=20, choices=Rule.choices, default=Rule.CHANGE)
    tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("10.0"),
        help_text="How far from the same period last year a value may move before it is flagged.",
    )
    retired = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.CharField("reason for retiring", max_length=300, blank=True)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(tolerance_percent__gte=0), name="tolerance_not_negative"),
            models.CheckConstraint(
                condition=Q(retired=False, retired_at__isnull=True) | Q(retired=True, retired_at__isnull=False),
                name="indicator_retired_has_a_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreement:indicator_detail", args=[self.pk])

    def takes_period(self, period: datetime.date) -> bool:
        """Whether a value may be recorded for the month starting `period`: any month for a monthly indicator,
        the first month of a quarter of the financial year (April, July, October, January) for a quarterly one."""
        return period.day == 1 and (self.frequency == self.Frequency.MONTHLY or period.month in QUARTER_STARTS)

    def is_exception(self, value: Decimal, last_year: Decimal | None) -> bool:
        return is_exception(value, last_year, self.tolerance_percent, self.rule)

    @property
    def rule_text(self) -> str:
        """The rule in words, for the indicator's pages."""
        return RULE_TEXT[self.rule].format(tolerance=f"{self.tolerance_percent.normalize():f}")


QUARTER_STARTS = (4, 7, 10, 1)
RULE_TEXT = {
    Indicator.Rule.CHANGE: "A value is flagged when it is more than {tolerance}% above or below the same period "
    "last year.",
    Indicator.Rule.LOWER_IS_BETTER: "Lower is better: a value is flagged when it is more than {tolerance}% above "
    "the same period last year.",
    Indicator.Rule.HIGHER_IS_BETTER: "Higher is better: a value is flagged when it is more than {tolerance}% below "
    "the same period last year.",
}


def year_earlier(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year - 1)


def is_exception(
    value: Decimal, last_year: Decimal | None, tolerance_percent: Decimal, rule: str = Indicator.Rule.CHANGE
) -> bool:
    """Whether `value` is flagged against `last_year` (the same period a year earlier; None: not recorded) under
    `rule` (an Indicator.Rule) with `tolerance_percent` (10 = 10%). The rules are in the module docstring."""
    if last_year is None:
        return False
    change = value - last_year
    if rule == Indicator.Rule.LOWER_IS_BETTER and change <= 0:
        return False
    if rule == Indicator.Rule.HIGHER_IS_BETTER and change >= 0:
        return False
    if last_year == 0:
        return change != 0
    return abs(change) / abs(last_year) * 100 > tolerance_percent


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(help_text="The first day of the month or quarter.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period_start"], name="one_value_per_period")]

    def __str__(self):
        return f"{self.indicator}: {self.period_start:%B %Y} = {self.value}"

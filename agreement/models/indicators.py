"""Performance indicators (proxy measures) per priority, and the rule that flags a value for the exception report.

The rule, kept simple so anyone can check it by hand: a value is flagged when it differs from the value for the
same period one year earlier by more than the indicator's tolerance, as a percentage of last year's value.
Exactly at the tolerance is not flagged; with no value a year earlier nothing is flagged.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .agreements import Priority


class Indicator(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(max_length=200, blank=True)
    tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("10.0"),
        help_text="How far from the same period last year a value may move before it is flagged.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__position", "name"]
        constraints = [models.CheckConstraint(condition=Q(tolerance_percent__gte=0), name="tolerance_not_negative")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreement:indicator_detail", args=[self.pk])


def year_earlier(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year - 1)


def is_exception(value: Decimal, last_year: Decimal | None, tolerance_percent: Decimal) -> bool:
    if last_year is None:
        return False
    if last_year == 0:
        return value != 0
    return abs(value - last_year) / abs(last_year) * 100 > tolerance_percent


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

"""What reviews cost and how partners fund them under the funding model (money as Decimal, pounds)."""

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from simple_history.models import HistoricalRecords

from ..gate import DhrContent
from .cases import Case

ZERO = Decimal("0.00")


class CaseCost(DhrContent, models.Model):
    class Kind(models.TextChoices):
        CHAIR_FEE = "chair_fee", "Independent chair's fees"
        OTHER = "other", "Other (translation, venue, legal, publication)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    incurred_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "incurred_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dhr_cost_positive")]

    def __str__(self):
        return f"{self.get_kind_display()}: £{self.amount:,.2f}"


class FundingYear(DhrContent, models.Model):
    """One financial year of the funding model: partners' agreed contributions against the year's costs."""

    starts_in = models.PositiveSmallIntegerField(unique=True, help_text="The year the April–March year starts in.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_in"]

    def __str__(self):
        return f"{self.starts_in}/{str(self.starts_in + 1)[-2:]}"

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return datetime.date(self.starts_in, 4, 1), datetime.date(self.starts_in + 1, 3, 31)

    def totals(self) -> dict:
        start, end = self.period
        costs = CaseCost.objects.filter(incurred_on__range=(start, end)).aggregate(total=Sum("amount"))["total"] or ZERO
        agreed = self.contributions.aggregate(total=Sum("amount_agreed"))["total"] or ZERO
        received = self.contributions.aggregate(total=Sum("amount_received"))["total"] or ZERO
        return {
            "costs": costs,
            "agreed": agreed,
            "received": received,
            "shortfall": max(costs - agreed, ZERO),
            "outstanding": agreed - received,
        }


class FundingContribution(DhrContent, models.Model):
    funding_year = models.ForeignKey(FundingYear, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey("kcsp.Organisation", on_delete=models.PROTECT, related_name="+")
    amount_agreed = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)])
    amount_received = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["funding_year", "organisation"], name="dhr_one_contribution_per_partner"),
            models.CheckConstraint(
                condition=Q(amount_agreed__gte=0) & Q(amount_received__gte=0), name="dhr_contribution_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: £{self.amount_agreed:,.2f}"

"""The Community Safety Agreement of each year: its priorities and cross-cutting themes."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kcsp.models import Organisation


class AgreementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Unpublished agreements only to those who edit the plan."""
        return self if user.has_perm("agreement.edit_plan") else self.published()


class AgreementPartQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Priorities and themes of the agreements the user may see (the choice lists of every form)."""
        return self.filter(agreement__in=Agreement.objects.visible_to(user))


class Agreement(models.Model):
    """A rolling agreement refreshed every year; every year's version is kept."""

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="The first year of the financial year, e.g. 2022 for 2022/23."
    )
    title = models.CharField(max_length=200)
    period_starts = models.PositiveSmallIntegerField(
        "first year of the agreement's period",
        null=True,
        blank=True,
        help_text="For a multi-year agreement refreshed yearly, the first year of the whole period, e.g. 2021. "
        "Blank: the period starts with this year.",
    )
    period_years = models.PositiveSmallIntegerField(
        "length of the period in years", default=1, help_text="1 for a one-year agreement, 3 for a three-year one."
    )
    is_published = models.BooleanField(default=False)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_years__gte=1, period_years__lte=10), name="agreement_period_1_to_10_years"
            ),
            models.CheckConstraint(
                condition=Q(period_starts__isnull=True)
                | (
                    Q(period_starts__lte=models.F("year"))
                    & Q(period_starts__gt=models.F("year") - models.F("period_years"))
                ),
                name="agreement_year_within_its_period",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreement:agreement_detail", args=[self.year])

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def period_label(self) -> str:
        """ "2022/23" for a one-year agreement; "2021/22 to 2023/24" for a three-year one starting in 2021."""
        first = self.period_starts or self.year
        if self.period_years <= 1 and first == self.year:
            return self.year_label
        last = first + max(self.period_years, 1) - 1
        return f"{first}/{(first + 1) % 100:02d} to {last}/{(last + 1) % 100:02d}"

    def previous(self):
        return Agreement.objects.filter(year__lt=self.year).order_by("-year").first()

    def changes_from_previous(self) -> list[str]:
        """A readable record of what changed from last year: renamed, added and removed priorities and themes."""
        previous = self.previous()
        if previous is None:
            return []
        changes = []
        for label, current, before in (
            ("priority", list(self.priorities.all()), list(previous.priorities.all())),
            ("cross-cutting theme", list(self.themes.all()), list(previous.themes.all())),
        ):
            current = [row for row in current if not getattr(row, "is_cross_cutting", False)]
            carried = {row.previous_id for row in current if row.previous_id}
            for row in current:
                if row.previous_id is None:
                    changes.append(f"New {label}: {row.name}")
                elif row.previous.name != row.name:
                    changes.append(f"{label.capitalize()} renamed: '{row.previous.name}' became '{row.name}'")
            for row in before:
                if row.pk not in carried:
                    changes.append(f"{label.capitalize()} removed: {row.name}")
        return changes


class Priority(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    lead = models.CharField(max_length=300, blank=True, help_text="The lead role, as the plan names it.")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aim = models.TextField(blank=True)
    is_cross_cutting = models.BooleanField(
        default=False, help_text="The 'Multiple' priority that holds items serving several priorities."
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The same priority in last year's agreement, if it carried over (possibly renamed).",
    )

    objects = AgreementPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "position"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["agreement", "position"], name="priority_position_unique")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A cross-cutting theme that supports the priorities."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = AgreementPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "position"]
        constraints = [models.UniqueConstraint(fields=["agreement", "position"], name="theme_position_unique")]

    def __str__(self):
        return self.name

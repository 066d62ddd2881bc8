"""Recommendations of a review and the agencies' actions on them, monitored until every action is done."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..gate import DhrContent
from ..timescales import add_months
from .cases import Case


class Recommendation(DhrContent, models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "National"
        LOCAL = "local", "Local (partnership)"
        AGENCY = "agency", "Single agency"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    text = models.TextField("Recommendation")
    organisation = models.ForeignKey(
        "kcsp.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="For a single-agency recommendation.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="dhr_recommendation_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="dhr_recommendation_number_positive"),
        ]

    def __str__(self):
        return f"Recommendation {self.number}"


class AgencyActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AgencyAction.Status.COMPLETE)

    def with_last_update(self):
        return self.annotate(last_update_on=Max("updates__given_on"))

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def update_late(self, months: int, today: datetime.date | None = None):
        """Open actions with no update for `months`: counted from the last update, or from when the action was set."""
        today = today or timezone.localdate()
        cutoff = add_months(today, -months)
        return self.open().annotate(since=Coalesce(Max("updates__given_on"), "set_on")).filter(since__lt=cutoff)


class AgencyAction(DhrContent, models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    organisation = models.ForeignKey("kcsp.Organisation", on_delete=models.PROTECT, related_name="+")
    owner = models.CharField(max_length=200, help_text="The named lead in the organisation.")
    action = models.TextField()
    set_on = models.DateField("Date set", default=timezone.localdate)
    due_on = models.DateField("Due date")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)

    objects = AgencyActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("set_on")), name="dhr_action_due_after_set"),
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(completed_on__isnull=False), name="dhr_action_complete_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.action[:60]}"

    @property
    def case(self) -> Case:
        return self.recommendation.case

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status != self.Status.COMPLETE and self.due_on < (today or timezone.localdate())

    def next_update_due(self, months: int) -> datetime.date:
        dates = [u.given_on for u in self.updates.all()]
        return add_months(max(dates) if dates else self.set_on, months)


class ActionUpdate(DhrContent, models.Model):
    """An agency's progress update on an action, as reported to the Steering Group."""

    action = models.ForeignKey(AgencyAction, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField("Date of the update", default=timezone.localdate)
    text = models.TextField("Update")
    status = models.CharField("Status after this update", max_length=20, choices=AgencyAction.Status.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-given_on", "-id"]

    def __str__(self):
        return f"Update of {self.given_on:%-d %B %Y}"


class Escalation(DhrContent, models.Model):
    """When the partnership escalated a late action or case, and to whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    action = models.ForeignKey(
        AgencyAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalations"
    )
    escalated_on = models.DateField(default=timezone.localdate)
    escalated_to = models.CharField(max_length=200, help_text="Name and role, for example the agency's chief officer.")
    reason = models.TextField()
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-escalated_on"]

    def __str__(self):
        return f"Escalated to {self.escalated_to} on {self.escalated_on:%-d %B %Y}"

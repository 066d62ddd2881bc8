"""Action plans: one per agreement year, in versions; items numbered per priority; quarterly progress."""

import calendar
import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kcsp.models import Organisation

from .agreements import Agreement, Priority, Theme


class ActionPlan(models.Model):
    """The action plan of one agreement year, with the numbering and layout the partnership printed it in."""

    class Numbering(models.TextChoices):
        PER_PRIORITY = "per_priority", "Per priority: 1.1, 1.2, 2.1 …"
        CONTINUOUS = "continuous", "One sequence through the plan: 1, 2 … 24"

    class Layout(models.TextChoices):
        FULL = "full", "Full: timescale, measures and a lead for each item"
        SUMMARY = "summary", "Older plans: no timescale or measures, the lead given once per priority"

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="plan")
    numbering = models.CharField(max_length=20, choices=Numbering.choices, default=Numbering.PER_PRIORITY)
    layout = models.CharField(max_length=10, choices=Layout.choices, default=Layout.FULL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-agreement__year"]

    def __str__(self):
        return f"Action plan {self.agreement.year_label}"


class PlanVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PlanVersion.Status.PUBLISHED)

    def visible_to(self, user):
        """Every version to those who edit the plan; to everyone else the published versions of published
        agreements only (a plan published before its agreement stays unseen until the agreement is)."""
        if user.has_perm("agreement.edit_plan"):
            return self
        return self.published().filter(plan__agreement__is_published=True)


class PlanVersion(models.Model):
    """A draft, or a published version frozen for good; the next draft starts as a copy."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Given when published: Version 1, 2 …")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="plans/", blank=True, help_text="The plan as a landscape PDF table.")
    pdf_built_at = models.DateTimeField(null=True, blank=True)

    objects = PlanVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"), name="one_draft_per_plan"),
            models.UniqueConstraint(fields=["plan", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(number__isnull=True))
                | (Q(status="published") & Q(number__isnull=False)),
                name="published_versions_are_numbered",
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.label}"

    def get_absolute_url(self):
        return reverse("agreement:version_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return f"Version {self.number}" if self.number else "Draft"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PlanItemQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired=False)

    def visible_to(self, user):
        """Items of the versions the user may see: a draft's items only to those who edit the plan."""
        return self.filter(version__in=PlanVersion.objects.visible_to(user))


# Kept by name so the services can write one history row for a save and its many-to-many changes together
# (agreement.services.item_history_write): simple_history otherwise adds a row for every m2m change.
ITEM_HISTORY = HistoricalRecords(m2m_fields=["lead_organisations", "themes"])


class PlanItem(models.Model):
    class Category(models.TextChoices):
        NONE = "", "No category"
        IMPROVING_PRACTICES = "improving_practices", "Improving practices"
        RAISE_AWARENESS = "raise_awareness", "Raise awareness"
        UNDERSTANDING = "understanding", "Understanding the problem"
        SUPPORTING_VICTIMS = "supporting_victims", "Supporting victims"
        PARTNERSHIP_WORKING = "partnership_working", "Partnership working"
        PREVENTION = "prevention", "Prevention"
        COORDINATION = "coordination", "Co-ordination and consistency"
        OTHER = "other", "Another category"

    ONGOING = "Ongoing"

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(default=uuid.uuid4, help_text="The same item across versions of the plan.")
    priority = models.ForeignKey(
        Priority,
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
        help_text='Blank for the plan\'s table of actions under no priority (printed "Priority: N/A").',
    )
    position = models.PositiveSmallIntegerField(
        help_text="Per-priority numbering: the place under its priority. Continuous numbering: the place in the plan."
    )
    category = models.CharField(max_length=30, choices=Category.choices, blank=True, default="")
    category_other = models.CharField("other category", max_length=100, blank=True)
    objective = models.TextField("objective or planned outcome")
    actions = models.JSONField(default=list, blank=True)
    measures = models.JSONField("measures or outcomes", default=list, blank=True)
    timescale = models.CharField(max_length=40, blank=True, help_text="A month such as March 2023, or Ongoing.")
    due_month = models.DateField(null=True, blank=True, editable=False)
    lead_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    lead_text = models.CharField("lead (as written)", max_length=300, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items")
    linked_groups = models.TextField(
        "links to other groups or strategies", blank=True, help_text="Shown in green. One per line."
    )
    grant_funded = models.BooleanField(
        "funded by the Crime Reduction Grant", default=False, help_text="Shown in purple."
    )
    is_new = models.BooleanField("new this year", default=False)
    retired = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanItemQuerySet.as_manager()
    history = ITEM_HISTORY

    class Meta:
        ordering = ["version", "priority__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "priority", "position"],
                name="plan_item_number_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.objective[:60]}"

    def get_absolute_url(self):
        return reverse("agreement:item_detail", args=[self.pk])

    NO_PRIORITY = "Priority: N/A"

    @property
    def number(self) -> str:
        """ "2.3" under per-priority numbering, "17" under continuous numbering; items under no priority are
        numbered "N/A.1" … per priority, or in the plan's one sequence."""
        if self.version.plan.numbering == ActionPlan.Numbering.CONTINUOUS:
            return str(self.position)
        return f"{self.priority.position if self.priority_id else 'N/A'}.{self.position}"

    @property
    def category_label(self) -> str:
        if self.category == self.Category.OTHER:
            return self.category_other
        return self.get_category_display() if self.category else ""

    @property
    def linked_group_list(self) -> list[str]:
        return [line.strip() for line in self.linked_groups.splitlines() if line.strip()]

    @staticmethod
    def parse_timescale(text: str) -> datetime.date | None:
        """'March 2023' -> 1 March 2023; 'Ongoing' or blank -> None; anything else raises ValueError."""
        text = " ".join(text.split())
        if not text or text.lower() == "ongoing":
            return None
        return datetime.datetime.strptime(text, "%B %Y").date()

    def is_overdue(self, latest_status: str | None, today: datetime.date | None = None) -> bool:
        """Past the end of its timescale month without a completed update."""
        if self.due_month is None or latest_status == ProgressUpdate.Status.COMPLETE:
            return False
        last_day = calendar.monthrange(self.due_month.year, self.due_month.month)[1]
        return (today or timezone.localdate()) > self.due_month.replace(day=last_day)


class ProgressUpdate(models.Model):
    """A quarterly update on an item (kept with the item across versions through its key)."""

    class Status(models.TextChoices):
        GREEN = "green", "Green: on track"
        AMBER = "amber", "Amber: at risk"
        RED = "red", "Red: off track"
        COMPLETE = "complete", "Completed"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="updates")
    item_key = models.UUIDField(db_index=True)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        choices=[
            (1, "Q1 (April to June)"),
            (2, "Q2 (July to September)"),
            (3, "Q3 (October to December)"),
            (4, "Q4 (January to March)"),
        ]
    )
    narrative = models.TextField()
    status = models.CharField("RAG status", max_length=10, choices=Status.choices)
    internal = models.BooleanField("internal only", default=False, help_text="Not shown to the public.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-quarter", "-created_at"]
        constraints = [models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4")]

    def __str__(self):
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.quarter}: {self.get_status_display()}"

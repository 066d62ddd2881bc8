"""A review case through its stages, the statutory timescales that apply to it, and its extensions."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..gate import DhrContent
from ..timescales import add_months, days_left


class TimescaleRule(DhrContent, models.Model):
    """A statutory timescale, editable by cleared users; defaults follow the Home Office statutory guidance."""

    class Key(models.TextChoices):
        DECISION = "decision", "Decision whether to hold a review"
        REVIEW = "review", "Review completed"
        AGENCY_UPDATE = "agency_update", "Agency action plan update"

    key = models.CharField(max_length=20, choices=Key.choices, unique=True)
    months = models.PositiveSmallIntegerField(
        help_text="Calendar months; a date past the end of a short month falls on its last day."
    )
    counted_from = models.CharField(max_length=100, help_text="What the months are counted from.")
    guidance = models.TextField(blank=True, help_text="Where the timescale comes from.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(months__gte=1), name="timescale_at_least_a_month")]

    def __str__(self):
        return f"{self.get_key_display()}: {self.months} month(s) from {self.counted_from}"

    @classmethod
    def months_for(cls, key: str) -> int:
        defaults = {cls.Key.DECISION: 1, cls.Key.REVIEW: 6, cls.Key.AGENCY_UPDATE: 3}
        rule = cls.objects.filter(key=key).first()
        return rule.months if rule else defaults[key]


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Case.Status.CLOSED, Case.Status.NOT_REVIEWED])

    def overdue_q(self, today: datetime.date) -> Q:
        decision = Q(decision_on__isnull=True, decision_due_on__lt=today)
        review = Q(decision=Case.Decision.MET, submitted_on__isnull=True, review_due_on__lt=today)
        return decision | review

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(self.overdue_q(today or timezone.localdate()))

    def listing(self, today: datetime.date | None = None):
        """Overdue cases first, then the rest by when they were notified (newest first)."""
        today = today or timezone.localdate()
        late = models.Case(models.When(self.overdue_q(today), then=0), default=1, output_field=models.IntegerField())
        return self.annotate(is_late=late).order_by(
            models.Case(
                models.When(status__in=[Case.Status.CLOSED, Case.Status.NOT_REVIEWED], then=1),
                default=0,
                output_field=models.IntegerField(),
            ),
            "is_late",
            "-notified_on",
        )

    def published_publicly(self):
        return self.filter(status__in=Case.PUBLISHED_STAGES, is_listed_publicly=True, published_on__isnull=False)


CSP_AREAS = [
    ("ashford", "Ashford"),
    ("canterbury", "Canterbury"),
    ("dartford", "Dartford"),
    ("dover", "Dover"),
    ("folkestone_hythe", "Folkestone and Hythe"),
    ("gravesham", "Gravesham"),
    ("maidstone", "Maidstone"),
    ("sevenoaks", "Sevenoaks"),
    ("swale", "Swale"),
    ("thanet", "Thanet"),
    ("tonbridge_malling", "Tonbridge and Malling"),
    ("tunbridge_wells", "Tunbridge Wells"),
    ("medway", "Medway"),
]


class Case(DhrContent, models.Model):
    """One Domestic Homicide Review, known by a pseudonym and year ("Elizabeth/2015")."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", "Notified"
        DECISION = "decision", "Decision made"
        NOT_REVIEWED = "not_reviewed", "Criteria not met: no review"
        PANEL = "panel", "Panel appointed"
        IN_PROGRESS = "in_progress", "Review in progress"
        DRAFTED = "drafted", "Report drafted"
        SUBMITTED = "submitted", "Submitted to the Home Office QA panel"
        QA_OUTCOME = "qa_outcome", "Home Office QA outcome received"
        PUBLISHED = "published", "Published"
        MONITORING = "monitoring", "Action plan monitoring"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        NONE = "", "Not yet decided"
        MET = "met", "Criteria met: review to be held"
        NOT_MET = "not_met", "Criteria not met"
        MORE_INFO = "more_info", "Further information needed"

    class QaOutcome(models.TextChoices):
        NONE = "", "Not yet received"
        APPROVED = "approved", "Approved for publication"
        RESUBMIT = "resubmit", "Resubmission requested"

    PUBLISHED_STAGES = (Status.PUBLISHED, Status.MONITORING, Status.CLOSED)

    pseudonym = models.CharField(max_length=60, help_text="The name agreed with the family, for example Elizabeth.")
    year = models.PositiveSmallIntegerField(help_text="The year of the death, for example 2021.")
    csp_area = models.CharField("Community Safety Partnership area", max_length=30, choices=CSP_AREAS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTIFIED)
    date_of_death = models.DateField(null=True, blank=True)
    notified_on = models.DateField("Date the partnership was notified")
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, default=Decision.NONE)
    decision_on = models.DateField("Date of the decision", null=True, blank=True)
    decision_rationale = models.TextField("Reasons for the decision", blank=True)
    chair = models.CharField(
        "Independent chair", max_length=200, blank=True, help_text="Name of the independent chair and author."
    )
    chair_appointed_on = models.DateField(null=True, blank=True)
    victim_summary = models.TextField(
        "About the victim",
        blank=True,
        help_text="Only what the review needs: age, sex, relationship to the perpetrator. No names or addresses.",
    )
    perpetrator_summary = models.TextField(
        "About the perpetrator",
        blank=True,
        help_text="Only what the review needs: age, sex, criminal justice outcome. No names or addresses.",
    )
    submitted_on = models.DateField("Submitted to the Home Office QA panel", null=True, blank=True)
    qa_outcome = models.CharField("Home Office QA outcome", max_length=20, choices=QaOutcome.choices, blank=True)
    qa_outcome_on = models.DateField("Date of the QA outcome", null=True, blank=True)
    resubmitted_on = models.DateField("Resubmitted to the QA panel", null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_url = models.URLField("Link to the published report", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True, editable=False)
    review_due_on = models.DateField(null=True, blank=True, editable=False)
    is_listed_publicly = models.BooleanField(default=False, editable=False)
    published_report = models.FileField(upload_to="dhr/published/", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-notified_on"]
        constraints = [
            models.UniqueConstraint(fields=["pseudonym", "year"], name="dhr_case_pseudonym_year_unique"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision_on__isnull=False), name="dhr_decision_has_date"
            ),
            models.CheckConstraint(
                condition=Q(is_listed_publicly=False) | Q(published_on__isnull=False),
                name="dhr_listed_only_when_published",
            ),
        ]

    def __str__(self):
        return f"{self.pseudonym}/{self.year}"

    def get_absolute_url(self):
        return reverse("dhr:case_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.decision and not self.decision_on:
            errors["decision_on"] = "Enter the date of the decision"
        if self.decision_on and self.notified_on and self.decision_on < self.notified_on:
            errors["decision_on"] = "The decision must be on or after the date the partnership was notified"
        if self.date_of_death and self.notified_on and self.notified_on < self.date_of_death:
            errors["notified_on"] = "The partnership cannot be notified before the date of death"
        if self.qa_outcome and not self.qa_outcome_on:
            errors["qa_outcome_on"] = "Enter the date of the QA outcome"
        submitted_stages = (Case.Status.SUBMITTED, Case.Status.QA_OUTCOME, *self.PUBLISHED_STAGES)
        if self.status in submitted_stages and not self.submitted_on:
            errors["submitted_on"] = "Enter the date the report was submitted to the Home Office QA panel"
        if self.status in self.PUBLISHED_STAGES and not self.published_on:
            errors["published_on"] = "Enter the date the report was published"
        if self.status not in (Case.Status.NOTIFIED, Case.Status.NOT_REVIEWED):
            if not self.decision:
                errors["decision"] = "Record the decision before moving the case past notification"
            elif self.decision != Case.Decision.MET and self.status != Case.Status.DECISION:
                errors["status"] = "Only a case that meets the criteria goes on to a review"
        if self.status == Case.Status.NOT_REVIEWED and self.decision != Case.Decision.NOT_MET:
            errors["status"] = "A case is closed without review only when the criteria are not met"
        if self.status == Case.Status.CLOSED and not self.closed_on:
            errors["closed_on"] = "Enter the date the case was closed"
        if errors:
            raise ValidationError(errors)

    # Timescales -------------------------------------------------------------------------------------

    def extended_to(self, milestone: str) -> datetime.date | None:
        dates = [e.new_due_on for e in self.extensions.all() if e.milestone == milestone]
        return max(dates) if dates else None

    def compute_due_dates(self, decision_months: int, review_months: int) -> tuple:
        decision_due = add_months(self.notified_on, decision_months)
        decision_due = max(decision_due, self.extended_to(Extension.Milestone.DECISION) or decision_due)
        review_due = None
        if self.decision == Case.Decision.MET and self.decision_on:
            review_due = add_months(self.decision_on, review_months)
            review_due = max(review_due, self.extended_to(Extension.Milestone.REVIEW) or review_due)
        return decision_due, review_due

    def milestones(self, today: datetime.date | None = None) -> list[dict]:
        """The case's statutory milestones with due date, whether met and days left (negative: overdue)."""
        today = today or timezone.localdate()
        rows = [
            {
                "label": "Decision whether to hold a review",
                "due_on": self.decision_due_on,
                "done_on": self.decision_on,
                "extended": self.extended_to(Extension.Milestone.DECISION) is not None,
            }
        ]
        if self.decision == Case.Decision.MET:
            rows.append(
                {
                    "label": "Review completed (submitted to the Home Office)",
                    "due_on": self.review_due_on,
                    "done_on": self.submitted_on,
                    "extended": self.extended_to(Extension.Milestone.REVIEW) is not None,
                }
            )
        for row in rows:
            row["days_left"] = None if row["done_on"] else days_left(row["due_on"], today)
            row["overdue"] = row["days_left"] is not None and row["days_left"] < 0
            row["days_overdue"] = -row["days_left"] if row["overdue"] else 0
        return rows

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        if self.status in (Case.Status.CLOSED, Case.Status.NOT_REVIEWED):
            return False
        return any(m["overdue"] for m in self.milestones(today))


class Extension(DhrContent, models.Model):
    """An agreed extension of a statutory timescale, with the reason: it moves the due date."""

    class Milestone(models.TextChoices):
        DECISION = "decision", "Decision whether to hold a review"
        REVIEW = "review", "Review completed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    new_due_on = models.DateField("New due date")
    reason = models.TextField(help_text="Why the extension was needed, for example a criminal trial.")
    agreed_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "milestone", "new_due_on"]

    def __str__(self):
        return f"{self.get_milestone_display()} extended to {self.new_due_on:%-d %B %Y}"


class PanelMember(DhrContent, models.Model):
    """A member of the review panel: a person, the organisation they represent, or both."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel")
    name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey("kcsp.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="If the organisation is not in the directory."
    )
    role_on_panel = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="dhr_panel_member_named",
            )
        ]

    def __str__(self):
        organisation = self.organisation or self.organisation_name
        return ", ".join(str(part) for part in (self.name, organisation) if part)


class RelatedReview(DhrContent, models.Model):
    """A review running alongside: a Safeguarding Adults Review or a Child Safeguarding Practice Review."""

    class Kind(models.TextChoices):
        SAR = "sar", "Safeguarding Adults Review"
        CSPR = "cspr", "Child Safeguarding Practice Review"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="related_reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reference = models.CharField(max_length=100, help_text="The other board's reference or pseudonym.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


def document_upload_to(instance, filename: str) -> str:
    return f"dhr/documents/{instance.case_id}/{uuid.uuid4().hex}.{instance.file_kind}"


class CaseDocument(DhrContent, models.Model):
    """A file of the case (terms of reference, drafts, letters), sent only by a checked view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to)
    file_kind = models.CharField(max_length=10)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-uploaded_at"]

    def __str__(self):
        return self.title

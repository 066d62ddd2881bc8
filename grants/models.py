"""The Crime Reduction Grant: one grant year per financial year, partners' bids, and every step they take.

Money is held in pence-exact Decimals; sums are done by the database, never in floats.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kcsp.models import Organisation

ZERO = Decimal("0.00")


def money(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class Pot(models.TextChoices):
    UPFRONT = "upfront", "Up-front allocation"
    TACTICAL = "tactical", "Tactical pot"


class GrantYear(models.Model):
    """What the Police and Crime Commissioner granted for one April–March year, and how it was held."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The year the financial year starts, e.g. 2022.")
    amount_granted = money("amount granted by the Commissioner")
    tactical_pot = money("tactical pot", help_text="Up to a third of the grant, kept for emerging issues in-year.")
    refunds_received = money("refunds received", default=ZERO, help_text="Money paid back during the year.")
    rolled_over = money("rolled over from the previous year", default=ZERO)
    tactical_locked = models.BooleanField(
        "tactical pot locked", default=False, help_text="The Commissioner has closed access to the tactical pot."
    )
    tactical_locked_reason = models.CharField(max_length=300, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Set when the year is closed.")
    returned_unspent = money("returned unspent at year end", default=ZERO)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_granted__gte=F("tactical_pot") * 3), name="tactical_pot_at_most_a_third"
            ),
            models.CheckConstraint(condition=Q(amount_granted__gte=0), name="grant_not_negative"),
        ]

    def __str__(self):
        return f"Crime Reduction Grant {self.label}"

    def get_absolute_url(self):
        return reverse("grants:year_detail", args=[self.year])

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def upfront_share(self) -> Decimal:
        return self.amount_granted - self.tactical_pot

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def clean(self):
        granted, tactical = self.amount_granted, self.tactical_pot
        if granted is not None and tactical is not None and tactical * 3 > granted:
            most = (granted / 3).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            raise ValidationError(
                {"tactical_pot": f"The tactical pot can be at most a third of the grant: £{most:,.2f}."}
            )

    def pot_size(self, pot: str) -> Decimal:
        """Money the pot can ever hold this year: refunds and roll-over go to the up-front pot."""
        if pot == Pot.TACTICAL:
            return self.tactical_pot
        return self.upfront_share + self.refunds_received + self.rolled_over


class BidQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers and the chair see every bid; a partner sees the bids they wrote; nobody else sees any."""
        if user.has_perm("grants.view_all_bids"):
            return self
        if user.has_perm("grants.submit_bid"):
            return self.filter(created_by=user)
        return self.none()

    def awaiting_chair(self):
        return self.filter(status=Bid.Status.RECOMMENDED)

    def funded(self):
        return self.filter(status__in=Bid.FUNDED)

    def in_status(self, statuses):
        return self.filter(status__in=statuses)


class Bid(models.Model):
    """A partner's proposal for a project paid from the grant."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RECOMMENDED = "recommended", "Recommended by the working group"
        DECLINED = "declined", "Declined by the working group"
        APPROVED = "approved", "Approved by the chair"
        REJECTED = "rejected", "Rejected by the chair"
        WITH_COMMISSIONER = "with_commissioner", "Submitted to the Commissioner"
        COMMISSIONER_APPROVED = "commissioner_approved", "Approved by the Commissioner"
        COMMISSIONER_DECLINED = "commissioner_declined", "Declined by the Commissioner"
        IN_DELIVERY = "in_delivery", "In delivery"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn or removed"

    # Bids whose money is drawn from the pot: endorsed by the chair and not since released.
    DRAWING = ("approved", "with_commissioner", "commissioner_approved", "in_delivery", "completed")
    FUNDED = ("commissioner_approved", "in_delivery", "completed")

    grant_year = models.ForeignKey(GrantYear, on_delete=models.PROTECT, related_name="bids")
    number = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField("project title", max_length=200)
    description = models.TextField()
    applicant_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grant_bids")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    priority = models.ForeignKey(
        "agreement.Priority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids",
        verbose_name="Community Safety Agreement priority",
    )
    plan_item = models.ForeignKey(
        "agreement.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bids",
        verbose_name="action plan item",
    )
    amount_requested = money("amount requested")
    total_cost = money("total project cost")
    match_funding = money("match funding", default=ZERO)
    match_funding_source = models.CharField(max_length=300, blank=True)
    pot = models.CharField(max_length=10, choices=Pot.choices, default=Pot.UPFRONT)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    actual_spend = money("actual spend", null=True, blank=True)
    outcomes = models.TextField(blank=True, help_text="What the project delivered, e.g. 55 people trained.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_bids")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BidQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant_year", "number"], name="bid_number_per_year"),
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="bid_amount_positive"),
            models.CheckConstraint(condition=Q(amount_requested__lte=F("total_cost")), name="bid_within_total_cost"),
            models.CheckConstraint(
                condition=Q(match_funding__lte=F("total_cost") - F("amount_requested")),
                name="bid_match_funding_fits_cost",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(actual_spend__isnull=False), name="completed_bid_has_spend"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("grants:bid_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CRG {self.grant_year.label}-{self.number:02d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def draws_money(self) -> bool:
        return self.status in self.DRAWING

    @property
    def cost_to_grant(self) -> Decimal:
        """What the bid takes from its pot: the actual spend once completed, else what was asked."""
        if self.status == self.Status.COMPLETED and self.actual_spend is not None:
            return self.actual_spend
        return self.amount_requested

    @property
    def outcome_lines(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.amount_requested is not None and self.total_cost is not None:
            if self.amount_requested > self.total_cost:
                errors["amount_requested"] = "The amount requested cannot be more than the total project cost."
            elif self.match_funding is not None and self.match_funding > self.total_cost - self.amount_requested:
                errors["match_funding"] = "Match funding and the amount requested cannot be more than the total cost."
        if self.match_funding and not self.match_funding_source.strip():
            errors["match_funding_source"] = "Enter where the match funding comes from."
        if self.priority_id and self.grant_year_id and self.priority.agreement.year != self.grant_year.year:
            errors["priority"] = "Choose a priority from this year's Community Safety Agreement."
        if self.plan_item_id and self.priority_id and self.plan_item.priority_id != self.priority_id:
            errors["plan_item"] = "Choose an action plan item under the chosen priority."
        if errors:
            raise ValidationError(errors)


class BidStep(models.Model):
    """One move of a bid through the workflow: who, when, from what to what, and why."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=30, choices=Bid.Status.choices)
    to_status = models.CharField(max_length=30, choices=Bid.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["bid", "at", "pk"]

    def __str__(self):
        return f"{self.bid.reference}: {self.get_to_status_display()}"


def attachment_upload_to(instance, filename: str) -> str:
    """A random stored name: the user's file name is kept apart and never used as a path."""
    return f"bids/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class BidAttachment(models.Model):
    """A business case or quote sent with a bid; only those who may see the bid may download it."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_upload_to)
    original_name = models.CharField(max_length=200)
    file_kind = models.CharField(max_length=10)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["bid", "uploaded_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("grants:attachment_file", args=[self.pk])

"""The Crime Reduction Grant: one grant year per financial year, partners' bids, and every step they take.

Money is held in pence-exact Decimals; sums are done by the database, never in floats.
"""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kcsp.financial_year import year_label
from kcsp.models import Organisation

ZERO = Decimal("0.00")


def money(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


class Pot(models.TextChoices):
    UPFRONT = "upfront", "Up-front allocation"
    TACTICAL = "tactical", "Tactical pot"


# The statuses of a funded bid: approved at the last step the year has, and on. One rule, used everywhere
# (the year page, the budget, 360Giving) through GrantYear.funded_statuses and BidQuerySet.funded().
FUNDED_AFTER_COMMISSIONER = ("commissioner_approved", "in_delivery", "completed")
FUNDED_AFTER_CHAIR = ("approved", "in_delivery", "completed")


def funded_q(prefix: str = "") -> Q:
    """Bids funded under their own year's rule: the Commissioner's approval where the year has that step,
    the chair's where the chair's approval was final. `prefix` reaches the bid through a relation."""
    return Q(**{f"{prefix}grant_year__commissioner_step": True, f"{prefix}status__in": FUNDED_AFTER_COMMISSIONER}) | Q(
        **{f"{prefix}grant_year__commissioner_step": False, f"{prefix}status__in": FUNDED_AFTER_CHAIR}
    )


class GrantYear(models.Model):
    """What the Police and Crime Commissioner granted for one April–March year, and how the round was run.

    Rounds differ by year (DOMAIN.md): some years held the grant in one pot and the chair's approval was
    final; later years split it into up-front and tactical pots and added the Commissioner's approval.
    """

    year = models.PositiveSmallIntegerField(unique=True, help_text="The year the financial year starts, e.g. 2022.")
    amount_granted = money("amount granted by the Commissioner")
    has_tactical_pot = models.BooleanField(
        "split into up-front and tactical pots",
        default=True,
        help_text="Off when the whole grant was held in one pot.",
    )
    commissioner_step = models.BooleanField(
        "the Commissioner gives final approval",
        default=True,
        help_text="Off when the chair's approval was final.",
    )
    tactical_pot = money(
        "tactical pot", default=ZERO, help_text="Up to a third of the grant, kept for emerging issues in-year."
    )
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
            models.CheckConstraint(
                condition=Q(has_tactical_pot=True) | Q(tactical_pot=0, tactical_locked=False),
                name="one_pot_year_has_no_tactical_pot",
            ),
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

    @property
    def pots(self) -> tuple:
        """The pots this year holds: the up-front allocation alone in a one-pot year."""
        return (Pot.UPFRONT, Pot.TACTICAL) if self.has_tactical_pot else (Pot.UPFRONT,)

    @property
    def deciding_status(self) -> str:
        """The status a bid reaches at the year's last approval: the Commissioner's, or the chair's."""
        return Bid.Status.COMMISSIONER_APPROVED if self.commissioner_step else Bid.Status.APPROVED

    @property
    def funded_statuses(self) -> tuple:
        """A bid is funded once approved at the last step this year has (see funded_q)."""
        return FUNDED_AFTER_COMMISSIONER if self.commissioner_step else FUNDED_AFTER_CHAIR

    @property
    def deciding_step_label(self) -> str:
        return "the Commissioner's approval" if self.commissioner_step else "the chair's approval"

    @property
    def round_label(self) -> str:
        """How the round was run, in a phrase: 'One pot; the chair's approval is final'."""
        pots = "Up-front and tactical pots" if self.has_tactical_pot else "One pot"
        final = "the Commissioner gives final approval" if self.commissioner_step else "the chair's approval is final"
        return f"{pots}; {final}"

    def clean(self):
        if not self.has_tactical_pot and (self.tactical_pot or self.tactical_locked):
            raise ValidationError(
                {"tactical_pot": "A year held in one pot has no tactical pot: leave it blank, or split the grant."}
            )
        granted, tactical = self.amount_granted, self.tactical_pot
        if granted is not None and tactical is not None and tactical * 3 > granted:
            most = (granted / 3).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            raise ValidationError(
                {"tactical_pot": f"The tactical pot can be at most a third of the grant: £{most:,.2f}."}
            )

    def pot_size(self, pot: str) -> Decimal:
        """Money the pot can ever hold this year: refunds and roll-over go to the up-front pot.
        A one-pot year's single pot is the up-front pot; it has no tactical pot (size £0)."""
        if pot == Pot.TACTICAL:
            return self.tactical_pot if self.has_tactical_pot else ZERO
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
        """Bids approved at the last step their own year has, and on (funded_q)."""
        return self.filter(funded_q())

    def for_plan_item(self, item):
        """Bids linked to this action plan item in any version of the plan (matched by the item's key)."""
        return self.filter(plan_item__key=item.key)

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
    # Approved by the chair, waiting for the Commissioner (years with that step only).
    AWAITING_COMMISSIONER = ("approved", "with_commissioner")

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
    decided_at_minute = models.ForeignKey(
        "meetings.Minute",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_bids",
        verbose_name="minute that decided it",
        help_text="The minute and resolution of the meeting that decided the bid.",
    )
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
    def pot_label(self) -> str:
        """The pot as the papers name it; a one-pot year's bids are simply in 'the grant'."""
        return self.get_pot_display() if self.grant_year.has_tactical_pot else "The grant (one pot)"

    @property
    def is_funded(self) -> bool:
        return self.status in self.grant_year.funded_statuses

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
        if self.pot == Pot.TACTICAL and self.grant_year_id and not self.grant_year.has_tactical_pot:
            errors["pot"] = f"The {self.grant_year.label} grant is held in one pot: it has no tactical pot."
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
    decided_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date the step was really taken, when it was recorded here afterwards (a past round entered "
        "after the event); `at` stays the time it was recorded.",
    )
    reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["bid", "at", "pk"]

    def __str__(self):
        return f"{self.bid.reference}: {self.get_to_status_display()}"

    @property
    def taken_on(self) -> datetime.date:
        """The date the step was really taken: `decided_on` when given, else the UK date of `at`."""
        return self.decided_on or timezone.localtime(self.at).date()


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

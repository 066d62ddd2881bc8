"""Committees (bodies), their chairs, terms of reference and membership."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kcsp.models import Organisation, Person


class Committee(models.Model):
    """The KCSP itself or one of its subgroups, with its own quorum rule."""

    class Frequency(models.TextChoices):
        THREE_A_YEAR = "three", "Three times a year"
        QUARTERLY = "quarterly", "Quarterly"
        MONTHLY = "monthly", "Monthly"
        AS_REQUIRED = "as_required", "As required"

    class QuorumBasis(models.TextChoices):
        RESPONSIBLE_AUTHORITIES = "responsible", "responsible authorities represented"
        ORGANISATIONS = "organisations", "members from different organisations"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="For example KCSP.")
    slug = models.SlugField(unique=True, help_text="Used in web addresses, for example kcsp.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgroups",
        help_text="The body this is a subgroup of, if any.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    quorum_count = models.PositiveSmallIntegerField(default=4)
    quorum_basis = models.CharField(
        max_length=20, choices=QuorumBasis.choices, default=QuorumBasis.RESPONSIBLE_AUTHORITIES
    )
    is_public = models.BooleanField(
        default=True, help_text="Whether the public may see this body's meetings and papers at all."
    )
    usual_length = models.PositiveSmallIntegerField(
        "usual length of a meeting, in minutes",
        default=120,
        help_text="A new meeting ends this long after it starts unless another end time is given. For example, 120.",
    )
    resolution_wording = models.CharField(
        "decision wording",
        max_length=40,
        default="RESOLVED that",
        help_text='How the minutes introduce a decision, for example "RESOLVED that" or "Agreed:".',
    )
    resolution_label_style = models.CharField(
        "lettering of parts of a decision",
        max_length=4,
        choices=[("(a)", "(a), (b), (c)"), ("a)", "a), b), c)"), ("(i)", "(i), (ii), (iii)")],
        default="(a)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_count__gte=1), name="committee_quorum_positive"),
            models.CheckConstraint(condition=Q(usual_length__gte=1), name="committee_usual_length_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:committee_detail", args=[self.slug])

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def quorum_rule(self) -> str:
        return f"at least {self.quorum_count} {self.get_quorum_basis_display()}"


class DatedQuerySet(models.QuerySet):
    """Rows with a start date and an optional end date."""

    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class OfficeTerm(models.Model):
    """A chair's or vice-chair's term of office (usually about two years)."""

    class Office(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-Chair"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="office_terms")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="office_terms")
    office = models.CharField(max_length=20, choices=Office.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "office", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="office_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_office_display()} of {self.committee}: {self.person}"

    @property
    def has_ended(self) -> bool:
        """Ended before today (an ended term is corrected, not ended again)."""
        return self.ends_on is not None and self.ends_on < timezone.localdate()


class TermsOfReferenceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(agreed_on__lte=timezone.localdate()).order_by("-agreed_on").first()


class TermsOfReference(models.Model):
    """One agreed version of a committee's terms of reference; every version is kept."""

    REVIEW_INTERVAL = datetime.timedelta(days=365)

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms_of_reference")
    agreed_on = models.DateField(help_text="The date the body agreed this version.")
    summary_of_changes = models.TextField(blank=True)
    text = models.TextField(help_text="The terms of reference as agreed.")

    objects = TermsOfReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "-agreed_on"]
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(fields=["committee", "agreed_on"], name="one_tor_version_per_day"),
        ]

    def __str__(self):
        return f"Terms of reference of {self.committee}, agreed {self.agreed_on:%-d %B %Y}"

    @property
    def review_due_on(self) -> datetime.date:
        return self.agreed_on + self.REVIEW_INTERVAL

    @property
    def review_overdue(self) -> bool:
        return self.review_due_on < timezone.localdate()


class MembershipQuerySet(DatedQuerySet):
    def for_user(self, user):
        return self.filter(person__user=user) if user.is_authenticated else self.none()


class Membership(models.Model):
    """A person representing an organisation on a committee, as member or substitute, for a period."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        SUBSTITUTE = "substitute", "Substitute"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMBER)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "organisation__name", "person__surname"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.organisation.label}), {self.get_kind_display().lower()} of {self.committee}"

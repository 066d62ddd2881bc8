"""Minutes ("notes"), numbered across a committee's meetings, and the actions arising from them.

A minute's `text` is kept as the clerk typed or pasted it; `blocks` is how it prints (meetings/minutetext.py),
computed by the write service when the minute is saved, in the committee's decision wording and lettering.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent
from kcsp.models import Person

from .. import access
from .committees import Committee
from .meetings import AgendaItem, Meeting


def minutes_q(user, prefix: str = "") -> Q:
    """Minutes this user may read: their item must be visible (a minute on no item is as open as its meeting),
    and drafts only to those who may see drafts: members of the committee, and, once circulated, those who
    attended the meeting (meetings/access.py)."""
    on_item = access.item_q(user, f"{prefix}item__")
    # An empty Q means "every item": OR-ing it would drop it (Django keeps the other side), so keep it as it is.
    visible = (
        on_item | Q(Q(**{f"{prefix}item__isnull": True}), access.meeting_q(user, f"{prefix}meeting__"))
        if on_item
        else Q()
    )
    if access.is_staff(user):
        return visible
    approved = Q(**{f"{prefix}meeting__status": Meeting.Status.MINUTES_APPROVED})
    members = Q(**{f"{prefix}committee_id__in": access.member_committee_ids(user)})
    circulated = Q(**{f"{prefix}meeting__minutes_circulated_at__isnull": False})
    return visible & (approved | members | (circulated & access.attended_q(user, f"{prefix}meeting__")))


class MinuteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(minutes_q(user))


class Minute(DhrContent, models.Model):
    dhr_item_path = "item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="minutes", editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveIntegerField(editable=False)
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="minutes",
        null=True,
        blank=True,
        help_text="Leave blank for a procedural minute on no agenda item (for example who took the chair).",
    )
    title = models.CharField(max_length=300)
    text = models.TextField(
        "minute",
        blank=True,
        help_text="Paste or type the minute. Leave a blank line between paragraphs: each is numbered. Start a "
        "decision with RESOLVED that (or your committee's wording), and its parts with a), b) on their own lines.",
    )
    blocks = models.JSONField(default=list, editable=False, help_text="How the text prints (meetings/minutetext.py).")
    approves_minutes_of = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_minutes",
        help_text="For the minute agreeing an earlier meeting's minutes as a correct record.",
    )

    objects = MinuteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="minute_number_unique_per_committee",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        self.committee_id = self.meeting.committee_id
        super().save(*args, **kwargs)

    @property
    def is_restricted(self) -> bool:
        return self.item is not None and self.item.is_restricted

    @property
    def is_dhr(self) -> bool:
        return self.item is not None and self.item.is_dhr


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def for_committee(self, committee_id):
        return self.filter(minute__committee_id=committee_id)

    def overdue(self):
        return self.open().filter(due_on__lt=timezone.localdate())

    def visible_to(self, user):
        return self.filter(minutes_q(user, "minute__"))


class Action(DhrContent, models.Model):
    """An action arising from a minute, reviewed at later meetings until it is done."""

    dhr_item_path = "minute__item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField("action")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions")
    owner_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The owner's name as it stood when the action was set."
    )
    due_on = models.DateField("due date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    progress = models.TextField(blank=True, help_text="Latest update, reported at the next meeting.")

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.text[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class MinuteAmendmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Amendments to minutes this user may read (minutes_q)."""
        return self.filter(minutes_q(user, "minute__"))

    def undecided(self):
        return self.filter(status=MinuteAmendment.Status.PROPOSED)


class MinuteAmendment(DhrContent, models.Model):
    """A change to a draft minute proposed by someone who attended; the clerk accepts or rejects it, with a
    reason. Accepted text replaces the minute's (through minute_save, so it is in the minute's history)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    dhr_item_path = "minute__item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposer_name = models.CharField(max_length=200)
    based_on_text = models.TextField(help_text="The minute's text when the amendment was proposed.")
    proposed_text = models.TextField("proposed wording")
    note = models.TextField("why", blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MinuteAmendmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["minute", "proposed_at", "pk"]

    def __str__(self):
        return f"Amendment to minute {self.minute.number} by {self.proposer_name}"

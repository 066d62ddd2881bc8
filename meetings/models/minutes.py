"""Minutes ("notes"), numbered across a committee's meetings, and the actions arising from them."""

import string

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent
from kcsp.models import Person

from .. import access
from .committees import Committee
from .meetings import AgendaItem, Meeting
from .papers import split_paragraphs


def minutes_q(user, prefix: str = "") -> Q:
    """Minutes this user may read: their item must be visible, and drafts only to those who may see drafts."""
    visible = access.item_q(user, f"{prefix}item__")
    if access.is_staff(user):
        return visible
    approved = Q(**{f"{prefix}meeting__status": Meeting.Status.MINUTES_APPROVED})
    members = Q(**{f"{prefix}committee_id__in": access.member_committee_ids(user)})
    return visible & (approved | members)


class MinuteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(minutes_q(user))


class Minute(DhrContent, models.Model):
    dhr_item_path = "item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="minutes", editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveIntegerField(editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="minutes")
    title = models.CharField(max_length=300)
    paragraphs = models.TextField(blank=True, help_text="Leave a blank line between paragraphs: each is numbered.")
    resolution = models.TextField(
        "resolved", blank=True, help_text="The text after RESOLVED, for example: that the update be noted."
    )
    sub_resolutions = models.TextField(blank=True, help_text="One per line; they are lettered (a), (b), (c) in order.")

    objects = MinuteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="minute_number_unique_per_committee"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        self.committee_id = self.meeting.committee_id
        super().save(*args, **kwargs)

    @property
    def is_restricted(self) -> bool:
        return self.item.is_restricted

    @property
    def numbered_paragraphs(self) -> list[tuple[int, str]]:
        return list(enumerate(split_paragraphs(self.paragraphs), start=1))

    @property
    def lettered_resolutions(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.sub_resolutions.splitlines() if line.strip()]
        return [(f"({string.ascii_lowercase[i]})", text) for i, text in enumerate(lines)]


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

"""The forward plan: business officers expect to bring to a committee's future meetings, before any agenda exists.

An entry names its title, lead, purpose and when it is expected: at an arranged meeting, or in a month when no
meeting is arranged yet. While it is waiting (planned, or moved on from an earlier meeting) it is suggested on the
draft agenda of the meeting it is expected at; accepted, it becomes an agenda item and links to it. Restricted
entries follow the agendas' rule for titles: the title is published unless the officer withholds it, and then the
public reads only "Restricted item". Domestic Homicide Review business never goes in the forward plan: only the
DHR-cleared group creates DHR items, on the agenda itself.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kcsp.marking import restricted_noted
from kcsp.models import Person

from .. import access
from .committees import Committee
from .meetings import AgendaItem, Meeting

WITHHELD_TITLE = "Restricted item"
RESTRICTED_STATEMENT = "Restricted: the press and public are likely to be excluded"
# The agenda's restriction reasons less DHR, which the forward plan never holds.
RESTRICTION_CHOICES = [(v, label) for v, label in AgendaItem.RestrictionReason.choices if v != access.DHR_REASON]


class ForwardPlanEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers and chairs read every entry as written; everyone else reads the public forward plan, which
        shows each entry through `public_title` (never this queryset's titles)."""
        return self.all() if access.is_staff(user) else self.none()

    def waiting(self):
        """Entries not yet on an agenda nor withdrawn: planned, or moved on from an earlier meeting."""
        return self.filter(status__in=ForwardPlanEntry.WAITING)

    def public(self):
        """What the public forward plan lists: waiting entries of bodies open to the public."""
        return self.waiting().filter(committee__is_public=True)

    def in_date_order(self):
        return self.select_related("committee", "expected_meeting", "lead_person", "agenda_item__meeting").order_by(
            "expected_month", "expected_meeting__starts_at", "pk"
        )


class ForwardPlanEntry(models.Model):
    class Purpose(models.TextChoices):
        DECISION = "decision", "For Decision"
        DISCUSSION = "discussion", "For Discussion"
        INFORMATION = "information", "For Information"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        MOVED = "moved", "Moved to a later meeting"
        ON_AGENDA = "on_agenda", "On an agenda"
        WITHDRAWN = "withdrawn", "Withdrawn"

    WAITING = (Status.PLANNED, Status.MOVED)

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="forward_plan")
    title = models.CharField(max_length=300, help_text="As it would appear on the agenda.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.INFORMATION)
    lead_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="lead officer"
    )
    lead_text = models.CharField(
        "lead (as the papers name them)",
        max_length=200,
        blank=True,
        help_text="For example: Shafick Peerbux - Head of Community Safety, KCC. Use this when the lead is not "
        "in the list, or to add their role.",
    )
    expected_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="forward_plan_entries"
    )
    expected_month = models.DateField(
        help_text="The first day of the month it is expected in (the meeting's month when a meeting is chosen)."
    )
    restriction_reason = models.CharField(
        "why is it restricted?", max_length=20, choices=RESTRICTION_CHOICES, blank=True, default=""
    )
    restriction_note = models.CharField("note on the restriction", max_length=300, blank=True)
    title_withheld = models.BooleanField("withhold the title from the public", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_reason = models.CharField(
        "reason", max_length=500, blank=True, help_text="Why it was withdrawn, or moved to a later meeting."
    )
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="forward_plan_entry"
    )
    notes = models.TextField(blank=True, help_text="For officers only: never published.")

    objects = ForwardPlanEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["expected_month", "pk"]
        verbose_name = "forward plan entry"
        verbose_name_plural = "forward plan entries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(restriction_reason=access.DHR_REASON), name="forward_plan_never_holds_dhr"
            ),
            models.CheckConstraint(
                condition=Q(title_withheld=False) | ~Q(restriction_reason=access.NOT_RESTRICTED),
                name="forward_plan_withheld_title_is_restricted",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(status_reason=""), name="forward_plan_withdrawal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(lead_person__isnull=False) | ~Q(lead_text=""), name="forward_plan_entry_has_lead"
            ),
            models.CheckConstraint(condition=Q(expected_month__day=1), name="forward_plan_expected_month_first_day"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:forward_plan_entry", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        """Loading a restricted entry marks the page OFFICIAL-SENSITIVE (kcsp/marking.py)."""
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("restriction_reason"):
            restricted_noted(f"Restricted forward plan entry {instance.pk}")
        return instance

    @property
    def is_restricted(self) -> bool:
        return access.is_restricted(self.restriction_reason)

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING

    @property
    def public_title(self) -> str:
        """The title as the public reads it: a withheld title becomes the generic wording."""
        return WITHHELD_TITLE if self.title_withheld else self.title

    @property
    def lead(self) -> str:
        """The lead as the papers name them: the typed wording, else the person's name."""
        return self.lead_text or (self.lead_person.display_name if self.lead_person_id else "")

    @property
    def expected_label(self) -> str:
        """ "Meeting on 17 November 2022" when a meeting is chosen, else "November 2022"."""
        if self.expected_meeting_id:
            return f"Meeting on {self.expected_meeting.date:%-d %B %Y}"
        return f"{self.expected_month:%B %Y}"

    @property
    def expected_date(self) -> datetime.date:
        """The day it is expected: the meeting's date, or the first of its month."""
        return self.expected_meeting.date if self.expected_meeting_id else self.expected_month

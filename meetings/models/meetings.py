"""Meetings and their agendas: lettered sections of coded items."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent

from .. import access
from ..workingdays import working_days_before, working_days_between
from .committees import Committee

# An agenda section's letter (items are coded by it: C4); which letters a committee uses is its own (agenda_setup).
SECTION_LETTERS = [(chr(code), chr(code)) for code in range(ord("A"), ord("Z") + 1)]
PUBLICATION_WORKING_DAYS = 5
DEADLINE_NEAR_WORKING_DAYS = 3


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.meeting_q(user))

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")

    def published(self):
        return self.filter(status__in=access.PUBLISHED_STATUSES)


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGENDA_AGREED = "agenda_agreed", "Agenda agreed by the chair"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"

    class Venue(models.TextChoices):
        ROOM = "room", "In a room"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (room and online)"
        TBC = "tbc", "To be confirmed"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("date and time")
    venue_kind = models.CharField("venue", max_length=10, choices=Venue.choices, default=Venue.ROOM)
    venue = models.CharField(
        "room or link", max_length=300, blank=True, help_text="For example: Council Chamber, Sessions House, Maidstone."
    )
    contact_name = models.CharField("ask for", max_length=150, help_text="The contact officer for this meeting.")
    contact_phone = models.CharField("telephone", max_length=40, blank=True)
    contact_email = models.EmailField("e-mail", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    agenda_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agenda_agreed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at_meeting = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="minutes_approved_here"
    )
    minutes_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_signed_at = models.DateTimeField(null=True, blank=True)
    minutes_signed_by_person = models.ForeignKey(
        "kcsp.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who chaired the meeting that approved these minutes and signed them.",
    )
    minutes_signed_name = models.CharField(
        max_length=200, blank=True, help_text="The signatory's name and capacity as they stood when signing."
    )
    minutes_start_number = models.PositiveIntegerField(
        "number of the first minute",
        null=True,
        blank=True,
        help_text="Leave blank to follow on from the minutes of the committee's previous meeting.",
    )
    minutes_circulated_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agenda_agreed_at__isnull=False),
                name="meeting_past_draft_has_agreed_agenda",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "agenda_agreed"]) | Q(published_at__isnull=False),
                name="meeting_published_has_publication_time",
            ),
        ]

    def __str__(self):
        return f"{self.committee}, {timezone.localtime(self.starts_at):%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_published(self) -> bool:
        return self.status in access.PUBLISHED_STATUSES

    @property
    def minutes_are_approved(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED

    @property
    def minutes_are_signed(self) -> bool:
        """Signed minutes are frozen: nothing of the record changes (meetings/freeze.py)."""
        return self.minutes_signed_at is not None

    @property
    def where_and_when(self) -> str:
        """The minutes' heading words: "held online on Thursday, 24 March 2022" or "held in <venue> on …"."""
        on = f"on {timezone.localtime(self.starts_at):%A, %-d %B %Y}"
        if self.venue_kind == self.Venue.ONLINE:
            return f"held online {on}"
        if self.venue:
            return f"held in {self.venue} {on}"
        return f"held {on}"

    @property
    def publication_due_on(self) -> datetime.date:
        """Papers go out at least five working days before the meeting (bank holidays excluded)."""
        return working_days_before(self.date, PUBLICATION_WORKING_DAYS)

    def publication_deadline_state(self, today: datetime.date | None = None) -> str:
        """'published', 'missed', 'near' (within three working days) or 'open', for officers' warnings."""
        if self.is_published:
            return "published"
        today = today or timezone.localdate()
        left = working_days_between(today, self.publication_due_on)
        if left < 0:
            return "missed"
        return "near" if left <= DEADLINE_NEAR_WORKING_DAYS else "open"

    def papers_added_after_publication(self):
        from .papers import Paper

        return Paper.objects.filter(
            access.pack_kind_q("supplementary", "item__"), item__meeting=self, is_supplementary=True
        )

    def previous_meeting(self):
        return (
            Meeting.objects.filter(committee_id=self.committee_id, starts_at__lt=self.starts_at)
            .order_by("-starts_at")
            .first()
        )


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.item_q(user))

    def public(self):
        return self.exclude(access.restricted_q())

    def restricted(self):
        return self.filter(access.restricted_q())

    def for_pack(self, kind: str):
        """The items a pack of this kind may hold (access.pack_kind_q)."""
        return self.filter(access.pack_kind_q(kind))


class AgendaItem(DhrContent, models.Model):
    """One item of business, coded by section and position: A1, A2, B1 …"""

    dhr_item_path = ""  # loading a row of a DHR item marks the request (dhr/gate.py)

    class Section(models.TextChoices):
        """The default sections (every committee's agenda_sections start as these; each committee may change them)."""

        COMMITTEE_BUSINESS = "A", "Committee business"
        DISCUSSION = "B", "Matters for discussion or decision"
        INFORMATION = "C", "Matters for information"
        RESTRICTED = "D", "Restricted items"

    class Kind(models.TextChoices):
        PROCEDURAL = "procedural", "No paper"
        REPORT = "report", "Report"
        VERBAL = "verbal", "Verbal update"
        TABLED = "tabled", "To be tabled at the meeting"

    class Purpose(models.TextChoices):
        NONE = "", "Not stated"
        DECISION = "decision", "For Decision"
        INFORMATION = "information", "For Information"

    class RestrictionReason(models.TextChoices):
        NONE = "", "Not restricted"
        DHR = access.DHR_REASON, "Domestic Homicide Review"
        PREVENT = "prevent", "Prevent and counter-terrorism"
        EXPLOITATION = "exploitation", "Exploitation and safeguarding"
        PERSONAL = "personal", "Information about individuals"
        OTHER = "other", "Other (explained in the note)"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(
        max_length=1, choices=SECTION_LETTERS, help_text="The letter of one of the committee's agenda sections."
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True, default=Purpose.NONE)
    description = models.TextField(
        blank=True, help_text="Shown under the item, for example the dates of future meetings."
    )
    restriction_reason = models.CharField(max_length=20, choices=RestrictionReason.choices, blank=True, default="")
    restriction_note = models.CharField(max_length=300, blank=True)
    title_withheld = models.BooleanField(
        "withhold the title from the public",
        default=False,
        help_text="The public agenda then lists the item as 'Restricted item'. Domestic Homicide Review items' "
        "titles are always withheld.",
    )
    public_title = models.CharField(
        "title shown to the public",
        max_length=200,
        blank=True,
        help_text="For a Domestic Homicide Review item only, set by a DHR-cleared user: a generic title such as "
        "'Domestic Homicide Review update'. Leave blank to list it as 'Restricted item'.",
    )
    is_supplementary = models.BooleanField(default=False, help_text="Added after the agenda was published.")

    objects = AgendaItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "section", "position"],
                name="agenda_item_code_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # A restricted item may sit in any section (access.restricted_q is what decides); which sections take
            # only restricted items is each committee's (CommitteeSection.restricted, checked by the services).
            models.CheckConstraint(condition=Q(section__regex=r"^[A-Z]$"), name="agenda_item_section_letter"),
            models.CheckConstraint(condition=Q(position__gte=1), name="agenda_item_position_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:item_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"{self.section}{self.position}"

    @property
    def is_restricted(self) -> bool:
        """Restricted by its reason, in whatever section it sits (access.restricted_q)."""
        return access.is_restricted(self.restriction_reason)

    @property
    def is_dhr(self) -> bool:
        return self.restriction_reason == access.DHR_REASON

    @property
    def listed_title(self) -> str:
        """What the public agenda and front sheet print for this item (meetings/agenda_print.py)."""
        from ..agenda_print import listed_title

        return listed_title(self.restriction_reason, self.title_withheld, self.public_title, self.title)

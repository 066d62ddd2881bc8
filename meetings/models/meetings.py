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

    def in_calendars(self):
        """What the iCal feeds carry: published meetings, and those called off after publication (as cancelled)."""
        return self.filter(Q(status__in=access.PUBLISHED_STATUSES) | access.announced_called_off_q())


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        WITH_CHAIR = "with_chair", "With the chair for agreement"
        AGENDA_AGREED = "agenda_agreed", "Agenda agreed by the chair"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    class Venue(models.TextChoices):
        ROOM = "room", "In a room"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (room and online)"
        TBC = "tbc", "To be confirmed"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("date and time")
    ends_at = models.DateTimeField(
        "end time", null=True, blank=True, help_text="Filled from the committee's usual length when left blank."
    )
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
    recorded_after_event = models.BooleanField(
        default=False,
        help_text="Entered after the meeting took place: recorded as held without its agenda being agreed and "
        "published here.",
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The postponed or cancelled meeting this one replaces.",
    )
    sequence = models.PositiveIntegerField(
        default=0, help_text="The calendar revision: one more at every change of time, place or status (iCal SEQUENCE)."
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            # A meeting past the draft has an agreed agenda, unless it was recorded as held after the event or was
            # postponed or cancelled before its agenda was agreed (meetings/lifecycle.py, the one table of steps).
            models.CheckConstraint(
                condition=Q(status__in=["draft", "with_chair", "postponed", "cancelled"])
                | Q(agenda_agreed_at__isnull=False)
                | Q(recorded_after_event=True),
                name="meeting_past_draft_has_agreed_agenda",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "with_chair", "agenda_agreed", "postponed", "cancelled"])
                | Q(published_at__isnull=False)
                | Q(recorded_after_event=True),
                name="meeting_published_has_publication_time",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.committee}, {timezone.localtime(self.starts_at):%-d %B %Y}"

    def save(self, *args, **kwargs):
        """A meeting with no end time ends the committee's usual length after it starts (Committee.usual_length)."""
        if self.ends_at is None and self.starts_at is not None and self.committee_id is not None:
            self.ends_at = self.starts_at + datetime.timedelta(minutes=self.committee.usual_length)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_published(self) -> bool:
        return self.status in access.PUBLISHED_STATUSES

    @property
    def is_called_off(self) -> bool:
        """Cancelled, or postponed and waiting for a new date: not taking place on its date."""
        return self.status in access.CALLED_OFF_STATUSES

    @property
    def ends(self) -> datetime.datetime:
        """The end time, or the committee's usual length after the start (for a row saved without one)."""
        return self.ends_at or self.starts_at + datetime.timedelta(minutes=self.committee.usual_length)

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
        """'published', 'missed', 'near' (within three working days) or 'open', for officers' warnings; 'called_off'
        for a cancelled or postponed meeting and 'past' for a draft whose date has passed (it may be recorded as held
        after the event, which needs no publication: no warning about a missed deadline then)."""
        if self.is_published:
            return "published"
        if self.is_called_off:
            return "called_off"
        today = today or timezone.localdate()
        if self.date < today:
            return "past"
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
        """The committee's last meeting before this one that was not cancelled or postponed (a called-off
        meeting has no minutes to approve and takes no forward-plan entries)."""
        return (
            Meeting.objects.filter(committee_id=self.committee_id, starts_at__lt=self.starts_at)
            .exclude(status__in=access.CALLED_OFF_STATUSES)
            .order_by("-starts_at")
            .first()
        )


class MeetingStatusChange(models.Model):
    """One step of a meeting's life (meetings/lifecycle.py STEPS): who took it, when, from what to what, and why;
    a reschedule also records where and when the meeting was before and after."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Meeting.Status.choices)
    to_status = models.CharField(max_length=20, choices=Meeting.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    was = models.CharField("before", max_length=400, blank=True, help_text="Date, time and venue before a move.")
    now = models.CharField("after", max_length=400, blank=True, help_text="Date, time and venue after a move.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "at", "pk"]

    def __str__(self):
        return f"{self.meeting}: {self.action} ({self.get_from_status_display()} to {self.get_to_status_display()})"


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

    @classmethod
    def history_label(cls, pk: int) -> str:
        """How another record's history names this item: by its code only ("Item D1"), read without loading the
        row (the item may since have become one the reader may not see, and loading a DHR row marks the request)."""
        code = cls._base_manager.filter(pk=pk).values_list("section", "position").first()
        return f"Item {code[0]}{code[1]}" if code else "(a record since removed)"

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

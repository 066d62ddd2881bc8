"""Who came to a meeting, who sent apologies, and the interests they declared."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent
from kcsp.models import Organisation, Person

from .meetings import AgendaItem, Meeting


class AttendanceQuerySet(models.QuerySet):
    def counting_for_quorum(self):
        return self.filter(kind__in=[Attendance.Kind.PRESENT, Attendance.Kind.SUBSTITUTE])


class Attendance(models.Model):
    class Kind(models.TextChoices):
        PRESENT = "present", "Present"
        SUBSTITUTE = "substitute", "Present as substitute"
        APOLOGIES = "apologies", "Apologies"
        ALSO_PRESENT = "also_present", "Also present"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        ABSENT = "absent", "Absent"

    class Capacity(models.TextChoices):
        NONE = "", "Member"
        CHAIR = "chair", "Chairman"
        VICE_CHAIR = "vice_chair", "Vice-Chairman"
        VICE_CHAIR_IN_CHAIR = "vice_chair_in_chair", "Vice-Chairman, in the Chair"
        IN_CHAIR = "in_chair", "in the Chair"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation represented at this meeting.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    capacity = models.CharField(max_length=30, choices=Capacity.choices, blank=True, default="")
    substitute_for = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    substitute_for_name = models.CharField(
        max_length=200, blank=True, help_text="The name of the member substituted for, as it stood at the meeting."
    )
    sent_online = models.BooleanField(default=False, help_text="Apologies sent by the member through the site.")
    name_as_recorded = models.CharField(
        max_length=200, blank=True, help_text="The name as the minutes print it, as it stood at the meeting."
    )
    role_text = models.CharField(
        max_length=200, blank=True, help_text="Printed after the name, for example Community Safety Manager."
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "person__surname"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_row_per_person"),
            models.CheckConstraint(
                condition=Q(kind="substitute", substitute_for__isnull=False) | ~Q(kind="substitute"),
                name="substitute_names_who_for",
            ),
        ]

    def __str__(self):
        return f"{self.name_as_recorded or self.person}: {self.get_kind_display()}"


class Declaration(DhrContent, models.Model):
    """An interest declared at a meeting, about one item or the meeting as a whole."""

    dhr_item_path = "item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    class InterestKind(models.TextChoices):
        PECUNIARY = "pecuniary", "Pecuniary interest: took no part in the item"
        DISQUALIFYING = "disqualifying", "Other disqualifying interest: took no part in the item"
        OTHER = "other", "Other interest: stayed and took part"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    interest = models.TextField(help_text="What the interest is and how it relates to the item.")
    interest_kind = models.CharField(
        "kind of interest", max_length=20, choices=InterestKind.choices, default=InterestKind.OTHER
    )
    name_as_recorded = models.CharField(max_length=200, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "person__surname"]

    def __str__(self):
        return f"{self.name_as_recorded or self.person}: {self.interest[:60]}"

    @property
    def disqualifies(self) -> bool:
        """A pecuniary or other disqualifying interest takes the person out of the item's quorum."""
        return self.interest_kind in (self.InterestKind.PECUNIARY, self.InterestKind.DISQUALIFYING)

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

    class Capacity(models.TextChoices):
        NONE = "", "Member"
        CHAIR = "chair", "Chairman"
        VICE_CHAIR = "vice_chair", "Vice-Chairman"
        VICE_CHAIR_IN_CHAIR = "vice_chair_in_chair", "Vice-Chairman in the Chair"

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
    sent_online = models.BooleanField(default=False, help_text="Apologies sent by the member through the site.")

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
        return f"{self.person}: {self.get_kind_display()}"


class Declaration(DhrContent, models.Model):
    """An interest declared at a meeting, about one item or the meeting as a whole."""

    dhr_item_path = "item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    interest = models.TextField(help_text="What the interest is and how it relates to the item.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "person__surname"]

    def __str__(self):
        return f"{self.person}: {self.interest[:60]}"

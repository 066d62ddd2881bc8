"""How a committee's agendas are laid out: its lettered sections and the standard items every agenda starts with."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .committees import Committee
from .meetings import SECTION_LETTERS, AgendaItem

# The headings the partnership's agendas have used (the July 2022 KCSP agenda): every committee starts with these.
DEFAULT_SECTIONS = (
    ("A", "Committee business", False),
    ("B", "Matters for discussion or decision", False),
    ("C", "Matters for information", False),
    ("D", "Restricted items", True),
)
# The KCSP agenda of 14 July 2022 starts A1 Introduction, A2 Apologies, A3 Declarations of Interest, A4 Notes of
# the last meeting (a report: the draft notes go in the pack for approval).
DEFAULT_STANDARD_ITEMS = (
    ("A", "Introduction", "procedural", False),
    ("A", "Apologies", "procedural", False),
    ("A", "Declarations of Interest", "procedural", False),
    ("A", "Notes of the last meeting", "report", True),
)


class CommitteeSection(models.Model):
    """One lettered section of a committee's agendas ("C. Matters for information"); items are coded by it (C4)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="agenda_sections")
    letter = models.CharField(max_length=1, choices=SECTION_LETTERS, help_text="Sections print in letter order.")
    heading = models.CharField(max_length=200, help_text="For example: Matters for information")
    restricted = models.BooleanField(
        "restricted section",
        default=False,
        help_text="Every item in it is restricted: the heading carries the statement that the press and public "
        "are excluded.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "letter"], name="committee_section_letter_unique"),
            models.CheckConstraint(condition=Q(letter__regex=r"^[A-Z]$"), name="committee_section_letter_capital"),
        ]

    def __str__(self):
        return f"{self.letter}. {self.heading}"


class StandardItem(models.Model):
    """An item every new agenda of the committee starts with (A1 Introduction …); copied, then an ordinary item."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="standard_items")
    section = models.CharField(max_length=1, choices=SECTION_LETTERS)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    kind = models.CharField(
        max_length=20,
        choices=AgendaItem.Kind.choices,
        default=AgendaItem.Kind.PROCEDURAL,
    )
    is_notes_of_last_meeting = models.BooleanField(
        "the notes of the last meeting",
        default=False,
        help_text='Its title on each agenda names the date of the last meeting: "Notes of meeting held on 24 March '
        '2022".',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "section", "position", "pk"]

    def __str__(self):
        return f"{self.section} {self.title}"

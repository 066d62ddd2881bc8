"""Lessons shared from reviews, and the link from a restricted agenda item to the cases it reports on."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..gate import DhrContent
from .cases import Case


class LessonEvent(DhrContent, models.Model):
    """A seminar, webinar or briefing that shares the lessons of one or more reviews."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", "Seminar or webinar"
        BRIEFING = "briefing", "Briefing"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEMINAR)
    held_on = models.DateField()
    audience = models.CharField(max_length=300, help_text="Who it was for, for example frontline practitioners.")
    attendance = models.PositiveIntegerField(null=True, blank=True, help_text="How many attended; blank if not known.")
    cases = models.ManyToManyField(Case, related_name="lesson_events", blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%-d %B %Y})"


class AgendaLink(DhrContent, models.Model):
    """A restricted (DHR) agenda item's cases, and whether its pack carries the generated DHR update paper."""

    item = models.OneToOneField(
        "meetings.AgendaItem",
        on_delete=models.CASCADE,
        related_name="dhr_link",
        limit_choices_to=Q(restriction_reason="dhr"),  # restricted for a DHR, in whatever section
    )
    cases = models.ManyToManyField(Case, related_name="agenda_links", blank=True)
    include_update_paper = models.BooleanField(
        "Add the DHR update paper to the DHR pack",
        default=True,
        help_text="A paper listing every open case with its stage, due dates and overdue agency actions.",
    )
    history = HistoricalRecords(m2m_fields=[cases])

    def __str__(self):
        return f"DHR link for {self.item}"

"""Papers (reports) for agenda items, written in the app or uploaded, with their appendices."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent
from kcsp import markup

from .. import access
from .meetings import AgendaItem


def private_upload_to(instance, filename: str) -> str:
    """A random stored name: the user's file name is kept apart and never used as a path."""
    return f"papers/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def split_paragraphs(text: str) -> list[str]:
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


class PaperQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.item_q(user, "item__"))


class Paper(DhrContent, models.Model):
    dhr_item_path = "item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    class Format(models.TextChoices):
        WRITTEN = "written", "Written in the app"
        UPLOADED = "uploaded", "Uploaded file"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    format = models.CharField(max_length=10, choices=Format.choices)
    subject = models.CharField(max_length=300)
    authors = models.TextField(
        "by", blank=True, help_text="One author per line, for example: Shafick Peerbux - Head of Community Safety, KCC"
    )
    addressed_to = models.CharField("to", max_length=300, blank=True)
    classification = models.CharField(max_length=20, choices=AgendaItem.Purpose.choices, blank=True)
    summary = models.TextField(blank=True)
    recommendations = models.TextField(
        blank=True, help_text="One recommendation per paragraph (leave a blank line between them)."
    )
    contact = models.TextField("for further information", blank=True)
    file = models.FileField(upload_to=private_upload_to, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    extracted_text = models.TextField(blank=True, editable=False, help_text="The uploaded file's text, for search.")
    untagged = models.BooleanField(
        default=False,
        editable=False,
        help_text="The uploaded PDF has no structure tags (meetings/packbuild/tags.py): screen-reader users cannot "
        "read it. Word files never: they are converted tagged.",
    )
    is_supplementary = models.BooleanField(default=False, help_text="Added after the agenda was published.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(format="uploaded") & ~Q(file="")) | (Q(format="written") & Q(file="")),
                name="uploaded_papers_have_a_file_written_papers_none",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("meetings:paper_detail", args=[self.pk])

    @property
    def recommendation_list(self) -> list[str]:
        return split_paragraphs(self.recommendations)

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]


class PaperSection(DhrContent, models.Model):
    """A numbered section of a written paper; its body is markup (kcsp/markup.py), its paragraphs numbered 1.1 …"""

    dhr_item_path = "paper__item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Leave a blank line between paragraphs: each is numbered. Headings, lists, tables, bold, "
        "italic and links are written as the guide below shows."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["paper", "position"]
        constraints = [models.UniqueConstraint(fields=["paper", "position"], name="paper_section_position_unique")]

    def __str__(self):
        return f"{self.position}.0 {self.heading}"

    @property
    def blocks(self) -> list[markup.Block]:
        """The body rendered (kcsp/markup.py): top-level paragraphs numbered 1.1, 1.2 …, headings, lists, tables."""
        return markup.render_blocks(self.body, section=self.position)


class Appendix(DhrContent, models.Model):
    """A document attached to a paper, lettered A, B, C … in the order added."""

    dhr_item_path = "paper__item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="appendices")
    letter = models.CharField(max_length=2)
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=private_upload_to)
    original_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=10)
    extracted_text = models.TextField(blank=True, editable=False, help_text="The uploaded file's text, for search.")
    untagged = models.BooleanField(
        default=False,
        editable=False,
        help_text="The uploaded PDF has no structure tags (meetings/packbuild/tags.py): screen-reader users cannot "
        "read it. Word files never: they are converted tagged.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["paper", "letter"]
        verbose_name_plural = "appendices"
        constraints = [models.UniqueConstraint(fields=["paper", "letter"], name="appendix_letter_unique")]

    def __str__(self):
        return f"Appendix {self.letter}: {self.title}"

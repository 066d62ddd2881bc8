"""A member's private notes on the papers they read in the pack reader (meetings/annotations.py holds the rules)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dhr.gate import DhrContent

from .. import access
from .papers import Appendix, Paper


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the writer's own notes, and only on papers they may still see: nobody else, officers and
        administrators included, reads them in the product; a note on a restricted paper goes from view when the
        writer's access to the paper ends."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(user=user) & access.item_q(user, "paper__item__"))


class Annotation(DhrContent, models.Model):
    """A highlight of quoted text, with an optional note, on one page of a paper (or of one of its appendices).

    Anchored to the paper, not the pack page: `page_offset` counts pages from the first page of the paper (or
    appendix) as it prints, and `quote` with `prefix` and `suffix` find the text again after any rebuild.
    `paper_fingerprint` is the paper's content when the note was written (annotations.paper_fingerprint): when it
    differs the note is shown flagged "this paper has changed since you wrote this". Private working notes, not a
    record of the partnership: no history is kept, and only the writer's own subject-access package carries them.
    """

    dhr_item_path = "paper__item"  # loading a note on a DHR paper marks the request (dhr/gate.py)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="annotations")
    appendix = models.ForeignKey(Appendix, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations")
    page_offset = models.PositiveIntegerField(default=0, help_text="Pages from the paper's (or appendix's) first page.")
    quote = models.TextField(max_length=2000, help_text="The highlighted text, as the reader selected it.")
    prefix = models.CharField(max_length=64, blank=True, help_text="Text just before the quote, to tell repeats apart.")
    suffix = models.CharField(max_length=64, blank=True, help_text="Text just after the quote.")
    note = models.TextField(max_length=5000, blank=True)
    paper_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["paper", "appendix", "page_offset", "created_at"]
        indexes = [models.Index(fields=["user", "paper"], name="annotation_user_paper")]

    def __str__(self):
        return f"Note on {self.paper_id} by {self.user_id}"

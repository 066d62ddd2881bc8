"""The signed record of a meeting's minutes: its frozen content, the PDF made from it at signing, and errata.

Once the chair signs, the content of each part of the minutes (public, restricted, DHR) is written here as
JSON (meetings/record.py builds it) and its PDF rendered from that JSON. The first file and its SHA-256 are kept
for good; a later rendition (for example with accessibility tags) is made only from the same JSON. The
database refuses changes to the content and the first file (migration 0009's triggers).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from dhr.gate import DhrContent, dhr_record_loaded
from kcsp.marking import restricted_noted
from kcsp.models import Person

from .. import access
from .meetings import Meeting
from .minutes import Minute, minutes_q


class SignedMinutesQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The signed parts this user may read: the meeting visible to them, and the part's kind open to them
        (access.record_kinds_q: restricted as the restricted pack, DHR only to the cleared with a code)."""
        return self.filter(access.meeting_q(user, "meeting__"), access.record_kinds_q(user))


class SignedMinutes(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", "Minutes"
        RESTRICTED = "restricted", "Minutes of restricted items"
        DHR = "dhr", "Minutes of Domestic Homicide Review items"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="signed_minutes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content = models.JSONField(help_text="The frozen record, as signed (meetings/record.py).")
    content_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    first_pdf = models.FileField(upload_to="minutes/signed/", blank=True)
    first_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="minutes/renditions/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    rendition_reason = models.CharField(max_length=200, blank=True)

    objects = SignedMinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind"]
        verbose_name_plural = "signed minutes"
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="one_signed_record_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Loading the signed record of DHR minutes marks the request for the DHR access log (dhr/gate.py); that
        of restricted minutes marks the page OFFICIAL-SENSITIVE (kcsp/marking.py)."""
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("kind") == cls.Kind.RESTRICTED:
            restricted_noted(f"Signed restricted minutes of meeting {instance.__dict__.get('meeting_id')}")
        if instance.__dict__.get("kind") == cls.Kind.DHR:
            dhr_record_loaded(f"Signed DHR minutes of meeting {instance.__dict__.get('meeting_id')}")
        return instance


class ErratumQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Errata this user may read: one on a minute only to those who may read that minute (a restricted or DHR
        item's rule, meetings.models.minutes.minutes_q); one on the minutes as a whole to whoever sees the
        meeting."""
        on_minutes_as_a_whole = models.Q(minute__isnull=True) & access.meeting_q(user, "meeting__")
        on_minute = models.Q(minute__isnull=False) & minutes_q(user, "minute__")
        return self.filter(on_minutes_as_a_whole | on_minute)


class Erratum(DhrContent, models.Model):
    """A correction to signed minutes: a separate dated, reasoned and signed note shown with them, never an edit."""

    dhr_item_path = "minute__item"  # loading a row of a DHR item marks the request (dhr/gate.py)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="errata")
    minute = models.ForeignKey(Minute, on_delete=models.PROTECT, null=True, blank=True, related_name="errata")
    text = models.TextField("correction")
    reason = models.TextField()
    made_on = models.DateField()
    signed_by_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_by_name = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ErratumQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "made_on", "pk"]
        verbose_name_plural = "errata"

    def __str__(self):
        return f"Erratum of {self.made_on:%-d %B %Y} to the minutes of {self.meeting}"

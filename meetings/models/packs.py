"""Agenda packs: the built PDFs of a meeting, their build status, and who downloaded restricted ones."""

import uuid

from django.db import models

from .meetings import Meeting


def pack_upload_to(instance, filename: str) -> str:
    return f"packs/{instance.meeting_id}/{instance.kind}-{uuid.uuid4().hex}.pdf"


class Pack(models.Model):
    """One kind of pack for one meeting. `file` is always the last good build; a build never overwrites it
    until the new file is complete (write then swap)."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "Agenda pack"
        SUPPLEMENTARY = "supplementary", "Supplementary pack"
        RESTRICTED = "restricted", "Restricted pack"
        DHR = "dhr", "Restricted pack: Domestic Homicide Reviews"
        MINUTES = "minutes", "Approved minutes"

    class Status(models.TextChoices):
        NONE = "none", "Not built"
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NONE)
    progress = models.CharField(max_length=100, blank=True)
    failure = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    build_started_at = models.DateTimeField(null=True, blank=True)
    build_claim = models.CharField(max_length=64, blank=True, help_text="The task building it now.")
    awaiting_broker = models.BooleanField(
        default=False, help_text="Requested while the broker was down: sent again when it is back."
    )
    file = models.FileField(upload_to=pack_upload_to, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "kind"]
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="one_pack_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting}"

    @property
    def is_restricted(self) -> bool:
        return self.kind in (self.Kind.RESTRICTED, self.Kind.DHR)

    @property
    def has_file(self) -> bool:
        return bool(self.file)

"""Agenda packs: the built PDFs of a meeting, what each holds, their withdrawals, and who downloaded restricted ones."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from kcsp.marking import restricted_noted

from .meetings import AgendaItem, Meeting
from .minutes import Minute
from .papers import Appendix, Paper


def pack_upload_to(instance, filename: str) -> str:
    return f"packs/{instance.meeting_id}/{instance.kind}-{uuid.uuid4().hex}.pdf"


class Pack(models.Model):
    """One kind of pack for one meeting. `file` is always the last good build; a build never overwrites it
    until the new file is complete (write then swap). `contents` record what the file holds and at which
    restriction (written in the transaction that swaps the file in); a withdrawn pack's file is never served
    (meetings/packbuild/manifest.py decides)."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "Agenda pack"
        SUPPLEMENTARY = "supplementary", "Supplementary pack"
        RESTRICTED = "restricted", "Restricted pack"
        DHR = "dhr", "Restricted pack: Domestic Homicide Reviews"
        # Retired: no longer built or served. The approved minutes are the signed record's public PDF
        # (SignedMinutes); /packs/minutes.pdf redirects there. Kept so rows built before that still load.
        MINUTES = "minutes", "Approved minutes"

    class Status(models.TextChoices):
        NONE = "none", "Not built"
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        REMOVED = "removed", "Removed: nothing left to put in it"

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
    contents_recorded = models.BooleanField(
        default=False, help_text="What the file holds is recorded below it (packs built before that are rebuilt)."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    page_labels = models.JSONField(
        default=list,
        blank=True,
        help_text='The pack\'s own page number of each page of the file, in order ("1", "2" … "23a"): the numbers '
        "printed at the foot and written into the PDF's /PageLabels. Empty for packs built before issue 17.",
    )
    page_plan = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where each part of the pack sat when it was first built after publication, so that a rebuild "
        "keeps every page where it was (meetings/packbuild/pages.py).",
    )
    untagged_parts = models.JSONField(
        default=list,
        blank=True,
        help_text='The parts of the built file that are not tagged PDF, in pack order: [{"key": "paper-12", "title": '
        '"B2 Working Group Update"}, …] (meetings/packbuild/tags.py; set by the build with the file). The front sheet '
        "and the accessibility statement name them.",
    )

    class Meta:
        ordering = ["meeting", "kind"]
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="one_pack_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Loading a restricted or DHR pack marks the page OFFICIAL-SENSITIVE (kcsp/marking.py)."""
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("kind") in (cls.Kind.RESTRICTED, cls.Kind.DHR):
            restricted_noted(f"Restricted pack of meeting {instance.__dict__.get('meeting_id')}")
        return instance

    @property
    def is_restricted(self) -> bool:
        return self.kind in (self.Kind.RESTRICTED, self.Kind.DHR)

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def rebuild_pending(self) -> bool:
        """A build is queued or running: once it finishes it restores a withdrawn pack (packbuild.service)."""
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def state(self) -> str:
        """The one status shown for the pack, from its real state (the packs panel and the download answer):

        "removed" (its kind has nothing left; officers only), "rebuilding" (withdrawn with a build queued or
        running), "withdrawn" (withdrawn and no build queued: by an officer's hand, or a rebuild failed; it stays
        so until an officer rebuilds), else the build status ("none", "queued", "building", "ready", "failed")."""
        if self.status == self.Status.REMOVED:
            return "removed"
        if self.is_withdrawn:
            held = self.withdrawn_by_id is not None  # withdrawn by an officer: only their rebuild ends it
            return "rebuilding" if self.rebuild_pending and not held else "withdrawn"
        return self.status

    @property
    def state_label(self) -> str:
        return {"rebuilding": "Being rebuilt", "withdrawn": "Withdrawn"}.get(self.state) or self.get_status_display()


class PackContent(models.Model):
    """One agenda item, paper, appendix or minute a built pack holds, with its item's restriction reason when
    the pack was built: together, the pack's manifest. The links go null when the thing is deleted."""

    class What(models.TextChoices):
        ITEM = "item", "Agenda item"
        PAPER = "paper", "Paper"
        APPENDIX = "appendix", "Appendix"
        MINUTE = "minute", "Minute"

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="contents")
    what = models.CharField(max_length=10, choices=What.choices)
    label = models.CharField(
        max_length=100, help_text="By code, never by title: shown to officers who may not see the item."
    )
    restriction_reason = models.CharField(max_length=20, blank=True)
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.SET_NULL, null=True, related_name="+")
    appendix = models.ForeignKey(Appendix, on_delete=models.SET_NULL, null=True, related_name="+")
    minute = models.ForeignKey(Minute, on_delete=models.SET_NULL, null=True, related_name="+")
    first_page = models.PositiveIntegerField(
        null=True, blank=True, help_text="The first page of the file (1-based, as stored) holding it; None: none."
    )
    last_page = models.PositiveIntegerField(null=True, blank=True, help_text="Its last page of the file (1-based).")

    class Meta:
        ordering = ["pack", "pk"]

    def __str__(self):
        return f"{self.pack}: {self.label}"


class PackWithdrawal(models.Model):
    """Each time a pack stopped being served: by an officer (`by`) or automatically on a change of visibility."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="withdrawals")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.pack} withdrawn {self.at:%Y-%m-%d %H:%M}: {self.reason}"


class PackRead(models.Model):
    """The "last read" marker: when one person last opened or downloaded one pack (meetings/pack_reads.py).

    One row per user and pack, moved forward by `pack_read_mark` each time the person opens the pack through the
    download path (and, from issue 17, the in-page reader). A pack built after the marker (`Pack.built_at >
    read_at`), or with no marker, is "new since I last looked" on the member's home page. A reading record, not a
    record users edit, so it keeps no history: the time of the last reading is all it says."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pack_reads")
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)
    last_page = models.PositiveIntegerField(
        null=True, blank=True, help_text="The page of the file (1-based) the reader last showed them: where to resume."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "pack"], name="one_pack_read_per_user")]

    def __str__(self):
        return f"{self.user} read {self.pack} at {self.read_at:%Y-%m-%d %H:%M}"

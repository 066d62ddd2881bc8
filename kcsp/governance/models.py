"""Retention rules, legal holds, disposal lists and records, subject-access packages (issue 20).

A RetentionRule per record type (kcsp.datamap.RETENTION_KEYS) says how long, from which date (`trigger`) and what
happens at the end (`action`), with the legal or guidance `source` as text. The monthly beat task writes a
DisposalList of DisposalCandidates (records past their period, none under an active LegalHold); the data
protection officer approves candidates in batches and the one disposal service (kcsp.governance.disposal) deletes
or anonymises each, leaving a DisposalRecord that holds no personal data. A SubjectAccessPackage is a ZIP made
for the data protection officer; making and each download are recorded.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kcsp.datamap import RETENTION_KEYS
from kcsp.marking import restricted_noted

RECORD_TYPES = list(RETENTION_KEYS.items())
DHR_RECORD_TYPES = ("dhr_case", "dhr_access_log")


class MarkedWhenDhr:
    """A governance row naming DHR material (its `is_dhr`, or a DHR record type) marks the page it is loaded on
    OFFICIAL-SENSITIVE with the handling line (kcsp/marking.py), whichever view loads it."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("is_dhr") or instance.__dict__.get("record_type") in DHR_RECORD_TYPES:
            restricted_noted(f"DHR {instance._meta.verbose_name} {instance.pk}")
        return instance


def package_upload_to(instance, filename: str) -> str:
    """A random stored name: the subject's name never becomes a path."""
    return f"subject-access/{uuid.uuid4().hex}.zip"


class Action(models.TextChoices):
    """What happens to a record at the end of its period."""

    KEEP = "keep", "Keep permanently"
    ARCHIVE = "archive", "Archive"
    REVIEW = "review", "Review"
    ANONYMISE = "anonymise", "Anonymise"
    DELETE = "delete", "Delete"


class Trigger(models.TextChoices):
    """The date a record's period runs from; each record type allows some (kcsp.governance.record_types)."""

    CREATED = "created", "The date the record was made"
    MEETING = "meeting", "The date of the meeting"
    LAST_ACTIVITY = "last_activity", "The last sign-in or change"
    MEMBERSHIP_END = "membership_end", "The end of the membership or term"
    PLAN_END = "plan_end", "The end of the plan's period"
    YEAR_END = "year_end", "The end of the financial year"
    DECISION = "decision", "The decision on the bid"
    CASE_CLOSED = "case_closed", "The case's closure (report published or review ended)"
    SENT = "sent", "The date it was sent or recorded"
    ENDED = "ended", "The date it expired or was revoked"


class RetentionRule(models.Model):
    """One rule per record type. `period_months` is None only when the action is "keep permanently"."""

    record_type = models.CharField(max_length=40, unique=True, choices=RECORD_TYPES)
    period_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="In months: 72 is six years. Leave blank to keep permanently."
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    action = models.CharField(max_length=20, choices=Action.choices)
    source = models.TextField(help_text="The law or guidance the rule follows, as text.")
    confirm_with_dpo = models.BooleanField(
        default=False, help_text="The default could not be checked against its source: your DPO should confirm it."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["record_type"]

    def __str__(self):
        return f"Retention rule: {self.get_record_type_display()}"

    @property
    def period_text(self) -> str:
        """ "6 years", "18 months", "Permanently"."""
        if self.period_months is None:
            return "Permanently"
        years, months = divmod(self.period_months, 12)
        if months == 0:
            return f"{years} year{'s' if years != 1 else ''}"
        return f"{self.period_months} month{'s' if self.period_months != 1 else ''}"


class LegalHold(MarkedWhenDhr, models.Model):
    """A hold on one record or case: while it is active (`lifted_at` empty) the record is never listed for
    disposal nor disposed of."""

    record_type = models.CharField(max_length=40, choices=RECORD_TYPES)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="The record's title or pseudonym when the hold was placed.")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["record_type", "object_id"])]

    def __str__(self):
        return f"Legal hold on {self.label}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DisposalList(models.Model):
    """The records found past their period on one run of the monthly task (or a run the DPO asked for)."""

    made_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField(help_text="Periods were counted to this date.")

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"Disposal list of {self.as_of:%-d %B %Y}"


class DisposalCandidate(MarkedWhenDhr, models.Model):
    """One record on a disposal list, waiting for the DPO's decision."""

    class Status(models.TextChoices):
        LISTED = "listed", "Waiting for review"
        APPROVED = "approved", "Approved"
        DISPOSED = "disposed", "Disposed of"
        HELD = "held", "Stopped by a legal hold"
        KEPT = "kept", "Kept after review"
        FAILED = "failed", "Could not be disposed of"

    disposal_list = models.ForeignKey(DisposalList, on_delete=models.CASCADE, related_name="candidates")
    record_type = models.CharField(max_length=40, choices=RECORD_TYPES)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="Title or pseudonym: never a DHR case's real names.")
    due_on = models.DateField(help_text="The day its period ended.")
    action = models.CharField(max_length=20, choices=Action.choices)
    is_dhr = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LISTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "record_type", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disposal_list", "record_type", "object_id"], name="governance_candidate_once_per_list"
            )
        ]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.label}"

    @property
    def approved_action(self) -> str:
        """The Action approval carries out (record_types.RecordType.approved_action: a "review" rule's record is
        deleted, or anonymised where it cannot be deleted)."""
        from .record_types import record_type

        try:
            return record_type(self.record_type).approved_action(self.action)
        except KeyError:
            return self.action

    @property
    def outcome_text(self) -> str:
        """What approval does, as the confirmation page says it: "Deleted", "Anonymised", "Deleted after review",
        "Recorded as archived (the transfer to an archive is outside the system)"."""
        action = self.approved_action
        text = {
            Action.DELETE: "Deleted",
            Action.ANONYMISE: "Anonymised",
            Action.ARCHIVE: "Recorded as archived (the transfer to an archive is outside the system)",
        }.get(action, "Kept")
        return f"{text} after review" if self.action == Action.REVIEW and action != Action.KEEP else text


class DisposalRecord(MarkedWhenDhr, models.Model):
    """What was disposed of, under which rule, approved by whom and when. Holds no personal data of the record:
    its label is a title or a pseudonym, never a person's name (a person is "Person 42")."""

    record_type = models.CharField(max_length=40, choices=RECORD_TYPES)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)
    action = models.CharField(max_length=20, choices=Action.choices)
    rule = models.CharField(max_length=300, help_text="The rule as it stood: period, trigger and source.")
    approved_by = models.CharField(max_length=150, help_text="The approver's user name.")
    approved_at = models.DateTimeField()
    disposed_at = models.DateTimeField(default=timezone.now)
    files_removed = models.PositiveIntegerField(default=0)
    history_rows_removed = models.PositiveIntegerField(default=0)
    search_documents_removed = models.PositiveIntegerField(default=0)
    is_dhr = models.BooleanField(default=False)

    class Meta:
        ordering = ["-disposed_at", "-pk"]

    def __str__(self):
        return f"Disposed of: {self.get_record_type_display()} {self.label}"


class SubjectAccessPackage(models.Model):
    """A subject-access ZIP (HTML index and JSON) made by the data protection officer for one person or e-mail
    address. Each download is a kcsp.FileDownload row (through kcsp.downloads.file_send)."""

    subject_person = models.ForeignKey(
        "kcsp.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_email = models.EmailField("e-mail address", blank=True)
    subject_label = models.CharField(max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=package_upload_to, blank=True)
    counts = models.JSONField(default=dict, help_text="Records found, by section.")
    dhr_cases_for_review = models.JSONField(default=list, help_text="Pseudonyms of DHR cases naming the person.")

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"Subject-access package {self.pk} ({self.made_at:%-d %B %Y})"

    @classmethod
    def from_db(cls, db, field_names, values):
        """A package gathers a person's records, restricted ones among them: its pages are marked (kcsp/marking.py)."""
        instance = super().from_db(db, field_names, values)
        restricted_noted(f"Subject-access package {instance.pk}")
        return instance

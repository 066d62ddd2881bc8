"""The governance app's own record types for retention (kcsp/governance/record_types.py): subject-access packages
("subject_access") and legal holds with disposal lists ("governance").

Disposal records (DisposalRecord) are never disposed of: they hold no personal data and are the trace of every
disposal. A package is labelled "Subject-access package 12", never by the person it is about.
"""

import datetime

from django.db.models.functions import TruncDate

from .erase import due_rows, history_erase, rows_delete
from .models import Action, DisposalCandidate, DisposalList, LegalHold, SubjectAccessPackage, Trigger
from .record_types import DisposalRefused, Disposed, Due, RecordType, register
from .typebase import REMOVED, SECOND_OFFSET, ModelRecordType


class PackageRecords(ModelRecordType):
    """A subject-access package from the day it was made. delete removes the row, its ZIP from storage and the
    download records of it."""

    key = "subject_access"
    model = SubjectAccessPackage
    triggers = (Trigger.CREATED,)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)

    def trigger_on(self, trigger):
        return TruncDate("made_at")

    def label_of(self, values):
        return f"Subject-access package {values['pk']}"

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


class GovernanceRecords(RecordType):
    """Legal holds lifted (object id: the hold's id), from the day they were lifted, and disposal lists
    (SECOND_OFFSET + the list's id), from the day they were made. Holds still active are never listed. delete
    removes a hold with its history, or a list with its candidates and their history; disposal records stay."""

    key = "governance"
    triggers = (Trigger.ENDED,)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)

    def due(self, rule, as_of: datetime.date) -> list[Due]:
        holds = due_rows(
            LegalHold.objects.filter(lifted_at__isnull=False),
            trigger=TruncDate("lifted_at"),
            months=rule.period_months,
            as_of=as_of,
        )
        lists = due_rows(
            DisposalList.objects.all(), trigger=TruncDate("made_at"), months=rule.period_months, as_of=as_of
        )
        found = [Due(pk, f"Legal hold {pk} (lifted)", due_on) for pk, due_on in holds.values_list("pk", "due_on")]
        for pk, due_on, made in lists.values_list("pk", "due_on", "as_of"):
            found.append(Due(SECOND_OFFSET + pk, f"Disposal list {pk} of {made:%-d %B %Y}", due_on))
        return sorted(found, key=lambda due: (due.due_on, due.object_id))

    def label(self, object_id: int) -> str:
        if object_id > SECOND_OFFSET:
            pk = object_id - SECOND_OFFSET
            made = DisposalList.objects.filter(pk=pk).values_list("as_of", flat=True).first()
            return f"Disposal list {pk} of {made:%-d %B %Y}" if made else REMOVED
        return f"Legal hold {object_id} (lifted)" if LegalHold.objects.filter(pk=object_id).exists() else REMOVED

    def dispose(self, object_id: int, action: str) -> Disposed:
        if action not in self.actions:
            raise DisposalRefused(f"Legal holds and disposal lists cannot be disposed of with the action {action!r}.")
        if action != Action.DELETE:
            return Disposed()
        if object_id > SECOND_OFFSET:
            pk = object_id - SECOND_OFFSET
            candidates = list(DisposalCandidate.objects.filter(disposal_list_id=pk).values_list("pk", flat=True))
            DisposalList.objects.filter(pk=pk).delete()
            return Disposed(history_rows_removed=history_erase(DisposalCandidate, candidates))
        if LegalHold.objects.filter(pk=object_id, lifted_at__isnull=True).exists():
            raise DisposalRefused("The legal hold is still in force: lift it first.")
        return rows_delete(LegalHold.objects.filter(pk=object_id))


register(PackageRecords())
register(GovernanceRecords())

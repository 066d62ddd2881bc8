"""Packs with their reads and download records ("pack"), readers' private annotations ("annotation"), and
committee memberships and office terms ("membership")."""

import datetime

from django.db.models import F
from django.db.models.functions import TruncDate

from kcsp.governance.erase import due_rows, rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, Disposed, Due, register
from kcsp.governance.typebase import REMOVED, SECOND_OFFSET, ModelRecordType
from meetings import access
from meetings.models import Annotation, Membership, OfficeTerm, Pack

from .common import meeting_day, meeting_label


class PackRecords(ModelRecordType):
    """A built pack of a meeting with its file, readers' kept copies, reads, withdrawals and download records.

    delete removes all of them (the papers stay: an officer can build the pack again from them)."""

    key = "pack"
    model = Pack
    triggers = (Trigger.MEETING, Trigger.CREATED)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)
    label_values = {
        "l_kind": F("kind"),
        "l_committee": F("meeting__committee__name"),
        "l_starts": F("meeting__starts_at"),
    }

    def trigger_on(self, trigger):
        if trigger == Trigger.CREATED:
            return TruncDate("built_at")
        return meeting_day("meeting__")

    def label_of(self, values):
        return f"{Pack.Kind(values['l_kind']).label}: {meeting_label(values)}"

    def is_dhr_of(self, values):
        return values["l_kind"] == Pack.Kind.DHR

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


class AnnotationRecords(ModelRecordType):
    """A reader's private note on a paper (no history is kept of them). delete removes it."""

    key = "annotation"
    model = Annotation
    triggers = (Trigger.LAST_ACTIVITY, Trigger.CREATED)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)
    label_values = {"l_reason": F("paper__item__restriction_reason")}

    def trigger_on(self, trigger):
        return TruncDate("created_at" if trigger == Trigger.CREATED else "updated_at")

    def label_of(self, values):
        return f"Private annotation {values['pk']}"

    def is_dhr_of(self, values):
        return values["l_reason"] == access.DHR_REASON

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


class MembershipRecords(ModelRecordType):
    """Committee memberships (object id: the membership's id) and office terms (SECOND_OFFSET + the term's id),
    from the end of the membership or term. delete removes the row with its history. A membership still open has
    no end date and is never listed."""

    key = "membership"
    model = Membership
    triggers = (Trigger.MEMBERSHIP_END,)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)

    def _split(self, object_id: int):
        if object_id > SECOND_OFFSET:
            return OfficeTerm, object_id - SECOND_OFFSET
        return Membership, object_id

    @staticmethod
    def _label(model, pk: int, committee: str, office: str = "") -> str:
        if model is OfficeTerm:
            return f"Office term {pk} ({OfficeTerm.Office(office).label}) of {committee}"
        return f"Membership {pk} of {committee}"

    def due(self, rule, as_of: datetime.date) -> list[Due]:
        found = []
        for model, offset, extra in ((Membership, 0, {}), (OfficeTerm, SECOND_OFFSET, {"l_office": F("office")})):
            rows = due_rows(
                model._base_manager.all(), trigger=F("ends_on"), months=rule.period_months, as_of=as_of
            ).values("pk", "due_on", l_committee=F("committee__name"), **extra)
            for row in rows:
                label = self._label(model, row["pk"], row["l_committee"], row.get("l_office", ""))
                found.append(Due(offset + row["pk"], label, row["due_on"]))
        return sorted(found, key=lambda due: (due.due_on, due.object_id))

    def label(self, object_id: int) -> str:
        model, pk = self._split(object_id)
        extra = {"l_office": F("office")} if model is OfficeTerm else {}
        row = model._base_manager.filter(pk=pk).values("pk", l_committee=F("committee__name"), **extra).first()
        return self._label(model, pk, row["l_committee"], row.get("l_office", "")) if row else REMOVED

    def dispose(self, object_id: int, action: str) -> Disposed:
        if action not in self.actions:
            raise DisposalRefused(f"Memberships cannot be disposed of with the action {action!r}.")
        if action != Action.DELETE:
            return Disposed()
        model, pk = self._split(object_id)
        return rows_delete(model._base_manager.filter(pk=pk))


register(PackRecords())
register(AnnotationRecords())
register(MembershipRecords())

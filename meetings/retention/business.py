"""Meetings and agendas ("meeting") and papers ("paper")."""

from django.db.models import Exists, F, OuterRef, Q

from kcsp.governance.erase import history_date, pack_caches_erase, rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, Disposed, register
from kcsp.governance.typebase import ModelRecordType
from meetings import access
from meetings.models import AgendaItem, Meeting, Pack, Paper

from .common import REFUSED_PUBLIC, REFUSED_SIGNED, is_signed, meeting_day, meeting_label, published_public_q, signed_q

CONTACT_ANONYMISED = "Democratic Services"


class MeetingRecords(ModelRecordType):
    """A meeting with its agenda: items, papers, packs, attendance, declarations, minutes, status changes.

    delete: the meeting and all that hangs from it (files, packs and readers' kept copies, search documents,
    history, download records of its packs and papers). Refused, and never listed, when its minutes are signed
    (the frozen public record) or its published agenda carries public papers (the public record): those are kept.
    anonymise: the contact officer's name becomes "Democratic Services", their telephone and e-mail are blanked,
    and the history rows holding the old values go; the signatory's name of signed minutes is part of the signed
    record and stays."""

    key = "meeting"
    model = Meeting
    triggers = (Trigger.MEETING, Trigger.CREATED)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.ANONYMISE, Action.DELETE)

    @property
    def label_values(self):
        """A meeting with a DHR item is DHR material: deleting it deletes the item's DHR papers, so it is listed
        only to a DHR-cleared DPO with a code (as its minutes, attendance and declarations are)."""
        dhr_items = AgendaItem._base_manager.filter(meeting_id=OuterRef("pk"), restriction_reason=access.DHR_REASON)
        return {"l_committee": F("committee__name"), "l_starts": F("starts_at"), "l_dhr": Exists(dhr_items)}

    def is_dhr_of(self, values):
        return bool(values.get("l_dhr"))

    def _has_public_record(self):
        return Q(pk__in=Paper._base_manager.filter(published_public_q()).values("item__meeting_id"))

    def listable(self, action):
        if action == Action.DELETE:
            return self.rows().exclude(signed_q()).exclude(self._has_public_record())
        return self.rows()

    def trigger_on(self, trigger):
        if trigger == Trigger.CREATED:
            return history_date(Meeting, first=True)
        return meeting_day()

    def label_of(self, values):
        return meeting_label(values)

    def refuse(self, object_id, action):
        if action == Action.DELETE:
            if is_signed(object_id):
                raise DisposalRefused(REFUSED_SIGNED)
            if self.rows().filter(self._has_public_record(), pk=object_id).exists():
                raise DisposalRefused(REFUSED_PUBLIC)

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))

    def anonymise(self, object_id):
        from kcsp.governance.erase import history_erase
        from search.indexing import documents_refresh_rows

        self.rows().filter(pk=object_id).update(contact_name=CONTACT_ANONYMISED, contact_phone="", contact_email="")
        documents_refresh_rows(model=Meeting, pks=[object_id])
        return Disposed(history_rows_removed=history_erase(Meeting, [object_id]))


class PaperRecords(ModelRecordType):
    """A paper with its sections, appendices (files), readers' annotations and search document.

    Papers published on a public agenda (a public item of a meeting whose agenda was published) are the public
    record: for them only keep, archive and review apply; a rule that deletes papers never lists them and
    disposing of one is refused. Restricted, DHR and unpublished papers are deleted with their files, their
    packs' readers' copies (the packs holding them are withdrawn by the deletion's cascade of contents), search
    documents and history. Anonymising a paper is not offered: its text cannot be rewritten safely."""

    key = "paper"
    model = Paper
    triggers = (Trigger.MEETING, Trigger.CREATED)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.DELETE)
    label_values = {"l_subject": F("subject"), "l_reason": F("item__restriction_reason")}

    def listable(self, action):
        if action == Action.DELETE:
            return self.rows().exclude(published_public_q())
        return self.rows()

    def trigger_on(self, trigger):
        if trigger == Trigger.CREATED:
            from django.db.models.functions import TruncDate

            return TruncDate("created_at")
        return meeting_day("item__meeting__")

    def label_of(self, values):
        return values["l_subject"]

    def is_dhr_of(self, values):
        return values["l_reason"] == access.DHR_REASON

    def refuse(self, object_id, action):
        if action == Action.DELETE and self.rows().filter(published_public_q(), pk=object_id).exists():
            raise DisposalRefused(REFUSED_PUBLIC)

    def delete(self, object_id):
        from meetings.packbuild.withdraw import packs_withdraw_holding

        paper = self.rows().get(pk=object_id)
        reason = "A paper in it was disposed of under the retention schedule."
        packs = packs_withdraw_holding(reason=reason, papers=[paper])
        done = rows_delete(self.rows().filter(pk=object_id))
        done.files_removed += pack_caches_erase(packs=packs)  # the built files held the paper: withdrawn, deleted
        Pack.objects.filter(pk__in=[pack.pk for pack in packs]).update(file="", page_count=None)
        return done


register(MeetingRecords())
register(PaperRecords())

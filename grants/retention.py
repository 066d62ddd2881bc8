"""The grants app's record types for retention (kcsp/governance/record_types.py): bids ("grant_bid") and their
attachments ("bid_attachment"). A bid is labelled by its reference and project title, never by its contact."""

from django.db.models import F, Max
from django.db.models.functions import Coalesce, TruncDate

from agreement.retention import financial_year_end
from kcsp.governance.erase import history_erase, rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import Disposed, register
from kcsp.governance.typebase import ModelRecordType

from .models import Bid, BidAttachment, BidStep

# A bid whose course has ended: refused, declined, completed or withdrawn. Others are never listed.
ENDED = (
    Bid.Status.DECLINED,
    Bid.Status.REJECTED,
    Bid.Status.COMMISSIONER_DECLINED,
    Bid.Status.COMPLETED,
    Bid.Status.WITHDRAWN,
)
FORMER_CONTACT = "Former contact"


def _decided_on(prefix: str = ""):
    """SQL: the day of the bid's last step (its decision, completion or withdrawal)."""
    return Max(Coalesce(f"{prefix}steps__decided_on", TruncDate(f"{prefix}steps__at")))


def _label(values) -> str:
    year = values["l_year"]
    return f"CRG {year}/{(year + 1) % 100:02d}-{values['l_number']:02d} {values['l_title']}"


class BidRecords(ModelRecordType):
    """A bid whose course has ended (ENDED), with its steps and attachments, from its decision (its last step),
    the end of its grant year or its making.

    delete: the bid, its steps, attachments (files), search document and history. anonymise: the contact's name
    becomes "Former contact" and the e-mail is blanked, the reasons given on its steps are blanked, and the history
    rows holding the old values go; the project's title, description, amounts and outcomes stay (funded bids'
    titles and amounts are published)."""

    key = "grant_bid"
    model = Bid
    triggers = (Trigger.DECISION, Trigger.YEAR_END, Trigger.CREATED)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.ANONYMISE, Action.DELETE)
    label_values = {"l_year": F("grant_year__year"), "l_number": F("number"), "l_title": F("title")}

    def listable(self, action):
        rows = self.rows().filter(status__in=ENDED)
        if action == Action.ANONYMISE:
            rows = rows.exclude(contact_name=FORMER_CONTACT)
        return rows

    def trigger_on(self, trigger):
        if trigger == Trigger.YEAR_END:
            return financial_year_end(F("grant_year__year"))
        if trigger == Trigger.CREATED:
            return TruncDate("created_at")
        return _decided_on()

    def label_of(self, values):
        return _label(values)

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))

    def anonymise(self, object_id):
        from search.indexing import documents_refresh_rows

        self.rows().filter(pk=object_id).update(contact_name=FORMER_CONTACT, contact_email="")
        steps = list(BidStep.objects.filter(bid_id=object_id).values_list("pk", flat=True))
        BidStep.objects.filter(pk__in=steps).update(reason="")
        documents_refresh_rows(model=Bid, pks=[object_id])
        return Disposed(history_rows_removed=history_erase(Bid, [object_id]) + history_erase(BidStep, steps))


class BidAttachmentRecords(ModelRecordType):
    """A file sent with a bid whose course has ended, from the end of the bid's grant (financial) year, the bid's
    decision or the upload. delete removes the file from storage with its row, download records and history."""

    key = "bid_attachment"
    model = BidAttachment
    triggers = (Trigger.YEAR_END, Trigger.DECISION, Trigger.CREATED)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)
    label_values = {
        "l_year": F("bid__grant_year__year"),
        "l_number": F("bid__number"),
        "l_title": F("title"),
    }

    def listable(self, action):
        return self.rows().filter(bid__status__in=ENDED)

    def trigger_on(self, trigger):
        if trigger == Trigger.YEAR_END:
            return financial_year_end(F("bid__grant_year__year"))
        if trigger == Trigger.CREATED:
            return TruncDate("uploaded_at")
        return _decided_on("bid__")

    def label_of(self, values):
        return _label(values)

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


register(BidRecords())
register(BidAttachmentRecords())

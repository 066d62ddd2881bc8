"""The notifications app's record type for retention (kcsp/governance/record_types.py): notices sent
("notification"), kept per calendar month (kcsp.governance.typebase.MonthRecordType). Notice preferences go with
the account they belong to (kcsp.retention.account_close, when a person is anonymised or deleted).

A SentNotice row is also what stops the same notice being sent twice for its period: delete a month only once
no task will look at that period again (the default period is years, well past any reminder's window)."""

from kcsp.governance.models import Trigger
from kcsp.governance.record_types import register
from kcsp.governance.typebase import MonthRecordType

from .models import SentNotice


class NotificationRecords(MonthRecordType):
    """The notices sent in one calendar month (who to, about what, when). delete removes them."""

    key = "notification"
    noun = "Notices sent"
    triggers = (Trigger.SENT,)  # counted from the end of the month they were sent in

    def sources(self):
        return [(SentNotice.objects.all(), "sent_at")]


register(NotificationRecords())

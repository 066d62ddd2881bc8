"""The api app's record type for retention (kcsp/governance/record_types.py): API tokens and calendar feeds
("api_token"), from the day they were revoked. Tokens and feeds in use are never listed. The object id of an API
token is its id; of a calendar feed, SECOND_OFFSET + its id (kcsp.governance.typebase)."""

import datetime

from django.db.models.functions import TruncDate

from kcsp.governance.erase import due_rows, rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, Disposed, Due, RecordType, register
from kcsp.governance.typebase import REMOVED, SECOND_OFFSET

from .models import ApiToken, CalendarFeed


class TokenRecords(RecordType):
    """A revoked API token or calendar feed. delete removes the row and its history (the token's digest and the
    feed's address with it)."""

    key = "api_token"
    triggers = (Trigger.ENDED,)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)

    def _split(self, object_id: int):
        return (CalendarFeed, object_id - SECOND_OFFSET) if object_id > SECOND_OFFSET else (ApiToken, object_id)

    @staticmethod
    def _label(model, pk: int) -> str:
        return f"Calendar feed {pk}" if model is CalendarFeed else f"API token {pk}"

    def due(self, rule, as_of: datetime.date) -> list[Due]:
        found = []
        for model, offset in ((ApiToken, 0), (CalendarFeed, SECOND_OFFSET)):
            rows = due_rows(
                model.objects.filter(revoked_at__isnull=False),
                trigger=TruncDate("revoked_at"),
                months=rule.period_months,
                as_of=as_of,
            )
            found += [
                Due(offset + pk, self._label(model, pk), due_on) for pk, due_on in rows.values_list("pk", "due_on")
            ]
        return sorted(found, key=lambda due: (due.due_on, due.object_id))

    def label(self, object_id: int) -> str:
        model, pk = self._split(object_id)
        return self._label(model, pk) if model.objects.filter(pk=pk).exists() else REMOVED

    def dispose(self, object_id: int, action: str) -> Disposed:
        if action not in self.actions:
            raise DisposalRefused(f"API tokens and calendar feeds cannot be disposed of with the action {action!r}.")
        if action != Action.DELETE:
            return Disposed()
        model, pk = self._split(object_id)
        if model.objects.filter(pk=pk, revoked_at__isnull=True).exists():
            raise DisposalRefused("The token or feed is still in use: revoke it first.")
        return rows_delete(model.objects.filter(pk=pk))


register(TokenRecords())

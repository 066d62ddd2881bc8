"""The dhr app's record types for retention (kcsp/governance/record_types.py): Domestic Homicide Review cases with
their files ("dhr_case") and the DHR access log ("dhr_access_log"). Both are DHR material (`is_dhr`): listed only
to a DHR-cleared data protection officer with a code. A case is labelled by its pseudonym and year
("Elizabeth/2015"), never by a real name.

Loading DHR rows (dhr/gate.py): rows loaded here pass the gate's model hooks like any other; outside a request
(the monthly task) nothing is recorded, and inside the data protection officer's request the one access-log row
the middleware writes records the disposal. The access log is append-only: the database trigger allows DELETE
only inside the disposal service's transaction, for the approved DHR candidate it is disposing of
(kcsp.governance.disposal.dhr_log_disposal; dhr migration 0006); anywhere else deleting its rows raises
DisposalRefused and changes nothing.
"""

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from kcsp.governance.erase import rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, Disposed, register
from kcsp.governance.typebase import ModelRecordType, MonthRecordType

from .models import AccessLog, Case

LOG_REFUSED = (
    "The DHR access log can only be disposed of through the disposal service (the database refused the deletion)."
)


def access_log_delete(rows) -> int:
    """Delete these AccessLog rows (a queryset) in a savepoint: DisposalRefused when the database trigger refuses
    (outside the disposal service). The model and its manager refuse deletion themselves, so the base manager's
    plain queryset is used; the trigger is the guard."""
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    try:
        with transaction.atomic():
            return AccessLog._base_manager.filter(pk__in=ids).delete()[0]
    except DatabaseError:
        raise DisposalRefused(LOG_REFUSED) from None


def _m2m_history_erase(case_id: int) -> int:
    """The many-to-many history rows (agenda links, learning events) naming the case."""
    from .models import AgendaLink, LessonEvent

    removed = 0
    for model in (AgendaLink, LessonEvent):
        m2m_history = apps.get_model("dhr", f"Historical{model.__name__}_cases")
        removed += m2m_history.objects.filter(case_id=case_id).delete()[0]
    return removed


class CaseRecords(ModelRecordType):
    """A review from its closure: the day it was closed, else the day its report was published. delete removes
    the case and everything of it: documents and the published report (files), panel, recommendations, agency
    actions and their updates, escalations, extensions, related reviews, costs, links to agenda items and learning
    events, the download records of its files, its access-log rows, and the history rows of all of them."""

    key = "dhr_case"
    model = Case
    url_name = "dhr:case_detail"  # opened through the DHR gate: the DPO's view is logged
    is_dhr = True
    triggers = (Trigger.CASE_CLOSED,)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.DELETE)
    label_values = {"l_pseudonym": F("pseudonym"), "l_year": F("year")}

    def trigger_on(self, trigger):
        return Coalesce("closed_on", "published_on")

    def label_of(self, values):
        return f"{values['l_pseudonym']}/{values['l_year']}"

    def delete(self, object_id):
        logged = access_log_delete(AccessLog._base_manager.filter(case_id=object_id))
        done = rows_delete(self.rows().filter(pk=object_id))
        done.history_rows_removed += _m2m_history_erase(object_id)
        done.history_rows_removed += logged  # the access log is the case's history of who saw it
        return done


class AccessLogRecords(MonthRecordType):
    """The DHR access log, per calendar month of its rows (the object id is the month: 202403). delete removes the
    month's rows, only through the disposal service (module docstring)."""

    key = "dhr_access_log"
    noun = "DHR access log"
    is_dhr = True

    def sources(self):
        return [(AccessLog._base_manager.all(), "at")]

    def dispose(self, object_id, action):
        if action not in self.actions:
            raise DisposalRefused(f"The DHR access log cannot be disposed of with the action {action!r}.")
        if action != Action.DELETE:
            return Disposed()
        for rows, _ in self.month_rows(object_id):
            access_log_delete(rows)
        return Disposed()


register(CaseRecords())
register(AccessLogRecords())

"""The agreement app's record types for retention (kcsp/governance/record_types.py): action plans with their
versions and progress updates ("plan") and indicators ("indicator")."""

from django.db.models import DateField, F, Func, Value
from django.db.models.functions import TruncDate

from kcsp.governance.erase import rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import register
from kcsp.governance.typebase import ModelRecordType

from .models import ActionPlan, Indicator


def financial_year_end(year_expression):
    """SQL: 31 March after the financial year starting in April of `year_expression` (a year)."""
    return Func(year_expression + Value(1), Value(3), Value(31), function="make_date", output_field=DateField())


class PlanRecords(ModelRecordType):
    """An agreement year's action plan with all its versions (and their PDFs), items and progress updates, from
    the end of the plan's financial year (31 March). delete removes them with their files, search documents and
    history; bids linked to an item lose the link. A published plan is a public document: its rule defaults to
    keep; anonymising a plan is not offered (leads are named as organisations' posts)."""

    key = "plan"
    model = ActionPlan
    triggers = (Trigger.PLAN_END, Trigger.CREATED)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.DELETE)
    label_values = {"l_year": F("agreement__year")}

    def trigger_on(self, trigger):
        if trigger == Trigger.CREATED:
            from kcsp.governance.erase import history_date

            return history_date(ActionPlan, first=True)
        return financial_year_end(F("agreement__year"))

    def label_of(self, values):
        year = values["l_year"]
        return f"Action plan {year}/{(year + 1) % 100:02d}"

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


class IndicatorRecords(ModelRecordType):
    """A retired indicator with its values, from the day it was retired (indicators in use are never listed).
    delete removes it, its values and their history."""

    key = "indicator"
    model = Indicator
    url_name = "agreement:indicator_detail"
    triggers = (Trigger.ENDED,)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.DELETE)
    label_values = {"l_name": F("name")}

    def listable(self, action):
        return self.rows().filter(retired=True)

    def trigger_on(self, trigger):
        return TruncDate("retired_at")

    def label_of(self, values):
        return values["l_name"]

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


register(PlanRecords())
register(IndicatorRecords())

"""When each OParl object was created and last modified, from the change history every write leaves.

Every model the API shows keeps django-simple-history records (one per save and delete), so `created` is the
first record's `history_date` and `modified` the last, annotated in SQL as `oparl_created` and `oparl_modified`
(two indexed subqueries per row: one query per page whatever its length). A row whose history was disposed of
(kcsp.governance) falls back to its own timestamp, or to SINCE. OParl 1.1 section 3-01: created and modified are
date-times; modified changes with every change of the object.
"""

import datetime

from django.db.models import DateTimeField, Max, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

# The day the partnership's records were first kept here: the floor for rows with no history left.
SINCE = datetime.datetime(2020, 4, 1, tzinfo=datetime.UTC)


def _history(model, aggregate):
    history = model.history.model.objects.filter(id=OuterRef("pk")).order_by().values("id")
    return Subquery(history.annotate(at=aggregate("history_date")).values("at")[:1], output_field=DateTimeField())


def with_dates(queryset: QuerySet, *, own: str | None = None, embedded: QuerySet | None = None) -> QuerySet:
    """`queryset` annotated with oparl_created and oparl_modified (aware date-times); `own` names the row's own
    last-changed field (Meeting.updated_at), counted in modified too (a change saved without history);
    `embedded` is the history of the objects embedded in each row (rows of a historical model filtered to
    OuterRef("pk")): their last change, their removal included, counts as a change of the row (OParl 2-08)."""
    model = queryset.model
    floor = Value(SINCE, output_field=DateTimeField())
    created = Coalesce(_history(model, Min), floor)
    modified = Coalesce(_history(model, Max), floor)
    if own:
        modified = Greatest(modified, own)
    if embedded is not None:
        inner = Subquery(embedded.order_by("-history_date").values("history_date")[:1], output_field=DateTimeField())
        modified = Greatest(modified, Coalesce(inner, floor))
    return queryset.annotate(oparl_created=created, oparl_modified=modified)


def parse(value: str) -> datetime.datetime:
    """An OParl filter value: a full date-time with its offset (section 2-05 "Filter"); ValueError otherwise."""
    moment = datetime.datetime.fromisoformat(value.strip().replace(" ", "+"))
    if timezone.is_naive(moment):
        raise ValueError("a date-time needs its offset, for example 2026-01-01T00:00:00+00:00")
    return moment

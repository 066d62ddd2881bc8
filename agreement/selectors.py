"""Reads for the action plan pages, with each item's latest progress status in the same query."""

import datetime

from django.db.models import OuterRef, Subquery

from .charts import Point
from .models import Indicator, PlanItem, PlanVersion, ProgressUpdate
from .models.indicators import year_earlier


def latest_status_subquery(*, public_only: bool = False):
    """The status of the item's latest update; `public_only` leaves out updates marked internal (the status a
    reader without agreement.view_internal_progress may see, as the item page and the exports do)."""
    latest = ProgressUpdate.objects.filter(item_key=OuterRef("key")).order_by("-year", "-quarter", "-created_at")
    if public_only:
        latest = latest.filter(internal=False)
    return Subquery(latest.values("status")[:1])


def plan_items(version: PlanVersion, *, include_retired: bool = False, user=None):
    """The version's items in plan order, each with `latest_status` (None before any update). Given a `user`
    who may not read internal progress, the status comes from updates not marked internal only."""
    items = version.items.all() if include_retired else version.items.current()
    public_only = user is not None and not user.has_perm("agreement.view_internal_progress")
    return (
        items.select_related("priority")
        .prefetch_related("lead_organisations", "themes")
        .annotate(latest_status=latest_status_subquery(public_only=public_only))
        .order_by("priority__position", "position")
    )


def grouped_by_priority(version: PlanVersion, items, priorities=None) -> list[tuple]:
    """[(priority, [items])] in the agreement's order, then (None, [items]) for the "Priority: N/A" table when
    any item has no priority (that table is printed only when it has items). `priorities`, if the caller has
    loaded them (with lead_organisation), saves the query."""
    if priorities is None:
        priorities = version.plan.agreement.priorities.select_related("lead_organisation")
    groups = {priority.pk: (priority, []) for priority in priorities}
    for item in items:
        groups.setdefault(item.priority_id, (item.priority, []))[1].append(item)
    if None in groups:
        groups[None] = groups.pop(None)  # printed last
    return list(groups.values())


def exception_items(version: PlanVersion, today: datetime.date | None = None) -> list[PlanItem]:
    """Red or amber items, and items past their timescale without a completed update (one query: the report
    shows neither leads nor themes)."""
    flagged = []
    for item in plan_items(version).prefetch_related(None):
        if item.latest_status in (ProgressUpdate.Status.RED, ProgressUpdate.Status.AMBER) or item.is_overdue(
            item.latest_status, today
        ):
            flagged.append(item)
    return flagged


def updates_for(item: PlanItem, user):
    updates = ProgressUpdate.objects.filter(item_key=item.key).select_related("created_by")
    return updates if user.has_perm("agreement.view_internal_progress") else updates.filter(internal=False)


def current_version(plan, user):
    """The version a reader sees first: the draft for officers, else the latest published version."""
    versions = plan.versions.visible_to(user)
    return versions.filter(status=PlanVersion.Status.DRAFT).first() or versions.order_by("-number").first()


def indicator_series(indicator: Indicator, values=None) -> list[dict]:
    """Each value with last year's value for the same period and whether the rule flags it."""
    values = list(indicator.values.all()) if values is None else values
    by_period = {v.period_start: v.value for v in values}
    rows = []
    for value in values:
        last_year = by_period.get(year_earlier(value.period_start))
        rows.append(
            {
                "period": value.period_start,
                "value": value.value,
                "last_year": last_year,
                "notes": value.notes,
                "flagged": indicator.is_exception(value.value, last_year),
            }
        )
    return rows


def chart_points(indicator: Indicator, rows: list[dict]) -> list[Point]:
    fmt = "%b %Y"
    return [Point(row["period"].strftime(fmt), row["value"], row["flagged"]) for row in rows]


def flagged_indicators(agreement) -> list[tuple[Indicator, dict]]:
    """Indicators in use whose latest value their rule flags, for the exception report (two queries); retired
    indicators are left out."""
    flagged = []
    for indicator in (
        Indicator.objects.active()
        .filter(priority__agreement=agreement)
        .select_related("priority")
        .prefetch_related("values")
    ):
        rows = indicator_series(indicator, list(indicator.values.all()))
        if rows and rows[-1]["flagged"]:
            flagged.append((indicator, rows[-1]))
    return flagged

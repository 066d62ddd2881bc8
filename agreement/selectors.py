"""Reads for the action plan pages, with each item's latest progress status in the same query."""

import datetime

from django.db.models import OuterRef, Subquery

from .models import PlanItem, PlanVersion, ProgressUpdate


def latest_status_subquery():
    latest = ProgressUpdate.objects.filter(item_key=OuterRef("key")).order_by("-year", "-quarter", "-created_at")
    return Subquery(latest.values("status")[:1])


def plan_items(version: PlanVersion, *, include_retired: bool = False):
    items = version.items.all() if include_retired else version.items.current()
    return (
        items.select_related("priority")
        .prefetch_related("lead_organisations", "themes")
        .annotate(latest_status=latest_status_subquery())
        .order_by("priority__position", "position")
    )


def grouped_by_priority(version: PlanVersion, items) -> list[tuple]:
    groups = {priority.pk: (priority, []) for priority in version.plan.agreement.priorities.all()}
    for item in items:
        groups.setdefault(item.priority_id, (item.priority, []))[1].append(item)
    return list(groups.values())


def exception_items(version: PlanVersion, today: datetime.date | None = None) -> list[PlanItem]:
    """Red or amber items, and items past their timescale without a completed update."""
    flagged = []
    for item in plan_items(version):
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

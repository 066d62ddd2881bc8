"""Writes to the action plan: items with optimistic locking (kcsp.locking), ordering, versions and progress."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kcsp.locking import RecordLock
from kcsp.queueing import send

from .models import ActionPlan, PlanItem, PlanVersion, ProgressUpdate


def _refuse_if_frozen(version: PlanVersion) -> None:
    if version.is_frozen:
        raise ValidationError(f"{version.label} is published and cannot change: start a new draft to edit the plan.")


def _next_position(version: PlanVersion, priority_id: int) -> int:
    last = version.items.filter(priority_id=priority_id).aggregate(m=Max("position"))["m"]
    return (last or 0) + 1


def _renumber(version: PlanVersion, priority_id: int) -> None:
    """Live items first in their order, retired ones after them: numbers stay 1.1, 1.2 … without gaps."""
    items = list(version.items.filter(priority_id=priority_id).order_by("retired", "position", "pk"))
    for position, item in enumerate(items, start=1):
        if item.position != position:
            PlanItem.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def plan_item_save(*, item: PlanItem, lead_organisations, themes, lock: RecordLock | None = None) -> PlanItem:
    """Save an item; with `lock` (an edit form's), someone else's save since the form was opened raises
    StaleRecord and nothing is saved."""
    version = PlanVersion.objects.select_for_update().get(pk=item.version_id)
    _refuse_if_frozen(version)
    item.due_month = PlanItem.parse_timescale(item.timescale)
    if item.pk is None:
        item.position = _next_position(version, item.priority_id)
        item.save()
    else:
        current = lock.check(item) if lock is not None else PlanItem.objects.select_for_update().get(pk=item.pk)
        if current.priority_id != item.priority_id:
            item.position = _next_position(version, item.priority_id)
        item.revision = current.revision + 1
        item.save()
        if current.priority_id != item.priority_id:
            _renumber(version, current.priority_id)
    item.lead_organisations.set(lead_organisations)
    item.themes.set(themes)
    return item


@transaction.atomic
def plan_item_move(*, item: PlanItem, direction: str) -> bool:
    version = PlanVersion.objects.select_for_update().get(pk=item.version_id)
    _refuse_if_frozen(version)
    step = -1 if direction == "up" else 1
    neighbour = version.items.filter(priority_id=item.priority_id, position=item.position + step, retired=False).first()
    if neighbour is None:
        return False
    mine, theirs = item.position, neighbour.position
    PlanItem.objects.filter(pk=item.pk).update(position=32000)
    PlanItem.objects.filter(pk=neighbour.pk).update(position=mine, revision=neighbour.revision + 1)
    PlanItem.objects.filter(pk=item.pk).update(position=theirs, revision=item.revision + 1)
    return True


@transaction.atomic
def plan_item_retire(*, item: PlanItem) -> None:
    version = PlanVersion.objects.select_for_update().get(pk=item.version_id)
    _refuse_if_frozen(version)
    item.retired = True
    item.revision += 1
    item.save()
    _renumber(version, item.priority_id)


@transaction.atomic
def version_publish(*, version: PlanVersion) -> PlanVersion:
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(f"{version.label} is already published.")
    last = PlanVersion.objects.filter(plan_id=version.plan_id).aggregate(m=Max("number"))["m"] or 0
    version.number, version.status, version.published_at = last + 1, PlanVersion.Status.PUBLISHED, timezone.now()
    version.save()
    version_pdf_request(version=version)
    return version


@transaction.atomic
def version_new_draft(*, plan: ActionPlan) -> PlanVersion:
    """Start the next draft as a copy of the latest published version; items keep their keys and progress."""
    ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.versions.filter(status=PlanVersion.Status.DRAFT).exists():
        raise ValidationError("A draft already exists: edit that draft instead.")
    source = plan.versions.published().order_by("-number").first()
    if source is None:
        raise ValidationError("There is no published version to copy.")
    draft = PlanVersion.objects.create(plan=plan, based_on=source)
    for item in source.items.prefetch_related("lead_organisations", "themes"):
        organisations, themes = list(item.lead_organisations.all()), list(item.themes.all())
        item.pk, item.id, item.version, item.revision = None, None, draft, 1
        item._state.adding = True
        item.save()
        item.lead_organisations.set(organisations)
        item.themes.set(themes)
    return draft


def progress_add(*, item: PlanItem, user, **fields) -> ProgressUpdate:
    return ProgressUpdate.objects.create(plan=item.version.plan, item_key=item.key, created_by=user, **fields)


def version_pdf_request(*, version: PlanVersion) -> None:
    """Build the landscape PDF in the worker once the change that asked for it is committed."""
    from .tasks import plan_pdf_task

    transaction.on_commit(lambda: send(plan_pdf_task, (version.pk,)))


def version_pdf_build(*, version: PlanVersion) -> PlanVersion:
    """Render the plan table, then swap the new file in (the old one goes after the swap)."""
    from django.core.files.base import ContentFile

    from kcsp.pdf import render_pdf

    from . import selectors

    items = selectors.plan_items(version)
    context = {"version": version, "groups": selectors.grouped_by_priority(version, items)}
    pdf = render_pdf("agreement/pdf/plan.html", context, title=f"{version.plan} {version.label}")
    old = version.pdf.name if version.pdf else None
    version.pdf.save(f"action-plan-{version.pk}.pdf", ContentFile(pdf), save=False)
    PlanVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name, pdf_built_at=timezone.now())
    if old and old != version.pdf.name:
        version.pdf.storage.delete(old)
    return version

"""Writes to the action plan: items with optimistic locking (kcsp.locking), ordering, versions and progress."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kcsp.locking import RecordLock
from kcsp.queueing import send

from .models import ActionPlan, PlanItem, PlanVersion, ProgressUpdate
from .models.plans import ITEM_HISTORY


def _refuse_if_frozen(version: PlanVersion) -> None:
    if version.is_frozen:
        raise ValidationError(f"{version.label} is published and cannot change: start a new draft to edit the plan.")


def item_history_write(item: PlanItem, *, lead_organisations=None, themes=None, fields=None) -> None:
    """Save `item` (all fields, or only `fields`) and set its lead organisations and themes when given, writing
    exactly ONE history row that holds the saved values and the many-to-many links together ("+" for a new
    item, "~" otherwise). Without this, simple_history writes a row on save() and another on each m2m .set()."""
    created = item.pk is None
    item.skip_history_when_saving = True
    try:
        item.save(update_fields=fields) if fields and not created else item.save()
        if lead_organisations is not None:
            item.lead_organisations.set(lead_organisations)
        if themes is not None:
            item.themes.set(themes)
    finally:
        del item.skip_history_when_saving
    ITEM_HISTORY.create_historical_record(item, "+" if created else "~")


def _printed_positions(version: PlanVersion, items: list[PlanItem], last=None) -> dict[int, int]:
    """{id(item): position} in the plan's printed order: priorities in their order, "Priority: N/A" last; live
    items before retired ones. Per-priority numbering counts 1, 2 … under each priority; continuous numbering
    counts one sequence through the plan. `last` (an item new to its priority) goes to the end of its table."""
    order = {p.pk: p.position for p in version.plan.agreement.priorities.all()}

    def table(item):
        return (item.priority_id is None, order.get(item.priority_id, 0))

    def place(item):
        return (1, 0, 0) if item is last else (0, item.position, item.pk or 0)

    continuous = version.plan.numbering == ActionPlan.Numbering.CONTINUOUS
    if continuous:
        ranked = sorted(items, key=lambda i: (i.retired, table(i), place(i)))
        return {id(item): n for n, item in enumerate(ranked, start=1)}
    ranked = sorted(items, key=lambda i: (table(i), i.retired, place(i)))
    positions, counts = {}, {}
    for item in ranked:
        counts[item.priority_id] = counts.get(item.priority_id, 0) + 1
        positions[id(item)] = counts[item.priority_id]
    return positions


def plan_renumber(*, version: PlanVersion, pending: PlanItem | None = None, moved: bool = False) -> list[PlanItem]:
    """Give every item of an (already locked) draft its printed number, saving each one whose number changes
    through the model so the change is in its history. `pending` (the item being saved) is placed but not saved:
    its new position is set on it for the caller's single save. `moved`: it goes to the end of its table.
    The unique number constraint is deferred to the commit, so the order of the writes does not matter."""
    items = [i for i in version.items.order_by().select_for_update() if pending is None or i.pk != pending.pk]
    if pending is not None:
        items.append(pending)
    positions = _printed_positions(version, items, last=pending if moved else None)
    changed = []
    for item in items:
        position = positions[id(item)]
        if item is pending:
            item.position = position
        elif item.position != position:
            item.position, item.revision = position, item.revision + 1
            item_history_write(item, fields=["position", "revision", "updated_at"])
            changed.append(item)
    return changed


@transaction.atomic
def plan_item_save(*, item: PlanItem, lead_organisations, themes, lock: RecordLock | None = None) -> PlanItem:
    """Save an item with one history row; with `lock` (an edit form's), someone else's save since the form was
    opened raises StaleRecord and nothing is saved. A new item, or one given another priority (or none), goes to
    the end of that priority's table and the plan is renumbered (each renumbered item in its history)."""
    version = PlanVersion.objects.select_for_update().select_related("plan__agreement").get(pk=item.version_id)
    _refuse_if_frozen(version)
    if item.priority_id and item.priority.agreement_id != version.plan.agreement_id:
        raise ValidationError("The item's priority must be one of this year's priorities.")
    item.due_month = PlanItem.parse_timescale(item.timescale)
    moved = item.pk is None
    if item.pk is not None:
        current = lock.check(item) if lock is not None else PlanItem.objects.select_for_update().get(pk=item.pk)
        moved = current.priority_id != item.priority_id
        item.revision = current.revision + 1
    if item.pk is None:
        item.position = 32000  # placed by the renumbering below, before the one save
    plan_renumber(version=version, pending=item, moved=moved)
    item_history_write(item, lead_organisations=lead_organisations, themes=themes)
    return item


@transaction.atomic
def plan_item_move(*, item: PlanItem, direction: str) -> bool:
    """Swap an item with the live item above or below it in the same table; both swaps are in history.
    False when it is already first or last."""
    version = PlanVersion.objects.select_for_update().get(pk=item.version_id)
    _refuse_if_frozen(version)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    table = version.items.filter(priority_id=item.priority_id, retired=False)
    if direction == "up":
        neighbour = table.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = table.filter(position__gt=item.position).order_by("position").first()
    if neighbour is None:
        return False
    item.position, neighbour.position = neighbour.position, item.position
    for row in (neighbour, item):
        row.revision += 1
        item_history_write(row, fields=["position", "revision", "updated_at"])
    return True


@transaction.atomic
def plan_item_retire(*, item: PlanItem) -> None:
    """Retire an item: it leaves the printed plan and the items after it are renumbered (all in history)."""
    version = PlanVersion.objects.select_for_update().select_related("plan__agreement").get(pk=item.version_id)
    _refuse_if_frozen(version)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    item.retired = True
    item.revision += 1
    plan_renumber(version=version, pending=item)
    item_history_write(item)


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
        item_history_write(item, lead_organisations=organisations, themes=themes)
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
    context = {
        "version": version,
        "groups": selectors.grouped_by_priority(version, items),
        "summary": version.plan.layout == ActionPlan.Layout.SUMMARY,
        "no_priority_label": PlanItem.NO_PRIORITY,
        # the key prints only the marks this plan uses, as the papers do
        "any_grant_funded": any(item.grant_funded for item in items),
        "any_linked": any(item.linked_group_list for item in items),
        "any_new": any(item.is_new for item in items),
    }
    pdf = render_pdf("agreement/pdf/plan.html", context, title=f"{version.plan} {version.label}")
    old = version.pdf.name if version.pdf else None
    version.pdf.save(f"action-plan-{version.pk}.pdf", ContentFile(pdf), save=False)
    PlanVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name, pdf_built_at=timezone.now())
    if old and old != version.pdf.name:
        version.pdf.storage.delete(old)
    return version

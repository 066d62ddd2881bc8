"""Writes to the agreement itself: its year and period, priorities and cross-cutting themes, its action plan's
numbering and layout, and next year's agreement started as a copy. Each raises ValidationError naming the rule."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from kcsp.financial_year import year_label
from kcsp.locking import RecordLock

from .models import ActionPlan, Agreement, PlanItem, PlanVersion, Priority, Theme
from .services import item_history_write, plan_renumber

FIRST_POSITION_FREE = 0  # positions start at 1: 0 is the free place a swap passes through


def agreement_period_check(*, year: int, period_starts: int | None, period_years: int) -> None:
    """The agreement's year must lie within its period: period_starts <= year < period_starts + period_years
    (the database's agreement_year_within_its_period rule). Raises ValidationError naming the period."""
    if not 1 <= (period_years or 0) <= 10:
        raise ValidationError("The period must be between 1 and 10 years.")
    if period_starts is None:
        return
    last = period_starts + period_years - 1
    if not period_starts <= year <= last:
        raise ValidationError(
            f"The agreement's year ({year_label(year)}) must lie within its period: {period_years} year(s) "
            f"starting in {year_label(period_starts)} covers {year_label(period_starts)} to {year_label(last)}."
        )


@transaction.atomic
def agreement_save(*, agreement: Agreement, lock: RecordLock | None = None) -> Agreement:
    """Create or edit an agreement; a year that already has one is refused, and so is a new year for a published
    agreement (its pages, printed plan and the grant year's priorities are found by its year)."""
    if agreement.pk is not None:
        stored = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if stored.is_published and stored.year != agreement.year:
            raise ValidationError(
                f"The year of a published agreement is fixed: this is the {stored.year_label} agreement. "
                "Start next year's agreement as a copy instead."
            )
    agreement_period_check(
        year=agreement.year, period_starts=agreement.period_starts, period_years=agreement.period_years
    )
    if Agreement.objects.filter(year=agreement.year).exclude(pk=agreement.pk).exists():
        raise ValidationError(f"There is already an agreement for {year_label(agreement.year)}.")
    if lock is not None:
        lock.check(agreement)
    try:
        with transaction.atomic():  # two officers creating the same year at once: the constraint decides
            agreement.save()
    except IntegrityError as error:
        raise ValidationError(f"There is already an agreement for {year_label(agreement.year)}.") from error
    return agreement


@transaction.atomic
def agreement_publish(*, agreement: Agreement) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.is_published:
        raise ValidationError("This agreement is already published.")
    if not agreement.priorities.exists():
        raise ValidationError("An agreement is published with its priorities: add at least one priority first.")
    agreement.is_published = True
    agreement.save()
    return agreement


PRIORITY_ORDER_FIXED = (
    "The priorities keep their order once the action plan has a published version: its item numbers "
    "were printed with it."
)


def _has_published_plan(agreement: Agreement) -> bool:
    """Whether the agreement's plan has a published version; its versions' rows are locked first (version_publish
    locks its own), so a publication under way is waited for and then seen."""
    versions = PlanVersion.objects.filter(plan__agreement=agreement)
    list(versions.select_for_update(of=("self",)).order_by("pk"))
    return versions.filter(status=PlanVersion.Status.PUBLISHED).exists()


def _renumber_drafts(agreement: Agreement) -> None:
    for version in PlanVersion.objects.select_for_update().filter(plan__agreement=agreement, status="draft"):
        plan_renumber(version=version)


@transaction.atomic
def part_save(*, part: Priority | Theme, lock: RecordLock | None = None) -> Priority | Theme:
    """Save a priority or theme; a new one goes last (position = the last + 1)."""
    Agreement.objects.select_for_update().get(pk=part.agreement_id)
    if part.pk is None:
        last = type(part).objects.filter(agreement_id=part.agreement_id).aggregate(m=Max("position"))["m"]
        part.position = (last or 0) + 1
    elif lock is not None:
        lock.check(part)
    part.save()
    return part


@transaction.atomic
def part_move(*, part: Priority | Theme, direction: str) -> bool:
    """Swap a priority or theme with its neighbour: through a free position (the unique place rule is checked
    at once), each final position saved through the model into history. A priority of an agreement whose plan
    has a published version keeps its place: the published numbers (1.1, 2.3 …) were printed with it. Under
    continuous numbering the draft plan is renumbered in the new order. False when already first or last."""
    agreement = Agreement.objects.select_for_update().get(pk=part.agreement_id)
    model = type(part)
    if model is Priority and _has_published_plan(agreement):
        raise ValidationError(PRIORITY_ORDER_FIXED)
    part = model.objects.get(pk=part.pk)
    siblings = model.objects.filter(agreement=agreement)
    if direction == "up":
        neighbour = siblings.filter(position__lt=part.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=part.position).order_by("position").first()
    if neighbour is None:
        return False
    mine, theirs = part.position, neighbour.position
    model.objects.filter(pk=part.pk).update(position=FIRST_POSITION_FREE)  # passing through: not a change
    neighbour.position, part.position = mine, theirs
    neighbour.save()
    part.save()
    if model is Priority:
        _renumber_drafts(agreement)
    return True


def part_uses(part: Priority | Theme) -> list[str]:
    """What uses a priority or theme, in words ("2 plan items", "1 bid" …), from every relation to it."""
    uses = []
    for relation in type(part)._meta.related_objects:
        if relation.related_name == "+" or relation.remote_field.model is type(part):
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: part}).count()
        if count:
            name = relation.related_model._meta.verbose_name if count == 1 else None
            name = name or relation.related_model._meta.verbose_name_plural
            uses.append(f"{count} {name}")
    return uses


@transaction.atomic
def part_remove(*, part: Priority | Theme) -> None:
    """Remove a priority or theme nothing uses (no plan item in any version, indicator or bid); those after it
    move up one place, each in history. Once the plan has a published version only the last priority may go
    (moving the others up would change the printed item numbers)."""
    agreement = Agreement.objects.select_for_update().get(pk=part.agreement_id)
    thing = "priority" if isinstance(part, Priority) else "theme"
    uses = part_uses(part)
    if uses:
        raise ValidationError(
            f"A {thing} is removed only when nothing uses it: '{part.name}' is used by {', '.join(uses)}."
        )
    model = type(part)
    after = model.objects.filter(agreement=agreement, position__gt=part.position)
    if model is Priority and after.exists() and _has_published_plan(agreement):
        raise ValidationError(f"'{part.name}' cannot be removed. {PRIORITY_ORDER_FIXED}")
    part.delete()
    for later in model.objects.filter(agreement=agreement, position__gt=part.position).order_by("position"):
        later.position -= 1
        later.save()


@transaction.atomic
def plan_create(*, agreement: Agreement, numbering: str, layout: str) -> PlanVersion:
    """The agreement's action plan with its first draft version; refused if it already has one."""
    Agreement.objects.select_for_update().get(pk=agreement.pk)
    if ActionPlan.objects.filter(agreement=agreement).exists():
        raise ValidationError(f"The {agreement.year_label} agreement already has an action plan.")
    plan = ActionPlan.objects.create(agreement=agreement, numbering=numbering, layout=layout)
    return PlanVersion.objects.create(plan=plan)


@transaction.atomic
def plan_settings_save(*, plan: ActionPlan, lock: RecordLock | None = None) -> ActionPlan:
    """Change the plan's numbering or layout while it has no published version (a published version was printed
    with them and is frozen); a change of numbering renumbers the draft, each renumbered item in history. Locks
    the plan (with `lock`), then its versions."""
    if lock is not None:
        lock.check(plan)
    # Every version's row before the check, as version_publish locks its own: a publication under way is waited
    # for and then seen, never published with one numbering and shown with another.
    list(PlanVersion.objects.select_for_update().filter(plan=plan).order_by("pk"))
    if plan.versions.published().exists():
        raise ValidationError(
            "The numbering and layout are fixed once a version of the plan is published: it was printed with them."
        )
    plan.save()
    for version in plan.versions.select_for_update().filter(status=PlanVersion.Status.DRAFT):
        version.plan = plan
        plan_renumber(version=version)
    return plan


def _next_title(agreement: Agreement, same_period: bool = False) -> str:
    """Next year's title: this year's with its year moved on, unless next year is within the same multi-year period
    (a three-year agreement's title names the period, "… 2014-17", and keeps it when refreshed)."""
    if same_period:
        return agreement.title
    year, after = agreement.year, agreement.year + 1
    years = agreement.period_years
    if years > 1:  # a new period of the same length: "2014-17" becomes "2017-20"
        first = agreement.period_starts or year
        old, new = f"{first}-{(first + years) % 100:02d}", f"{after}-{(after + years) % 100:02d}"
        if old in agreement.title:
            return agreement.title.replace(old, new)
    title = agreement.title.replace(agreement.year_label, year_label(after))
    title = title.replace(f"{year}-{(year + 1) % 100:02d}", f"{after}-{(after + 1) % 100:02d}")
    if title == agreement.title:
        title = title.replace(str(year), str(after))
    return title if title != agreement.title else f"{agreement.title} ({year_label(after)})"


@transaction.atomic
def agreement_copy_next_year(*, agreement: Agreement) -> Agreement:
    """Start next year's agreement as an unpublished copy: title with the year changed, the same period (or, when
    this year ends it, a new period of the same length starting next year), every priority and theme with
    `previous` set to this year's (so "what changed" reads renamed / added / removed), and the action plan's
    numbering and layout as a new plan whose first draft copies this year's live items: their content, priority
    and themes mapped to the copies, with NEW keys (next year's progress starts afresh; "new this year" cleared).
    The items come from the draft if there is one, else the latest published version. Refused if next year's
    agreement exists."""
    source = Agreement.objects.select_for_update().get(pk=agreement.pk)
    after = source.year + 1
    if Agreement.objects.filter(year=after).exists():
        raise ValidationError(f"There is already an agreement for {year_label(after)}: edit that one instead.")
    starts, years = source.period_starts, source.period_years
    same_period = years > 1 and after <= (starts or source.year) + years - 1
    if starts is None and same_period:
        starts = source.year  # the period began with this year: next year's copy names where it began
    if starts is not None and after > starts + years - 1:
        starts = after if years > 1 else None
    copy = Agreement.objects.create(
        year=after, title=_next_title(source, same_period), period_starts=starts, period_years=years, is_published=False
    )
    priorities = {}
    for priority in source.priorities.all():
        priorities[priority.pk] = Priority.objects.create(
            agreement=copy,
            position=priority.position,
            name=priority.name,
            lead=priority.lead,
            lead_organisation=priority.lead_organisation,
            aim=priority.aim,
            is_cross_cutting=priority.is_cross_cutting,
            previous=priority,
        )
    themes = {
        theme.pk: Theme.objects.create(agreement=copy, position=theme.position, name=theme.name, previous=theme)
        for theme in source.themes.all()
    }
    plan = ActionPlan.objects.filter(agreement=source).first()
    if plan is not None:
        _copy_plan(plan, copy, priorities, themes)
    return copy


def _copy_plan(plan: ActionPlan, agreement: Agreement, priorities: dict, themes: dict) -> None:
    new_plan = ActionPlan.objects.create(agreement=agreement, numbering=plan.numbering, layout=plan.layout)
    draft = PlanVersion.objects.create(plan=new_plan)
    versions = plan.versions.all()
    source = versions.filter(status="draft").first() or versions.published().order_by("-number").first()
    if source is None:
        return
    items = source.items.current().prefetch_related("lead_organisations", "themes").order_by("pk")
    for item in items:
        copy = PlanItem(
            version=draft,
            priority=priorities.get(item.priority_id),
            position=item.position,
            category=item.category,
            category_other=item.category_other,
            objective=item.objective,
            actions=item.actions,
            measures=item.measures,
            timescale=item.timescale,
            due_month=item.due_month,
            lead_text=item.lead_text,
            linked_groups=item.linked_groups,
            grant_funded=item.grant_funded,
            is_new=False,
        )
        item_history_write(
            copy,
            lead_organisations=list(item.lead_organisations.all()),
            themes=[themes[t.pk] for t in item.themes.all() if t.pk in themes],
        )

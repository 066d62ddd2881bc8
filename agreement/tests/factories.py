"""Test data for the agreement: a published agreement with a published version and a draft."""

import factory

from agreement import services
from agreement.models import ActionPlan, Agreement, PlanItem, PlanVersion, Priority, Theme


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    year = factory.Sequence(lambda n: 2050 + n % 40)  # within the forms' 2000–2100 however many tests ran before
    title = factory.LazyAttribute(lambda o: f"Community Safety Agreement {o.year}")
    is_published = True


def add_item(version, priority, objective="Raise awareness of campaigns", **fields) -> PlanItem:
    item = PlanItem(version=version, priority=priority, objective=objective, **fields)
    return services.plan_item_save(item=item, lead_organisations=[], themes=[])


def agreement_world() -> dict:
    agreement = AgreementFactory()
    first = Priority.objects.create(agreement=agreement, position=1, name="Domestic Abuse")
    second = Priority.objects.create(agreement=agreement, position=2, name="Road Safety")
    theme = Theme.objects.create(agreement=agreement, position=1, name="Early intervention, prevention & education")
    plan = ActionPlan.objects.create(agreement=agreement)
    published = PlanVersion.objects.create(plan=plan)
    published_item = add_item(published, first, "Refresh the Domestic Abuse Services Website", timescale="March 2023")
    add_item(published, second, "Share road safety campaigns", timescale="Ongoing")
    published = services.version_publish(version=published)
    draft = services.version_new_draft(plan=plan)
    draft_items = list(draft.items.order_by("priority__position", "position"))
    extra = add_item(draft, first, "Support delivery of the Domestic Abuse Strategy")
    from decimal import Decimal

    from agreement.models import Indicator, IndicatorValue

    indicator = Indicator.objects.create(
        priority=first, name="Domestic abuse incidents", unit="incidents", tolerance_percent=Decimal(10)
    )
    IndicatorValue.objects.create(indicator=indicator, period_start="2021-04-01", value=100)
    IndicatorValue.objects.create(indicator=indicator, period_start="2022-04-01", value=111)
    draft_items[0].themes.set([theme])  # a theme in use: its removal is refused
    return {
        "indicator": indicator,
        "plan_theme": theme,
        "agreement": agreement,
        "plan": plan,
        "published_version": published,
        "draft_version": draft,
        "first": first,
        "second": second,
        "published_item": published_item,
        "draft_item": draft_items[0],
        "draft_extra": extra,
    }


def unpublished_plan() -> ActionPlan:
    """Another year's agreement whose action plan has only its first draft (its numbering may still change)."""
    from agreement.structure_services import plan_create

    agreement = AgreementFactory(is_published=False)
    Priority.objects.create(agreement=agreement, position=1, name="Serious Violence")
    return plan_create(agreement=agreement, numbering=ActionPlan.Numbering.PER_PRIORITY, layout="full").plan

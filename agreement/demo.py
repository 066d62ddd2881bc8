"""Demo agreement data from the July 2022 pack: the 2021/22 and 2022/23 agreements and the 2022/23 plan, placed in
today's financial year and the year before it (kcsp/demo_clock.py), the plan published with this quarter's updates."""

import json
from pathlib import Path

from django.db import transaction

from kcsp.demo_clock import DemoClock
from kcsp.demo_records import demo_mark
from kcsp.financial_year import year_label
from kcsp.models import User

from . import services
from .models import ActionPlan, Agreement, Indicator, IndicatorValue, PlanItem, PlanVersion, Priority, Theme

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
CATEGORY_WORDS = {
    "improving practices": PlanItem.Category.IMPROVING_PRACTICES,
    "raise awareness": PlanItem.Category.RAISE_AWARENESS,
    "understanding the problem": PlanItem.Category.UNDERSTANDING,
    "understand the problem": PlanItem.Category.UNDERSTANDING,
    "supporting victims": PlanItem.Category.SUPPORTING_VICTIMS,
    "partnership working": PlanItem.Category.PARTNERSHIP_WORKING,
    "prevention": PlanItem.Category.PREVENTION,
    "co-ordination and consistency": PlanItem.Category.COORDINATION,
}


def _read(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _previous_year(data, clock: DemoClock) -> tuple[Agreement, dict, dict]:
    year = clock.fy(data["previous_year"]["year"])
    previous = data["previous_year"]
    agreement, created = Agreement.objects.get_or_create(
        year=year, defaults={"title": f"Kent Community Safety Agreement {year_label(year)}", "is_published": True}
    )
    if created:
        demo_mark([agreement], clock.placed_for)
    priorities = {
        name: Priority.objects.get_or_create(agreement=agreement, position=n, defaults={"name": name})[0]
        for n, name in enumerate(previous["priorities"], start=1)
    }
    themes = {
        name: Theme.objects.get_or_create(agreement=agreement, position=n, defaults={"name": name})[0]
        for n, name in enumerate(previous["themes"], start=1)
    }
    return agreement, priorities, themes


@transaction.atomic
def demo_agreement_load(clock: DemoClock) -> None:
    """Make the demo's agreements and plan for `clock`; a year a user already made is left alone."""
    data = _read("agreement_2022.json")
    year = clock.fy(data["year"])
    if Agreement.objects.filter(year=year).exists():
        return
    _, old_priorities, old_themes = _previous_year(data, clock)
    renamed = {r["to"]: r["from"] for r in data["previous_year"]["renamed"]}
    title = data["title"].replace(year_label(data["year"]), year_label(year))
    agreement = Agreement.objects.create(year=year, title=title, is_published=True)
    demo_mark([agreement], clock.placed_for)
    priorities = {}
    for row in data["priorities"]:
        before = old_priorities.get(renamed.get(row["name"], row["name"]))
        priorities[row["key"]] = Priority.objects.create(
            agreement=agreement,
            position=row["position"],
            name=row["name"],
            lead=row["lead"],
            aim=row["aim"],
            is_cross_cutting=row["key"] == "multiple",
            previous=before,
        )
    for row in data["themes"]:
        before = old_themes.get(renamed.get(row["name"], row["name"]))
        Theme.objects.create(agreement=agreement, position=row["position"], name=row["name"], previous=before)
    plan = ActionPlan.objects.create(agreement=agreement)
    demo_mark([plan], clock.placed_for)
    version = PlanVersion.objects.create(plan=plan)
    items = {}
    for row in data["plan"]["items"]:
        category = CATEGORY_WORDS.get(row["category"].lower(), PlanItem.Category.OTHER if row["category"] else "")
        item = PlanItem(
            version=version,
            priority=priorities[row["priority"]],
            objective=row["objective"],
            category=category,
            category_other=row["category"] if category == PlanItem.Category.OTHER else "",
            actions=row["actions"],
            measures=row["measures"],
            timescale=clock.month(row["timescale"]),
            lead_text=row["lead_text"],
            grant_funded="Crime Reduction Grant" in row["notes"],
        )
        services.plan_item_save(item=item, lead_organisations=[], themes=[])
        items[row["number"]] = item
    keys = {row["key"]: priorities[row["key"]] for row in data["priorities"]}
    for row in _read("indicators_2022.json")["indicators"]:
        indicator = Indicator.objects.create(
            priority=keys[row["priority"]],
            name=row["name"],
            frequency=row["frequency"],
            unit=row["unit"],
            rule=row["rule"],
            source=row["source"],
            tolerance_percent=row["tolerance_percent"],
        )
        demo_mark([indicator], clock.placed_for)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period_start=clock.fy_day(v["period_start"]), value=v["value"])
            for v in row["values"]
        )
    officer = User.objects.filter(groups__name="officer").first()
    progress = _read("progress_2022.json")
    for row in progress["updates"]:  # this quarter's updates
        services.progress_add(
            item=items[row["item"]],
            user=officer,
            year=clock.year,
            quarter=clock.quarter,
            status=row["status"],
            internal=row["internal"],
            narrative=row["narrative"],
        )
    _past_due_settled(items, progress.get("left_overdue", ""), officer, clock)
    services.version_publish(version=version)


def _past_due_settled(items: dict, left_overdue: str, user, clock: DemoClock) -> None:
    """Items whose timescale has passed are reported complete in the last quarter, except the one the demo leaves
    overdue (as a real plan has one), so nothing else reads overdue."""
    year, quarter = (clock.year, clock.quarter - 1) if clock.quarter > 1 else (clock.year - 1, 4)
    for number, item in items.items():
        if number != left_overdue and item.is_overdue(None, today=clock.today):
            services.progress_add(
                item=item,
                user=user,
                year=year,
                quarter=quarter,
                status="complete",
                internal=False,
                narrative="Completed within its timescale.",
            )

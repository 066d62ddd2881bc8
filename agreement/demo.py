"""Demo agreement data from the July 2022 pack: the 2021/22 and 2022/23 agreements and the draft 2022/23 plan."""

import json
from pathlib import Path

from django.db import transaction

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


def _previous_year(data) -> tuple[Agreement, dict, dict]:
    previous = data["previous_year"]
    agreement, _ = Agreement.objects.get_or_create(
        year=previous["year"],
        defaults={"title": f"Kent Community Safety Agreement {previous['year']}/22", "is_published": True},
    )
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
def demo_agreement_load() -> None:
    data = _read("agreement_2022.json")
    if Agreement.objects.filter(year=data["year"]).exists():
        return
    _, old_priorities, old_themes = _previous_year(data)
    renamed = {r["to"]: r["from"] for r in data["previous_year"]["renamed"]}
    agreement = Agreement.objects.create(year=data["year"], title=data["title"], is_published=True)
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
            timescale=row["timescale"],
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
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period_start=v["period_start"], value=v["value"]) for v in row["values"]
        )
    officer = User.objects.filter(groups__name="officer").first()
    for row in _read("progress_2022.json")["updates"]:
        services.progress_add(
            item=items[row["item"]],
            user=officer,
            year=row["year"],
            quarter=row["quarter"],
            status=row["status"],
            internal=row["internal"],
            narrative=row["narrative"],
        )

"""The action plan as rows, for CSV and XLSX exports and for the import that reads the same columns back.

The columns follow the plan's layout: a full plan has measures, a timescale and a lead for each item; an older
"summary" plan has none of those (its lead is given once per priority, in the "Priority lead" column).
"""

from openpyxl.styles import Font, PatternFill

from kcsp.exports import Sheet, table_csv, table_xlsx

from . import selectors
from .models import ActionPlan, PlanItem, PlanVersion, ProgressUpdate

PLAN_COLUMNS = [
    "Number",
    "Priority",
    "Category",
    "Objective / planned outcome",
    "Actions",
    "Measures / outcomes",
    "Timescale",
    "Lead agency",
    "Links to other groups or strategies",
    "Grant funded",
    "New this year",
    "Themes",
]
FULL_ONLY = ("Measures / outcomes", "Timescale", "Lead agency")
SUMMARY_ONLY = ("Priority lead",)
PROGRESS_COLUMNS = ["Latest status", "Latest update"]
WIDTHS = {"Number": 8, "Objective / planned outcome": 50, "Actions": 50, "Measures / outcomes": 40, "Timescale": 14}
GREEN, PURPLE = "00703C", "4C2C92"


def plan_columns(plan: ActionPlan) -> list[str]:
    """The plan's columns, in order: PLAN_COLUMNS for a full plan; for a summary plan, without the measures,
    timescale and lead columns and with "Priority lead" after "Priority"."""
    if plan.layout != ActionPlan.Layout.SUMMARY:
        return list(PLAN_COLUMNS)
    columns = [c for c in PLAN_COLUMNS if c not in FULL_ONLY]
    columns.insert(columns.index("Priority") + 1, "Priority lead")
    return columns


def _latest_updates(version: PlanVersion, user) -> dict:
    keys = [item.key for item in version.items.all()]
    updates = ProgressUpdate.objects.filter(item_key__in=keys)
    if not user.has_perm("agreement.view_internal_progress"):
        updates = updates.filter(internal=False)
    latest = {}
    for update in updates.order_by("item_key", "-year", "-quarter", "-created_at"):
        latest.setdefault(update.item_key, update)
    return latest


def priority_lead(priority) -> str:
    if priority is None:
        return ""
    parts = [priority.lead, priority.lead_organisation.label if priority.lead_organisation_id else ""]
    return ", ".join(part for part in parts if part)


def _cells(item: PlanItem, update) -> dict:
    leads = [org.label for org in item.lead_organisations.all()] + ([item.lead_text] if item.lead_text else [])
    return {
        "Number": item.number,
        "Priority": item.priority.name if item.priority_id else PlanItem.NO_PRIORITY,
        "Priority lead": priority_lead(item.priority),
        "Category": item.category_label,
        "Objective / planned outcome": item.objective,
        "Actions": "\n".join(item.actions),
        "Measures / outcomes": "\n".join(item.measures),
        "Timescale": item.timescale,
        "Lead agency": "; ".join(leads),
        "Links to other groups or strategies": item.linked_groups,
        "Grant funded": "Yes" if item.grant_funded else "No",
        "New this year": "Yes" if item.is_new else "No",
        "Themes": "; ".join(theme.name for theme in item.themes.all()),
        "Latest status": update.get_status_display() if update else "",
        "Latest update": (
            f"Q{update.quarter} {update.year}/{(update.year + 1) % 100:02d}: {update.narrative}" if update else ""
        ),
    }


def plan_rows(version: PlanVersion, user) -> list[list[str]]:
    """One row per live item in printed order, in the columns of `plan_columns` then PROGRESS_COLUMNS."""
    latest = _latest_updates(version, user)
    columns = plan_columns(version.plan) + PROGRESS_COLUMNS
    items = selectors.plan_items(version).select_related("priority__lead_organisation")
    return [[_cells(item, latest.get(item.key))[c] for c in columns] for item in items]


def to_csv(version: PlanVersion, user) -> bytes:
    return table_csv(plan_columns(version.plan) + PROGRESS_COLUMNS, plan_rows(version, user))


def _colourer(headers: list[str]):
    funded, links = headers.index("Grant funded"), headers.index("Links to other groups or strategies")

    def colour(values, cells) -> None:
        """Grant-funded items purple (a light fill, the number bold purple); links to other groups green."""
        if values[funded] == "Yes":
            for cell in cells:
                cell.fill = PatternFill("solid", fgColor="E8E1F5")
            cells[0].font = Font(bold=True, color=PURPLE)
        if values[links]:
            cells[links].font = Font(color=GREEN, bold=True)

    return colour


def to_xlsx(version: PlanVersion, user) -> bytes:
    headers = plan_columns(version.plan) + PROGRESS_COLUMNS
    return table_xlsx(
        Sheet(
            title=f"Action plan {version.label}",
            headers=headers,
            rows=plan_rows(version, user),
            widths=tuple(WIDTHS.get(h, 24) for h in headers),
            style_row=_colourer(headers),
        )
    )

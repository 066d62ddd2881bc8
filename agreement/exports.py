"""The action plan as rows, for CSV and XLSX exports and for the import that reads the same columns back."""

from openpyxl.styles import Font, PatternFill

from kcsp.exports import Sheet, table_csv, table_xlsx

from . import selectors
from .models import PlanVersion, ProgressUpdate

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
]
PROGRESS_COLUMNS = ["Latest status", "Latest update"]
GREEN, PURPLE = "00703C", "4C2C92"


def _latest_updates(version: PlanVersion, user) -> dict:
    keys = [item.key for item in version.items.all()]
    updates = ProgressUpdate.objects.filter(item_key__in=keys)
    if not user.has_perm("agreement.view_internal_progress"):
        updates = updates.filter(internal=False)
    latest = {}
    for update in updates.order_by("item_key", "-year", "-quarter", "-created_at"):
        latest.setdefault(update.item_key, update)
    return latest


def plan_rows(version: PlanVersion, user) -> list[list[str]]:
    latest = _latest_updates(version, user)
    rows = []
    for item in selectors.plan_items(version):
        update = latest.get(item.key)
        leads = [org.label for org in item.lead_organisations.all()] + ([item.lead_text] if item.lead_text else [])
        rows.append(
            [
                item.number,
                item.priority.name,
                item.category_label,
                item.objective,
                "\n".join(item.actions),
                "\n".join(item.measures),
                item.timescale,
                "; ".join(leads),
                item.linked_groups,
                "Yes" if item.grant_funded else "No",
                "Yes" if item.is_new else "No",
                update.get_status_display() if update else "",
                f"Q{update.quarter} {update.year}/{(update.year + 1) % 100:02d}: {update.narrative}" if update else "",
            ]
        )
    return rows


def to_csv(version: PlanVersion, user) -> bytes:
    return table_csv(PLAN_COLUMNS + PROGRESS_COLUMNS, plan_rows(version, user))


def _colour(values, cells) -> None:
    """Grant-funded items purple (a light fill, the number bold purple); links to other groups green."""
    if values[9] == "Yes":
        for cell in cells:
            cell.fill = PatternFill("solid", fgColor="E8E1F5")
        cells[0].font = Font(bold=True, color=PURPLE)
    if values[8]:
        cells[8].font = Font(color=GREEN, bold=True)


def to_xlsx(version: PlanVersion, user) -> bytes:
    return table_xlsx(
        Sheet(
            title=f"Action plan {version.label}",
            headers=PLAN_COLUMNS + PROGRESS_COLUMNS,
            rows=plan_rows(version, user),
            widths=(8, 24, 20, 50, 50, 40, 14, 30, 30, 10, 10, 16, 50),
            style_row=_colour,
        )
    )

"""The action plan as rows, for CSV and XLSX exports and for the import that reads the same columns back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PLAN_COLUMNS + PROGRESS_COLUMNS)
    writer.writerows(plan_rows(version, user))
    return buffer.getvalue().encode("utf-8-sig")  # the byte-order mark makes Excel read UTF-8


def to_xlsx(version: PlanVersion, user) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Action plan {version.label}"[:31]
    sheet.append(PLAN_COLUMNS + PROGRESS_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan_rows(version, user):
        sheet.append(row)
        excel_row = sheet.max_row
        if row[9] == "Yes":
            for cell in sheet[excel_row]:
                cell.fill = PatternFill("solid", fgColor="E8E1F5")
            sheet.cell(excel_row, 1).font = Font(bold=True, color=PURPLE)
        if row[8]:
            sheet.cell(excel_row, 9).font = Font(color=GREEN, bold=True)
    for column, width in zip("ABCDEFGHIJKLM", (8, 24, 20, 50, 50, 40, 14, 30, 30, 10, 10, 16, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Import action plan items from a spreadsheet in the export's columns: checked row by row, saved all or nothing.

The sheet must have the plan's columns (agreement.exports.plan_columns, which follow the plan's layout), may have
the progress columns the export adds (not imported: progress is added on the item), and nothing else: an unknown
column is refused by name rather than dropped. Themes are matched by name to this year's themes; a month typed in
Excel comes back as a date (2023-03-01 00:00:00) and is read as that month ("March 2023").
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from kcsp.exports import table_read

from . import services
from .exports import PROGRESS_COLUMNS, plan_columns
from .models import ActionPlan, PlanItem, PlanVersion, Theme

MAX_ROWS = 500
CATEGORIES = {label.lower(): value for value, label in PlanItem.Category.choices if value}
NOT_READ = ("Number", "Priority lead", *PROGRESS_COLUMNS)  # given by the plan, or added on the item's page
NO_PRIORITY = {PlanItem.NO_PRIORITY.lower(), "n/a", "none"}
DATE_CELL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)


def read_sheet(upload, plan: ActionPlan | None = None) -> list[dict]:
    """Rows as dicts keyed by header, from .xlsx or .csv read as the export wrote them (kcsp.exports.table_read:
    formula guards undone). A sheet missing any of the plan's columns, or with a column the plan does not have,
    is refused whole, naming the columns."""
    rows = table_read(upload)
    if not rows:
        raise ValidationError("The selected file is empty.")
    header = [h.strip() for h in rows[0]]
    expected = plan_columns(plan) if plan is not None else plan_columns(ActionPlan())
    required = [column for column in expected if column not in NOT_READ]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(f"The sheet is missing these columns: {', '.join(missing)}.")
    known = set(expected) | set(NOT_READ)
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise ValidationError(f"The sheet has columns this plan does not have: {', '.join(unknown)}.")
    body = [row for row in rows[1:] if any(str(cell).strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"The sheet has {len(body)} rows: import at most {MAX_ROWS} at a time.")
    return [dict(zip(header, [str(c).strip() for c in row], strict=False)) for row in body]


def month_text(text: str) -> str:
    """A timescale as typed or as Excel stored it: "2023-03-01 00:00:00" or "2023-03-01" (a date cell) becomes
    "March 2023"; any other text is returned unchanged."""
    match = DATE_CELL.match(text.strip())
    if not match:
        return text
    try:
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return text
    return day.strftime("%B %Y")


def _yes_no(value: str, column: str, errors: list[str]) -> bool:
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("", "no", "n", "false"):
        return False
    errors.append(f"{column} must be Yes or No")
    return False


def _themes(text: str, themes: dict, errors: list[str]) -> list[int]:
    """Theme names separated by ";" or new lines, matched case-insensitively to this year's themes."""
    names = [name.strip() for name in re.split(r"[;\n]", text) if name.strip()]
    unknown = [name for name in names if name.lower() not in themes]
    if unknown:
        errors.append(f"Themes not in this year's agreement: {', '.join(unknown)}")
    return sorted({themes[name.lower()] for name in names if name.lower() in themes})


# Text the item keeps in a field of limited length, by the sheet's column that fills it.
LIMITED = {"category_other": "Category", "timescale": "Timescale", "lead_text": "Lead agency"}


def _check_lengths(values: dict, errors: list[str]) -> None:
    """A cell longer than the item's field holds is a row error (PlanItem's max_length), not a failed save."""
    for name, column in LIMITED.items():
        limit = PlanItem._meta.get_field(name).max_length
        if len(values[name]) > limit:
            errors.append(f"{column} is longer than {limit} characters")


def check_rows(version: PlanVersion, rows: list[dict]) -> list[ImportRow]:
    agreement = version.plan.agreement
    priorities = {p.name.lower(): p.pk for p in agreement.priorities.all()}
    themes = {t.name.lower(): t.pk for t in agreement.themes.all()}
    summary = version.plan.layout == ActionPlan.Layout.SUMMARY
    checked = []
    for line, row in enumerate(rows, start=2):
        errors: list[str] = []
        priority_text = row.get("Priority", "")
        priority = priorities.get(priority_text.lower())
        if priority is None and priority_text.lower() not in NO_PRIORITY:
            errors.append(
                f"Priority '{priority_text}' is not one of this year's priorities (or '{PlanItem.NO_PRIORITY}')"
            )
        if not row.get("Objective / planned outcome"):
            errors.append("Objective / planned outcome is empty")
        timescale = "" if summary else month_text(row.get("Timescale", ""))
        try:
            PlanItem.parse_timescale(timescale)
        except ValueError:
            errors.append(f"Timescale '{timescale}' must be a month and year, like March 2023, or Ongoing")
        category_text = row.get("Category", "")
        category = CATEGORIES.get(category_text.lower(), PlanItem.Category.OTHER if category_text else "")
        values = {
            "priority_id": priority,
            "category": category,
            "category_other": category_text if category == PlanItem.Category.OTHER else "",
            "objective": row.get("Objective / planned outcome", ""),
            "actions": [a.strip() for a in row.get("Actions", "").splitlines() if a.strip()],
            "measures": [m.strip() for m in row.get("Measures / outcomes", "").splitlines() if m.strip()],
            "timescale": timescale,
            "lead_text": row.get("Lead agency", ""),
            "linked_groups": row.get("Links to other groups or strategies", ""),
            "grant_funded": _yes_no(row.get("Grant funded", ""), "Grant funded", errors),
            "is_new": _yes_no(row.get("New this year", ""), "New this year", errors),
            "themes": _themes(row.get("Themes", ""), themes, errors),
        }
        _check_lengths(values, errors)
        checked.append(ImportRow(line, values, errors))
    return checked


@transaction.atomic
def import_rows(version: PlanVersion, checked: list[ImportRow]) -> int:
    """Create every row's item, or none: one bad row refuses the whole import."""
    if not checked or any(row.errors for row in checked):
        raise ValidationError("Nothing was imported: correct the rows with errors and upload the sheet again.")
    for row in checked:
        values = dict(row.values)
        themes = Theme.objects.filter(pk__in=values.pop("themes", []), agreement=version.plan.agreement_id)
        item = PlanItem(version=version, **values)
        services.plan_item_save(item=item, lead_organisations=[], themes=themes)
    return len(checked)

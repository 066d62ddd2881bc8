"""Import action plan items from a spreadsheet in the export's columns: checked row by row, saved all or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from kcsp.exports import table_read

from . import services
from .exports import PLAN_COLUMNS
from .models import PlanItem, PlanVersion

REQUIRED_COLUMNS = PLAN_COLUMNS[1:]  # "Number" is given by the plan, not the sheet
MAX_ROWS = 500
CATEGORIES = {label.lower(): value for value, label in PlanItem.Category.choices if value}


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)


def read_sheet(upload) -> list[dict]:
    """Rows as dicts keyed by header, from .xlsx or .csv read as the export wrote them (kcsp.exports.table_read:
    formula guards undone); a sheet without the columns is refused whole."""
    rows = table_read(upload)
    if not rows:
        raise ValidationError("The selected file is empty.")
    header = [h.strip() for h in rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ValidationError(f"The sheet is missing these columns: {', '.join(missing)}.")
    body = [row for row in rows[1:] if any(str(cell).strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"The sheet has {len(body)} rows: import at most {MAX_ROWS} at a time.")
    return [dict(zip(header, [str(c).strip() for c in row], strict=False)) for row in body]


def _yes_no(value: str, column: str, errors: list[str]) -> bool:
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("", "no", "n", "false"):
        return False
    errors.append(f"{column} must be Yes or No")
    return False


def check_rows(version: PlanVersion, rows: list[dict]) -> list[ImportRow]:
    priorities = {p.name.lower(): p.pk for p in version.plan.agreement.priorities.all()}
    checked = []
    for line, row in enumerate(rows, start=2):
        errors: list[str] = []
        priority = priorities.get(row.get("Priority", "").lower())
        if priority is None:
            errors.append(f"Priority '{row.get('Priority', '')}' is not one of this year's priorities")
        if not row.get("Objective / planned outcome"):
            errors.append("Objective / planned outcome is empty")
        try:
            PlanItem.parse_timescale(row.get("Timescale", ""))
        except ValueError:
            errors.append(f"Timescale '{row.get('Timescale')}' must be a month and year, like March 2023, or Ongoing")
        category_text = row.get("Category", "")
        category = CATEGORIES.get(category_text.lower(), PlanItem.Category.OTHER if category_text else "")
        values = {
            "priority_id": priority,
            "category": category,
            "category_other": category_text if category == PlanItem.Category.OTHER else "",
            "objective": row.get("Objective / planned outcome", ""),
            "actions": [a.strip() for a in row.get("Actions", "").splitlines() if a.strip()],
            "measures": [m.strip() for m in row.get("Measures / outcomes", "").splitlines() if m.strip()],
            "timescale": row.get("Timescale", ""),
            "lead_text": row.get("Lead agency", ""),
            "linked_groups": row.get("Links to other groups or strategies", ""),
            "grant_funded": _yes_no(row.get("Grant funded", ""), "Grant funded", errors),
            "is_new": _yes_no(row.get("New this year", ""), "New this year", errors),
        }
        checked.append(ImportRow(line, values, errors))
    return checked


@transaction.atomic
def import_rows(version: PlanVersion, checked: list[ImportRow]) -> int:
    """Create every row's item, or none: one bad row refuses the whole import."""
    if not checked or any(row.errors for row in checked):
        raise ValidationError("Nothing was imported: correct the rows with errors and upload the sheet again.")
    for row in checked:
        item = PlanItem(version=version, **row.values)
        services.plan_item_save(item=item, lead_organisations=[], themes=[])
    return len(checked)

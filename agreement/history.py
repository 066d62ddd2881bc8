"""An action plan item's history field by field: one row per save, each listing what changed from the save
before it (django-simple-history rows, the lead organisations and themes included)."""

from dataclasses import dataclass, field

from kcsp.models import Organisation

from .models import PlanItem, Priority, Theme

SHOWN = 300  # characters of a long text shown in the table
FIELDS = [
    "priority",
    "position",
    "category",
    "category_other",
    "objective",
    "actions",
    "measures",
    "timescale",
    "lead_text",
    "linked_groups",
    "grant_funded",
    "is_new",
    "retired",
]
MANY = {"lead_organisations": ("organisation", Organisation), "themes": ("theme", Theme)}


@dataclass
class HistoryRow:
    """One save: when (aware datetime), who (a user or None: the system), what kind ("Created", "Changed"),
    and the changes as (label, before, after) texts."""

    when: object
    who: object
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _text(name: str, value, names: dict) -> str:
    if value in (None, "", []):
        return PlanItem.NO_PRIORITY if name == "priority" else "(blank)"
    if name == "priority":
        return names["priority"].get(value, "(a priority since removed)")
    if name == "category":
        return str(dict(PlanItem.Category.choices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def item_history(item: PlanItem, limit: int = 30) -> list[HistoryRow]:
    """The item's saves, newest first, at most `limit`, each with what changed from the one before it."""
    records = list(item.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    ids = [r.history_id for r in records]
    links = {name: {} for name in MANY}
    for name, (column, _model) in MANY.items():
        through = getattr(PlanItem.history.model, name).model  # the m2m rows kept with each history row
        for history_id, pk in through.objects.filter(history_id__in=ids).values_list("history_id", column):
            links[name].setdefault(history_id, set()).add(pk)
    all_pks = {name: set().union(*links[name].values()) if links[name] else set() for name in MANY}
    names = {
        "priority": dict(Priority.objects.filter(pk__in={r.priority_id for r in records}).values_list("pk", "name")),
        **{
            name: {o.pk: str(o) for o in model.objects.filter(pk__in=all_pks[name])}
            for name, (_, model) in MANY.items()
        },
    }
    labels = {
        f.name: str(f.verbose_name).capitalize() for f in PlanItem._meta.get_fields() if hasattr(f, "verbose_name")
    }
    labels.update(
        priority="Priority",
        position="Number (place)",
        lead_organisations="Lead organisations",
        themes="Cross-cutting themes",
    )
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(rows) == limit:
            break
        kind = {"+": "Created", "~": "Changed", "-": "Deleted"}[newer.history_type]
        row = HistoryRow(newer.history_date, newer.history_user, kind)
        if older is not None:
            for name in FIELDS:
                attname = PlanItem._meta.get_field(name).attname
                before, after = getattr(older, attname), getattr(newer, attname)
                if before != after:
                    row.changes.append((labels[name], _text(name, before, names), _text(name, after, names)))
            for name in MANY:
                before = links[name].get(older.history_id, set())
                after = links[name].get(newer.history_id, set())
                if before != after:
                    shown = [sorted(names[name].get(pk, "(since removed)") for pk in side) for side in (before, after)]
                    row.changes.append((labels[name], _text(name, shown[0], names), _text(name, shown[1], names)))
        rows.append(row)
    return rows

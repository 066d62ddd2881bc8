"""The action plan page as readers use it (issue 16): each item's RAG status as a tag in words, filters read from
the query string (priority, lead organisation, RAG, overdue, grant-funded, theme), counts per priority and status
with the progress chart drawn from the same figures, a full or compact view, and links that keep the filters.

Everything is worked out from the one list of the version's items the reader may see (`selectors.plan_items`
with the reader's status rule: without agreement.view_internal_progress, internal updates give no status), so the
page's queries do not grow with the plan or the filters, and no filter, count or choice can name an item, an
organisation or a status the reader could not find on the unfiltered page.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from crispy_forms_gds.layout import Submit
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator

from kcsp.forms import GdsFormMixin

from . import selectors
from .charts import Bar, Segment, stacked_bar_chart
from .models import ActionPlan, PlanItem, PlanVersion, ProgressUpdate


@dataclass(frozen=True)
class Rag:
    """A status as the page shows it: `label` in words (never colour alone), `tag` the GOV.UK tag modifier (its
    colours meet WCAG 2.2 AA for the words on it), `fill` and `ink` the chart's colour and the count on it."""

    key: str
    label: str
    tag: str
    fill: str
    ink: str


NO_UPDATE = "none"
_STATUS = ProgressUpdate.Status
RAGS = (
    Rag(_STATUS.RED.value, _STATUS.RED.label, "govuk-tag--red", "#d4351c", "#ffffff"),
    Rag(_STATUS.AMBER.value, _STATUS.AMBER.label, "govuk-tag--orange", "#f47738", "#0b0c0c"),
    Rag(_STATUS.GREEN.value, _STATUS.GREEN.label, "govuk-tag--green", "#00703c", "#ffffff"),
    Rag(_STATUS.COMPLETE.value, _STATUS.COMPLETE.label, "govuk-tag--blue", "#1d70b8", "#ffffff"),
    Rag(NO_UPDATE, "No update yet", "govuk-tag--grey", "#505a5f", "#ffffff"),
)
RAG_BY_KEY = {rag.key: rag for rag in RAGS}

FILTERS = ("priority", "lead", "rag", "theme", "overdue", "grant")
NO_PRIORITY_KEY = "none"  # the priority filter's value for the "Priority: N/A" table
COMPACT = "compact"  # ?view=compact: one table row per item


def rag_of(item: PlanItem) -> Rag:
    """The item's status from its `latest_status` annotation; "No update yet" before any update."""
    return RAG_BY_KEY.get(item.latest_status or NO_UPDATE, RAG_BY_KEY[NO_UPDATE])


def priority_key(priority_id) -> str:
    return str(priority_id) if priority_id else NO_PRIORITY_KEY


class PlanFilterForm(GdsFormMixin, forms.Form):
    """The plan's filters, sent by GET so they stay in the address. The choices are the plan's own (the priorities,
    the lead organisations and themes its items name); a value not offered is named on the page and left out,
    the other filters still apply, never a 500."""

    submit_label = "Apply filters"
    priority = forms.ChoiceField(required=False, error_messages={"invalid_choice": "Select a priority from the list"})
    lead = forms.ChoiceField(
        label="Lead organisation",
        required=False,
        error_messages={"invalid_choice": "Select a lead organisation from the list"},
    )
    rag = forms.ChoiceField(
        label="Latest status (RAG)",
        required=False,
        choices=[("", "Any status"), *((rag.key, rag.label) for rag in RAGS)],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    theme = forms.ChoiceField(
        label="Cross-cutting theme",
        required=False,
        error_messages={"invalid_choice": "Select a theme from the list"},
    )
    overdue = forms.BooleanField(label="Only items past their timescale without a completed update", required=False)
    grant = forms.BooleanField(label="Only items funded by the Crime Reduction Grant", required=False)

    def __init__(self, *args, priorities, leads, themes, **kwargs):
        """`priorities`, `leads`, `themes`: [(value, label)] offered, in the order shown."""
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [("", "All priorities"), *priorities]
        self.fields["lead"].choices = [("", "Any lead"), *leads]
        self.fields["theme"].choices = [("", "Any theme"), *themes]
        self.helper.form_method = "get"
        self.helper.inputs = [Submit("filter", self.submit_label, css_class="govuk-button--secondary")]

    def chosen(self) -> dict[str, str]:
        """The filters to apply as they go in the address: {name: value} for each valid, non-empty filter (a
        ticked box is "on"); an invalid one is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data then holds the valid fields only
        values = {name: self.cleaned_data.get(name) for name in FILTERS}
        return {name: "on" if value is True else value for name, value in values.items() if value}


@dataclass
class Section:
    """One priority's part of the page (or the "Priority: N/A" table): `anchor` is its id in the page."""

    priority: object
    items: list
    anchor: str
    heading: str
    key: str


def _sections(version: PlanVersion, items: list, priorities: list, *, filtered: bool) -> list[Section]:
    sections = []
    for priority, group in selectors.grouped_by_priority(version, items, priorities):
        if filtered and not group:
            continue  # a filtered page shows only the priorities with matching items
        if priority is None:
            sections.append(Section(None, group, "no-priority", PlanItem.NO_PRIORITY, NO_PRIORITY_KEY))
        else:
            heading = f"{priority.position}. {priority.name}"
            sections.append(Section(priority, group, f"priority-{priority.position}", heading, str(priority.pk)))
    return sections


def _leads_of(item: PlanItem, summary: bool) -> list:
    """The organisations the page names as the item's lead: its own, and in the older layout its priority's."""
    leads = list(item.lead_organisations.all())
    if summary and item.priority_id and item.priority.lead_organisation_id:
        leads.append(item.priority.lead_organisation)
    return leads


def _matches(item: PlanItem, chosen: dict, summary: bool) -> bool:
    checks = {
        "priority": lambda value: priority_key(item.priority_id) == value,
        "lead": lambda value: value in {str(org.pk) for org in _leads_of(item, summary)},
        "rag": lambda value: item.rag.key == value,
        "theme": lambda value: value in {str(theme.pk) for theme in item.themes.all()},
        "overdue": lambda value: item.overdue,
        "grant": lambda value: item.grant_funded,
    }
    return all(checks[name](value) for name, value in chosen.items())


def _address(query: dict, anchor: str = "") -> str:
    return f"?{urlencode(query)}" + (f"#{anchor}" if anchor else "")


def _summary(sections: list[Section], keep: dict) -> tuple[list[dict], dict]:
    """Rows of the counts table, one per section, and its totals row: each cell {"rag", "count", "url"}, the URL
    being the plan filtered to that priority and status (with `keep`, the other filters and the view)."""
    rows = []
    for section in sections:
        counts = {rag.key: 0 for rag in RAGS}
        for item in section.items:
            counts[item.rag.key] += 1
        priority = {**keep, "priority": section.key}
        cells = [
            {"rag": rag, "count": counts[rag.key], "url": _address({**priority, "rag": rag.key}, section.anchor)}
            for rag in RAGS
        ]
        rows.append(
            {
                "section": section,
                "cells": cells,
                "total": len(section.items),
                "url": _address(priority, section.anchor),
            }
        )
    totals = {
        "cells": [
            {
                "rag": rag,
                "count": sum(row["cells"][n]["count"] for row in rows),
                "url": _address({**keep, "rag": rag.key}, "plan-items"),
            }
            for n, rag in enumerate(RAGS)
        ],
        "total": sum(row["total"] for row in rows),
    }
    return rows, totals


def _chart(rows: list[dict], totals: dict) -> str:
    bars = [
        Bar(
            Truncator(row["section"].heading).chars(80),
            tuple(
                Segment(cell["rag"].label, cell["count"], cell["rag"].fill, cell["rag"].ink) for cell in row["cells"]
            ),
        )
        for row in rows
    ]
    in_words = "; ".join(f"{cell['rag'].label} {cell['count']}" for cell in totals["cells"])
    return stacked_bar_chart(
        bars,
        title="Progress by priority: items by latest status",
        description=f"{totals['total']} items in all ({in_words}). The table with the chart gives every figure.",
        chart_id="plan-progress",
    )


def fragment_vary(params, today: datetime.date, version: PlanVersion, user) -> str | None:
    """What the plan page's body depends on besides the version and the reader's rights, as one string: today's
    date and the filters and view as the page reads them (in a fixed order, anything else left out; a ticked box is
    "on", a view other than compact none). None (the body is built, not cached) when a filter's value is not one the
    page offers this reader (`offered_values`), so made-up query strings cannot fill the cache (issue 18)."""
    from kcsp.fragments import fragment_seconds

    if fragment_seconds() <= 0:
        return today.isoformat()  # nothing is cached: the value only has to be there (no query spent on it)
    chosen = {}
    for name in (*FILTERS, "view"):
        value = params.get(name)
        if not value:
            continue
        if name in ("overdue", "grant"):  # as forms.BooleanField reads a box
            if value.lower() not in ("false", "0"):
                chosen[name] = "on"
        elif name == "view":
            if value == COMPACT:
                chosen[name] = COMPACT
        elif name == "rag":
            if value not in RAG_BY_KEY:
                return None
            chosen[name] = value
        elif value not in offered_values(version, user).get(name, ()):
            return None
        else:
            chosen[name] = value
    return f"{today.isoformat()}?{urlencode(chosen)}"


def offered_values(version: PlanVersion, user) -> dict[str, frozenset]:
    """{"priority" | "lead" | "theme": the values its filter offers `user` on `version`}: the unfiltered page's
    choices, cached for readers with the same rights until any change (kcsp/fragments.py)."""
    from kcsp.fragments import cached_for_viewer

    def build():
        form = plan_page(version, user, QueryDict())["form"]
        return {name: frozenset(value for value, _ in form.fields[name].choices if value) for name in FILTER_CHOICES}

    return cached_for_viewer("plan-filter-values", user, [version.pk], build, shared=True)


FILTER_CHOICES = ("priority", "lead", "theme")


def plan_page(version: PlanVersion, user, params, today: datetime.date | None = None) -> dict:
    """The context of the plan page for `user` reading `version` with the query string `params` (a QueryDict):
    form, sections, counts (rows, totals), chart (SVG, "" with no items), compact, filtered, shown and all
    (item counts), the addresses of the two views and of the unfiltered plan. Four queries (the items with their
    statuses, their leads, their themes, the priorities), however many items and whichever filters."""
    today = today or timezone.localdate()
    summary = version.plan.layout == ActionPlan.Layout.SUMMARY
    items = list(selectors.plan_items(version, user=user).select_related("priority__lead_organisation"))
    priorities = list(version.plan.agreement.priorities.select_related("lead_organisation"))
    leads, themes, has_no_priority = {}, {}, False
    for item in items:
        item.rag = rag_of(item)
        item.overdue = item.is_overdue(item.latest_status, today)
        has_no_priority |= not item.priority_id
        for org in _leads_of(item, summary):
            leads[org.pk] = org.label
        for theme in item.themes.all():
            themes[theme.pk] = (theme.position, theme.name)
    priority_choices = [(str(p.pk), f"{p.position}. {p.name}") for p in priorities]
    if has_no_priority:
        priority_choices.append((NO_PRIORITY_KEY, PlanItem.NO_PRIORITY))
    query = {name: params.get(name) for name in FILTERS if params.get(name)}
    form = PlanFilterForm(
        query or None,
        priorities=priority_choices,
        leads=sorted(((str(pk), label) for pk, label in leads.items()), key=lambda choice: choice[1].lower()),
        themes=[(str(pk), name) for pk, (_, name) in sorted(themes.items(), key=lambda kv: kv[1])],
        viewer=user,
    )
    chosen = form.chosen()
    compact = params.get("view") == COMPACT
    view = {"view": COMPACT} if compact else {}
    shown = [item for item in items if _matches(item, chosen, summary)]
    sections = _sections(version, shown, priorities, filtered=bool(chosen))
    # a count's link sets its own priority and status, keeping the other filters (the totals row keeps the
    # chosen priority) and the view
    rows, totals = _summary(sections, {name: value for name, value in chosen.items() if name != "rag"} | view)
    return {
        "form": form,
        "sections": sections,
        "counts": rows,
        "totals": totals,
        "chart": _chart(rows, totals) if shown else "",
        "compact": compact,
        "filtered": bool(chosen),
        "shown": len(shown),
        "all": len(items),
        "overdue_count": sum(item.overdue for item in shown),
        "overdue_only": "overdue" in chosen,
        "overdue_url": _address({**chosen, "overdue": "on"} | view, "plan-items"),
        "full_url": _address(chosen) if chosen else "?",
        "compact_url": _address({**chosen, "view": COMPACT}),
        "clear_url": _address(view) if view else "?",
        "summary": summary,
    }

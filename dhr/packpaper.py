"""The generated DHR update paper for the DHR pack: every open case with its stage, due dates and overdue actions."""

from django.utils import timezone

from meetings.packbuild.parts import RenderStats, rendered_part

from .models import AgencyAction, AgendaLink, Case


def wants_update_paper(item) -> bool:
    return AgendaLink.objects.filter(item=item, include_update_paper=True, item__restriction_reason="dhr").exists()


def update_paper_context(item, today=None) -> dict:
    today = today or timezone.localdate()
    cases = list(Case.objects.open().listing(today).prefetch_related("extensions"))
    overdue = AgencyAction.objects.overdue(today).select_related("recommendation__case", "organisation")
    actions_by_case = {}
    for action in overdue:
        actions_by_case.setdefault(action.recommendation.case_id, []).append(action)
    linked = set(item.dhr_link.cases.values_list("pk", flat=True))
    rows = [
        {
            "case": case,
            "milestones": case.milestones(today),
            "overdue_actions": actions_by_case.get(case.pk, []),
            "on_agenda": case.pk in linked,
        }
        for case in cases
    ]
    return {"item": item, "meeting": item.meeting, "rows": rows, "today": today}


def update_paper_part(item, stats: RenderStats) -> bytes:
    return rendered_part(
        "dhr/pdf/update_paper.html",
        update_paper_context(item),
        title=f"{item.code} Domestic Homicide Review update",
        label=f"DHR update paper {item.pk}",
        stats=stats,
    )

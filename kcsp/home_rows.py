"""How each waiting list's rows are shown: its column headings and, per row, its cells (text, link, tag).

Cells are built from the row and what its queryset already loaded (select_related / annotations), so a page of a
list costs the same number of queries however long the list is. Text is escaped by the template.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from meetings.workingdays import working_days_between


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    tag: str = ""  # a GOV.UK tag colour ("red", "yellow" …): the text is shown as a tag


def _date(day) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _meeting(meeting) -> Cell:
    return Cell(str(meeting), meeting.get_absolute_url())


def deadline_cells(meeting, today: datetime.date) -> list[Cell]:
    """The publication deadline (five working days before, bank holidays excluded) and working days left."""
    due = meeting.publication_due_on
    left = working_days_between(today, due)
    if left < 0:
        state = Cell(f"Missed by {-left} working day{'s' if left != -1 else ''}", tag="red")
    elif left <= 3:
        state = Cell(f"{left} working day{'s' if left != 1 else ''} left", tag="yellow")
    else:
        state = Cell(f"{left} working days left", tag="blue")
    return [Cell(_date(due)), state]


def agenda_status(meeting) -> str:
    """The agenda's status as the home lists show it: a draft the chair returned (its latest chair-agreement step,
    annotated as `chair_step` by kcsp/home_lists.agendas_to_prepare, is a return) is "Returned by the chair"."""
    from meetings.chair_agreement import RETURN

    if meeting.status == meeting.Status.DRAFT and getattr(meeting, "chair_step", None) == RETURN:
        return "Returned by the chair"
    return meeting.get_status_display()


def _agenda(meeting, today):
    return [_meeting(meeting), *deadline_cells(meeting, today), Cell(agenda_status(meeting))]


def _agenda_to_agree(meeting, today):
    """The chair's row: the meeting, its deadline, and the page that shows the whole agenda to agree or return."""
    step = "Read and agree or return" if meeting.status == meeting.Status.WITH_CHAIR else "Read the draft"
    return [*_agenda(meeting, today), Cell(step, reverse("meetings:agenda_agree", args=[meeting.pk]))]


def _pack(pack, today):
    meeting = pack.meeting
    return [
        Cell(pack.get_kind_display(), reverse("meetings:pack_status", args=[meeting.pk])),
        _meeting(meeting),
        Cell(pack.failure[:200] if pack.failure else "Failed", tag="red"),
    ]


def _new_pack(pack, today):
    meeting = pack.meeting
    return [
        Cell(pack.get_kind_display(), reverse("meetings:pack_reader", args=[meeting.pk, pack.kind])),  # the reader
        _meeting(meeting),
        Cell(f"{timezone.localtime(pack.built_at):%-d %B %Y, %H:%M}"),
    ]


def _minutes(meeting, today, action_url: str, action_label: str):
    return [_meeting(meeting), Cell(action_label, reverse(action_url, args=[meeting.pk]))]


def _my_meeting(meeting, today):
    cells = [_meeting(meeting), Cell(meeting.venue or meeting.get_venue_kind_display())]
    if getattr(meeting, "apologies_sent", False):
        cells.append(Cell("Apologies sent", tag="grey"))
    else:
        cells.append(Cell("Send apologies", reverse("meetings:apologies", args=[meeting.pk])))
    return cells


def _action(action, today):
    minute = action.minute
    status = Cell("Overdue", tag="red") if action.is_overdue else Cell(f"Due {_date(action.due_on)}", tag="blue")
    return [
        Cell(action.text[:200], reverse("meetings:action_edit", args=[action.pk])),
        Cell(action.owner_name or str(action.owner)),
        status,
        Cell(f"Minute {minute.number}, {minute.meeting}", reverse("meetings:minutes", args=[minute.meeting_id])),
    ]


def _plan_item(item, today):
    leads = ", ".join(organisation.label for organisation in item.lead_organisations.all()) or item.lead_text
    return [Cell(f"{item.number} {item.objective[:120]}", item.get_absolute_url()), Cell(leads), Cell(item.timescale)]


def _bid(bid, today):
    return [
        Cell(str(bid).strip(), bid.get_absolute_url()),  # its reference and title, once
        Cell(bid.applicant_organisation.label),
        Cell(f"£{bid.amount_requested:,.2f}"),
        Cell(bid.get_pot_display() if bid.pot else ""),
    ]


def _terms(committee, today):
    from meetings.models import TermsOfReference

    agreed = committee.tor_agreed_on
    if agreed is None:
        due = Cell("No terms of reference recorded", tag="red")
    else:
        review = agreed + TermsOfReference.REVIEW_INTERVAL
        due = Cell(f"Review due {_date(review)}", tag="red" if review < today else "yellow")
    return [
        Cell(committee.name, committee.get_absolute_url()),
        Cell(_date(agreed)),
        due,
        Cell("Record new terms", reverse("meetings:terms_create", args=[committee.slug])),
    ]


def _case(case, today):
    cells = [
        Cell(str(case), case.get_absolute_url()),
        Cell(case.get_csp_area_display()),
        Cell(case.get_status_display()),
    ]
    due = [m for m in case.milestones(today) if m["days_left"] is not None]
    if due:
        first = min(due, key=lambda m: m["days_left"])
        left = first["days_left"]
        text = f"{first['label']}: {_date(first['due_on'])}"
        cells.append(
            Cell(
                f"{text} ({-left} days overdue)" if left < 0 else f"{text} ({left} days left)",
                tag="red" if left < 0 else "yellow",
            )
        )
    else:
        cells.append(Cell(""))
    return cells


def _agency_action(action, today):
    case = action.recommendation.case
    return [
        Cell(action.action[:200], case.get_absolute_url()),
        Cell(f"{case}, {action.organisation.label}"),
        Cell(f"Due {_date(action.due_on)}", tag="red"),
        Cell(_date(action.last_update_on) or "No update yet"),
    ]


AGENDA_HEADINGS = ("Meeting", "Publication deadline", "Working days left", "Status")
MINUTES_HEADINGS = ("Meeting", "Next step")
ACTION_HEADINGS = ("Action", "Owner", "Due", "Minute")
BID_HEADINGS = ("Bid", "Applicant", "Requested", "Pot")

ROWS = {
    "agendas-to-prepare": (AGENDA_HEADINGS, _agenda),
    "agendas-with-chair": (AGENDA_HEADINGS, _agenda),
    "agendas-to-agree": ((*AGENDA_HEADINGS, "Next step"), _agenda_to_agree),
    "packs-failed": (("Pack", "Meeting", "Why"), _pack),
    "new-papers": (("Pack", "Meeting", "Built"), _new_pack),
    "minutes-to-write": (MINUTES_HEADINGS, lambda m, t: _minutes(m, t, "meetings:minute_create", "Write the minutes")),
    "minutes-to-circulate": (
        MINUTES_HEADINGS,
        lambda m, t: _minutes(m, t, "meetings:minutes_circulate", "Circulate the minutes"),
    ),
    "minutes-to-sign": (MINUTES_HEADINGS, lambda m, t: _minutes(m, t, "meetings:minutes_approve", "Approve and sign")),
    "my-meetings": (("Meeting", "Venue", "Apologies"), _my_meeting),
    "actions-overdue": (ACTION_HEADINGS, _action),
    "my-actions": (ACTION_HEADINGS, _action),
    "plan-updates": (("Item", "Lead", "Timescale"), _plan_item),
    "my-plan-items": (("Item", "Lead", "Timescale"), _plan_item),
    "bids-to-record": (BID_HEADINGS, _bid),
    "bids-to-decide": (BID_HEADINGS, _bid),
    "terms-due": (("Committee", "Terms agreed", "Review", "Next step"), _terms),
    "dhr-cases-due": (("Case", "Area", "Stage", "Next milestone"), _case),
    "dhr-actions-late": (("Action", "Case", "Due", "Last update"), _agency_action),
}

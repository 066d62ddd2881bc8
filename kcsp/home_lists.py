"""What is waiting for each role: the lists behind the home page's counts (issue 16, "Home pages by role").

Each `WaitingList` is one question ("agendas to prepare", "bids waiting for my decision" …) answered by a
queryset that starts from the model's `visible_to(user)` (or, for DHR lists, only after the DHR gate: see
kcsp/home_views.py), so a count never includes a row its reader may not open. The home page shows each list's
count (one COUNT query per list, whatever the data's size) linking to /home/<key>/, where the same queryset is
filtered by the GET parameters in `filters` and paginated.

Rules and where they come from:
- Publication deadline: five working days before the meeting, bank holidays excluded (Meeting.publication_due_on,
  meetings/workingdays.py).
- Plan updates are quarterly, in financial-year quarters (Q1 April to June … Q4 January to March: ProgressUpdate);
  an item needs one when it sits in the latest published version of this financial year's plan, is not retired,
  not completed, and has no update for the current quarter.
- Terms of reference are reviewed yearly (TermsOfReference.REVIEW_INTERVAL); "due" means due within
  TOR_DUE_WITHIN_DAYS or overdue, or a committee with no terms at all.
- DHR cases "due" means a statutory milestone (decision, review submission) falls within DHR_DUE_WITHIN_DAYS or has
  passed (dhr.models.Case.overdue_q); agency actions are late when open past their due date.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import roles
from .home_queries import (  # noqa: F401 (the due-within periods are part of these lists' rules)
    DHR_DUE_WITHIN_DAYS,
    TOR_DUE_WITHIN_DAYS,
    actions_overdue,
    agendas_to_agree,
    agendas_to_prepare,
    agendas_with_chair,
    bids_to_decide,
    bids_to_record,
    chaired_committee_ids,
    dhr_actions_late,
    dhr_cases_due,
    minutes_to_circulate,
    minutes_to_sign,
    minutes_to_write,
    my_actions,
    my_next_meetings,
    my_plan_items,
    new_papers,
    packs_failed,
    plan_updates_due,
    terms_due,
)


@dataclass(frozen=True)
class WaitingList:
    """One list of things waiting for a role. `rows(user, today)` is the unfiltered queryset (visible_to-based);
    `filters` names the GET parameters it takes (kcsp/home_filters.py); `dhr` lists are shown only through the
    DHR gate (one-time code this session, access-logged)."""

    key: str
    role: str
    title: str
    empty: str
    rows: Callable
    filters: tuple = ()
    dhr: bool = False

    @property
    def url_name(self) -> str:
        return f"home_{self.key.replace('-', '_')}"


LISTS = (
    WaitingList(
        "agendas-to-prepare",
        roles.OFFICER,
        "Agendas to prepare",
        "Every agenda of a meeting to come is published or with the chair.",
        agendas_to_prepare,
        ("committee",),
    ),
    WaitingList(
        "agendas-with-chair",
        roles.OFFICER,
        "Agendas waiting for the chair",
        "No agendas are with a chair for agreement.",
        agendas_with_chair,
        ("committee",),
    ),
    WaitingList(
        "packs-failed", roles.OFFICER, "Packs that failed", "No pack builds have failed.", packs_failed, ("committee",)
    ),
    WaitingList(
        "minutes-to-write",
        roles.OFFICER,
        "Minutes to write",
        "Every held meeting has minutes.",
        minutes_to_write,
        ("committee",),
    ),
    WaitingList(
        "minutes-to-circulate",
        roles.OFFICER,
        "Minutes to circulate",
        "No written minutes are waiting to be circulated.",
        minutes_to_circulate,
        ("committee",),
    ),
    WaitingList(
        "actions-overdue", roles.OFFICER, "Actions overdue", "No actions are overdue.", actions_overdue, ("committee",)
    ),
    WaitingList(
        "plan-updates",
        roles.OFFICER,
        "Plan updates due this quarter",
        "Every item of this year's published plan has its update for this quarter.",
        plan_updates_due,
        ("priority",),
    ),
    WaitingList(
        "bids-to-record",
        roles.OFFICER,
        "Bids to record",
        "No submitted bids are waiting.",
        bids_to_record,
        ("grant_year",),
    ),
    WaitingList(
        "terms-due",
        roles.OFFICER,
        "Terms of reference due for review",
        "No committee's terms of reference are due for review.",
        terms_due,
        ("overdue",),
    ),
    WaitingList(
        "agendas-to-agree",
        roles.CHAIR,
        "Agendas to agree",
        "No agendas are waiting for you.",
        agendas_to_agree,
        ("committee",),
    ),
    WaitingList(
        "bids-to-decide",
        roles.CHAIR,
        "Bids waiting for your decision",
        "No recommended bids are waiting for a decision.",
        bids_to_decide,
        ("grant_year",),
    ),
    WaitingList(
        "minutes-to-sign",
        roles.CHAIR,
        "Minutes to sign",
        "No minutes are waiting for your signature.",
        minutes_to_sign,
        ("committee",),
    ),
    WaitingList(
        "my-meetings",
        roles.MEMBER,
        "My next meetings",
        "None of your committees has a meeting coming up.",
        my_next_meetings,
        ("committee",),
    ),
    WaitingList(
        "new-papers",
        roles.MEMBER,
        "New papers and supplements since you last looked",
        "You have opened every pack since it was last built.",
        new_papers,
        ("committee",),
    ),
    WaitingList("my-actions", roles.MEMBER, "My actions", "You have no open actions.", my_actions, ("committee",)),
    WaitingList(
        "my-plan-items",
        roles.MEMBER,
        "Plan items my organisation leads that need an update",
        "No plan items led by your organisation need an update this quarter.",
        my_plan_items,
        ("priority",),
    ),
    WaitingList(
        "dhr-cases-due",
        roles.DHR_CLEARED,
        f"Reviews overdue or due within {DHR_DUE_WITHIN_DAYS} days",
        "No review has a milestone overdue or due soon.",
        dhr_cases_due,
        ("area",),
        dhr=True,
    ),
    WaitingList(
        "dhr-actions-late",
        roles.DHR_CLEARED,
        "Agency actions late",
        "No agency action is past its due date.",
        dhr_actions_late,
        ("area",),
        dhr=True,
    ),
)
BY_KEY = {waiting.key: waiting for waiting in LISTS}

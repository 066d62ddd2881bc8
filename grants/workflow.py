"""The bid workflow as one table: every step a bid may take, who may take it and what it needs.

Anything not in the table is an illegal move and is refused with a message naming the bid's status.
A year whose round ends at the chair's approval (GrantYear.commissioner_step off) has no Commissioner
steps: its approved bids go straight into delivery (`chair_final_sources`).
"""

from dataclasses import dataclass

from .models import Bid, GrantYear

S = Bid.Status
LIVE = (S.DRAFT, S.SUBMITTED, S.RECOMMENDED, S.APPROVED, S.WITH_COMMISSIONER, S.COMMISSIONER_APPROVED, S.IN_DELIVERY)


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple
    target: str
    permission: str
    reason_required: bool = False
    reason_label: str = "Reason"
    check_budget: str = ""  # "recommend" or "approve": which budget guard applies
    notify_applicant: bool = False
    warning: bool = False
    # Where the step starts in a year whose chair's approval is final; None: the same as `sources`,
    # (): the step does not exist in such a year.
    chair_final_sources: tuple | None = None
    # The label of the optional "really taken on" date (BidStep.decided_on) for a step entered after the event;
    # "" for steps that have none.
    dated: str = ""

    def sources_for(self, year: GrantYear) -> tuple:
        """The statuses this step may start from in this year's round."""
        if year.commissioner_step or self.chair_final_sources is None:
            return self.sources
        return self.chair_final_sources


STEPS = {
    step.action: step
    for step in (
        Step(
            "submit",
            "Submit the bid",
            (S.DRAFT,),
            S.SUBMITTED,
            "grants.submit_this_bid",
            reason_label="Note",
            dated="Date submitted (if submitted before it was recorded here)",
        ),
        Step(
            "recommend",
            "Recommend to the chair",
            (S.SUBMITTED,),
            S.RECOMMENDED,
            "grants.manage_grant",
            reason_label="Working group's comment",
            check_budget="recommend",
        ),
        Step(
            "decline",
            "Decline",
            (S.SUBMITTED,),
            S.DECLINED,
            "grants.manage_grant",
            reason_required=True,
            reason_label="Why the working group declined it",
            notify_applicant=True,
            warning=True,
        ),
        Step(
            "approve",
            "Approve",
            (S.RECOMMENDED,),
            S.APPROVED,
            "grants.decide_bid",
            reason_label="Comment (optional)",
            check_budget="approve",
            notify_applicant=True,
            dated="Date decided (if decided before it was recorded here)",
        ),
        Step(
            "reject",
            "Reject",
            (S.RECOMMENDED,),
            S.REJECTED,
            "grants.decide_bid",
            reason_label="Comment (optional)",
            notify_applicant=True,
            warning=True,
            dated="Date decided (if decided before it was recorded here)",
        ),
        Step(
            "send-to-commissioner",
            "Record submission to the Commissioner",
            (S.APPROVED,),
            S.WITH_COMMISSIONER,
            "grants.manage_grant",
            reason_label="Note",
            chair_final_sources=(),
        ),
        Step(
            "commissioner-approve",
            "Record the Commissioner's approval",
            (S.WITH_COMMISSIONER,),
            S.COMMISSIONER_APPROVED,
            "grants.manage_grant",
            reason_label="Note",
            notify_applicant=True,
            chair_final_sources=(),
            dated="Date decided (if decided before it was recorded here)",
        ),
        Step(
            "commissioner-decline",
            "Record the Commissioner's refusal",
            (S.WITH_COMMISSIONER,),
            S.COMMISSIONER_DECLINED,
            "grants.manage_grant",
            reason_required=True,
            reason_label="The Commissioner's reason",
            notify_applicant=True,
            warning=True,
            chair_final_sources=(),
            dated="Date decided (if decided before it was recorded here)",
        ),
        Step(
            "start-delivery",
            "Record that delivery has started",
            (S.COMMISSIONER_APPROVED,),
            S.IN_DELIVERY,
            "grants.manage_grant",
            reason_label="Note",
            chair_final_sources=(S.APPROVED,),
        ),
        Step(
            "complete",
            "Record completion",
            (S.IN_DELIVERY,),
            S.COMPLETED,
            "grants.manage_grant",
            reason_label="Note",
        ),
        Step(
            "withdraw",
            "Withdraw or remove the bid",
            LIVE,
            S.WITHDRAWN,
            "grants.manage_grant",
            reason_required=True,
            reason_label="Why it is withdrawn or removed",
            warning=True,
        ),
    )
}


def steps_in(year: GrantYear) -> list[Step]:
    """The steps this year's round has, in workflow order: no Commissioner steps when the chair's is final."""
    return [step for step in STEPS.values() if step.sources_for(year)]


def steps_for(bid: Bid, user) -> list[Step]:
    """The steps this user may take with this bid now, in workflow order."""
    return [
        step
        for step in STEPS.values()
        if bid.status in step.sources_for(bid.grant_year) and user.has_perm(step.permission, bid)
    ]

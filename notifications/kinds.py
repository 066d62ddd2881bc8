"""The notices the partnership sends, each of which a person may switch off on their preferences page."""

PACK = "pack"
APOLOGIES = "apologies"
ACTION_DUE = "action_due"
ACTION_OVERDUE = "action_overdue"
PLAN_UPDATE = "plan_update"
TERMS_REVIEW = "terms_review"
BID_AWAITING = "bid_awaiting"
BID_DECIDED = "bid_decided"

KINDS = {
    PACK: "An agenda pack is published or a supplementary paper is added, for committees you sit on",
    APOLOGIES: "A member sends apologies for a meeting you are the contact officer for",
    ACTION_DUE: "An action you own is due within a week",
    ACTION_OVERDUE: "An action you own is overdue",
    PLAN_UPDATE: "A quarterly update is due on action plan items your organisation leads",
    TERMS_REVIEW: "A committee's terms of reference are due for their yearly review (officers)",
    BID_AWAITING: "Grant bids recommended by the working group await your decision (chairs)",
    BID_DECIDED: "A grant bid you wrote or are the contact for is decided",
}
CHOICES = list(KINDS.items())

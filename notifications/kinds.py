"""The notices the partnership sends, each of which a person may switch off on their preferences page."""

PACK = "pack"
APOLOGIES = "apologies"
ACTION_DUE = "action_due"
ACTION_OVERDUE = "action_overdue"
PLAN_UPDATE = "plan_update"
TERMS_REVIEW = "terms_review"
BID_AWAITING = "bid_awaiting"
BID_DECIDED = "bid_decided"
DHR_OVERDUE = "dhr_overdue"
MINUTES_CIRCULATED = "minutes_circulated"
AMENDMENT_PROPOSED = "amendment_proposed"
AMENDMENT_DECIDED = "amendment_decided"
MEETING_CHANGED = "meeting_changed"

KINDS = {
    PACK: "An agenda pack is published or a supplementary paper is added, for committees you sit on",
    APOLOGIES: "A member sends apologies for a meeting you are the contact officer for",
    ACTION_DUE: "An action you own is due within a week",
    ACTION_OVERDUE: "An action you own is overdue",
    PLAN_UPDATE: "A quarterly update is due on action plan items your organisation leads",
    TERMS_REVIEW: "A committee's terms of reference are due for their yearly review (officers)",
    BID_AWAITING: "Grant bids recommended by the working group await your decision (chairs)",
    BID_DECIDED: "A grant bid you wrote or are the contact for is decided",
    DHR_OVERDUE: "Domestic Homicide Reviews are overdue: the weekly list (DHR-cleared users)",
    MINUTES_CIRCULATED: "Draft minutes of a meeting you attended are circulated for amendments",
    AMENDMENT_PROPOSED: "Someone proposes an amendment to draft minutes of a meeting you are the contact officer for",
    AMENDMENT_DECIDED: "An amendment you proposed to draft minutes is accepted or rejected",
    MEETING_CHANGED: "A meeting of a committee you sit on, or sent apologies for, is moved, postponed or cancelled",
}
# Work asked of someone by name (the chair's agreement of an agenda, its return to the officer): sent through the
# same once-only service, never offered on the preferences page and never switched off.
AGENDA_FOR_AGREEMENT = "agenda_for_agreement"
AGENDA_RETURNED = "agenda_returned"
DISPOSAL_REVIEW = "disposal_review"
WORK = {
    AGENDA_FOR_AGREEMENT: "An agenda is sent to you, as chair, for your agreement",
    AGENDA_RETURNED: "The chair returns an agenda you sent with comments",
    DISPOSAL_REVIEW: "Records have reached the end of their retention period and wait for your review (data "
    "protection officers)",
}
CHOICES = list(KINDS.items()) + list(WORK.items())
# Notices that always carry restricted or DHR material: sent with the protective marking and handling line
# (kcsp/marking.py) heading the body and the subject. Any other notice is marked when its context says
# "restricted" (an action, or an amendment to a minute, of a restricted item).
MARKED = frozenset({DHR_OVERDUE})
# Notices only some people can receive, offered on the preferences page to those people only.
FOR_ROLE = {DHR_OVERDUE: "dhr_cleared"}


def kinds_for(user) -> list[str]:
    """The kinds of notice this user can receive, in the order of KINDS."""
    from kcsp.roles import has_role

    return [kind for kind in KINDS if kind not in FOR_ROLE or has_role(user, FOR_ROLE[kind])]

"""Who may see which meetings and agenda items: the one place the rule is written.

- Officers and chairs see every meeting, draft or not; everyone else (the public included)
  sees meetings once their agenda is published, and a non-public body's meetings only when
  they are a current member of that body.
- Restricted items (section D) never reach the public. Items restricted because they concern a
  Domestic Homicide Review are seen by DHR-cleared users only, once they have entered a one-time
  code in this session (two-factor authentication). Other restricted items are seen
  by DHR-cleared users, officers, chairs, and current members of the meeting's committee.
- Draft minutes are seen by officers, chairs and current committee members; approved public
  minutes by everyone who may see the meeting. Minutes of restricted items follow their item.
"""

from django.db.models import Q

from kcsp import roles

PUBLISHED_STATUSES = ("published", "held", "minutes_approved")
RESTRICTED_SECTION = "D"
DHR_REASON = "dhr"


def is_staff(user) -> bool:
    """Officers and chairs run the committee business and see drafts."""
    return roles.has_role(user, roles.OFFICER, roles.CHAIR)


def member_committee_ids(user) -> list[int]:
    from .models import Membership

    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_kcsp_committee_ids", None)
    if cached is None:
        cached = list(Membership.objects.current().for_user(user).values_list("committee_id", flat=True))
        user._kcsp_committee_ids = cached
    return cached


def meeting_q(user, prefix: str = "") -> Q:
    """Meetings this user may see; `prefix` reaches the meeting from a related model."""
    if is_staff(user):
        return Q()
    published = Q(**{f"{prefix}status__in": PUBLISHED_STATUSES})
    body_open = Q(**{f"{prefix}committee__is_public": True}) | Q(
        **{f"{prefix}committee_id__in": member_committee_ids(user)}
    )
    return published & body_open


def restricted_item_q(user, prefix: str = "") -> Q:
    """Agenda items this user may see, as far as restriction goes (meeting visibility is separate)."""
    if roles.may_see_dhr(user):
        return Q()
    unrestricted = ~Q(**{f"{prefix}section": RESTRICTED_SECTION})
    not_dhr = ~Q(**{f"{prefix}restriction_reason": DHR_REASON})
    if is_staff(user) or roles.has_role(user, roles.DHR_CLEARED):
        return unrestricted | not_dhr
    committees = member_committee_ids(user)
    if committees:
        return unrestricted | (not_dhr & Q(**{f"{prefix}meeting__committee_id__in": committees}))
    return unrestricted


def item_q(user, prefix: str = "") -> Q:
    return meeting_q(user, f"{prefix}meeting__") & restricted_item_q(user, prefix)


def pack_kinds_visible(user, meeting) -> set[str]:
    """Which of a meeting's packs this user may know of and download (the meeting itself being visible)."""
    kinds = {"public", "supplementary"}
    if meeting.status == "minutes_approved":
        kinds.add("minutes")
    if roles.may_see_dhr(user):
        kinds |= {"restricted", "dhr"}
    elif (
        is_staff(user) or roles.has_role(user, roles.DHR_CLEARED) or meeting.committee_id in member_committee_ids(user)
    ):
        kinds.add("restricted")
    return kinds


def may_see_draft_minutes(user, committee_id: int) -> bool:
    return is_staff(user) or committee_id in member_committee_ids(user)

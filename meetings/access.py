"""Who may see which meetings and agenda items: the one place the rule is written.

- Officers and chairs see every meeting, draft or not; everyone else (the public included)
  sees meetings once their agenda is published, and a non-public body's meetings only when
  they are a current member of that body.
- An item is restricted when it has a restriction reason, whatever its section (`restricted_q`,
  `is_restricted`: the one definition). Section D is only their default home: an item in section D
  must have a reason (a database check), but a restricted item may also sit elsewhere, e.g. at the
  end of section C under a "RESTRICTED ITEMS" heading, as older agendas do.
- Restricted items never reach the public. Items restricted because they concern a
  Domestic Homicide Review are seen by DHR-cleared users only, once they have entered a one-time
  code in this session (two-factor authentication). Other restricted items are seen
  by DHR-cleared users, officers, chairs, and current members of the meeting's committee.
- Draft minutes are seen by officers, chairs and current committee members; approved public
  minutes by everyone who may see the meeting. Minutes of restricted items follow their item.
"""

from django.db.models import Q

from kcsp import roles

PUBLISHED_STATUSES = ("published", "held", "minutes_approved")
RESTRICTED_SECTION = "D"  # the default home of restricted items, not what makes an item restricted
NOT_RESTRICTED = ""
DHR_REASON = "dhr"
PUBLIC_PACK_KINDS = ("public", "supplementary", "minutes")


def restricted_q(prefix: str = "") -> Q:
    """THE rule: an agenda item is restricted when it has a restriction reason, in any section.

    `prefix` reaches the item from a related model ("item__" from a paper or minute)."""
    return ~Q(**{f"{prefix}restriction_reason": NOT_RESTRICTED})


def dhr_q(prefix: str = "") -> Q:
    """Items restricted because they concern a Domestic Homicide Review (DHR-cleared readers only)."""
    return Q(**{f"{prefix}restriction_reason": DHR_REASON})


def is_restricted(reason: str) -> bool:
    """`restricted_q` for one item's restriction reason, already loaded."""
    return reason != NOT_RESTRICTED


def pack_kind_q(kind: str, prefix: str = "") -> Q:
    """The items a pack of this kind may hold: public packs (agenda, supplementary, minutes) unrestricted items,
    the restricted pack restricted items other than DHR ones, the DHR pack DHR items only."""
    if kind in PUBLIC_PACK_KINDS:
        return ~restricted_q(prefix)
    if kind == "restricted":
        return restricted_q(prefix) & ~dhr_q(prefix)
    if kind == "dhr":
        return dhr_q(prefix)
    return Q(pk__in=[])


def pack_kind_admits(kind: str, reason: str) -> bool:
    """`pack_kind_q` for one item's restriction reason, already loaded."""
    if kind in PUBLIC_PACK_KINDS:
        return not is_restricted(reason)
    if kind == "restricted":
        return is_restricted(reason) and reason != DHR_REASON
    return kind == "dhr" and reason == DHR_REASON


def is_staff(user) -> bool:
    """Officers and chairs run the committee business and see drafts."""
    return roles.has_role(user, roles.OFFICER, roles.CHAIR)


def member_committee_ids(user) -> list[int]:
    """Committees the user currently sits on AS A MEMBER: a current membership of their person counts only while
    the account holds the member role, so taking the role away (or linking a person to an account without it)
    takes away what the membership opened: restricted items, non-public bodies, draft minutes, feeds, the API."""
    from .models import Membership

    if not getattr(user, "is_authenticated", False) or not roles.has_role(user, roles.MEMBER):
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
    unrestricted = ~restricted_q(prefix)
    not_dhr = ~dhr_q(prefix)
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


def committee_open(user, committee) -> bool:
    """Whether the user may know of the committee's business at all: a public body, or staff, or a member (the
    body half of `meeting_q`). What they then see of it is each row's own rule."""
    return committee.is_public or is_staff(user) or committee.pk in member_committee_ids(user)


def may_see_draft_minutes(user, committee_id: int) -> bool:
    return is_staff(user) or committee_id in member_committee_ids(user)

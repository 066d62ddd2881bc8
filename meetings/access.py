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
- Draft minutes are seen by officers, chairs and current committee members, and, once the clerk has circulated
  them, by those who attended the meeting (`attended_q`); approved public minutes by everyone who may see the
  meeting. Minutes of restricted items follow their item: attending does not open a restricted or DHR item; the
  signed record of a meeting's restricted items is read by whoever may read its restricted pack, the signed record
  of its DHR items by whoever may read its DHR pack (`record_kinds_q`).
- Someone who attended a meeting (present, substitute, also present, in attendance), with an account that holds
  a role, may see that meeting (it was published, since it was held) even if they do not sit on its body.
"""

from django.db.models import Q

from kcsp import roles

PUBLISHED_STATUSES = ("published", "held", "minutes_approved")
# A meeting called off keeps its page: once announced (its agenda published), everyone who could see it still
# sees it, marked cancelled or postponed, and calendars keep it as cancelled (meetings/lifecycle.py).
CALLED_OFF_STATUSES = ("postponed", "cancelled")
RESTRICTED_SECTION = "D"  # the default home of restricted items, not what makes an item restricted
NOT_RESTRICTED = ""
DHR_REASON = "dhr"
PUBLIC_PACK_KINDS = ("public", "supplementary")
# Attendance kinds of people who were in the room (apologies and absent are not).
ATTENDED_KINDS = ("present", "substitute", "also_present", "in_attendance")


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
    """The items a pack of this kind may hold: public packs (agenda, supplementary) unrestricted items,
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


def attended_q(user, prefix: str = "") -> Q:
    """Meetings this user attended (ATTENDED_KINDS, through the person linked to their account); only while the
    account holds a role, as membership opens things only while it holds the member role. `prefix` reaches the
    meeting from a related model ("meeting__" from a minute)."""
    from .models import Attendance

    if not roles.role_names(user):
        return Q(**{f"{prefix}pk__in": []})
    attended = Attendance.objects.filter(person__user=user, kind__in=ATTENDED_KINDS).values("meeting_id")
    return Q(**{f"{prefix}pk__in": attended})


def attended(user, meeting) -> bool:
    """`attended_q` for one meeting."""
    return (
        bool(roles.role_names(user)) and meeting.attendance.filter(person__user=user, kind__in=ATTENDED_KINDS).exists()
    )


def announced_called_off_q(prefix: str = "") -> Q:
    """Meetings cancelled or postponed after their agenda was published: still shown, as called off."""
    return Q(**{f"{prefix}status__in": CALLED_OFF_STATUSES, f"{prefix}published_at__isnull": False})


def meeting_q(user, prefix: str = "") -> Q:
    """Meetings this user may see; `prefix` reaches the meeting from a related model."""
    if is_staff(user):
        return Q()
    published = Q(**{f"{prefix}status__in": PUBLISHED_STATUSES}) | announced_called_off_q(prefix)
    body_open = Q(**{f"{prefix}committee__is_public": True}) | Q(
        **{f"{prefix}committee_id__in": member_committee_ids(user)}
    )
    if roles.role_names(user):
        body_open |= attended_q(user, prefix)
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
    if roles.may_see_dhr(user):
        kinds |= {"restricted", "dhr"}
    elif (
        is_staff(user) or roles.has_role(user, roles.DHR_CLEARED) or meeting.committee_id in member_committee_ids(user)
    ):
        kinds.add("restricted")
    return kinds


def pack_q(user, prefix: str = "") -> Q:
    """`pack_kinds_visible` as a filter on Pack (`prefix` reaches the pack from a related model), the meeting
    itself visible too (`meeting_q`): for lists of packs across meetings, in one query however many there are."""
    kind = f"{prefix}kind"
    kinds = Q(**{f"{kind}__in": ("public", "supplementary")})
    if roles.may_see_dhr(user):
        kinds |= Q(**{f"{kind}__in": ("restricted", "dhr")})
    elif is_staff(user) or roles.has_role(user, roles.DHR_CLEARED):
        kinds |= Q(**{kind: "restricted"})
    elif committees := member_committee_ids(user):
        kinds |= Q(**{kind: "restricted", f"{prefix}meeting__committee_id__in": committees})
    return kinds & meeting_q(user, f"{prefix}meeting__") & Q(**{f"{prefix}meeting__status__in": PUBLISHED_STATUSES})


def committee_open(user, committee) -> bool:
    """Whether the user may know of the committee's business at all: a public body, or staff, or a member (the
    body half of `meeting_q`). What they then see of it is each row's own rule."""
    return committee.is_public or is_staff(user) or committee.pk in member_committee_ids(user)


def record_kinds_q(user, prefix: str = "") -> Q:
    """Which parts ("public", "restricted", "dhr") of a meeting's signed minutes this user may read, the meeting
    itself being visible: the same rule as `pack_kinds_visible`, as a filter (`prefix` reaches the part's row)."""
    if roles.may_see_dhr(user):
        return Q()
    kind = f"{prefix}kind"
    readable = Q(**{kind: "public"})
    if is_staff(user) or roles.has_role(user, roles.DHR_CLEARED):
        return readable | Q(**{kind: "restricted"})
    committees = member_committee_ids(user)
    if committees:
        readable |= Q(**{kind: "restricted", f"{prefix}meeting__committee_id__in": committees})
    return readable


def may_see_draft_minutes(user, committee_id: int, meeting=None) -> bool:
    """Officers, chairs and members of the committee; given `meeting`, also those who attended it once its draft
    minutes have been circulated."""
    if is_staff(user) or committee_id in member_committee_ids(user):
        return True
    return meeting is not None and meeting.minutes_circulated_at is not None and attended(user, meeting)

"""The queries behind each home-page list (kcsp/home_lists.py says what each list is and where its rules come from).

Each function takes (user, today) and returns the unfiltered queryset of one list, starting from the model's
`visible_to(user)`; DHR lists are only ever called after the DHR gate (kcsp/home_views.py).
"""

import datetime

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from . import roles
from .financial_year import year_and_quarter

TOR_DUE_WITHIN_DAYS = 30
DHR_DUE_WITHIN_DAYS = 30


# --- meetings -------------------------------------------------------------------------------------------------


def _meetings(user):
    from meetings.models import Meeting

    return Meeting.objects.visible_to(user).select_related("committee")


def agendas_to_prepare(user, today):
    """Agendas of meetings still to come that are not yet published and not with the chair (that is
    "agendas_with_chair"), soonest first: drafts (including those the chair returned) and agendas the chair agreed,
    which still have to be published before their deadline. Each row carries `chair_step`, the latest of the
    chair-agreement steps taken on it (meetings/chair_agreement.py: "send-to-chair", "return", "agree"), or None,
    so its status shows "Returned by the chair" without a query per row."""
    from meetings.chair_agreement import AGREE, RETURN, SEND
    from meetings.models import Meeting, MeetingStatusChange

    latest = MeetingStatusChange.objects.filter(meeting=OuterRef("pk"), action__in=(SEND, RETURN, AGREE)).order_by(
        "-at", "-pk"
    )
    return (
        _meetings(user)
        .filter(status__in=(Meeting.Status.DRAFT, Meeting.Status.AGENDA_AGREED), starts_at__gte=timezone.now())
        .annotate(chair_step=Subquery(latest.values("action")[:1]))
        .order_by("starts_at", "pk")
    )


def agendas_with_chair(user, today):
    return _meetings(user).filter(status="with_chair").order_by("starts_at", "pk")


def chaired_committee_ids(user, today):
    """Committees whose chair (by office, today) is the person linked to `user`: as chair, or as vice-chair while no
    chair is in office (meetings/office_terms.committees_in_the_chair; a subquery, not a list)."""
    from meetings.office_terms import committees_in_the_chair

    return committees_in_the_chair(user, today)


def agendas_to_agree(user, today):
    """Agendas sent to the chair for agreement, and draft agendas still to come of committees this user chairs."""
    drafts = Q(status="draft", starts_at__gte=timezone.now(), committee__in=chaired_committee_ids(user, today))
    return _meetings(user).filter(Q(status="with_chair") | drafts).order_by("starts_at", "pk")


def minutes_to_write(user, today):
    """Held meetings with no minutes written yet (whether or not they were recorded after the event)."""
    from meetings.models import Minute

    has_minutes = Exists(Minute.objects.filter(meeting=OuterRef("pk")))
    return _meetings(user).filter(status="held").filter(~has_minutes).order_by("-starts_at", "pk")


def minutes_to_circulate(user, today):
    """Held meetings whose draft minutes are written but not yet circulated to those who attended."""
    from meetings.models import Minute

    has_minutes = Exists(Minute.objects.filter(meeting=OuterRef("pk")))
    return (
        _meetings(user)
        .filter(has_minutes, status="held", minutes_circulated_at__isnull=True)
        .order_by("-starts_at", "pk")
    )


def minutes_to_sign(user, today):
    """Unsigned minutes that a later held meeting of the committee may approve, where this user's person was
    recorded in the chair (meetings/signing.py: the person who chaired the approving meeting signs)."""
    from meetings.models import Attendance, Meeting, Minute
    from meetings.signing import IN_THE_CHAIR

    chaired_later = Meeting.objects.filter(
        committee_id=OuterRef("committee_id"),
        starts_at__gt=OuterRef("starts_at"),
        starts_at__lte=timezone.now(),
        status__in=("held", "minutes_approved"),
        attendance__in=Attendance.objects.filter(
            person__user=user, kind=Attendance.Kind.PRESENT, capacity__in=IN_THE_CHAIR
        ),
    )
    has_minutes = Exists(Minute.objects.filter(meeting=OuterRef("pk")))
    return (
        _meetings(user)
        .filter(has_minutes, Exists(chaired_later), status="held", minutes_signed_at__isnull=True)
        .order_by("starts_at", "pk")
    )


def packs_failed(user, today):
    from meetings import access
    from meetings.models import Pack

    return (
        Pack.objects.filter(access.pack_q(user), status=Pack.Status.FAILED)
        .select_related("meeting__committee")
        .order_by("meeting__starts_at", "kind")
    )


def my_next_meetings(user, today):
    """Meetings still to come of the committees this user sits on as a member, not called off."""
    from meetings import access

    return (
        _meetings(user)
        .filter(
            committee_id__in=access.member_committee_ids(user),
            status__in=access.PUBLISHED_STATUSES,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at", "pk")
    )


def new_papers(user, today):
    """Built packs (supplements included) of meetings of the committees this user sits on, that they may read,
    built after their last-read marker. Other committees' public packs are not "waiting" for them."""
    from meetings import access
    from meetings.models import Pack
    from meetings.pack_reads import unread_q

    return (
        Pack.objects.filter(
            access.pack_q(user),
            unread_q(user),
            withdrawn_at__isnull=True,
            meeting__committee_id__in=access.member_committee_ids(user),
        )
        .exclude(file="")
        .exclude(status=Pack.Status.REMOVED)
        .select_related("meeting__committee")
        .order_by("-built_at", "pk")
    )


def _actions(user):
    from meetings.models import Action

    return Action.objects.visible_to(user).select_related("owner", "minute__meeting__committee")


def actions_overdue(user, today):
    return _actions(user).overdue().order_by("due_on", "pk")


def my_actions(user, today):
    return _actions(user).open().filter(owner__user=user).order_by("due_on", "pk")


def terms_due(user, today):
    """Committees whose latest terms of reference are due for review within TOR_DUE_WITHIN_DAYS, or overdue, or
    that have none; annotated with `tor_agreed_on` (None when there are none)."""
    from meetings.models import Committee, TermsOfReference

    if not roles.has_role(user, roles.OFFICER):
        return Committee.objects.none()
    latest = TermsOfReference.objects.filter(committee=OuterRef("pk"), agreed_on__lte=today).order_by("-agreed_on")
    cutoff = today + datetime.timedelta(days=TOR_DUE_WITHIN_DAYS) - TermsOfReference.REVIEW_INTERVAL
    return (
        Committee.objects.annotate(tor_agreed_on=Subquery(latest.values("agreed_on")[:1]))
        .filter(Q(tor_agreed_on__isnull=True) | Q(tor_agreed_on__lte=cutoff))
        .order_by("tor_agreed_on", "name")
    )


# --- the action plan --------------------------------------------------------------------------------------------


def plan_updates_due(user, today):
    from agreement.models import PlanItem, PlanVersion, ProgressUpdate

    year, quarter = year_and_quarter(today)
    newer = PlanVersion.objects.filter(plan=OuterRef("plan"), status="published", number__gt=OuterRef("number"))
    latest = PlanVersion.objects.published().filter(~Exists(newer), plan__agreement__year=year)
    updated = ProgressUpdate.objects.filter(item_key=OuterRef("key"), year=year, quarter=quarter)
    completed = ProgressUpdate.objects.filter(item_key=OuterRef("key"), status=ProgressUpdate.Status.COMPLETE)
    return (
        PlanItem.objects.visible_to(user)
        .current()
        .filter(version__in=latest)
        .filter(~Exists(updated), ~Exists(completed))
        .select_related("priority", "version__plan__agreement")
        .prefetch_related("lead_organisations")
        .order_by("priority__position", "position", "pk")
    )


def my_plan_items(user, today):
    """Plan updates due whose lead organisations include the organisation of this user's person."""
    from kcsp.models import Person

    organisation = Person.objects.filter(user=user).values("organisation_id")
    return plan_updates_due(user, today).filter(lead_organisations__in=organisation).distinct()


# --- grants -----------------------------------------------------------------------------------------------------


def _bids(user):
    from grants.models import Bid

    return Bid.objects.visible_to(user).select_related("grant_year", "applicant_organisation")


def bids_to_record(user, today):
    """Bids submitted and waiting for the working group's recommendation, which the officer records."""
    return _bids(user).filter(status="submitted").order_by("grant_year__year", "number")


def bids_to_decide(user, today):
    """Bids the working group recommended, waiting for the chair, in grant years still open (grants:queue)."""
    if not user.has_perm("grants.decide_bid"):
        return _bids(user).none()
    return (
        _bids(user).awaiting_chair().filter(grant_year__closed_on__isnull=True).order_by("grant_year__year", "number")
    )


# --- Domestic Homicide Reviews (only ever called after dhr_gate) ------------------------------------------------


def dhr_cases_due(user, today):
    from dhr.models import Case

    soon = today + datetime.timedelta(days=DHR_DUE_WITHIN_DAYS)
    due = Case.objects.overdue_q(soon)  # a milestone before `soon`: overdue now, or due within the window
    return Case.objects.open().filter(due).prefetch_related("extensions").order_by("notified_on", "pk")


def dhr_actions_late(user, today):
    from dhr.models import AgencyAction

    return (
        AgencyAction.objects.overdue(today)
        .select_related("recommendation__case", "organisation")
        .annotate(last_update_on=Max("updates__given_on"))
        .order_by("due_on", "pk")
    )

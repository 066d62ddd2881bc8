"""The chair's agreement of an agenda as steps of meetings/lifecycle.py's table (issue 16).

- "send-to-chair" (an officer, with an optional note): draft to with the chair; the committee's chair is e-mailed.
- "agree" (the chair): with the chair (or a draft, agreed in person) to agenda agreed. The chair's page sends the
  fingerprint of the agenda it showed (`agenda_fingerprint`): an agenda changed since is refused, so the chair
  agrees what they read.
- "return" (the chair, comments required): with the chair to draft; the officer who sent it (and the meeting's
  contact address) is e-mailed the comments, which the meeting page shows officers until the agenda is sent again.
- "take-back" (an officer, optional reason): with the chair to draft, to change it.

While the agenda is with the chair its items are not added, edited, moved or removed (services.agenda_open_check
refuses, naming the rule): the officer takes it back first. Papers may still arrive (as after agreement: the
chair agrees the business, not each paper), but the fingerprint covers them, so a paper changed while the chair
reads the agenda makes them read it again before agreeing.

E-mails are work asked of someone (not notices one may switch off), plain text, sent by a Celery task once the
step is committed. They carry the meeting, the note or comments typed for the recipient, the publication deadline
and a link: never an item's title (a restricted or DHR title must not leave the site by e-mail).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kcsp import roles
from kcsp.models import User
from notifications.services import Addressee, absolute

from .fingerprints import PAPER_FIELDS, digest, paper_rows
from .lifecycle import Outcome, Step, meeting_step
from .models import AgendaItem, Meeting, MeetingStatusChange, OfficeTerm, Paper
from .workingdays import working_days_between

SEND, AGREE, RETURN, TAKE_BACK = "send-to-chair", "agree", "return", "take-back"
S = Meeting.Status


# --- what the chair read ---------------------------------------------------------------------------------------


def agenda_fingerprint(meeting: Meeting) -> str:
    """SHA-256 (hex, 64 characters) of everything the chair's page shows of `meeting`'s agenda: every item (whoever
    may read it), its papers and appendices, and the meeting's latest step (so the officer's note, and a take-back
    or return since the page was opened). The same agenda, the same value; any change to what the page shows, or
    any step taken since, gives another. It names nothing, so it may sit in any page's form."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("pk")
        .values_list(
            "pk", "section", "position", "title", "kind", "purpose", "description", "restriction_reason",
            "restriction_note", "title_withheld", "public_title",
        )
    )  # fmt: skip
    # Its papers as they print, with their sections and appendices (a paper's file replaced is a change too), where
    # each sits and whether it came after publication: the same reading as a member's notes (meetings/fingerprints).
    parts = paper_rows(
        Paper.objects.filter(item__meeting=meeting), fields=("pk", "item_id", *PAPER_FIELDS, "is_supplementary")
    )
    # The latest step of the meeting (the send with its note, a take-back, a return …): a page opened before the
    # officer took the agenda back, or before it was sent again, agrees nothing.
    step = meeting.status_changes.order_by("-at", "-pk").values_list("pk", flat=True).first()
    return digest({"items": items, **parts, "step": step})


def agenda_seen_check(meeting: Meeting, seen: str) -> None:
    """ValidationError unless `seen` is the agenda's fingerprint now: the chair agrees the agenda they read."""
    if seen != agenda_fingerprint(meeting):
        raise ValidationError(
            "The agenda changed after you opened it: read it again before agreeing it (the chair agrees the agenda "
            "they have read).",
            code="changed",
        )


def agreement_request(meeting: Meeting) -> MeetingStatusChange | None:
    """The "send-to-chair" step that put `meeting` with the chair (its reason is the officer's note), while it is
    there; None otherwise."""
    if meeting.status != S.WITH_CHAIR:
        return None
    return meeting.status_changes.filter(action=SEND).select_related("by__person").order_by("-at", "-pk").first()


def chair_comments(meeting: Meeting) -> MeetingStatusChange | None:
    """The chair's latest return of a draft agenda, until it is sent to the chair again (or agreed); None
    otherwise. Its reason holds the comments."""
    if meeting.status != S.DRAFT:
        return None
    latest = meeting.status_changes.filter(action__in=(SEND, RETURN, AGREE)).order_by("-at", "-pk").first()
    return latest if latest is not None and latest.action == RETURN else None


def working_days_left(meeting: Meeting, today=None) -> int:
    """Working days (bank holidays excluded) from `today` to the publication deadline; negative once missed."""
    return working_days_between(today or timezone.localdate(), meeting.publication_due_on)


# --- the steps ------------------------------------------------------------------------------------------------


def agenda_send_to_chair(*, meeting: Meeting, user: User | None, note: str = "") -> Meeting:
    """An officer sends the draft agenda to the chair, with an optional note (the "send-to-chair" step)."""
    return meeting_step(meeting=meeting, action=SEND, user=user, reason=note)


def agenda_chair_agree(*, meeting: Meeting, chair: User | None, seen: str | None) -> Meeting:
    """The chair agrees the agenda they read (`seen`: its fingerprint on their page), the "agree" step."""
    return meeting_step(meeting=meeting, action=AGREE, user=chair, seen=seen)


def agenda_return(*, meeting: Meeting, chair: User | None, comments: str) -> Meeting:
    """The chair returns the agenda to draft with comments (required), the "return" step."""
    return meeting_step(meeting=meeting, action=RETURN, user=chair, reason=comments)


def agenda_take_back(*, meeting: Meeting, user: User | None, reason: str = "") -> Meeting:
    """An officer takes the agenda back from the chair to change it (optional reason), the "take-back" step."""
    return meeting_step(meeting=meeting, action=TAKE_BACK, user=user, reason=reason)


def send_effect(meeting: Meeting, step: Step, *, user, reason: str) -> Outcome:
    if not meeting.items.exists():
        raise ValidationError("The agenda has no items: add the business before sending it to the chair.")
    return Outcome(after=_mail_after(SEND))


def return_effect(meeting: Meeting, step: Step, *, user, reason: str) -> Outcome:
    meeting.agenda_agreed_by, meeting.agenda_agreed_at = None, None
    return Outcome(after=_mail_after(RETURN))


def take_back_effect(meeting: Meeting, step: Step, *, user, reason: str) -> None:
    meeting.agenda_agreed_by, meeting.agenda_agreed_at = None, None


def _mail_after(action: str):
    """Queue the step's e-mail once the step is committed (the change row is written by then)."""

    def after(meeting: Meeting) -> None:
        from .tasks import chair_agreement_mail_task

        change = meeting.status_changes.filter(action=action).order_by("-at", "-pk").first()
        transaction.on_commit(lambda: chair_agreement_mail_task.delay(change.pk))

    return after


# --- who hears ------------------------------------------------------------------------------------------------


def chair_addresses(meeting: Meeting, on=None) -> list[Addressee]:
    """Who is asked to agree: the committee's chair in office on `on` (today by default; meetings/office_terms.py),
    else its vice-chair, if they have an active account in the chair role (they can agree online); otherwise every
    active account in the chair role."""
    on = on or timezone.localdate()
    terms = OfficeTerm.objects.current(on).filter(committee_id=meeting.committee_id).select_related("person__user")
    for office in (OfficeTerm.Office.CHAIR, OfficeTerm.Office.VICE_CHAIR):
        for term in terms.filter(office=office):
            user = getattr(term.person, "user", None)
            if user is not None and user.is_active and roles.has_role(user, roles.CHAIR):
                return [Addressee(user.email, str(term.person))]
    chairs = User.objects.filter(is_active=True, groups__name=roles.CHAIR).select_related("person").distinct()
    return [Addressee(user.email, _name(user)) for user in chairs.order_by("email")]


def officer_addresses(meeting: Meeting, sender: User | None) -> list[Addressee]:
    """Who hears the chair's comments: the officer who sent the agenda (if still active) and the meeting's contact
    address; every active officer if neither is known."""
    found = {}
    if sender is not None and sender.is_active:
        found[sender.email.lower()] = Addressee(sender.email, _name(sender))
    if meeting.contact_email:
        found.setdefault(meeting.contact_email.lower(), Addressee(meeting.contact_email, meeting.contact_name))
    if not found:
        officers = User.objects.filter(is_active=True, groups__name=roles.OFFICER).select_related("person").distinct()
        found = {user.email.lower(): Addressee(user.email, _name(user)) for user in officers}
    return [found[key] for key in sorted(found)]


def _name(user: User) -> str:
    person = getattr(user, "person", None)
    return str(person) if person is not None else str(user)


def chair_agreement_mail(change: MeetingStatusChange) -> int:
    """Send the e-mail of a "send-to-chair" (to the chair) or "return" (to the officers) step; returns how many went.

    Through the notice service (notifications.services.notice_send), once per step and address whatever the
    retries: work asked of someone by name, so never switched off (notifications.kinds.WORK)."""
    from notifications import kinds
    from notifications.services import send_each

    meeting = change.meeting
    if change.action == SEND:
        recipients = chair_addresses(meeting)
        subject = f"Agenda for your agreement: {meeting}"
        kind, template = kinds.AGENDA_FOR_AGREEMENT, "chair_agreement_request"
        link = reverse("meetings:agenda_agree", args=[meeting.pk])
    elif change.action == RETURN:
        sender = meeting.status_changes.filter(action=SEND, at__lte=change.at).order_by("-at", "-pk").first()
        recipients = officer_addresses(meeting, sender.by if sender else None)
        subject = f"Agenda returned by the chair with comments: {meeting}"
        kind, template, link = kinds.AGENDA_RETURNED, "chair_agreement_returned", meeting.get_absolute_url()
    else:
        return 0
    context = {
        "meeting": meeting,
        "change": change,
        "by": _name(change.by) if change.by else "The system",
        "due": meeting.publication_due_on,
        "days_left": working_days_left(meeting),
        "url": absolute(link),
        "site": settings.SITE_URL,
    }
    return send_each(
        {
            "kind": kind,
            "about": change,
            "recipient": address.email,
            "period": "",
            "subject": subject,
            "template": template,
            "context": {**context, "name": address.name},
        }
        for address in recipients
    )

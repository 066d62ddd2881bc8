"""Sending notices: once per (kind, object, recipient, period), to those who have not switched them off.

Each schedule works out who should hear about what on a given day; `notice_send` records the notice
and sends it in one transaction, so a rerun (or a second beat) finds the record and sends nothing,
and a failed send leaves no record so the next run tries again. E-mails carry links, never the
content of restricted items; those about restricted or DHR material are marked (`notice_mail`).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kcsp.financial_year import financial_quarter, financial_year, quarter_end
from kcsp.marking import handling_line, protective_marking
from kcsp.models import User

from . import kinds
from .models import Preference, SentNotice

log = logging.getLogger(__name__)

REMINDER_DAYS_BEFORE_DUE = 7
PLAN_UPDATE_REMINDER_DAYS = 14
TERMS_REVIEW_REMINDER_DAYS = 30


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def wants(email: str, kind: str) -> bool:
    """True unless the account with this address has switched this kind of notice off."""
    return not Preference.objects.filter(user__email__iexact=email, kind=kind, enabled=False).exists()


def notice_mail(*, kind: str, subject: str, template: str, context: dict) -> tuple[str, str]:
    """The (subject, body) of one notice: the one place notices are rendered.

    A notice of a kind that carries restricted or DHR material (kinds.MARKED), or whose context says
    `restricted`, starts with the protective marking and the handling line (kcsp/marking.py) and its subject
    with "OFFICIAL-SENSITIVE: "."""
    body = render_to_string(
        f"notifications/email/{template}.txt",
        {**context, "preferences_url": absolute(reverse("notifications:preferences"))},
    )
    if kind in kinds.MARKED or context.get("restricted"):
        marking = protective_marking()
        body = "\n".join(filter(None, (marking, handling_line()))) + "\n\n" + body
        subject = subject if subject.startswith(f"{marking}: ") else f"{marking}: {subject}"
    return subject, body


def notice_send(*, kind: str, about, recipient: str, period: str, subject: str, template: str, context: dict) -> bool:
    """Send one notice unless it was sent before or switched off; True when an e-mail went out."""
    recipient = recipient.strip().lower()
    if not recipient or (kind not in kinds.WORK and not wants(recipient, kind)):
        return False
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                kind=kind,
                content_type=ContentType.objects.get_for_model(about),
                object_id=about.pk,
                recipient=recipient,
                period=period,
            )
            subject, body = notice_mail(kind=kind, subject=subject, template=template, context=context)
            EmailMessage(subject=subject, body=body, to=[recipient]).send()
    except IntegrityError:
        return False  # sent already: this run is a repeat
    return True


def send_each(notices) -> int:
    """Send a batch, carrying on past a failed address (it is retried next run, having no record)."""
    sent = 0
    for notice in notices:
        try:
            sent += notice_send(**notice)
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            log.exception("Notice %s to %s could not be sent", notice["kind"], notice["recipient"])
    return sent


@dataclass(frozen=True)
class Addressee:
    email: str
    name: str


def person_address(person) -> Addressee | None:
    """A person's login address if they have an active account, else the address on their record."""
    user = getattr(person, "user", None)
    if user is not None and user.is_active:
        return Addressee(user.email, str(person))
    return Addressee(person.email, str(person)) if person.email else None


# --- triggered by committee business --------------------------------------------------------------------


def pack_published_notify(*, meeting) -> int:
    """Members of the committee hear that the agenda is out, with a link to the meeting (never the papers)."""
    from meetings.models import Membership

    url = absolute(meeting.get_absolute_url())
    memberships = Membership.objects.current().filter(committee=meeting.committee).select_related("person__user")
    return send_each(
        {
            "kind": kinds.PACK,
            "about": meeting,
            "recipient": address.email,
            "period": "published",
            "subject": f"Agenda published: {meeting}",
            "template": "pack_published",
            "context": {"meeting": meeting, "url": url, "name": address.name},
        }
        for address in {person_address(m.person) for m in memberships} - {None}
    )


def supplementary_paper_notify(*, paper) -> int:
    """A paper added after publication (never a restricted one: those are not in any pack the e-mail points to)."""
    from meetings.models import Membership

    meeting = paper.item.meeting
    if paper.item.is_restricted or not meeting.is_published:
        return 0
    url = absolute(meeting.get_absolute_url())
    memberships = Membership.objects.current().filter(committee=meeting.committee).select_related("person__user")
    return send_each(
        {
            "kind": kinds.PACK,
            "about": paper,
            "recipient": address.email,
            "period": "supplementary",
            "subject": f"Supplementary paper: {meeting}",
            "template": "supplementary_paper",
            "context": {"meeting": meeting, "paper": paper, "url": url, "name": address.name},
        }
        for address in {person_address(m.person) for m in memberships} - {None}
    )


def apologies_notify(*, attendance) -> int:
    """The meeting's contact officer hears of apologies sent online (officers if the meeting names no address)."""
    meeting = attendance.meeting
    addresses = [meeting.contact_email] if meeting.contact_email else list(_officer_addresses())
    return send_each(
        {
            "kind": kinds.APOLOGIES,
            "about": attendance,
            "recipient": email,
            "period": "",
            "subject": f"Apologies: {attendance.person} for {meeting}",
            "template": "apologies",
            "context": {"attendance": attendance, "meeting": meeting, "url": absolute(meeting.get_absolute_url())},
        }
        for email in addresses
    )


def _officer_addresses():
    from kcsp import roles

    return User.objects.filter(is_active=True, groups__name=roles.OFFICER).values_list("email", flat=True).distinct()


# --- schedules (celery beat, daily) ---------------------------------------------------------------------


def action_reminders_send(*, today: datetime.date | None = None) -> int:
    """Owners of open actions: once when due within a week, once when overdue (per due date)."""
    from meetings.models import Action

    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_DUE)
    actions = (
        Action.objects.open().filter(due_on__lte=soon).select_related("owner__user", "minute__meeting", "minute__item")
    )
    notices = []
    for action in actions:
        address = person_address(action.owner)
        if address is None:
            continue
        overdue = action.due_on < today
        meeting = action.minute.meeting
        notices.append(
            {
                "kind": kinds.ACTION_OVERDUE if overdue else kinds.ACTION_DUE,
                "about": action,
                "recipient": address.email,
                "period": f"{'overdue' if overdue else 'due'}-{action.due_on.isoformat()}",
                "subject": f"{'Overdue' if overdue else 'Due soon'}: an action from {meeting}",
                "template": "action",
                "context": {
                    "action": action,
                    "overdue": overdue,
                    "restricted": action.minute.item.is_restricted,
                    "meeting": meeting,
                    "name": address.name,
                    "url": absolute(reverse("meetings:minutes", args=[meeting.pk])),
                },
            }
        )
    return send_each(notices)


def quarter_of(day: datetime.date) -> tuple[int, int, datetime.date]:
    """(financial year, quarter 1-4, last day of the quarter): Q1 is April to June."""
    return financial_year(day), financial_quarter(day), quarter_end(day)


def plan_update_reminders_send(*, today: datetime.date | None = None) -> int:
    """People of each lead organisation, in the last fortnight of a quarter, about items with no update for it."""
    from agreement.models import PlanVersion, ProgressUpdate

    today = today or timezone.localdate()
    year, quarter, due = quarter_of(today)
    if (due - today).days >= PLAN_UPDATE_REMINDER_DAYS:
        return 0
    version = PlanVersion.objects.published().filter(plan__agreement__year=year).order_by("-number").first()
    if version is None:
        return 0
    updated = ProgressUpdate.objects.filter(plan=version.plan, year=year, quarter=quarter).values("item_key")
    items = version.items.current().exclude(key__in=updated).prefetch_related("lead_organisations__people__user")
    by_address: dict[Addressee, list] = {}
    for item in items.select_related("priority"):
        for organisation in item.lead_organisations.all():
            for person in organisation.people.all():
                if person.user is not None and person.user.is_active:
                    by_address.setdefault(Addressee(person.user.email, str(person)), []).append(item)
    return send_each(
        {
            "kind": kinds.PLAN_UPDATE,
            "about": version,
            "recipient": address.email,
            "period": f"{year}Q{quarter}",
            "subject": f"Quarterly update due by {due:%-d %B %Y}: action plan {version.plan.agreement.year_label}",
            "template": "plan_update",
            "context": {
                "items": [(item, absolute(item.get_absolute_url())) for item in items_for],
                "due": due,
                "quarter": quarter,
                "name": address.name,
                "version": version,
            },
        }
        for address, items_for in by_address.items()
    )


def terms_review_reminders_send(*, today: datetime.date | None = None) -> int:
    """Officers, from a month before a committee's current terms of reference are a year old."""
    from meetings.models import Committee

    today = today or timezone.localdate()
    officers = list(_officer_addresses())
    notices = []
    for committee in Committee.objects.all():
        terms = committee.terms_of_reference.filter(agreed_on__lte=today).order_by("-agreed_on").first()
        if terms is None or (terms.review_due_on - today).days > TERMS_REVIEW_REMINDER_DAYS:
            continue
        for email in officers:
            notices.append(
                {
                    "kind": kinds.TERMS_REVIEW,
                    "about": terms,
                    "recipient": email,
                    "period": terms.review_due_on.isoformat(),
                    "subject": f"Terms of reference due for review: {committee}",
                    "template": "terms_review",
                    "context": {
                        "terms": terms,
                        "committee": committee,
                        "url": absolute(reverse("meetings:terms_detail", args=[terms.pk])),
                    },
                }
            )
    return send_each(notices)

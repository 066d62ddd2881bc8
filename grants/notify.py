"""E-mails about bids, sent only once the change is committed: the chair when bids await a decision,
the applicant when their bid is decided. They carry a link, never more of the bid than its title."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from kcsp import roles
from kcsp.models import User


def _link(url_name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)


def _send_on_commit(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({address for address in recipients if address})
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def chair_bids_awaiting(bid) -> None:
    chairs = User.objects.filter(is_active=True, groups__name=roles.CHAIR).values_list("email", flat=True)
    waiting = bid.grant_year.bids.awaiting_chair().count()
    _send_on_commit(
        f"Crime Reduction Grant: {waiting} bid{'s' if waiting != 1 else ''} await your decision",
        f"The working group has recommended {bid.reference} {bid.title}.\n\n"
        f"Bids awaiting your decision: {waiting}.\nDecide them here: {_link('grants:queue')}\n",
        list(chairs),
    )


def applicant_bid_decided(bid, step, reason: str) -> None:
    outcome = bid.get_status_display()
    comment = f"\nComment: {reason}\n" if reason else ""
    _send_on_commit(
        f"Crime Reduction Grant: {bid.reference} {outcome.lower()}",
        f"Your bid {bid.reference} '{bid.title}' is now: {outcome}.\n{comment}\n"
        f"See the bid and its history: {_link('grants:bid_detail', bid.pk)}\n",
        [bid.contact_email, bid.created_by.email],
    )

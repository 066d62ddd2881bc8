"""E-mails about bids, sent once the change is committed and through the notices everyone can switch off:
the chairs when a bid awaits their decision, the applicant when their bid is decided. Links only."""

from django.db import transaction
from django.urls import reverse

from kcsp import roles
from kcsp.models import User
from notifications import kinds
from notifications.services import absolute, send_each


def _on_commit_each(notices: list[dict]) -> None:
    if notices:
        transaction.on_commit(lambda: send_each(notices))


def chair_bids_awaiting(bid) -> None:
    waiting = bid.grant_year.bids.awaiting_chair().count()
    chairs = User.objects.filter(is_active=True, groups__name=roles.CHAIR).values_list("email", flat=True)
    context = {"bid": bid, "waiting": waiting, "url": absolute(reverse("grants:queue"))}
    subject = f"Crime Reduction Grant: {waiting} bid{'s' if waiting != 1 else ''} await your decision"
    _on_commit_each(
        [
            dict(
                kind=kinds.BID_AWAITING,
                about=bid,
                recipient=email,
                period="recommended",
                subject=subject,
                template="bid_awaiting",
                context=context,
            )
            for email in sorted(set(chairs))
        ]
    )


def applicant_bid_decided(bid, step, reason: str) -> None:
    context = {"bid": bid, "reason": reason, "url": absolute(bid.get_absolute_url())}
    subject = f"Crime Reduction Grant: {bid.reference} {bid.get_status_display().lower()}"
    recipients = sorted({address.lower() for address in (bid.contact_email, bid.created_by.email) if address})
    _on_commit_each(
        [
            dict(
                kind=kinds.BID_DECIDED,
                about=bid,
                recipient=email,
                period=bid.status,
                subject=subject,
                template="bid_decided",
                context=context,
            )
            for email in recipients
        ]
    )

"""Telling the data protection officers what waits for them: the monthly disposal list (issue 20).

The notice names no record: it gives the count waiting and the link, and says how many are DHR records without
naming them (they are reviewed only by a DHR-cleared DPO with a code). Sent through the once-only notice path
(notifications.services.send_each) as work asked of the DPO by role (notifications.kinds.WORK: never switched off),
once per DPO per calendar month (period "2026-12"): a second list in the same month sends nothing more.
"""

from django.urls import reverse

from kcsp import roles
from kcsp.models import User

from .models import DisposalCandidate, DisposalList


def dpo_recipients():
    """Active accounts holding the data protection officer role, with an e-mail address."""
    return User.objects.filter(is_active=True, groups__name=roles.DPO).exclude(email="").distinct().order_by("email")


def disposal_review_notify(disposal_list: DisposalList) -> int:
    """E-mail each DPO the number of records waiting on `disposal_list`; returns e-mails sent (0 when none wait)."""
    from notifications import kinds
    from notifications.services import absolute, send_each

    waiting = disposal_list.candidates.filter(status=DisposalCandidate.Status.LISTED)
    count = waiting.count()
    if not count:
        return 0
    dhr = waiting.filter(is_dhr=True).count()
    link = absolute(reverse("governance:disposal_list", args=[disposal_list.pk]))
    return send_each(
        {
            "kind": kinds.DISPOSAL_REVIEW,
            "about": user,
            "recipient": user.email,
            "period": f"{disposal_list.as_of:%Y-%m}",
            "subject": f"{count} record{'s wait' if count != 1 else ' waits'} for your disposal review",
            "template": "disposal_review",
            "context": {"count": count, "dhr": dhr, "link": link, "as_of": disposal_list.as_of},
        }
        for user in dpo_recipients()
    )

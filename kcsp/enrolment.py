"""Enrolment codes: what a person needs, besides the password, to set up their first authenticator app.

Without one, anyone holding a DHR-cleared or admin password could enrol their own app and pass the
second factor. A code is issued by an administrator (shown once, in the admin or by `manage.py
two_factor_reset`) or e-mailed to the account's own address; it is stored as a digest, expires after
ENROLMENT_CODE_HOURS, is spent by the first app confirmed with it, and issuing a new one cancels the old.
"""

import datetime
import hashlib
import secrets

import segno
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import EnrolmentCode, User

# No 0/O, 1/I/L, U/V pairs or 5/S look-alikes: 28 symbols, 12 of them = 57 random bits, read out over a phone.
ALPHABET = "ABCDEFGHJKMNPQRTVWXYZ2346789"
LENGTH = 12
EMAIL_INTERVAL = datetime.timedelta(minutes=1)


def _digest(code: str) -> str:
    plain = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


@transaction.atomic
def enrolment_code_issue(*, user: User, via: str, issued_by: User | None = None) -> str:
    """A new code for `user` as 'XXXX-XXXX-XXXX' (the only time it exists in clear); cancels any earlier one,
    except that an e-mailed code never cancels one an administrator issued (someone holding only the password
    could otherwise void it)."""
    earlier = EnrolmentCode.objects.filter(user=user, used_at__isnull=True)
    if via == EnrolmentCode.Via.EMAIL:
        earlier = earlier.exclude(via=EnrolmentCode.Via.ADMIN)
    earlier.delete()
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    EnrolmentCode.objects.create(
        user=user,
        digest=_digest(code),
        via=via,
        issued_by=issued_by,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.ENROLMENT_CODE_HOURS),
    )
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def enrolment_code_send(*, user: User) -> bool:
    """E-mail a new code to the account's own address; False (nothing sent) if one went less than a minute ago."""
    recent = EnrolmentCode.objects.filter(
        user=user, via=EnrolmentCode.Via.EMAIL, created_at__gt=timezone.now() - EMAIL_INTERVAL
    )
    if recent.exists():
        return False
    code = enrolment_code_issue(user=user, via=EnrolmentCode.Via.EMAIL)
    link = settings.SITE_URL.rstrip("/") + reverse("two_factor_setup")
    send_mail(
        "Your enrolment code for two-factor authentication",
        f"Your enrolment code is {code}\n\n"
        f"Enter it at {link} to set up your authenticator app. It works once and expires in "
        f"{settings.ENROLMENT_CODE_HOURS} hours.\n\n"
        "If you did not ask for it, someone may know your password: change it and tell the partnership's "
        "administrator.\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return True


def enrolment_code_find(*, user: User, code: str) -> EnrolmentCode | None:
    """The live (unused, unexpired) code of this user that `code` spells, in any case or grouping; or None."""
    return EnrolmentCode.objects.live().filter(user=user, digest=_digest(code)).first()


@transaction.atomic
def enrolment_code_spend(*, user: User, code_id: int) -> bool:
    """Mark the code used; False if it was spent, cancelled or expired meanwhile (nothing changes then)."""
    row = EnrolmentCode.objects.live().select_for_update().filter(user=user, pk=code_id).first()
    if row is None:
        return False
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return True


def qr_svg(text: str) -> SafeString:
    """An inline <svg> QR code of `text`: no style attribute or script, so the strict CSP needs no change."""
    svg = segno.make(text, error="m").svg_inline(
        scale=5, border=4, title="QR code of your setup key", svgclass="kcsp-qr", dark="#0b0c0c", light="#ffffff"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308  (segno's markup, no user text)

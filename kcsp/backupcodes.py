"""Backup codes: single-use codes that stand in for the authenticator app when the phone is lost.

A set of BACKUP_CODES_COUNT codes of BACKUP_CODE_DIGITS digits each (a 6-digit app code cannot be one) is made
when a person's first app is confirmed, and again when they ask for new ones; each new set replaces the old.
They live as django-otp StaticTokens on one confirmed StaticDevice, so kcsp/otp.py checks them like any code
(throttled per person) and django-otp deletes each as it is used. Each used code's digest is kept on a second,
never-confirmed StaticDevice (USED_NAME): it can never be accepted, and lets the sign-in page say "That backup
code has already been used" instead of "not right".
"""

import hashlib
import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

BACKUP_CODES_COUNT = 10
BACKUP_CODE_DIGITS = 8
DEVICE_NAME = "Backup codes"
USED_NAME = "Used backup codes (never accepted)"


def _used_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:16]  # StaticToken.token holds 16 characters


def backup_code_shown(code: str) -> str:
    """A code as printed for people: '1234 5678' (spaces are ignored when it is typed)."""
    return f"{code[:4]} {code[4:]}"


@transaction.atomic
def backup_codes_issue(*, user) -> list[str]:
    """Replace `user`'s backup codes with a new set; returns the codes as shown ('1234 5678'), the only time
    they are ever shown. Earlier codes, used or not, stop working."""
    StaticToken.objects.filter(device__user=user).delete()  # the devices stay: a session verified by one stays so
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    device = device or StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < BACKUP_CODES_COUNT:
        codes.add("".join(secrets.choice("0123456789") for _ in range(BACKUP_CODE_DIGITS)))
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return [backup_code_shown(code) for code in sorted(codes)]


def backup_codes_left(user) -> int:
    """How many of `user`'s backup codes are still unused (0: none, or never made)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_code_spent(*, user, code: str) -> None:
    """Remember that `code` (already deleted by django-otp as it was accepted) has been used."""
    used, _ = StaticDevice.objects.get_or_create(user=user, name=USED_NAME, defaults={"confirmed": False})
    used.token_set.get_or_create(token=_used_digest(code))


def backup_code_was_used(*, user, code: str) -> bool:
    """Whether `code` is one of `user`'s backup codes that has already been used."""
    return StaticToken.objects.filter(
        device__user=user, device__confirmed=False, device__name=USED_NAME, token=_used_digest(code)
    ).exists()


def signed_in_with_backup_code(user) -> bool:
    """Whether this session's second factor was a backup code (django-otp's `user.otp_device`)."""
    return isinstance(getattr(user, "otp_device", None), StaticDevice)

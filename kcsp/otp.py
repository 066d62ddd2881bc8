"""The one check every one-time code passes: throttled per person, with a capped delay that a right code clears.

django-otp throttles each device on its own (ThrottlingMixin): a wrong code counts against every device
the person has, a right code clears only the device it came from, and the delay (factor x 2^(n-1)
seconds) has no useful cap, so a dozen sign-ins with one typo each left the backup code refused for
hours. Here the person is the unit: the delay is the library's formula, with its per-plugin factor
(OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR), capped at TWO_FACTOR_MAX_DELAY_SECONDS; a code
typed during the delay is not checked and the caller says how long to wait; a right code on any device
clears the count on all of them. Past TWO_FACTOR_SLOW_AFTER wrong codes in a row (20) the wait becomes
TWO_FACTOR_SLOW_DELAY_SECONDS (an hour): a person who only mistypes never gets there (any right code clears
the count), while someone who has the password but not the phone is held to a few guesses a day, not one a
minute for ever; the wait is still told and `two_factor_reset --unlock` clears it.
The count is kept in the devices' own throttling fields. A backup code
accepted here is remembered as used (kcsp/backupcodes.py).
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice

from .backupcodes import backup_code_spent

THROTTLE_FIELDS = ["throttling_failure_count", "throttling_failure_timestamp"]


@dataclass(frozen=True)
class CodeCheck:
    """The outcome: the device that took the code, or None; `wait_seconds` > 0 means try again after that long."""

    device: Device | None
    wait_seconds: int = 0
    checked: bool = True  # False: refused unchecked, inside the delay after wrong codes


def _throttled(devices) -> list:
    return [device for device in devices if isinstance(device, ThrottlingMixin)]


def _delay_seconds(devices, failures: int) -> float:
    """The library's delay for `failures` wrong codes in a row (factor x 2^(n-1)), capped; 0 with no failures."""
    factor = max((device.get_throttle_factor() for device in devices), default=0)
    if failures <= 0 or factor <= 0:
        return 0.0
    if failures >= settings.TWO_FACTOR_SLOW_AFTER:
        return float(settings.TWO_FACTOR_SLOW_DELAY_SECONDS)
    cap = settings.TWO_FACTOR_MAX_DELAY_SECONDS
    return float(min(cap, factor * 2 ** min(failures - 1, 32)))


def _state(devices) -> tuple[int, object]:
    failures = max((device.throttling_failure_count for device in devices), default=0)
    stamps = [device.throttling_failure_timestamp for device in devices if device.throttling_failure_timestamp]
    return failures, max(stamps, default=None)


def _remaining(devices) -> int:
    failures, last = _state(devices)
    if last is None:
        return 0
    left = _delay_seconds(devices, failures) - (timezone.now() - last).total_seconds()
    return max(0, math.ceil(left))


@transaction.atomic
def otp_code_check(*, user, code: str, pending: Device | None = None) -> CodeCheck:
    """Check `code` against every confirmed device of `user` (TOTP apps, backup codes), or only `pending`.

    Returns CodeCheck(device) on a right code (every device's count cleared), CodeCheck(None, wait) on a
    wrong one (every device counts it; wait is the delay before the next try), or CodeCheck(None, wait,
    checked=False) when a code comes inside the delay (nothing is checked or counted). The devices are
    locked for the check, so two requests cannot both spend one backup code or slip past the count.
    `pending` is an app being set up (not yet confirmed): its first code is throttled the same way.
    """
    if pending is not None:
        devices = [type(pending).objects.select_for_update().get(pk=pending.pk, user=user)]
    else:
        devices = list(devices_for_user(user, for_verify=True))
    throttled = _throttled(devices)
    wait = _remaining(throttled)
    if wait:
        return CodeCheck(None, wait, checked=False)
    failures, _ = _state(throttled)
    matched = None
    for device in devices:
        if isinstance(device, ThrottlingMixin):
            # The person's capped delay above has been waited out: the library's own uncapped one must not refuse.
            device.throttling_failure_count = 0
        if device.verify_token(code):
            matched = device
            break
    now = timezone.now()
    for device in throttled:
        device.throttling_failure_count = 0 if matched else failures + 1
        device.throttling_failure_timestamp = None if matched else now
        device.save(update_fields=THROTTLE_FIELDS)
    if matched:
        if isinstance(matched, StaticDevice):
            backup_code_spent(user=user, code=code)
        return CodeCheck(matched)
    return CodeCheck(None, math.ceil(_delay_seconds(throttled, failures + 1)))


@transaction.atomic
def otp_lock_clear(user) -> int:
    """Forget this person's wrong codes (manage.py two_factor_reset --unlock); returns devices cleared."""
    devices = _throttled(devices_for_user(user, confirmed=None, for_verify=True))
    for device in devices:
        device.throttle_reset(commit=False)
        device.save(update_fields=THROTTLE_FIELDS)
    return len(devices)

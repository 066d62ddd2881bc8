"""Unlock someone's one-time codes after too many wrong ones, or reset their apps when a phone is lost."""

from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user

from kcsp.enrolment import enrolment_code_issue
from kcsp.identity import email_normalise
from kcsp.models import EnrolmentCode, User
from kcsp.otp import otp_lock_clear


class Command(BaseCommand):
    help = (
        "Reset two-factor authentication for an account: its apps and backup codes are removed and an "
        "enrolment code is printed (once) for setting up a new app. With --unlock, only clear the wait "
        "after too many wrong codes and keep the apps."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--unlock", action="store_true", help="Only clear the wrong-code count; keep the apps.")

    def handle(self, *args, email, unlock=False, **options):
        user = User.objects.filter(email__iexact=email_normalise(email)).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        cleared = otp_lock_clear(user)
        if unlock:
            self.stdout.write(
                self.style.SUCCESS(f"Cleared the wrong-code count on {cleared} device(s) of {user.email}.")
            )
            return
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        code = enrolment_code_issue(user=user, via=EnrolmentCode.Via.COMMAND)
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} second-factor device(s) from {user.email}."))
        self.stdout.write(f"Enrolment code for setting up a new app (give it to {user.email} only): {code}")

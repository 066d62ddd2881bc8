"""Remove a user's authenticator apps and backup codes, for someone who has lost their phone."""

from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user

from kcsp.models import User


class Command(BaseCommand):
    help = "Reset two-factor authentication for an account: the user sets up a new app at the next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} second-factor device(s) from {user.email}."))

"""Grant or withdraw DHR clearance outside the web admin, so no administrator can clear themselves."""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from kcsp.models import User
from kcsp.roles import DHR_CLEARED


class Command(BaseCommand):
    help = "Grant, withdraw or list DHR clearance (the dhr_cleared role)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "withdraw", "list"])
        parser.add_argument("email", nargs="?")

    def handle(self, *args, action, email=None, **options):
        group = Group.objects.get(name=DHR_CLEARED)
        if action == "list":
            for user in group.user_set.order_by("email"):
                self.stdout.write(user.email)
            return
        if not email:
            raise CommandError("Give the e-mail address of the account.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        if action == "grant":
            user.groups.add(group)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now DHR-cleared."))
        else:
            user.groups.remove(group)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer DHR-cleared."))

"""Load the demo data taken from the 2022 papers, placed around today, and print one login per role."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kcsp.demo import DEMO_PASSWORD, demo_old_rows_note, demo_partnership_load


class Command(BaseCommand):
    help = "Load realistic demo data from the 2022 papers (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off. The demo logins share a published password.",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Place the demo around this day (YYYY-MM-DD) instead of today's date.",
        )

    def handle(self, *args, allow_production=False, today=None, **options):
        if not (settings.DEBUG or allow_production):
            raise CommandError(
                "Refusing to create demo logins with DEBUG off: their password is published. "
                "Pass --allow-production to do it anyway."
            )
        old = demo_old_rows_note()
        logins = demo_partnership_load(today or timezone.localdate())
        if old:
            self.stderr.write(self.style.WARNING(old))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Demo logins (password for all: {DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<12} {login.email:<24} {login.full_name}")
        for login in logins:
            for line in login.notes:
                self.stdout.write(line)

"""Clean every upload stored before uploads were cleaned, and list those an officer must replace."""

from django.core.management.base import BaseCommand

from meetings.stored_uploads import stored_uploads_clean


class Command(BaseCommand):
    help = "Replace stored papers, appendices, bid attachments and DHR files by their cleaned copies."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = stored_uploads_clean(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for line in report.cleaned:
            self.stdout.write(f"{verb} from {line}")
        for line in report.refused:
            self.stdout.write(self.style.WARNING(f"Replace {line}"))
        self.stdout.write(f"{len(report.cleaned)} cleaned, {len(report.refused)} to be replaced by an officer.")

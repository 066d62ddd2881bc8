"""Make a new rendition of a meeting's signed minutes from their frozen content (meetings/signedpdf.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from meetings.models import SignedMinutes
from meetings.signedpdf import signed_minutes_render


class Command(BaseCommand):
    help = (
        "Render the signed minutes of a meeting again from the text frozen at signing (for example to add "
        "accessibility tags). The file made at signing and its SHA-256 are kept; a rendition whose words differ "
        "from that file's is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, required=True, help="The meeting's id (as in /meetings/<id>/).")
        parser.add_argument(
            "--kind",
            choices=[kind for kind, _ in SignedMinutes.Kind.choices],
            action="append",
            help="Only this part (repeatable); every signed part by default.",
        )
        parser.add_argument("--reason", required=True, help="Why the new rendition is made (kept with it).")

    def handle(self, *args, meeting, kind=None, reason, **options):
        if not reason.strip():
            raise CommandError("Give the reason for the new rendition (--reason).")
        records = SignedMinutes.objects.filter(meeting_id=meeting).order_by("kind")
        if kind:
            records = records.filter(kind__in=kind)
        records = list(records)
        if not records:
            raise CommandError(f"Meeting {meeting} has no signed minutes{' of that kind' if kind else ''}.")
        for record in records:
            if not record.first_sha256:
                raise CommandError(
                    f"The {record.get_kind_display().lower()} of meeting {meeting} have no PDF yet: "
                    "the first one is made when they are signed (wait for it, then run this again)."
                )
            try:
                record = signed_minutes_render(record=record, reason=reason)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(
                f"{record.get_kind_display()}: new rendition SHA-256 {record.sha256} "
                f"(file made at signing kept: SHA-256 {record.first_sha256})"
            )

"""Make a new rendition of signed minutes from their frozen content (meetings/signedpdf.py): one meeting's parts,
or (--untagged) every part whose served file has no accessibility tags."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from meetings.models import SignedMinutes
from meetings.signedpdf import RETAG_REASON, signed_minutes_render, signed_minutes_retag


class Command(BaseCommand):
    help = (
        "Render the signed minutes of a meeting again from the text frozen at signing (for example to add "
        "accessibility tags), or with --untagged every signed part whose served PDF is not tagged. The file made "
        "at signing and its SHA-256 are kept; a rendition whose words differ from that file's is refused."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--meeting", type=int, help="The meeting's id (as in /meetings/<id>/).")
        which.add_argument(
            "--untagged",
            action="store_true",
            help="Every signed part of every meeting whose served PDF has no tags (PDF/UA); refused parts are "
            "listed and left as they are.",
        )
        parser.add_argument(
            "--kind",
            choices=[kind for kind, _ in SignedMinutes.Kind.choices],
            action="append",
            help="Only this part (repeatable; with --meeting); every signed part by default.",
        )
        parser.add_argument(
            "--reason",
            help=f"Why the new rendition is made (kept with it). Required with --meeting; with --untagged "
            f"“{RETAG_REASON}” by default.",
        )

    def handle(self, *args, meeting=None, untagged=False, kind=None, reason=None, **options):
        if untagged:
            if kind:
                raise CommandError("--kind goes with --meeting: --untagged looks at every signed part.")
            return self.retag(RETAG_REASON if reason is None else reason)
        if not (reason or "").strip():
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

    def retag(self, reason: str) -> None:
        if not reason.strip():
            raise CommandError("Give the reason for the new rendition (--reason), or leave it out.")
        refused: list = []
        done = signed_minutes_retag(reason=reason, refused=refused)
        for record in done:
            self.stdout.write(f"Tagged: {self.part(record)}")
        for record, message in refused:
            self.stderr.write(f"Not tagged: {self.part(record)}: {message}")
        self.stdout.write(f"{len(done)} signed part(s) given a tagged rendition, {len(refused)} refused.")

    @staticmethod
    def part(record: SignedMinutes) -> str:
        return f"{record.get_kind_display().lower()} of meeting {record.meeting_id}"

"""Rebuild the stored search documents (after bulk loads, restores or a change to what a source indexes)."""

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.sources import SOURCES


class Command(BaseCommand):
    help = "Rebuild every stored search document (PostgreSQL); --kind limits it to some kinds of thing."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", help="A source kind (repeatable), e.g. paper.")

    def handle(self, *args, kind=None, **options):
        known = {source.kind for source in SOURCES}
        unknown = sorted(set(kind or ()) - known)
        if unknown:
            raise CommandError(f"Unknown kind {', '.join(unknown)}: the kinds are {', '.join(sorted(known))}.")
        if not indexing.enabled():
            self.stdout.write("Nothing to rebuild: search documents are stored on PostgreSQL only.")
            return
        written = indexing.documents_rebuild(kinds=kind)
        for name, count in written.items():
            self.stdout.write(f"  {name:<10} {count} documents")
        self.stdout.write(self.style.SUCCESS(f"Search documents rebuilt: {sum(written.values())}."))

"""The demo partnership for tests, loaded once per test session and put back in a fraction of a second.

`demo_partnership_load` takes tens of seconds on the CI machine (the organisations, people, logins, two years of
committee business, the agreement, the grant years, the DHR cases and, once committed, the July 2022 packs built by
WeasyPrint). Tests that only read the demo, or change it inside their own test, get it from `DemoSnapshots.load`:
the first call for a given `today` and flavour runs the real load inside a transaction, copies every table's rows
out (PostgreSQL COPY, binary) together with the files it wrote under MEDIA_ROOT and the e-mails it sent, and rolls
the load back; every call (the first too) then truncates the tables and copies the rows and files back in.

The database a test calls it on must hold only what migrations and post_migrate put there (as at the start of any
test): the snapshot replaces every table's rows, content types and groups included, as they were when it was taken.
The tests of the demo itself (kcsp/tests/test_demo*.py, idempotence, placing on another day) keep calling the load.
"""

import io
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase, override_settings


@dataclass
class DemoSnapshot:
    """The rows of every table after one demo load, the files it wrote and what it returned."""

    tables: dict[str, bytes]
    media: Path
    logins: list
    outbox: list = field(default_factory=list)


EMPTY_COPY = b"PGCOPY\n\xff\r\n\x00" + bytes(8) + b"\xff\xff"  # a binary COPY of no rows: header, trailer


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


@cache
def _sequences() -> list[tuple[str, str, str]]:
    """(table, column, sequence) of every identity or serial column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')"
        )
        return [row for row in cursor.fetchall() if row[2]]


@cache
def _sequences_past_rows_sql() -> str:
    """One statement moving every sequence past its table's rows, never back (names from the database's catalogue)."""
    moves = []
    for table, column, sequence in _sequences():
        highest = f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"'  # noqa: S608
        moves.append(f"setval('{sequence}', GREATEST(({highest}), (SELECT last_value FROM {sequence}), 1))")  # noqa: S608
    return "SELECT " + ", ".join(moves)


class DemoSnapshots:
    """One snapshot per (today, committed), taken on first use in the session; `root` holds their files."""

    def __init__(self, root: Path):
        self.root = root
        self.taken: dict[tuple, DemoSnapshot] = {}

    def load(self, today=None, *, committed: bool):
        """The demo as `demo_partnership_load(today)` leaves it; returns its logins (list[DemoLogin]).

        committed=True: as after a committed load (live-server tests): the callbacks it queued on commit ran, so the
        July meeting's packs are built. committed=False: as a load inside a test's transaction leaves it (those
        callbacks never run). Writes the rows in this test's transaction, or commits them when there is none."""
        from django.utils import timezone

        key = (today, committed, None if today else timezone.localdate())  # today=None places DHR cases on today
        if key not in self.taken:
            self.taken[key] = self._take(today, committed, self.root / f"media-{len(self.taken)}")
        snapshot = self.taken[key]
        self._restore(snapshot)
        return list(snapshot.logins)

    def _take(self, today, committed: bool, media: Path) -> DemoSnapshot:
        from kcsp.demo import demo_partnership_load

        media.mkdir(parents=True)
        sent = len(mail.outbox) if hasattr(mail, "outbox") else 0
        with override_settings(MEDIA_ROOT=media), transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=committed):
                logins = demo_partnership_load(today)
            tables = {}
            with connection.cursor() as cursor:
                for table in _tables():
                    buffer = io.BytesIO()
                    cursor.copy_expert(f'COPY "{table}" TO STDOUT WITH (FORMAT binary)', buffer)
                    tables[table] = buffer.getvalue()
            transaction.set_rollback(True)
        outbox = list(getattr(mail, "outbox", [])[sent:])
        if outbox:
            del mail.outbox[sent:]
        ContentType.objects.clear_cache()
        return DemoSnapshot(tables=tables, media=media, logins=logins, outbox=outbox)

    def _restore(self, snapshot: DemoSnapshot) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows are the load's own, already checked: no trigger runs on them (kcsp_refuse_frozen would refuse
            # to write signed minutes back; foreign keys hold as they held when copied). Until the end of this block.
            cursor.execute("SET LOCAL session_replication_role = replica")
            # DELETE, not TRUNCATE: a test's tables hold a few rows, and TRUNCATE makes new files for every table.
            cursor.execute(";".join(f'DELETE FROM "{table}"' for table in snapshot.tables))  # noqa: S608
            for table, rows in snapshot.tables.items():
                if rows != EMPTY_COPY:
                    cursor.copy_expert(f'COPY "{table}" FROM STDIN WITH (FORMAT binary)', io.BytesIO(rows))
            # Sequences move on past the rows put back (a row made earlier keeps its number to itself).
            cursor.execute(_sequences_past_rows_sql())
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        ContentType.objects.clear_cache()
        shutil.copytree(snapshot.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
        if hasattr(mail, "outbox"):
            mail.outbox.extend(snapshot.outbox)

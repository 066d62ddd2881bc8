"""A world of test data built once per test session and put back in a fraction of a second, for the tests that
start from the same big world: the demo partnership (conftest.py `demo_load`) and the walking tests' world of every
object (tests/test_permission_matrix.py `matrix_world`).

`demo_partnership_load` takes tens of seconds on the CI machine (organisations, people, logins, two years of committee
business, the agreement, grant years, DHR cases and, once committed, the July 2022 packs built by WeasyPrint); the
walking tests' world renders PDFs too. The first `Snapshots.load` of a key runs the real build inside a transaction,
copies every table's rows out (PostgreSQL COPY, binary) together with the files it wrote under MEDIA_ROOT and the
e-mails it sent, and rolls the build back; every load (the first too) then empties the tables and copies the rows and
files back in, and answers a fresh copy of what the build returned (the same primary keys).

The database must hold only what migrations and post_migrate put there when a test loads a world (as at the start of
any test): the rows of every table, content types and groups included, become those of the snapshot. The tests of
the demo itself (kcsp/tests/test_demo*.py: idempotence, placing it on another day) keep calling the real load.
"""

import copy
import io
import shutil
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase, override_settings


@dataclass
class Snapshot:
    """The rows of every table after one build, the files it wrote, the e-mails it sent and what it returned."""

    tables: dict[str, bytes]
    media: Path
    value: object
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


class Snapshots:
    """One snapshot per key, taken on first use in the session; `root` holds their files."""

    def __init__(self, root: Path):
        self.root = root
        self.taken: dict[Hashable, Snapshot] = {}

    def load(self, key: Hashable, build: Callable[[], object], *, committed: bool):
        """The database as `build()` leaves it; answers a deep copy of what it returned.

        committed=True: as after a committed build (live-server tests): the callbacks it queued on commit ran (the
        demo's July packs are built). committed=False: as a build inside a test's transaction leaves it (those
        callbacks never run). Writes the rows in this test's transaction, or commits them when there is none."""
        from django.contrib.auth import get_user_model

        if get_user_model().objects.exists():
            raise AssertionError(f"{key}: load a snapshot before the test writes anything (its users would be lost)")
        key = (key, committed)
        if key not in self.taken:
            self.taken[key] = self._take(build, committed, Path(tempfile.mkdtemp(prefix="media-", dir=self.root)))
        snapshot = self.taken[key]
        self._restore(snapshot)
        return copy.deepcopy(snapshot.value)

    def _take(self, build, committed: bool, media: Path) -> Snapshot:
        sent = len(mail.outbox) if hasattr(mail, "outbox") else 0
        with override_settings(MEDIA_ROOT=media), transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=committed):
                value = build()
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
        return Snapshot(tables=tables, media=media, value=value, outbox=outbox)

    def _restore(self, snapshot: Snapshot) -> None:
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

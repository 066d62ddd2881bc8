"""Fixtures shared by every app's tests: role-named users and signed-in clients."""

import pytest
from django.contrib.auth.models import Group

from kcsp import roles
from kcsp.models import User
from kcsp.testing import otp_verify

PASSWORD = "correct-horse-battery-staple"


ROLE = "SET LOCAL session_replication_role = "  # replica: no trigger (foreign keys' neither) runs, until commit


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """Empty the tables after a transactional test (live server, worker) by DELETE, not Django's one TRUNCATE.

    Django's TransactionTestCase flushes every table after each test with `TRUNCATE <all ~150 tables>`, which makes
    new files for each table and its indexes: 5-7 s a test on a busy 2-CPU machine. The tables hold one test's few
    rows, so DELETE empties them in about 0.2 s. Everything goes, so neither foreign keys nor triggers are checked
    (session_replication_role = replica, for the flush's own transaction only: it needs a superuser, as the test
    database's `postgres` user is). Neither resets sequences; a test asking reset_sequences keeps Django's
    TRUNCATE ... RESTART IDENTITY."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if reset_sequences:  # triggers off here too: the DHR access log refuses TRUNCATE (dhr migration 0005)
            truncates = truncate(self, style, tables, reset_sequences=True, allow_cascade=allow_cascade)
            return [f"{ROLE}replica", *truncates, f"{ROLE}DEFAULT"]
        deletes = [f"DELETE FROM {self.quote_name(table)}" for table in tables]  # noqa: S608  (Django's table names)
        return [f"{ROLE}replica", *deletes, f"{ROLE}DEFAULT"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture
def real_worker(settings, tmp_path):
    """A real Celery worker thread on the test Redis; tasks are no longer run eagerly while it lives."""
    from celery.contrib.testing.worker import start_worker

    from kcsp.celery import app as celery_app

    settings.MEDIA_ROOT = tmp_path
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def snapshots(django_db_setup, tmp_path_factory):
    """Worlds built once per session and put back per test (kcsp/testing_snapshot.py)."""
    from kcsp.testing_snapshot import Snapshots

    return Snapshots(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def snapshot_load(snapshots):
    """`snapshot_load(key, build)`: the database as `build()` called here would leave it (committed, its on-commit
    callbacks run, in a transactional test; inside this test's transaction otherwise), from one real build per
    session and key; answers a copy of what `build` returned. Call it before the test writes anything."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    def load(key, build):
        return snapshots.load(key, build, committed=not connection.in_atomic_block)

    yield load
    ContentType.objects.clear_cache()  # a rolled-back test leaves the content types the snapshot replaced


@pytest.fixture
def demo_load(snapshot_load):
    """`demo_load(today=None)`: as `kcsp.demo.demo_partnership_load(today)` called here, from one load per session;
    answers the demo logins. Call it first, before the test writes anything."""
    from django.utils import timezone

    from kcsp.demo import demo_partnership_load

    def load(today=None):
        dhr_day = None if today else timezone.localdate()  # today=None places the DHR cases around today
        return snapshot_load(("demo", today, dhr_day), lambda: demo_partnership_load(today))

    return load


def user_make(role: str | None = None, email: str | None = None, **fields) -> User:
    """A user with PASSWORD, in the role's group (None: no role); `fields` set on the user."""
    email = email or f"{role or 'norole'}-{User.objects.count()}@test.example"
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=fields.pop("full_name", email))
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def make_user(db):
    return user_make


@pytest.fixture
def role_users(make_user):
    """One user per role, keyed by role name."""
    return {role: make_user(role) for role in roles.ALL_ROLES}


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def member_client(client, make_user):
    return _client_for(client, make_user(roles.MEMBER))


@pytest.fixture
def officer_client(client, make_user):
    return _client_for(client, make_user(roles.OFFICER))


@pytest.fixture
def chair_client(client, make_user):
    return _client_for(client, make_user(roles.CHAIR))


@pytest.fixture
def admin_client(client, make_user):
    """The partnership's admin role (not a Django superuser), having entered a one-time code."""
    user = make_user(roles.ADMIN)
    _client_for(client, user)
    otp_verify(client, user)
    return client


@pytest.fixture
def dhr_client(client, make_user):
    """A DHR-cleared user who has entered a one-time code: the only way into DHR pages."""
    user = make_user(roles.DHR_CLEARED)
    _client_for(client, user)
    otp_verify(client, user)
    client.user = user
    return client


@pytest.fixture
def fragments_on(settings, django_capture_on_commit_callbacks):
    """Fragments cached (kcsp/fragments.py), starting from none any other test stored (the generation moves on)."""
    from kcsp import pagecache

    settings.FRAGMENT_CACHE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.generation_bump()


@pytest.fixture
def page_cache_on(settings, django_capture_on_commit_callbacks):
    """The public page cache on (kcsp/pagecache.py), starting from no stored page."""
    from kcsp import pagecache

    settings.PAGE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.generation_bump()

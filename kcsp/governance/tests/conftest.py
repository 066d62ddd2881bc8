"""Test-only record types, so the disposal flow is tested without any app's own retention.py.

`notices_type`: notifications.SentNotice as the "notification" record type (a notice past its period from the
date it was sent; deleted). `log_type`: dhr.AccessLog rows as the DHR "dhr_access_log" record type, deleted by
raw SQL so only the database trigger decides. Each fixture puts its type in a registry of its own for the test.
"""

import datetime

import pytest
from django.db import connection

from dhr.timescales import add_months
from kcsp import roles
from kcsp.governance import record_types
from kcsp.governance.record_types import DisposalRefused, Disposed, Due, RecordType
from kcsp.testing import otp_verify


def _ended(rule, as_of: datetime.date) -> datetime.date:
    """The latest start date whose period under `rule` has ended by `as_of`."""
    return add_months(as_of, -rule.period_months)


class NoticesType(RecordType):
    key = "notification"
    triggers = ("sent",)
    actions = ("delete", "keep")
    refuse: set = set()

    def due(self, rule, as_of):
        from notifications.models import SentNotice

        for notice in SentNotice.objects.filter(sent_at__date__lte=_ended(rule, as_of)).order_by("pk"):
            yield Due(notice.pk, self.label(notice.pk), add_months(notice.sent_at.date(), rule.period_months))

    def label(self, object_id):
        return f"Notice {object_id}"

    def dispose(self, object_id, action):
        from notifications.models import SentNotice

        if object_id in self.refuse:
            SentNotice.objects.filter(pk=object_id).delete()  # undone by the refusal's savepoint
            raise DisposalRefused("This notice belongs to signed minutes")
        deleted, _ = SentNotice.objects.filter(pk=object_id).delete()
        return Disposed(files_removed=0, history_rows_removed=0, search_documents_removed=deleted - 1)


class LogType(RecordType):
    key = "dhr_access_log"
    triggers = ("created",)
    actions = ("delete",)
    is_dhr = True

    def due(self, rule, as_of):
        from dhr.models import AccessLog

        for row in AccessLog.objects.filter(at__date__lte=_ended(rule, as_of)).order_by("pk"):
            yield Due(row.pk, f"Access log row {row.pk}", row.at.date(), is_dhr=True)

    def label(self, object_id):
        return f"Access log row {object_id}"

    def dispose(self, object_id, action):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM dhr_accesslog WHERE id = %s", [object_id])
        return Disposed()


@pytest.fixture
def notices_type(monkeypatch):
    declared = NoticesType()
    declared.refuse = set()
    monkeypatch.setattr(record_types, "_REGISTRY", {declared.key: declared})
    return declared


@pytest.fixture
def log_type(monkeypatch, notices_type):
    declared = LogType()
    monkeypatch.setitem(record_types._REGISTRY, declared.key, declared)
    return declared


@pytest.fixture
def notice(db):
    """A notice sent three years ago: past the default two-year rule."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from kcsp.models import User
    from notifications.models import SentNotice

    return SentNotice.objects.create(
        kind=SentNotice._meta.get_field("kind").choices[0][0],
        content_type=ContentType.objects.get_for_model(User),
        object_id=1,
        recipient="someone.private@example.org",
        sent_at=timezone.now() - datetime.timedelta(days=3 * 366),
    )


@pytest.fixture
def dpo(make_user):
    return make_user(roles.DPO, full_name="Dee Pio")


@pytest.fixture
def dhr_dpo(make_user):
    user = make_user(roles.DPO, full_name="Cleared Dpo")
    user.groups.add(*user.groups.model.objects.filter(name=roles.DHR_CLEARED))
    return user


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    client.user = dpo
    return client


@pytest.fixture
def dhr_dpo_client(client, dhr_dpo):
    client.force_login(dhr_dpo)
    otp_verify(client, dhr_dpo)
    client.user = dhr_dpo
    return client

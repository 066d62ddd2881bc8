"""Month-kept and token record types: notices sent, API tokens and calendar feeds."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from api.models import ApiToken, CalendarFeed
from kcsp.governance.record_types import DisposalRefused, record_type
from kcsp.governance.typebase import SECOND_OFFSET
from notifications.models import SentNotice

from .helpers import dispose, due_ids, history_count

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2016, 2, 10, 9, 0))


def test_notices_sent_per_month(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    about = ContentType.objects.get_for_model(user)
    old = SentNotice.objects.create(kind="action_due", content_type=about, object_id=1, recipient="a@x.example")
    SentNotice.objects.filter(pk=old.pk).update(sent_at=LONG_AGO)
    recent = SentNotice.objects.create(kind="action_due", content_type=about, object_id=2, recipient="a@x.example")
    assert due_ids("notification", 24) == {201602}
    assert record_type("notification").label(201602) == "Notices sent of February 2016"
    dispose("notification", 201602, capture=django_capture_on_commit_callbacks)
    assert not SentNotice.objects.filter(pk=old.pk).exists() and SentNotice.objects.filter(pk=recent.pk).exists()


def test_revoked_tokens_and_feeds(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    revoked, _ = ApiToken.issue(user=user, name="Website")
    live, _ = ApiToken.issue(user=user, name="Intranet")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=LONG_AGO)
    feed = CalendarFeed.objects.create(user=user, token="t" * 40, revoked_at=LONG_AGO)
    assert due_ids("api_token") == {revoked.pk, SECOND_OFFSET + feed.pk}
    assert record_type("api_token").label(SECOND_OFFSET + feed.pk) == f"Calendar feed {feed.pk}"
    dispose("api_token", revoked.pk, capture=django_capture_on_commit_callbacks)
    dispose("api_token", SECOND_OFFSET + feed.pk, capture=django_capture_on_commit_callbacks)
    assert not ApiToken.objects.filter(pk=revoked.pk).exists() and history_count(ApiToken, [revoked.pk]) == 0
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists() and history_count(CalendarFeed, [feed.pk]) == 0
    with pytest.raises(DisposalRefused, match="still in use"):
        dispose("api_token", live.pk, capture=django_capture_on_commit_callbacks)

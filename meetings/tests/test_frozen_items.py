"""The agenda items of a meeting with signed minutes keep their code, title and restriction, in the database too."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from kcsp import roles
from meetings import services
from meetings.freeze import frozen_writes_allowed
from meetings.models import AgendaItem
from meetings.tests.factories import committee_business

pytestmark = pytest.mark.django_db


def test_a_signed_meetings_items_cannot_be_relabelled_removed_or_recoded(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=make_user(roles.CHAIR))
    item = AgendaItem.objects.filter(meeting=business["signed"], restriction_reason="").first()
    for change in ({"restriction_reason": "dhr"}, {"title": "Renamed"}, {"position": 40}):
        with pytest.raises(IntegrityError, match="signed minutes"), transaction.atomic():
            AgendaItem.objects.filter(pk=item.pk).update(**change)
    with pytest.raises(IntegrityError, match="signed minutes"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM meetings_agendaitem WHERE id = %s", [item.pk])
    item.restriction_reason = "prevent"
    with pytest.raises(ValidationError, match="held"):
        services.agenda_item_save(item=item)  # the service refuses first, with the rule
    item.refresh_from_db()
    assert item.restriction_reason == ""
    with frozen_writes_allowed():  # only the demo loader's way round
        AgendaItem.objects.filter(pk=item.pk).update(description="Demo text")

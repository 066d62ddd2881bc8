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
    changes = ({"restriction_reason": "dhr"}, {"title": "Renamed"}, {"position": 40}, {"title_withheld": True})
    for change in (*changes, {"public_title": "Domestic Homicide Review update"}):  # how the public agenda lists it
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


def test_errata_are_never_edited_or_deleted_and_a_signed_meetings_amendments_never_change(
    make_user, settings, tmp_path
):
    from django.utils import timezone

    from meetings.models import Erratum, MinuteAmendment

    settings.MEDIA_ROOT = tmp_path
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=make_user(roles.CHAIR))
    signed = business["signed"]
    minute = signed.minutes.first()
    erratum = Erratum.objects.create(
        meeting=signed,
        minute=minute,
        text="For 'twelve' read 'eleven'.",
        reason="A typing error.",
        made_on=timezone.localdate(),
        signed_by_person=signed.minutes_signed_by_person,
        signed_by_name="Chair",
        recorded_by=signed.minutes_signed_by,
    )
    with pytest.raises(IntegrityError, match="never edited"), transaction.atomic():
        Erratum.objects.filter(pk=erratum.pk).update(text="Rewritten")
    with pytest.raises(IntegrityError, match="never edited"), transaction.atomic():
        Erratum.objects.filter(pk=erratum.pk).delete()
    with pytest.raises(IntegrityError, match="amendment refused"), transaction.atomic():
        MinuteAmendment.objects.create(
            minute=minute, proposed_by=signed.minutes_signed_by, proposer_name="X", based_on_text="a", proposed_text="b"
        )


def test_the_meeting_that_approved_minutes_cannot_move_before_them(make_user, settings, tmp_path):
    import datetime

    settings.MEDIA_ROOT = tmp_path
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=make_user(roles.CHAIR))
    signed = business["signed"]
    approving = signed.minutes_approved_at_meeting
    approving.starts_at = signed.starts_at - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="approved the minutes of the meeting on"):
        services.meeting_save(meeting=approving)

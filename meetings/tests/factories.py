"""factory_boy factories for committee business."""

import datetime

import factory
from django.utils import timezone

from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings.models import AgendaItem, Committee, Meeting, Membership


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Committee {n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    contact_name = "Anna Taylor"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    section = AgendaItem.Section.DISCUSSION
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = datetime.date(2020, 1, 1)


def published_meeting(**fields) -> Meeting:
    now = timezone.now()
    return MeetingFactory(status=Meeting.Status.PUBLISHED, agenda_agreed_at=now, published_at=now, **fields)


def held_meeting(**fields) -> Meeting:
    fields.setdefault("starts_at", timezone.now() - datetime.timedelta(days=1))
    now = timezone.now()
    return MeetingFactory(status=Meeting.Status.HELD, agenda_agreed_at=now, published_at=now, **fields)

"""factory_boy factories for the partnership core."""

import factory

from kcsp.models import Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    short_name = factory.Sequence(lambda n: f"PO{n}")
    kind = Organisation.Kind.RESPONSIBLE_AUTHORITY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title = "Ms"
    initials = "S"
    surname = factory.Sequence(lambda n: f"Surname{n}")
    organisation = factory.SubFactory(OrganisationFactory)

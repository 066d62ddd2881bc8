"""Organisations, people and e-mail logins."""

import pytest
from django.db import IntegrityError

from kcsp.models import Organisation, Person, User

from .factories import OrganisationFactory, PersonFactory


@pytest.mark.parametrize(
    ("title", "initials", "surname", "expected"),
    [
        ("Ms", "S", "Brinson", "Ms S Brinson"),
        ("Cllr", "A", "Gulvin", "Cllr A Gulvin"),
        ("T/Supt", "T", "Cook", "T/Supt T Cook"),
        ("Mr", "", "Rivers", "Mr Rivers"),
        ("", "", "Peerbux", "Peerbux"),
    ],
)
def test_display_name_reads_as_the_papers_do(title, initials, surname, expected):
    assert Person(title=title, initials=initials, surname=surname).display_name == expected


def test_full_name_uses_forenames_and_falls_back_to_display_name():
    assert Person(title="Mr", initials="S", forenames="Shafick", surname="Peerbux").full_name == "Shafick Peerbux"
    assert Person(title="Mr", initials="R", surname="McMullan").full_name == "Mr R McMullan"


@pytest.mark.django_db
def test_email_is_stored_lower_case_and_unique_ignoring_case():
    user = User.objects.create_user(email="Anna.Taylor@Kent.GOV.uk", password="x" * 12)
    assert user.email == "anna.taylor@kent.gov.uk"
    assert User.objects.get_by_natural_key("ANNA.TAYLOR@kent.gov.uk") == user
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="anna.taylor@KENT.gov.uk", password="x" * 12)


@pytest.mark.django_db
def test_querysets_name_the_partnerships_categories():
    ra = OrganisationFactory(kind=Organisation.Kind.RESPONSIBLE_AUTHORITY)
    OrganisationFactory(kind=Organisation.Kind.COOPERATING_BODY)
    retired = OrganisationFactory(is_active=False)
    assert list(Organisation.objects.responsible_authorities().active()) == [ra]
    assert retired not in Organisation.objects.active()


@pytest.mark.django_db
def test_changes_to_people_are_kept_in_history():
    person = PersonFactory(surname="Brinson")
    person.job_title = "Community Safety Team Leader"
    person.save()
    assert [h.job_title for h in person.history.order_by("history_date")] == ["", "Community Safety Team Leader"]


@pytest.mark.django_db
def test_an_organisation_with_people_cannot_be_deleted():
    from django.db.models import ProtectedError

    person = PersonFactory()
    with pytest.raises(ProtectedError):
        person.organisation.delete()

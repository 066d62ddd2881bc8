"""Officers add and correct people through the directory's pages; everyone with a role finds them (issue 15)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kcsp import roles
from kcsp.directory import DuplicatePerson, people_search, person_save
from kcsp.models import Person
from kcsp.testing import otp_verify

from .factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def form(**fields) -> dict:
    base = {
        "title": "Ms",
        "forenames": "",
        "initials": "S",
        "surname": "Brinson",
        "post_nominals": "",
        "job_title": "",
        "organisation": "",
        "email": "",
    }
    return {**base, **fields}


def test_an_officer_adds_a_person_named_as_the_papers_name_them(officer_client):
    police = OrganisationFactory(name="Kent Police")
    response = officer_client.post(
        reverse("person_add"),
        form(title="T/Supt", initials="t.", surname="Cook", post_nominals="QPM", organisation=police.pk),
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.display_name == "T/Supt T Cook QPM" and person.organisation == police
    page = officer_client.get(person.get_absolute_url()).content.decode()
    assert "T/Supt T Cook QPM" in page and "Kent Police" in page


def test_surname_required_and_initials_letters_only_each_named_keeping_what_was_typed(officer_client):
    body = officer_client.post(reverse("person_add"), form(surname="", initials="A1")).content.decode()
    assert "Enter the person&#x27;s surname" in body or "Enter the person's surname" in body
    assert "Initials must be letters only" in body and 'value="A1"' in body
    assert not Person.objects.exists()


def test_a_likely_duplicate_is_refused_with_a_link_to_the_person_already_recorded(officer_client):
    police = OrganisationFactory(name="Kent Police")
    existing = PersonFactory(title="Ms", initials="S", surname="Brinson", organisation=police)
    response = officer_client.post(reverse("person_add"), form(surname="brinson", initials="s", organisation=police.pk))
    body = response.content.decode()
    assert response.status_code == 200 and "Ms S Brinson of Kent Police is already recorded" in body
    assert f'href="{existing.get_absolute_url()}"' in body and 'data-testid="duplicate-person"' in body
    assert Person.objects.count() == 1
    # Someone of the same name elsewhere, or told apart by first names, is another person.
    PersonFactory(title="Ms", initials="S", surname="Brinson", organisation=None, forenames="Sarah")
    with pytest.raises(DuplicatePerson):  # the one recorded has no first names: it may be the same person
        person_save(person=Person(initials="S", surname="Brinson", forenames="Shirley", organisation=police))
    existing.forenames = "Sophie"
    person_save(person=existing)
    person_save(person=Person(initials="S", surname="Brinson", forenames="Shirley", organisation=police))
    assert Person.objects.count() == 3
    with pytest.raises(DuplicatePerson) as refused:
        person_save(person=Person(initials="S", surname="Brinson", forenames="shirley", organisation=police))
    assert refused.value.existing.forenames == "Shirley"


def test_a_retired_organisation_is_not_offered_nor_taken_for_a_new_person(officer_client):
    retired = OrganisationFactory(name="Old body", is_active=False)
    page = officer_client.get(reverse("person_add")).content.decode()
    assert "Old body" not in page
    with pytest.raises(ValidationError, match="Old body is retired"):
        person_save(person=Person(surname="Smith", organisation=retired))


def test_editing_a_person_keeps_history_field_by_field(officer_client):
    person = PersonFactory(title="Mr", initials="R", surname="Rivers")
    url = reverse("person_edit", args=[person.pk])
    version = officer_client.get(url).context["form"].initial["record_version"]
    data = form(title="Mr", initials="R", surname="Rivers", post_nominals="OBE", organisation=person.organisation_id)
    assert officer_client.post(url, {**data, "record_version": version}).status_code == 302
    body = officer_client.get(person.get_absolute_url()).content.decode()
    assert "Mr R Rivers OBE" in body and 'data-testid="history"' in body
    assert "Post nominals" in body and "OBE" in body and "Added" in body


def test_the_person_page_lists_committee_memberships_and_office_terms(officer_client):
    from meetings.models import OfficeTerm
    from meetings.tests.factories import CommitteeFactory, MembershipFactory

    person = PersonFactory(title="Mr", initials="R", surname="Rivers")
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    MembershipFactory(committee=committee, person=person)
    OfficeTerm.objects.create(committee=committee, person=person, office="chair", starts_on=datetime.date(2021, 6, 1))
    body = officer_client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="memberships"' in body and 'data-testid="office-terms"' in body
    assert "Kent Community Safety Partnership" in body and "1 June 2021" in body


def test_the_people_list_searches_by_name_and_organisation_and_pages(officer_client):
    police = OrganisationFactory(name="Kent Police", short_name="KP")
    PersonFactory(initials="S", surname="Brinson", organisation=police)
    PersonFactory(initials="A", surname="Taylor", forenames="Ann")
    assert [p.surname for p in people_search("brins")] == ["Brinson"]
    assert [p.surname for p in people_search("S Brinson")] == ["Brinson"]
    assert [p.surname for p in people_search("Kent Police")] == ["Brinson"]
    assert [p.surname for p in people_search("ann taylor")] == ["Taylor"]
    body = officer_client.get(reverse("person_list"), {"q": "Taylor"}).content.decode()
    assert "Ms A Taylor" in body and "Ms S Brinson" not in body
    PersonFactory.create_batch(55)
    first = officer_client.get(reverse("person_list"))
    assert len(first.context["people"]) == 50 and "Page 1 of 2" in first.content.decode()
    assert officer_client.get(reverse("person_list"), {"q": "x" * 5000}).status_code == 200


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.CHAIR, roles.DHR_CLEARED, roles.ADMIN])
def test_only_officers_add_or_edit_people(role, make_user):
    person = PersonFactory(surname="Rivers")
    client = Client()
    user = make_user(role)
    client.force_login(user)
    if role in (roles.ADMIN, roles.DHR_CLEARED):
        otp_verify(client, user)
    assert client.get(reverse("person_add")).status_code == 403
    assert client.get(reverse("person_edit", args=[person.pk])).status_code == 403
    assert client.post(reverse("person_add"), form(surname="New")).status_code == 403
    assert client.post(reverse("person_edit", args=[person.pk]), form(surname="Changed")).status_code == 403
    assert list(Person.objects.values_list("surname", flat=True)) == ["Rivers"]
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("person_edit", args=[person.pk]) not in page and 'data-testid="history"' not in page


def test_the_registers_add_a_person_applies_the_same_rules():
    from meetings.register import register_person_add
    from meetings.tests.factories import CommitteeFactory, held_meeting

    police = OrganisationFactory(name="Kent Police")
    PersonFactory(title="Ms", initials="S", surname="Brinson", organisation=police)
    meeting = held_meeting(committee=CommitteeFactory())
    with pytest.raises(DuplicatePerson):
        register_person_add(meeting=meeting, person=Person(initials="S", surname="Brinson", organisation=police))
    with pytest.raises(ValidationError, match="Initials must be letters only"):
        register_person_add(meeting=meeting, person=Person(initials="S1", surname="Guest"))
    assert Person.objects.count() == 1

"""Officers add, correct, retire and reactivate organisations through the directory's pages (issue 15)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kcsp import roles
from kcsp.directory import organisation_active_set, organisation_save
from kcsp.models import Organisation
from kcsp.testing import otp_verify

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Kent Fire and Rescue Service",
    "short_name": "KFRS",
    "kind": "responsible",
    "org_type": "fire",
    "charity_number": "",
    "company_number": "",
    "local_authority_code": "",
}


def test_an_officer_adds_an_organisation_and_sees_its_identifier(officer_client):
    response = officer_client.post(
        reverse("organisation_add"),
        {**FORM, "name": "Kent County Council", "org_type": "local_authority", "local_authority_code": "ken"},
    )
    council = Organisation.objects.get(name="Kent County Council")
    assert response.status_code == 302 and response["Location"] == council.get_absolute_url()
    assert council.local_authority_code == "KEN" and council.org_id == "GB-LAE-KEN"
    page = officer_client.get(council.get_absolute_url()).content.decode()
    assert "GB-LAE-KEN" in page and "Local authority" in page
    assert council.history.first().history_user is not None


def test_company_numbers_are_zero_padded_and_bad_identifiers_refused_keeping_what_was_typed(officer_client):
    response = officer_client.post(
        reverse("organisation_add"),
        {**FORM, "org_type": "company", "company_number": "123456", "charity_number": "12-34"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "6 or 7 digits" in body and 'value="12-34"' in body
    assert not Organisation.objects.exists()
    officer_client.post(reverse("organisation_add"), {**FORM, "org_type": "company", "company_number": "123456"})
    assert Organisation.objects.get().company_number == "00123456"


def test_a_duplicate_name_is_refused_ignoring_case_and_a_retired_one_says_reactivate(officer_client):
    existing = OrganisationFactory(name="Kent Police", is_active=False)
    body = officer_client.post(reverse("organisation_add"), {**FORM, "name": "kent  police"}).content.decode()
    assert "An organisation called Kent Police is already recorded (retired: reactivate it" in body
    assert Organisation.objects.count() == 1 and existing.name == "Kent Police"


def test_an_identifier_already_held_by_another_organisation_is_refused():
    OrganisationFactory(name="A charity", org_type="charity", charity_number="1089464")
    with pytest.raises(ValidationError, match="already recorded for A charity"):
        organisation_save(organisation=Organisation(name="Another", kind="cooperating", charity_number="1089464"))


def test_a_local_authority_code_needs_the_local_authority_type():
    with pytest.raises(ValidationError, match="A local-authority code is for a local authority"):
        organisation_save(
            organisation=Organisation(
                name="Kent Police", kind="responsible", org_type="police", local_authority_code="KEN"
            )
        )


def test_editing_keeps_history_field_by_field(officer_client):
    police = OrganisationFactory(name="Kent Police", short_name="", org_type="police")
    url = reverse("organisation_edit", args=[police.pk])
    page = officer_client.get(url)
    data = {
        **FORM,
        "name": "Kent Police",
        "short_name": "KP",
        "org_type": "police",
        "record_version": page.context["form"].initial["record_version"],
    }
    assert officer_client.post(url, data).status_code == 302
    body = officer_client.get(police.get_absolute_url()).content.decode()
    assert 'data-testid="history"' in body
    assert "Short name" in body and "(blank)" in body and "KP" in body


def member(make_user) -> Client:
    client = Client()
    client.force_login(make_user(roles.MEMBER))
    return client


def test_retiring_and_reactivating_go_through_a_confirmation(officer_client, make_user):
    member_client = member(make_user)
    police = OrganisationFactory(name="Kent Police")
    retire = reverse("organisation_retire", args=[police.pk])
    page = officer_client.get(retire).content.decode()
    assert "Nothing is deleted" in page and "Retire organisation" in page
    assert officer_client.post(retire).status_code == 302
    police.refresh_from_db()
    assert not police.is_active
    assert "Kent Police" not in member_client.get(reverse("organisation_list")).content.decode()
    assert member_client.get(police.get_absolute_url()).status_code == 404
    listing = officer_client.get(reverse("organisation_list")).content.decode()
    assert "Kent Police" in listing and "Retired" in listing
    officer_client.post(retire)  # a second retirement changes nothing and says so
    assert police.history.count() == 2
    assert officer_client.post(reverse("organisation_reactivate", args=[police.pk])).status_code == 302
    police.refresh_from_db()
    assert police.is_active
    with pytest.raises(ValidationError, match="already active"):
        organisation_active_set(organisation=police, active=True)


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.CHAIR, roles.DHR_CLEARED, roles.ADMIN])
def test_only_officers_manage_organisations(role, make_user):
    police = OrganisationFactory(name="Kent Police")
    client = Client()
    user = make_user(role)
    client.force_login(user)
    if role in (roles.ADMIN, roles.DHR_CLEARED):
        otp_verify(client, user)
    for name, args in (
        ("organisation_add", []),
        ("organisation_edit", [police.pk]),
        ("organisation_retire", [police.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("organisation_add"), FORM).status_code == 403
    assert client.post(reverse("organisation_retire", args=[police.pk])).status_code == 403
    assert Organisation.objects.count() == 1 and Organisation.objects.get().is_active


def test_the_directory_offers_officers_the_add_buttons(officer_client, make_user):
    member_client = member(make_user)
    officer_page = officer_client.get(reverse("organisation_list")).content.decode()
    assert reverse("organisation_add") in officer_page and reverse("person_add") in officer_page
    assert reverse("person_list") in officer_page
    member_page = member_client.get(reverse("organisation_list")).content.decode()
    assert reverse("organisation_add") not in member_page and reverse("person_list") in member_page


def test_the_demo_organisations_carry_their_type_and_kents_register_code(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo")
    council = Organisation.objects.get(name="Kent County Council")
    assert council.org_type == "local_authority" and council.org_id == "GB-LAE-KEN"
    assert Organisation.objects.get(name="Kent Police").org_type == "police"
    assert not Organisation.objects.exclude(charity_number="", company_number="").exists()  # none invented
    assert not Organisation.objects.filter(org_type="other", kind="responsible").exists()

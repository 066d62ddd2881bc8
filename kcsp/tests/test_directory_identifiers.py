"""Official identifiers are read as people type them and stored in their register's form; 360Giving's org-id."""

import pytest
from django.core.exceptions import ValidationError

from kcsp.identifiers import charity_number_clean, company_number_clean, initials_clean, local_authority_code_clean
from kcsp.models import Organisation


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1089464", "1089464"), (" 1 089 464 ", "1089464"), ("202918", "202918"), ("", ""), ("  ", "")],
)
def test_charity_numbers_of_6_or_7_digits_are_taken(typed, stored):
    assert charity_number_clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("12345", "6 or 7 digits"),
        ("12345678", "6 or 7 digits"),
        ("SC012345", "6 or 7 digits"),  # a Scottish charity (OSCR) is not on the England and Wales register
        ("CHC1089464", "6 or 7 digits"),
        ("1089464-1", "without the linked-charity suffix, for example 1089464"),
    ],
)
def test_other_charity_numbers_are_refused_naming_the_rule(typed, rule):
    with pytest.raises(ValidationError, match=rule):
        charity_number_clean(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),  # leading zeros as Companies House writes them
        ("123456", "00123456"),
        ("sc123456", "SC123456"),
        ("SC 123 456", "SC123456"),
        ("NI012345", "NI012345"),
        ("OC301234", "OC301234"),
        ("R0012345", "R0012345"),
        ("", ""),
    ],
)
def test_company_numbers_are_stored_in_8_characters(typed, stored):
    assert company_number_clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("123456789", "8 characters"),
        ("XX123456", "XX is not a Companies House prefix"),
        ("SC12345", "8 characters"),
        ("S1234567", "8 characters"),
        ("SC-123456", "8 characters"),
    ],
)
def test_other_company_numbers_are_refused_naming_the_rule(typed, rule):
    with pytest.raises(ValidationError, match=rule):
        company_number_clean(typed)


@pytest.mark.parametrize(("typed", "stored"), [("KEN", "KEN"), ("ken", "KEN"), (" mdw ", "MDW"), ("ABCD", "ABCD")])
def test_local_authority_codes_are_3_or_4_capital_letters(typed, stored):
    assert local_authority_code_clean(typed) == stored


@pytest.mark.parametrize("typed", ["KE", "KENTS", "K3N", "GB-LAE-KEN"])
def test_other_local_authority_codes_are_refused(typed):
    with pytest.raises(ValidationError, match="3 or 4 letters, for example KEN"):
        local_authority_code_clean(typed)


@pytest.mark.parametrize(("typed", "stored"), [("S", "S"), ("a.j.", "AJ"), ("A J", "AJ"), ("", "")])
def test_initials_are_letters_only(typed, stored):
    assert initials_clean(typed) == stored


@pytest.mark.parametrize("typed", ["A1", "A-J", "J/S"])
def test_initials_with_other_characters_are_refused(typed):
    with pytest.raises(ValidationError, match="Initials must be letters only"):
        initials_clean(typed)


@pytest.mark.parametrize(
    ("fields", "org_id"),
    [
        ({"charity_number": "1089464"}, "GB-CHC-1089464"),
        ({"company_number": "01234567"}, "GB-COH-01234567"),
        ({"local_authority_code": "KEN"}, "GB-LAE-KEN"),
        ({"charity_number": "1089464", "company_number": "01234567"}, "GB-CHC-1089464"),  # charitable company
        ({}, ""),
    ],
)
def test_the_360giving_identifier_is_derived_from_the_identifiers(fields, org_id):
    assert Organisation(name="X", **fields).org_id == org_id


@pytest.mark.parametrize("clean", [charity_number_clean, company_number_clean])
def test_numbers_in_other_scripts_are_refused(clean):
    """Only the digits 0-9 make a register number (and a 360Giving org-id): \\d would take Arabic-Indic digits."""
    with pytest.raises(ValidationError):
        clean("١٠٨٩٤٦٤")


@pytest.mark.django_db
def test_the_organisation_page_shows_the_identifier_the_360giving_file_uses(make_user, settings):
    from django.test import Client

    from kcsp import roles
    from kcsp.tests.factories import OrganisationFactory

    settings.GRANTS_360_PREFIX = "360G-kcsp"
    organisation = OrganisationFactory()
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    body = client.get(organisation.get_absolute_url()).content.decode()
    assert f"None recorded: the 360Giving file identifies it as 360G-kcsp-org-{organisation.pk}" in body

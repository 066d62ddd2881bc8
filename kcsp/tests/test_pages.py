"""Sign-in, sign-out, password reset, error pages and the admin, as users meet them."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import include, path

from conftest import PASSWORD
from kcsp import roles
from kcsp.testing import assert_queries_constant

from .factories import OrganisationFactory, PersonFactory


def boom(request):
    raise RuntimeError("secret internals: restricted item D1 Elizabeth/2015")


urlpatterns = [path("boom/", boom), path("", include("kcsp.urls"))]


@pytest.mark.django_db
def test_sign_in_by_email_then_sign_out(client, make_user):
    user = make_user(roles.MEMBER, email="s.brinson@kent.gov.uk")
    response = client.post("/account/sign-in/", {"username": "S.Brinson@kent.gov.uk", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account/").context["user"] == user
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_error_and_keeps_the_email(client, make_user):
    make_user(roles.MEMBER, email="member@test.example")
    response = client.post("/account/sign-in/", {"username": "member@test.example", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter a correct e-mail address and password" in body
    assert 'value="member@test.example"' in body
    assert "<title>Error: Sign in" in body


@pytest.mark.django_db
def test_empty_sign_in_names_each_missing_field(client):
    body = client.post("/account/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your e-mail address" in body and "Enter your password" in body
    assert "This field is required" not in body


@pytest.mark.django_db
def test_password_reset_by_email_end_to_end(client, make_user):
    make_user(roles.OFFICER, email="officer@test.example")
    response = client.post("/account/password/reset/", {"email": "officer@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/account/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    new_password = "a-brand-new-long-password-2022"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    signed_in = Client().post("/account/sign-in/", {"username": "officer@test.example", "password": new_password})
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/account/password/reset/", {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_made_up_url_gets_the_site_design_and_no_stack_trace(client):
    response = client.get("/meetings/restricted/elizabeth-2015/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "govuk-header" in body and "Page not found" in body
    assert "elizabeth-2015" not in body
    assert "Traceback" not in body and "urlpatterns" not in body


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_uses_the_design_and_reveals_nothing():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "Elizabeth" not in body and "RuntimeError" not in body


@pytest.mark.django_db
def test_refused_page_uses_the_design_and_names_nothing(member_client):
    response = member_client.get("/system/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "You cannot use this page" in body and "govuk-header" in body
    assert "Render check" not in body


@pytest.mark.django_db
def test_admin_is_for_the_admin_role_only(admin_client, make_user):
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/admin/kcsp/organisation/").status_code == 200
    response = Client().get("/admin/kcsp/person/")
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/?next=/admin/kcsp/person/"
    for role in (roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED):
        other = Client()
        other.force_login(make_user(role))
        assert other.get("/admin/").status_code == 403, role
        assert other.get("/admin/kcsp/organisation/").status_code == 403, role


@pytest.mark.django_db
def test_directory_query_count_does_not_grow_with_data(member_client):
    def grow():
        for _ in range(5):
            PersonFactory(organisation=OrganisationFactory())

    grow()
    assert_queries_constant(member_client, "/directory/", grow)
    organisation = PersonFactory().organisation
    assert_queries_constant(
        member_client,
        organisation.get_absolute_url(),
        lambda: PersonFactory.create_batch(5, organisation=organisation),
    )


@pytest.mark.django_db
def test_directory_is_paginated_and_has_an_empty_state(member_client):
    assert "No organisations have been recorded yet" in member_client.get("/directory/").content.decode()
    OrganisationFactory.create_batch(30)
    first = member_client.get("/directory/").content.decode()
    assert "Page 1 of 2" in first
    assert member_client.get("/directory/?page=2").status_code == 200


@pytest.mark.django_db
def test_a_signed_out_visitor_on_a_missing_or_restricted_page_is_offered_sign_in(member_client):
    """Restricted material answers 404 to those signed out (its existence is not confirmed, and the address is
    not echoed); the page offers sign-in to a member who followed a link from an e-mail."""
    body = Client().get("/meetings/papers/999999/file/").content.decode()
    assert 'href="/account/sign-in/">sign in</a> and follow the link again' in body
    assert "999999" not in body
    assert "follow the link again" not in member_client.get("/meetings/papers/999999/file/").content.decode()

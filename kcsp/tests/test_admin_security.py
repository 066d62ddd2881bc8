"""The admin role manages reference data but cannot raise anyone's access past its own."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from kcsp import roles
from kcsp.models import User
from kcsp.pdf import render_pdf
from kcsp.testing import opened


def change_user(admin_client, user, group_names):
    groups = [Group.objects.get(name=n).pk for n in group_names]
    url = f"/admin/kcsp/user/{user.pk}/change/"
    data = {"email": user.email, "full_name": user.full_name, "is_active": "on", "groups": groups}
    return admin_client.post(url, opened(admin_client, url, data))


@pytest.mark.django_db
def test_admin_cannot_grant_dhr_clearance_through_the_admin(admin_client, make_user):
    target = make_user(roles.MEMBER)
    response = change_user(admin_client, target, [roles.MEMBER, roles.DHR_CLEARED])
    assert response.status_code == 200, "the form must refuse the choice"
    assert "Select a valid choice" in response.content.decode()
    assert roles.role_names(User.objects.get(pk=target.pk)) == {roles.MEMBER}


@pytest.mark.django_db
def test_saving_a_cleared_user_in_the_admin_keeps_their_clearance(admin_client, make_user):
    cleared = make_user(roles.DHR_CLEARED)
    response = change_user(admin_client, cleared, [roles.OFFICER])
    assert response.status_code == 302
    assert roles.role_names(User.objects.get(pk=cleared.pk)) == {roles.OFFICER, roles.DHR_CLEARED}


@pytest.mark.django_db
def test_admin_cannot_set_someone_elses_password(admin_client, make_user):
    target = make_user(roles.CHAIR)
    assert admin_client.get(f"/admin/kcsp/user/{target.pk}/password/").status_code in (302, 404)
    assert b"/password/" not in admin_client.get(f"/admin/kcsp/user/{target.pk}/change/").content


@pytest.mark.django_db
def test_there_is_no_superuser_flag_and_createsuperuser_makes_an_admin(make_user):
    assert "is_superuser" not in {f.name for f in User._meta.get_fields()}
    admin = User.objects.create_superuser(email="root@test.example", password="x" * 16)
    assert roles.role_names(admin) == {roles.ADMIN}
    assert not admin.has_perm("kcsp.run_anything_else")


@pytest.mark.django_db
def test_dhr_clearance_is_granted_and_withdrawn_by_command(make_user, capsys):
    user = make_user(roles.OFFICER)
    call_command("dhr_clearance", "grant", user.email.upper())
    assert roles.role_names(User.objects.get(pk=user.pk)) == {roles.OFFICER, roles.DHR_CLEARED}
    call_command("dhr_clearance", "withdraw", user.email)
    assert roles.role_names(User.objects.get(pk=user.pk)) == {roles.OFFICER}


def test_pdf_rendering_never_loads_files_outside_the_static_folders(tmp_path, settings):
    import io

    from pypdf import PdfReader

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-KEY-VALUE")
    pdf = render_pdf("kcsp/tests/pdf_fetch_probe.html", {"href": secret.as_uri()}, title="Probe")
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments, "a file outside static/ was embedded"
    assert b"SECRET-KEY-VALUE" not in pdf

"""The demo command loads the 2022 papers' organisations and people, and one login per role, idempotently."""

import pytest
from django.core.management import CommandError, call_command

from kcsp import roles
from kcsp.demo import DATA_DIR, DEMO_PASSWORD
from kcsp.models import Organisation, Person, User


@pytest.mark.django_db
def test_demo_is_idempotent_and_gives_one_login_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    counts = (Organisation.objects.count(), Person.objects.count(), User.objects.count())
    call_command("demo")
    assert (Organisation.objects.count(), Person.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 20 and counts[1] >= 25
    for role in roles.ALL_ROLES:
        user = User.objects.get(email=f"{'dhr' if role == roles.DHR_CLEARED else role}@kcsp.example")
        assert user.check_password(DEMO_PASSWORD)
        # the data protection officer is DHR-cleared too, so DHR records reach its pages once a code is entered
        assert roles.role_names(user) == ({role, roles.DHR_CLEARED} if role == roles.DPO else {role})
    clerk = User.objects.get(email="dhr-clerk@kcsp.example")
    assert roles.role_names(clerk) == {roles.OFFICER, roles.DHR_CLEARED}  # writes the minutes of DHR items
    printed = capsys.readouterr().out
    assert "officer@kcsp.example" in printed and DEMO_PASSWORD in printed
    assert "dhr-clerk@kcsp.example" in printed and "kcspdemo2" in printed  # its authenticator is printed
    assert "dpo@kcsp.example" in printed and "kcspdemo3" in printed


@pytest.mark.django_db
def test_demo_people_read_as_in_the_march_2022_notes(settings):
    settings.DEBUG = True
    call_command("demo")
    names = {p.display_name for p in Person.objects.all()}
    assert {"Mr Rivers", "Ms S Brinson", "Mr S Peerbux", "Mrs A Taylor", "Ms J Taylor", "Mr N Wilkinson"} <= names
    officer = User.objects.get(email="officer@kcsp.example")
    assert officer.person.display_name == "Mrs A Taylor"
    assert officer.person.organisation.short_name == "KCC"
    assert Organisation.objects.responsible_authorities().count() == 7


@pytest.mark.django_db
def test_demo_refuses_to_publish_logins_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("demo")
    assert not User.objects.exists()
    call_command("demo", allow_production=True)
    assert User.objects.count() == len(roles.ALL_ROLES) + 1  # one login per role, and the DHR clerk


def test_demo_data_lives_inside_the_project():
    from django.conf import settings

    assert DATA_DIR.resolve().is_relative_to(settings.BASE_DIR.resolve())
    assert (DATA_DIR / "partnership.json").is_file()

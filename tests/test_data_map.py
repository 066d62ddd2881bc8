"""The data map (kcsp/datamap.py): every field that looks personal is declared, and the page and CSV show them."""

import csv
import io

import pytest
from django.db import models
from django.urls import reverse

from kcsp import datamap
from kcsp.datamap import PersonalField, personal

HOW = (
    "declare it in <app>/personal_data.py DECLARATIONS: as personal, "
    '"field": PersonalField(category, purpose, lawful_basis, retention, visible_to), or in not_personal={"field": '
    '"why it holds no personal data"} (see kcsp/datamap.py)'
)


def test_every_personal_looking_field_is_declared():
    undeclared = datamap.undeclared_fields(datamap.our_models())
    assert not undeclared, "Fields that look personal without a declaration: " + ", ".join(undeclared) + ". " + HOW


class MadeUp(models.Model):
    """A model no app declares, never migrated (abstract), to show the checker catches a new field."""

    contact_email = models.EmailField()
    summary = models.TextField()
    signed_in_from = models.GenericIPAddressField()
    title = models.CharField(max_length=10)
    amount = models.IntegerField()

    class Meta:
        abstract = True
        app_label = "kcsp"


def test_an_undeclared_contact_email_is_caught():
    assert datamap.undeclared_fields([MadeUp]) == [
        "kcsp.MadeUp.contact_email",
        "kcsp.MadeUp.summary",
        "kcsp.MadeUp.signed_in_from",
    ]


def test_a_declaration_names_real_fields_and_known_words():
    with pytest.raises(ValueError, match="retention key"):
        PersonalField(datamap.CONTACT, "x", datamap.CONSENT, "forever", "x")
    with pytest.raises(ValueError, match="category"):
        PersonalField("Shoe size", "x", datamap.CONSENT, "person", "x")
    declaration = personal({"contact_email": PersonalField(datamap.CONTACT, "x", datamap.CONSENT, "person", "x")})
    assert declaration.covers("contact_email") and not declaration.covers("summary")


def test_history_copies_share_their_model_declaration():
    from kcsp.models import Person

    history = Person.history.model
    assert datamap.declaration_for(history) is datamap.declaration_for(Person)
    assert "surname" in datamap.declaration_for(history).fields


def test_rows_cover_every_declared_field():
    rows = datamap.data_map_rows()
    assert all(len(row) == len(datamap.HEADERS) for row in rows)
    assert ("Person", "Surname (surname)") in {(row[1], row[2]) for row in rows}
    dhr = [row for row in rows if row[2] == "About the victim (victim_summary)"]
    assert dhr and "Article 9" in dhr[0][5] and dhr[0][3] == datamap.SPECIAL


@pytest.mark.django_db
def test_admin_reads_the_page_and_the_csv(client, django_user_model):
    from django.contrib.auth.models import Group

    from kcsp import roles

    admin = django_user_model.objects.create_user(email="dpo@kcsp.example", password="x" * 16, full_name="A Admin")
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMIN)[0])
    client.force_login(admin)
    page = client.get(reverse("data_map"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "About the victim (victim_summary)" in html and "Domestic Violence, Crime and Victims Act 2004" in html
    assert reverse("data_map_csv") in html
    nav = client.get(reverse("home")).content.decode()
    assert reverse("data_map") in nav
    answer = client.get(reverse("data_map_csv"))
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(answer).decode("utf-8-sig"))))
    assert tuple(rows[0]) == datamap.HEADERS
    assert len(rows) - 1 == len(datamap.data_map_rows())


@pytest.mark.django_db
def test_others_are_refused(client, django_user_model):
    assert client.get(reverse("data_map")).status_code == 302
    user = django_user_model.objects.create_user(email="m@kcsp.example", password="x" * 16, full_name="A Member")
    client.force_login(user)
    assert client.get(reverse("data_map")).status_code == 403
    assert client.get(reverse("data_map_csv")).status_code == 403
    assert reverse("data_map") not in client.get(reverse("home")).content.decode()

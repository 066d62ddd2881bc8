"""Every form on every page, as every role that may open it, offers nothing that role may not open (issue 13 §4).

The permission matrix's world, plus DHR and restricted items on the held meeting (so the minute and
declaration forms have something to hide) and a DHR clerk (an officer who is DHR-cleared, with a code).
Each form's HTML is searched for the titles of every DHR item, paper and case, restricted item and paper,
draft plan item and draft bid in the world.
"""

# ruff: noqa: F811  (pytest fixtures imported from the permission matrix are redefined as arguments)

import re

import pytest
from django.test import Client
from django.urls import reverse

from kcsp import roles
from kcsp.testing import otp_verify
from meetings.minute_forms import ITEM_NOT_OFFERED
from meetings.models import Minute
from meetings.tests.factories import AgendaItemFactory

from .test_every_page import url_for
from .test_permission_matrix import (  # noqa: F401  (fixtures)
    ANONYMOUS,
    CLEARED_NO_2FA,
    NO_ROLE,
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

pytestmark = pytest.mark.django_db

CLERK = "DHR clerk (officer, DHR-cleared, with a code)"
FORM = re.compile(r"<form\b.*?</form>", re.I | re.S)
# What each kind of secret needs; a role sees a kind only if it has the permission the pages ask for.
MAY_SEE = {
    ANONYMOUS: set(),
    NO_ROLE: set(),
    roles.MEMBER: {"restricted", "bid"},  # sits on the committee; wrote the world's bids
    roles.OFFICER: {"restricted", "draft plan", "bid"},
    roles.CHAIR: {"restricted", "bid"},
    roles.DHR_CLEARED: {"restricted", "dhr"},
    CLEARED_NO_2FA: {"restricted"},
    roles.ADMIN: set(),
    "admin without 2FA": set(),
    roles.DPO: set(),  # the data protection officer, without a code here (its subject-access form offers people)
    CLERK: {"restricted", "dhr", "draft plan", "bid"},
}


@pytest.fixture
def form_world(objects, users, clients, make_user):
    """The matrix world with items on the held meeting that the minute and declaration forms could offer."""
    held = objects["held"]
    dhr_held = AgendaItemFactory(
        meeting=held, section="D", position=1, title="Kestrel review briefing", restriction_reason="dhr"
    )
    restricted_held = AgendaItemFactory(
        meeting=held, section="D", position=2, title="Prevent case conference", restriction_reason="prevent"
    )
    clerk = make_user(roles.OFFICER)
    clerk.groups.add(*roles_groups(roles.DHR_CLEARED))
    clients[CLERK] = Client()
    clients[CLERK].force_login(clerk)
    otp_verify(clients[CLERK], clerk)
    secrets = {
        "dhr": [
            objects["dhr_item"].title,
            "DHR case briefing",  # the DHR item's paper
            dhr_held.title,
            objects["dhr_case"].pseudonym,
            objects["dhr_recommendation"].text,
            "Heron review briefing",  # the DHR item of the signed minutes (the erratum form's minute choices)
        ],
        "restricted": [objects["restricted_item"].title, objects["restricted_paper"].subject, restricted_held.title],
        "draft plan": [objects["draft_extra"].objective],
        "bid": [objects["draft_bid"].title],
    }
    return {"dhr_held": dhr_held, "restricted_held": restricted_held, "clerk": clerk, "secrets": secrets}


def roles_groups(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def who_opens(route) -> list[str]:
    """The roles allowed on a route, and the DHR clerk wherever an officer or a cleared user may go."""
    allowed = sorted(route.who)
    if route.who & {roles.OFFICER, roles.DHR_CLEARED}:
        allowed.append(CLERK)
    return allowed


def test_no_form_offers_a_title_the_role_may_not_open(objects, clients, form_world, capsys):
    secrets = form_world["secrets"]
    problems, forms = [], 0
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        url = url_for(name, route, objects)
        for role in who_opens(route):
            response = clients[role].get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for form in FORM.findall(response.content.decode()):
                forms += 1
                for kind, titles in secrets.items():
                    if kind in MAY_SEE[role]:
                        continue
                    problems += [f"{url} as {role}: the form offers {kind} '{t}'" for t in titles if t in form]
    assert not problems, "\n".join(sorted(set(problems)))
    assert forms > 100
    with capsys.disabled():
        print(f"\nform choices: {forms} forms rendered as every role that may open them")


def test_the_clerk_is_offered_dhr_items_and_an_officer_is_not(objects, clients, form_world):
    held, dhr_title = objects["held"], form_world["dhr_held"].title
    for name in ("meetings:minute_create", "meetings:declaration_create"):
        url = reverse(name, args=[held.pk])
        assert dhr_title in clients[CLERK].get(url).content.decode()
        page = clients[roles.OFFICER].get(url).content.decode()
        assert dhr_title not in page and form_world["restricted_held"].title in page


def test_an_officer_posting_a_dhr_item_to_the_minute_form_is_refused_with_a_clear_error(
    objects,
    clients,
    form_world,
):
    held, dhr_item = objects["held"], form_world["dhr_held"]
    data = {"item": dhr_item.pk, "title": "Kestrel: panel report", "paragraphs": "Typed text kept."}
    before = Minute.objects.count()
    response = clients[roles.OFFICER].post(reverse("meetings:minute_create", args=[held.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and Minute.objects.count() == before
    assert "only by officers who are DHR-cleared" in page.replace("\n", " ") or ITEM_NOT_OFFERED[:40] in page
    assert "Kestrel: panel report" in page  # what was typed is kept
    declaration = {"person": objects["membership"].person_id, "item": dhr_item.pk, "interest": "Knows the family"}
    response = clients[roles.OFFICER].post(reverse("meetings:declaration_create", args=[held.pk]), declaration)
    assert response.status_code == 200 and not held.declarations.exists()


def test_the_dhr_clerk_writes_a_dhr_minute_and_reads_it_back(objects, clients, form_world):
    held, dhr_item = objects["held"], form_world["dhr_held"]
    data = {"item": dhr_item.pk, "title": "Kestrel: panel report", "text": "Agreed."}
    response = clients[CLERK].post(reverse("meetings:minute_create", args=[held.pk]), data)
    assert response.status_code == 302
    minute = Minute.objects.get(item=dhr_item)
    assert "Kestrel: panel report" in clients[CLERK].get(reverse("meetings:minutes", args=[held.pk])).content.decode()
    assert clients[CLERK].get(reverse("meetings:minute_edit", args=[minute.pk])).status_code == 200
    # Another officer still writes the meeting's other minutes, and cannot open this one.
    assert clients[roles.OFFICER].get(reverse("meetings:minute_edit", args=[minute.pk])).status_code == 404
    assert "Kestrel" not in clients[roles.OFFICER].get(reverse("meetings:minutes", args=[held.pk])).content.decode()

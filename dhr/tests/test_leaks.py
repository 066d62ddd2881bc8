"""Nothing of a case reaches the uncleared: public pages, feeds, exports, packs, search of the admin, e-mail."""

import io

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from dhr.services import overdue_digest_send
from kcsp import roles
from kcsp.testing import otp_verify
from meetings.models import Pack
from meetings.packbuild.service import pack_build
from meetings.tests.factories import committee_business

from .factories import SECRET_PSEUDONYM, dhr_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cleared = make_user(roles.DHR_CLEARED)
    business = committee_business(member_user=make_user(roles.MEMBER))
    return business | dhr_world(user=cleared, dhr_item=business["dhr_item"]) | {"cleared": cleared}


def pdf_text(pack: Pack) -> str:
    pack.refresh_from_db()
    with pack.file.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_packs_carry_the_update_paper_only_in_the_dhr_pack(world):
    meeting = world["published"]
    for kind in (Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED, Pack.Kind.DHR):
        pack_build(meeting=meeting, kind=kind)
    packs = {p.kind: " ".join(pdf_text(p).split()) for p in Pack.objects.filter(meeting=meeting)}
    assert "Domestic Homicide Review update" in packs[Pack.Kind.DHR]
    assert f"{SECRET_PSEUDONYM}/2023" in packs[Pack.Kind.DHR]
    assert "OVERDUE" in packs[Pack.Kind.DHR] and "Secret action" in packs[Pack.Kind.DHR]
    for kind in (Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED):
        assert SECRET_PSEUDONYM not in packs[kind]
        assert "Domestic Homicide Review update" not in packs[kind]


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.ADMIN, "cleared without 2FA"])
def test_public_pages_feeds_exports_and_the_admin_show_nothing_of_a_case(world, make_user, role):
    client = Client()
    if role:
        user = make_user(roles.DHR_CLEARED if role == "cleared without 2FA" else role)
        client.force_login(user)
        if role == roles.ADMIN:
            otp_verify(client, user)
    meeting = world["published"]
    urls = [
        "/",
        "/meetings/",
        "/meetings/meetings.ics",
        f"/meetings/{meeting.pk}/meeting.ics",
        meeting.get_absolute_url(),
        f"/meetings/{meeting.pk}/packs/",
        "/published-reviews/",
        "/agreement/",
    ]
    if role:
        urls.append("/account/")
    if role == roles.ADMIN:
        urls += ["/admin/", "/admin/kcsp/user/", "/admin/kcsp/organisation/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET_PSEUDONYM not in body, url
        assert "Secret" not in body, url
        assert "Reviews</a>" not in body.replace("Published Domestic Homicide Reviews</a>", ""), url
    assert client.get(f"/reviews/{world['dhr_case'].pk}/").status_code == 404


def test_the_public_list_shows_only_listed_published_cases_and_only_their_public_fields(world):
    client = Client()
    body = client.get("/published-reviews/").content.decode()
    assert "Listedname 2019" in body and "1 June 2021" in body
    assert "Never public" not in body and SECRET_PSEUDONYM not in body
    report = client.get(f"/published-reviews/{world['dhr_listed'].pk}/report.pdf")
    assert report.status_code == 200
    assert client.get(f"/published-reviews/{world['dhr_case'].pk}/report.pdf").status_code == 404


def test_the_weekly_digest_goes_to_cleared_users_only(world, make_user):
    make_user(roles.OFFICER)
    assert overdue_digest_send() == 1
    (message,) = mail.outbox
    assert message.to == [world["cleared"].email]
    assert f"{SECRET_PSEUDONYM}/2023" in message.body and "overdue" in message.body
    assert "Secret victim detail" not in message.body

"""A published meeting with small real packs (public, restricted, DHR) of four numbered pages, for the reader's
file tests: no demo load, one WeasyPrint render per test session."""

import functools
import io

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.test import Client
from pypdf import PdfReader

from kcsp import roles
from kcsp.testing import otp_verify
from meetings.models import Pack, Paper
from meetings.packbuild.manifest import contents_record, holding
from meetings.packbuild.stamp import stamp_pdf
from meetings.tests.factories import MembershipFactory, committee_business

MARK = "OFFICIAL-SENSITIVE"


@functools.cache
def four_pages() -> bytes:
    pages = "".join(f"<p style='break-after: page'>BODY-{n} of the pack</p>" for n in range(1, 5))
    return weasyprint.HTML(string=f"<html lang='en'><body>{pages}</body></html>").write_pdf()


def built(*, restricted: bool, labels=("1", "2", "3", "4")) -> bytes:
    """Four pages as a build leaves them: "Page N" at the foot; restricted ones marked, their top band kept free."""
    foot = (lambda n: (MARK, f"Page {labels[n - 1]}")) if restricted else (lambda n: ("", f"Page {labels[n - 1]}"))
    return stamp_pdf(four_pages(), top=(MARK, "") if restricted else None, bottom=foot)


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _pack(meeting, kind, things, *, restricted):
    pack, _ = Pack.objects.get_or_create(meeting=meeting, kind=kind)
    pack.status, pack.page_count = Pack.Status.READY, 4
    pack.file.save(f"{kind}.pdf", ContentFile(built(restricted=restricted)))
    contents_record(pack, [holding(thing) for thing in things])
    item_row = pack.contents.get(what="item")
    item_row.first_page, item_row.last_page = 2, 3  # the item's pages, as the build records them
    item_row.save()
    pack.refresh_from_db()
    return pack


def signed_in(user, *, verified=False) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        otp_verify(client, user)
    return client


@pytest.fixture
def reader_world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member, other, cleared = make_user(roles.MEMBER), make_user(roles.MEMBER), make_user(roles.DHR_CLEARED)
    business = committee_business(member_user=member)
    from kcsp.tests.factories import PersonFactory

    MembershipFactory(committee=business["committee"], person=PersonFactory(user=other, surname="Okonkwo"))
    meeting = business["published"]
    public_paper = Paper.objects.get(item=business["public_item"])
    dhr_paper = Paper.objects.get(item=business["dhr_item"])
    packs = {
        "public": _pack(meeting, "public", [business["public_item"], public_paper], restricted=False),
        "restricted": _pack(
            meeting, "restricted", [business["restricted_item"], business["restricted_paper"]], restricted=True
        ),
        "dhr": _pack(meeting, "dhr", [business["dhr_item"], dhr_paper], restricted=True),
    }
    return {
        **business,
        "meeting": meeting,
        "packs": packs,
        "users": {"member": member, "other": other, "cleared": cleared},
        "clients": {
            "member": signed_in(member),
            "other": signed_in(other),
            "cleared": signed_in(cleared, verified=True),
        },
    }


def url(world, kind, what="reader.pdf") -> str:
    return f"/meetings/{world['meeting'].pk}/packs/{kind}/{what}"

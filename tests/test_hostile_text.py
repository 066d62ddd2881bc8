"""Text people type is shown as text: a <script> tag or an onerror= handler never becomes markup on a
page or in a PDF (nothing in the app accepts markup, so everything is escaped; nh3 would sanitise any
field that did)."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from agreement.models import PlanItem, ProgressUpdate
from agreement.services import version_pdf_build
from agreement.tests.factories import agreement_world
from kcsp import roles
from meetings.minutetext import Style, minute_blocks
from meetings.models import Meeting, Minute, PaperSection
from meetings.packbuild.parts import RenderStats
from meetings.packbuild.service import _minutes_part, _paper_part
from meetings.tests.factories import committee_business

SCRIPT = "<script>alert('pwned')</script>"
HANDLER = '<img src="http://169.254.169.254/x" onerror="alert(1)">'
HOSTILE = f"Before {SCRIPT} middle {HANDLER} after"
AS_MARKUP = re.compile(r"<script>alert|<img[^>]*onerror", re.I)
PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/SubmitForm", b"/URI")


@pytest.fixture
def world(db, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    business = committee_business(member_user=make_user(roles.MEMBER))
    plan = agreement_world()
    item, paper = business["public_item"], business["written_paper"]
    item.description = HOSTILE
    item.save()
    paper.summary, paper.contact, paper.recommendations = HOSTILE, HOSTILE, HOSTILE
    paper.save()
    PaperSection.objects.filter(pk=business["section"].pk).update(heading=HOSTILE, body=f"{HOSTILE}\n\n{HOSTILE}")
    blocks = minute_blocks(f"{HOSTILE}\n\nRESOLVED that {HOSTILE}\na) {HOSTILE}", Style())
    Minute.objects.filter(pk=business["minute"].pk).update(title=HOSTILE, text=HOSTILE, blocks=blocks)
    Meeting.objects.filter(pk=business["held"].pk).update(status=Meeting.Status.MINUTES_APPROVED)
    PlanItem.objects.filter(version=plan["published_version"]).update(objective=HOSTILE, actions=HOSTILE)
    ProgressUpdate.objects.create(
        plan=plan["plan"],
        item_key=plan["published_item"].key,
        year=2022,
        quarter=1,
        status="green",
        narrative=HOSTILE,
        created_by=make_user(roles.OFFICER),
    )
    return {**business, **plan}


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pages_show_hostile_text_escaped(world):
    client = Client()
    client.force_login(world["minute"].meeting.committee.memberships.first().person.user)
    pages = [
        f"/meetings/{world['published'].pk}/",
        f"/meetings/items/{world['public_item'].pk}/",
        f"/meetings/papers/{world['written_paper'].pk}/",
        f"/meetings/{world['held'].pk}/minutes/",
        f"/agreement/versions/{world['published_version'].pk}/",
        f"/agreement/items/{world['published_item'].pk}/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not AS_MARKUP.search(html), url
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html, f"{url} shows the text as typed"


def test_pdfs_carry_hostile_text_as_text_with_no_active_content(world):
    stats = RenderStats()
    pdfs = {
        "paper": _paper_part(world["written_paper"], stats),
        "minutes": _minutes_part(world["held"], stats),
        "action plan": version_pdf_build(version=world["published_version"]).pdf.read(),
    }
    for name, data in pdfs.items():
        text = " ".join(pdf_text(data).split())
        assert "Before" in text and "after" in text, name
        assert "<script>alert('pwned')</script>" in text, f"{name}: typed text kept, as text"
        assert not any(marker in data for marker in PDF_ACTIVE), f"{name}: no script, launch or link actions"
        assert b"169.254.169.254" not in data.replace(b"http://169.254.169.254/x", b""), name


# A written section's body is markup (kcsp/markup.py): hostile text wrapped in it stays text, links keep only
# safe addresses, and neither the page nor the pack PDF carries anything active.
MARKUP_HOSTILE = "\n\n".join(
    [
        "Before [click me](javascript:alert('pwned')) and [also](JAVASCRIPT:alert(2)) after",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <data:text/html,x>",
        f"**{SCRIPT}** and *{HANDLER}*",
        f"# {SCRIPT}",
        f"- {HANDLER}\n  - [**{SCRIPT}**](vbscript:msgbox)",
        f"| {SCRIPT} | b |\n|---|---|\n| {HANDLER} | ![x](data:image/png;base64,AAAA) |",
        "<a href='javascript:alert(3)'>link</a> <svg onload=alert(4)> &lt;script&gt;",
    ]
)
ACTIVE_MARKUP = re.compile(r"<script|<img|<svg|<iframe|\son\w+=|href=\"(?!https?:|mailto:)|src=", re.I)


def test_hostile_text_in_a_sections_markup_never_becomes_markup_on_the_page_or_in_the_pdf(world):
    PaperSection.objects.filter(pk=world["section"].pk).update(heading="Markup", body=MARKUP_HOSTILE)
    client = Client()
    client.force_login(world["minute"].meeting.committee.memberships.first().person.user)
    html = client.get(f"/meetings/papers/{world['written_paper'].pk}/").content.decode()
    body = html.split('<h2 class="govuk-heading-m">1.0 Markup</h2>')[1].split("<h2")[0]
    tags = re.findall(r"<[a-zA-Z][^>]*>", body)
    assert tags and not [tag for tag in tags if ACTIVE_MARKUP.search(tag)], body
    assert "click me" in body and "&lt;script&gt;alert('pwned')&lt;/script&gt;" in body
    assert "<strong>&lt;script&gt;" in body and '<h3 class="govuk-heading-s">&lt;script&gt;' in body

    data = _paper_part(world["written_paper"], RenderStats())
    text = " ".join(pdf_text(data).split())
    assert "<script>alert('pwned')</script>" in text and "click me" in text
    assert not any(marker in data for marker in PDF_ACTIVE), "no script, launch or link actions, no address"
    assert b"169.254.169.254" not in data

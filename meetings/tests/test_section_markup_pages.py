"""A written paper's section on the page: markup rendered with the numbering kept, the form's preview (with and
without the script's endpoint), and who may use the preview endpoint."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kcsp import roles
from meetings.models import PaperSection
from meetings.section_forms import BODY_MAX_CHARS
from meetings.tests.factories import committee_business

pytestmark = pytest.mark.django_db

BODY = """Intro paragraph.

# Funding

- first *point*
- second

| Project | Amount |
|---|---:|
| Safer streets | £4,500 |

Closing with [a link](https://www.gov.uk) and [a trap](javascript:alert(1)).
<script>alert(1)</script>"""


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    business = committee_business(member_user=make_user(roles.MEMBER))
    PaperSection.objects.filter(pk=business["section"].pk).update(body=BODY)
    return business


def test_the_paper_page_shows_headings_lists_and_tables_with_the_paragraph_numbers(world, client):
    client.force_login(world["membership"].person.user)
    html = client.get(reverse("meetings:paper_detail", args=[world["written_paper"].pk])).content.decode()
    assert '<p class="govuk-body"><span class="govuk-!-font-weight-bold">1.1</span> Intro paragraph.</p>' in html
    assert '<h3 class="govuk-heading-s">Funding</h3>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html and "<em>point</em>" in html
    assert re.search(
        r'<div class="kcsp-table-scroll" role="region" aria-label="Table in section 1" tabindex="0">\s*'
        r'<table class="govuk-table">',
        html,
    )
    assert '<span class="govuk-!-font-weight-bold">1.2</span> Closing with <a href="https://www.gov.uk"' in html
    assert 'href="javascript' not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_section_form_has_the_guide_and_previews_without_saving(world, make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    section = world["section"]
    url = reverse("meetings:section_edit", args=[section.pk])
    page = client.get(url).content.decode()
    assert "How to write headings, lists, tables and links" in page and "govuk-details" in page
    assert "data-markup-source" in page and reverse("meetings:section_preview") in page
    assert 'src="/static/kcsp/markup.js"' in page
    back = reverse("meetings:paper_detail", args=[section.paper_id])
    assert f'<a href="{back}" class="govuk-back-link">Back</a>' in page
    form = re.search(r'name="record_version" value="([^"]*)"', page)
    data = {"heading": "Background", "body": "New text\n\n- a list", "preview": "Preview"}
    if form:
        data["record_version"] = form.group(1)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="govuk-!-font-weight-bold">1.1</span> New text' in html and "<li>a list</li>" in html
    assert "New text" in html.split("<textarea")[1], "what was typed is kept in the form"
    section.refresh_from_db()
    assert section.body == BODY, "a preview saves nothing"


def test_the_preview_endpoint_renders_with_the_same_renderer_for_officers_only(world, make_user):
    url = reverse("meetings:section_preview")
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(make_user(roles.OFFICER))
    page = officer.get(reverse("meetings:section_edit", args=[world["section"].pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = officer.post(url, {"body": BODY, "position": "4"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    fragment = response.content.decode()
    assert '<span class="govuk-!-font-weight-bold">4.1</span> Intro paragraph.' in fragment
    assert '<th class="govuk-table__header" scope="col">Project</th>' in fragment
    assert 'href="javascript' not in fragment and "<script>" not in fragment

    assert officer.post(url, {"body": "x"}).status_code == 403, "no CSRF token, no preview"
    too_long = officer.post(url, {"body": "x" * (BODY_MAX_CHARS + 1)}, HTTP_X_CSRFTOKEN=token)
    assert too_long.status_code == 400 and "at most 100,000 characters" in too_long.content.decode()
    assert officer.get(url).status_code == 405

    for role in (roles.MEMBER, roles.CHAIR):
        other = Client()
        other.force_login(make_user(role))
        assert other.post(url, {"body": BODY}).status_code == 403, role
    anonymous = Client().post(url, {"body": BODY})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_section_too_long_is_refused_naming_the_rule_and_keeps_the_text(world, make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    response = client.post(
        reverse("meetings:section_create", args=[world["written_paper"].pk]),
        {"heading": "Long", "body": "y" * (BODY_MAX_CHARS + 1)},
    )
    assert response.status_code == 200
    assert "A section can be at most 100,000 characters" in response.content.decode()
    assert not PaperSection.objects.filter(heading="Long").exists()
